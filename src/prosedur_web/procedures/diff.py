"""Diff and redline of two revisions: document fields as word-level text diffs, steps matched by id.

The result is plain data — segments `(op, text)` with op "eq", "ins" or "del" — and the template
writes `<ins>`/`<del>` around autoescaped text, so no user text is ever marked safe.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from prosedur.errors import SourceError
from prosedur.model import Procedure as ProcModel
from prosedur.model import Step
from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.common.views import require

from .models import Procedure, Revision, RevisionStatus

Segment = tuple[str, str]
_TOKEN = re.compile(r"\s+|[^\s\w]|\w+")


def text_diff(old: str, new: str) -> list[Segment]:
    """Word-level diff: equal runs, deletions and insertions in reading order."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("eq", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", "".join(b[j1:j2])))
    return out


@dataclass
class FieldDiff:
    key: str  # label key
    segments: list[Segment]


@dataclass
class StepDiff:
    step_id: str
    state: str  # added, removed, changed, moved, same
    number_a: int | None
    number_b: int | None
    fields: list[FieldDiff] = field(default_factory=list)


@dataclass
class Redline:
    fields: list[FieldDiff]
    steps: list[StepDiff]

    @property
    def empty(self) -> bool:
        return not self.fields and not any(s.state != "same" for s in self.steps)


def _lines(values: list[str]) -> str:
    return "\n".join(values)


def document_texts(proc: ProcModel) -> list[tuple[str, str]]:
    """(label key, text) of each document field, in document order."""
    return [
        ("title", proc.title),
        ("title_en", proc.title_en or ""),
        ("purpose", proc.purpose),
        ("scope_includes", _lines(proc.scope.includes)),
        ("scope_excludes", _lines(proc.scope.excludes)),
        ("definitions", _lines([f"{d.term}: {d.meaning}" for d in proc.definitions])),
        ("references", _lines([" | ".join(x for x in (str(r.kind), r.id, r.title, r.clause) if x)
                               for r in proc.references])),
        ("legal_basis", _lines(proc.legal_basis)),
        ("clauses", ", ".join(proc.clauses)),
        ("roles", _lines([f"{r.id}: " + "; ".join(r.responsibilities + r.authorities) for r in proc.roles])),
        ("provisions", _lines(proc.provisions)),
        ("inputs", _lines(proc.inputs)),
        ("outputs", _lines(proc.outputs)),
        ("warnings", _lines(proc.warnings)),
        ("records", _lines([" | ".join(x for x in (r.id, r.name, r.storage, r.retention) if x)
                            for r in proc.records])),
        ("measurements", _lines([" | ".join(x for x in (m.name, m.method, m.target, m.frequency) if x)
                                 for m in proc.measurements])),
        ("change_history", _lines([f"{h.revision} | {h.date} | {h.change}" for h in proc.history])),
    ]


def step_texts(step: Step) -> list[tuple[str, str]]:
    return [
        ("kind", str(step.kind)),
        ("actor", step.actor or ""),
        ("activity", step.do),
        ("requirements", "; ".join(step.requirements)),
        ("time", step.time or ""),
        ("output", step.output or ""),
        ("records", ", ".join(step.records)),
        ("exits", "; ".join(f"{e.label} → {e.to}" for e in step.exits)),
    ]


def _changed(pairs_a: list[tuple[str, str]], pairs_b: list[tuple[str, str]]) -> list[FieldDiff]:
    return [FieldDiff(key, text_diff(a, b)) for (key, a), (_k, b) in zip(pairs_a, pairs_b, strict=True) if a != b]


def redline(old: ProcModel, new: ProcModel) -> Redline:
    """What changed from `old` to `new`."""
    fields = _changed(document_texts(old), document_texts(new))
    old_steps = {s.id: (i + 1, s) for i, s in enumerate(old.steps)}
    new_ids = {s.id for s in new.steps}
    steps: list[StepDiff] = []
    for j, step in enumerate(new.steps, start=1):
        if step.id not in old_steps:
            steps.append(StepDiff(step.id, "added", None, j, [FieldDiff(k, [("ins", v)])
                                                              for k, v in step_texts(step) if v]))
            continue
        i, before = old_steps[step.id]
        changes = _changed(step_texts(before), step_texts(step))
        state = "changed" if changes else "moved" if _moved(old, new, step.id) else "same"
        steps.append(StepDiff(step.id, state, i, j, changes))
    for step_id, (i, before) in old_steps.items():
        if step_id not in new_ids:
            diff = StepDiff(step_id, "removed", i, None, [FieldDiff(k, [("del", v)])
                                                          for k, v in step_texts(before) if v])
            at = next((n for n, s in enumerate(steps) if s.number_a is not None and s.number_a > i), len(steps))
            steps.insert(at, diff)
    return Redline(fields, steps)


def _moved(old: ProcModel, new: ProcModel, step_id: str) -> bool:
    """A step moved when its neighbours in flow order changed (not merely its number)."""
    common = [s.id for s in old.steps if new.step(s.id) is not None]
    order = [s.id for s in new.steps if old.step(s.id) is not None]
    return common.index(step_id) != order.index(step_id)


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
