"""Diff and redline pages: the web layer over `prosedur.redline`, which compares every field.

The comparison is pure and lives in the core; here are the views, the active language, and the
source-text helpers other code calls (`redline_sources` for a refused signature). The result is plain
data — segments `(op, text)` with op "eq", "ins" or "del" — and the template writes `<ins>`/`<del>`
around autoescaped text, so no user text is ever marked safe.
"""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from prosedur.errors import SourceError
from prosedur.model import Procedure as ProcModel
from prosedur.redline import FieldDiff, Redline, Segment, StepDiff, text_diff
from prosedur.redline import redline as _redline
from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.common.views import require

from .models import Procedure, Revision, RevisionStatus

__all__ = ["FieldDiff", "Redline", "Segment", "StepDiff", "procedure_redline", "redline", "redline_sources",
           "revision_diff", "source_merge_lines", "text_diff"]


def _lang(lang: str | None) -> str:
    return (lang or translation.get_language() or "id")[:2]


def redline(old: ProcModel, new: ProcModel, lang: str | None = None) -> Redline:
    """Every field that differs from `old` to `new` (`prosedur.redline`), labelled in `lang`
    (default: the active language)."""
    return _redline(old, new, _lang(lang))


def redline_sources(old_yaml: str, new_yaml: str, lang: str | None = None) -> Redline:
    """The redline between two YAML source texts, e.g. the revision the approver opened and the one
    now stored. Raises `prosedur.errors.SourceError` when either text cannot be read."""
    return redline(core.parse_source(old_yaml, "<lama>"), core.parse_source(new_yaml, "<baru>"), lang)


# -- views -----------------------------------------------------------------------------------------
def _parse(rev: Revision) -> ProcModel | None:
    try:
        return core.parse_source(rev.yaml_source, rev.procedure.number)
    except SourceError:
        return None


def _render(request: HttpRequest, procedure: Procedure, a: Revision | None, b: Revision,
            title_key: str) -> HttpResponse:
    visible = [r for r in procedure.revisions.order_by("number") if roles.can_view_revision(request.user, r)]
    context: dict[str, Any] = {"procedure": procedure, "a": a, "b": b, "revisions": visible,
                               "title_key": title_key}
    if a is not None:
        old, new = _parse(a), _parse(b)
        context["unreadable"] = old is None or new is None
        if old is not None and new is not None:
            context["redline"] = redline(old, new)
    return render(request, "procedures/editor_redline.html", context)


@login_required
def revision_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """A revision against the last effective one (for the reviewer); an effective one against its predecessor."""
    rev = get_object_or_404(Revision.objects.select_related("procedure__owner_unit"), pk=pk)
    require(roles.can_view_revision(request.user, rev))
    base = (rev.procedure.revisions.filter(status=RevisionStatus.EFFECTIVE).exclude(pk=rev.pk).first()
            or rev.procedure.revisions.filter(number__lt=rev.number).order_by("-number").first())
    if base is not None:
        require(roles.can_view_revision(request.user, base))
    return _render(request, rev.procedure, base, rev, "diff_against")


@login_required
def procedure_redline(request: HttpRequest, pk: int) -> HttpResponse:
    """Any two revisions side by side: `?a=0&b=1` (revision numbers)."""
    procedure = get_object_or_404(Procedure.objects.select_related("owner_unit"), pk=pk)
    require(roles.can_view_procedure(request.user, procedure))
    visible = [r for r in procedure.revisions.order_by("number") if roles.can_view_revision(request.user, r)]
    by_number = {r.number: r for r in visible}

    def pick(name: str, default: Revision | None) -> Revision | None:
        raw = request.GET.get(name, "")
        if raw.isdigit():
            if int(raw) not in by_number:  # missing, or not visible to this user
                require(not procedure.revisions.filter(number=int(raw)).exists())
            return by_number.get(int(raw), default)
        return default

    b = pick("b", visible[-1] if visible else None)
    a = pick("a", visible[-2] if len(visible) > 1 else None)
    if b is None:
        require(False)
    assert b is not None
    return _render(request, procedure, a, b, "redline_title")


def source_merge_lines(theirs: str, mine: str) -> list[tuple[str, str]]:
    """(kind, line) of a unified diff from the saved source to the user's: 'del' lines are only in
    the saved version (someone else's), 'ins' only in the user's, 'ctx' in both, 'hunk' a header."""
    out: list[tuple[str, str]] = []
    for line in difflib.unified_diff(theirs.splitlines(), mine.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = "hunk" if line.startswith("@@") else "ins" if line.startswith("+") else \
            "del" if line.startswith("-") else "ctx"
        out.append((kind, line))
    return out
