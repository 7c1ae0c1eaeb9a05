"""Read queries for procedures and revisions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from prosedur.model import Library
from prosedur.model import Procedure as ProcModel
from prosedur_web import services as core
from prosedur_web.accounts.roles import can_view_revision

from .models import LibrarySource, Procedure, Revision, RevisionStatus


def procedure_list(*, query: str = "", status: str = "", unit: str = "") -> QuerySet[Procedure]:
    """The master list (Daftar Induk Dokumen): each procedure with its revisions, filtered."""
    qs = Procedure.objects.select_related("owner_unit").prefetch_related(
        Prefetch("revisions", queryset=Revision.objects.order_by("-number"))
    )
    if query:
        from prosedur_web.search.services import matching_procedure_ids  # full text of current revisions

        qs = qs.filter(Q(number__icontains=query) | Q(title__icontains=query) | Q(title_en__icontains=query)
                       | Q(pk__in=matching_procedure_ids(query)))
    if unit:
        qs = qs.filter(owner_unit__code=unit)
    if status:
        qs = qs.filter(revisions__status=status).distinct()
    return qs.order_by("sort_key", "number")


def master_row(procedure: Procedure, user: Any) -> dict[str, Any]:
    """The revision a reader sees in the list: the effective one, else the newest visible to the user."""
    revisions = list(procedure.revisions.all())
    effective = next((r for r in revisions if r.status == RevisionStatus.EFFECTIVE), None)
    latest_visible = next((r for r in revisions if can_view_revision(user, r)), None)
    shown = effective or latest_visible
    in_progress = next(
        (r for r in revisions if r.status in ("draft", "in_review", "approved") and can_view_revision(user, r)),
        None,
    )
    return {"procedure": procedure, "revision": shown, "in_progress": in_progress}


def visible_rows(procedures: Iterable[Procedure], user: Any, *, status: str = "") -> list[dict[str, Any]]:
    """The master-list rows `user` may see: a procedure whose every revision is unpublished and not the
    user's to work on is left out (its number and title are not public yet), and a status filter only
    matches revisions the user may read (`?status=draft` must not reveal other units' drafts)."""
    rows = []
    for procedure in procedures:
        row = master_row(procedure, user)
        if row["revision"] is None:
            continue
        if status and not any(r.status == status and can_view_revision(user, r) for r in procedure.revisions.all()):
            continue
        rows.append(row)
    return rows


def effective_revision(procedure: Procedure) -> Revision | None:
    return procedure.revisions.filter(status=RevisionStatus.EFFECTIVE).first()


def library_source_text() -> str | None:
    src = LibrarySource.objects.order_by("-pk").first()
    return src.yaml_source if src else None


@lru_cache(maxsize=1024)
def _parsed(yaml_source: str, number: str) -> ProcModel | None:
    """Effective sources never change, so each is parsed once per process (keyed by its text):
    parsing every other procedure on every page view cost ~70% of a procedure page."""
    try:
        return core.parse_source(yaml_source, number)
    except Exception:  # noqa: BLE001 - a stored source that no longer parses is skipped
        return None


def library_with(proc: ProcModel, *, exclude_number: str | None = None) -> Library:
    """A core Library holding the stored library info, every effective procedure and `proc`."""
    info = core.library_info(library_source_text())
    others: list[ProcModel] = []
    for rev in Revision.objects.filter(status=RevisionStatus.EFFECTIVE).select_related("procedure"):
        if rev.procedure.number == (exclude_number or proc.number):
            continue
        parsed = _parsed(rev.yaml_source, rev.procedure.number)
        if parsed is not None:
            others.append(parsed)
    return core.library_for(info, [*others, proc])


def library_fingerprint() -> str:
    """What a rendered document depends on besides its own source: the library file and which
    revisions are in force (cross-references, role and unit names). Two small queries, so a cached
    page need not parse or assemble the library to know its cache entry is still right."""
    digest = hashlib.sha256(str(settings.PROSEDUR_LIBRARY).encode())
    src = LibrarySource.objects.order_by("-pk").values_list("pk", "yaml_source").first()
    if src is not None:
        digest.update(f"|{src[0]}|".encode())
        digest.update(src[1].encode())
    for pk, content_hash in (Revision.objects.filter(status=RevisionStatus.EFFECTIVE)
                             .order_by("pk").values_list("pk", "content_hash")):
        digest.update(f"|{pk}:{content_hash}".encode())
    return digest.hexdigest()
