"""The structured editor of a draft: the whole record an author writes, as form fields and rows.

Sections: this revision's change-history row (what changed, why; earlier rows read-only), title,
purpose and scope, definitions and references, provisions, resources, parameters, roles, steps (with
why/when/where/how), records and forms, measurements, attachments. The approval block and the dates
the lifecycle fills at signing are not offered.

Every edit is an htmx POST: a changed field saves the draft (`revision_editor_save`) and answers
with the save status, the new `version` and the preview; add/delete/move answers with the whole
form re-rendered. Typing asks `revision_editor_preview`, which parses the form without saving and
returns lint findings and the flowchart. A stale `version` is refused with HTTP 409 and a message,
and the form keeps what the author typed. A refused edit names each problem in words, with the
form field it belongs to (`editor.js` puts the message next to that field).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from prosedur.errors import SourceError
from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.common.client import client_ip
from prosedur_web.common.errors import ActionRefused, StaleRevision
from prosedur_web.common.views import lang_of, require

from . import editing
from .models import Revision


def _revision(pk: int) -> Revision:
    return get_object_or_404(Revision.objects.select_related("procedure__owner_unit"), pk=pk)


def _form_context(rev: Revision, lang: str) -> dict[str, Any]:
    """What the form needs: the parsed draft, role choices, step ids for exits."""
    context: dict[str, Any] = {"revision": rev, "procedure": rev.procedure, "version": rev.version}
    try:
        proc = core.parse_source(rev.yaml_source, rev.procedure.number)
    except SourceError as exc:
        context["source_problems"] = [p.text(lang) for p in exc.problems]
        return context
    library_roles = editing.library_roles(lang)
    names = dict(library_roles)
    used = [r.id for r in proc.roles]
    own = editing.own_change_index(proc.history, proc.revision)
    context.update({
        "proc": proc,
        "text": {key: "\n".join(_walk(proc, path)) for key, path in editing.TEXT_LISTS.items()},
        "definitions_text": "\n".join(f"{d.term}: {d.meaning}" for d in proc.definitions),
        "own_change": proc.history[own] if own is not None else None,
        "earlier_changes": [h for i, h in enumerate(proc.history) if i != own],
        "param_rows": list(proc.parameters.items()),
        "param_code": "{{id}}",
        "reference_kinds": editing.REFERENCE_KINDS,
        "role_rows": [(r, r.name or names.get(r.id, r.id), "\n".join(r.responsibilities), "\n".join(r.authorities))
                      for r in proc.roles],
        "actor_choices": [(rid, _role_name(proc, names, rid)) for rid in _actors(proc)],
        "new_role_choices": [(rid, name) for rid, name in library_roles if rid not in used],
        "step_rows": [(s, _exit_rows(s), "\n".join(s.requirements), "\n".join(s.records),
                       any(getattr(s, k) for k in editing.STEP_DETAILS)) for s in proc.steps],
        "step_ids": [s.id for s in proc.steps],
        "step_kinds": editing.STEP_KINDS,
    })
    preview = editing.preview(proc, [], lang)
    context["preview"] = preview
    return context


def _actors(proc: Any) -> list[str]:
    """Role ids a step, record or measurement may name: the procedure's roles, then any other id
    already used (so a select never silently drops a value it does not list)."""
    ids = dict.fromkeys(r.id for r in proc.roles)
    for value in [a for s in proc.steps for a in s.actors] + [r.owner for r in proc.records] + \
            [m.owner for m in proc.measurements]:
        if value:
            ids.setdefault(value)
    return list(ids)


def _role_name(proc: Any, names: dict[str, str], role_id: str) -> str:
    local = next((r.name for r in proc.roles if r.id == role_id and r.name), None)
    return local or names.get(role_id, role_id)


def _walk(proc: Any, path: tuple[str, ...]) -> list[str]:
    value: Any = proc
    for part in path:
        value = getattr(value, part)
    return list(value)


def _exit_rows(step: Any) -> list[Any] | None:
    """Exits to show: a decision's (with one blank row to add another), none for other steps."""
    if str(step.kind) != "decision" and not step.exits:
        return None
    rows: list[Any] = list(step.exits)
    if len(rows) < editing.MAX_EXITS:
        rows.append(None)
    return rows


@login_required
def revision_editor(request: HttpRequest, pk: int) -> HttpResponse:
    rev = _revision(pk)
    require(roles.can_edit_revision(request.user, rev))
    from prosedur_web.sopimport.views import editor_origin

    context = _form_context(rev, lang_of(request))
    context["origin"] = editor_origin(rev, lang_of(request))  # an imported draft: its original beside it
    return render(request, "procedures/editor_page.html", context)


def _base_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("base_version", ""))
    except ValueError:
        return -1


@login_required
@require_POST
def revision_editor_save(request: HttpRequest, pk: int) -> HttpResponse:
    rev = _revision(pk)
    require(roles.can_edit_revision(request.user, rev))
    lang = lang_of(request)
    structural = bool(request.POST.get("op"))
    problems: list[editing.FieldProblem] = []
    try:
        rev = editing.revision_save_form(revision=rev, user=request.user,  # type: ignore[arg-type]
                                         post=request.POST, base_version=_base_version(request),
                                         ip=client_ip(request), lang=lang)
    except StaleRevision:
        response = render(request, "procedures/htmx/editor_status.html", {"stale": True}, status=409)
        return _retarget(response)
    except editing.FormInvalid as exc:
        problems = exc.problems
    except SourceError as exc:  # the stored source itself is broken: the source view shows where
        problems = [editing.FieldProblem("", "", p.text(lang)) for p in exc.problems]
    except ActionRefused as exc:
        problems = [editing.FieldProblem("", "", m) for m in exc.messages(lang)]
    if problems:
        response = render(request, "procedures/htmx/editor_status.html", {"problems": problems}, status=400)
        return _retarget(response)
    if not request.htmx:
        return redirect("procedures:revision_editor", pk=rev.pk)
    if structural:
        return render(request, "procedures/htmx/editor_form.html", _form_context(rev, lang))
    proc = core.parse_source(rev.yaml_source, rev.procedure.number)  # it was just saved, so it parses
    return render(request, "procedures/htmx/editor_status.html",
                  {"saved": True, "version": rev.version, "preview": editing.preview(proc, [], lang)})


def _retarget(response: HttpResponse) -> HttpResponse:
    """Errors go to the status line, never over the form: what the author typed stays."""
    response.headers["HX-Retarget"] = "#editor-status"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


@login_required
@require_POST
def revision_editor_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Parse the form as it is now, without saving: lint findings and flowchart."""
    rev = _revision(pk)
    require(roles.can_edit_revision(request.user, rev))
    lang = lang_of(request)
    try:
        edited = editing.edit_text(rev, request.POST, lang)
    except SourceError as exc:  # the stored source itself is broken
        return render(request, "procedures/htmx/editor_preview.html",
                      {"preview": editing.Preview([editing.FieldProblem("", "", p.text(lang))
                                                   for p in exc.problems], [], None)})
    return render(request, "procedures/htmx/editor_preview.html",
                  {"preview": editing.preview(edited.proc, edited.problems, lang)})
