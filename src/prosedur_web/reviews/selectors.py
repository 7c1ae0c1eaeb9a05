"""Read queries for reviews."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from prosedur.errors import SourceError
from prosedur_web import services as core
from prosedur_web.common.labels import label
from prosedur_web.procedures.models import Revision
from prosedur_web.reviews.models import Comment


def involved_units(revision: Revision) -> list[Any]:
    """The parties involved in a procedure: the owner unit and the units above it, and every unit whose
    roles act in it (the core's distribution units, `distribution.services.distribution_codes`)."""
    from prosedur_web.accounts.models import Unit
    from prosedur_web.distribution.services import distribution_codes

    owner = revision.procedure.owner_unit
    chain = owner.ancestors_and_self()
    acting = [u for u in Unit.objects.filter(code__in=distribution_codes(revision)) if u not in chain]
    return [*chain, *sorted(acting, key=lambda u: u.name)]


def reviewer_candidates(revision: Revision, *, exclude: Any = None) -> QuerySet[Any]:
    """Active reviewers of the involved units: whom the author may ask (SubmitForm, revision_submit)."""
    from prosedur_web.accounts.models import User
    from prosedur_web.accounts.roles import Role

    qs = User.objects.filter(groups__name=Role.REVIEWER.value, is_active=True,
                             unit__in=involved_units(revision)).select_related("unit")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.distinct().order_by("full_name", "username")


SECTIONS = ["purpose", "scope", "definitions", "references", "roles", "provisions", "steps", "records"]


def comment_anchors(revision: Revision, lang: str = "id") -> list[tuple[str, str]]:
    """Where a comment can point: a document section, or one step ("3. Membuat akun email …")."""
    out = [("", label("anchor_general", lang))] + [(f"s-{key}", label(key, lang)) for key in SECTIONS]
    try:
        proc = core.parse_source(revision.yaml_source)
    except SourceError:
        return out
    for number, step in enumerate(proc.steps, start=1):
        text = core.substitute(step.do, proc) or step.id
        out.append((f"step-{step.id}", f"{number}. {text[:60]}"))
    return out


def comments_of(revision: Revision, lang: str = "id") -> list[Comment]:
    """The revision's comment threads, each with `anchor_text`: where it points, in words ("3. Membuat
    akun …"), never the anchor id; a step deleted since then is "langkah yang sudah dihapus"."""
    names = dict(comment_anchors(revision, lang))
    threads = list(Comment.objects.filter(revision=revision, parent__isnull=True)
                   .select_related("author").prefetch_related("replies__author"))
    for c in threads:
        c.anchor_text = names.get(c.anchor) or (label("anchor_gone", lang) if c.anchor else "")  # type: ignore[attr-defined]
    return threads
