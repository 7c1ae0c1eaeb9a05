"""The wizard "Prosedur untuk layanan baru": basics, roles, first steps -> a revision 0 draft.

Three plain POST steps; the answers so far live in the session (nothing is stored until the last
step). The draft itself is written by the core (`prosedur.scaffold`, the same as `prosedur new`),
gets the next free number, and opens in the structured editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from prosedur.model import ID_PATTERN
from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.accounts.models import Unit, User
from prosedur_web.audit.models import AuditEntry
from prosedur_web.audit.services import audit_append
from prosedur_web.common.client import client_ip
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label
from prosedur_web.common.views import lang_of, require

from . import selectors
from .models import LibrarySource, Procedure, Revision, RevisionStatus
from .services import _sort_key

SESSION_KEY = "prosedur_wizard"
ROWS = 6
MAX_ROWS = 30
MAX_LOCAL_ROLES = 20
LOCAL_ROLE = re.compile(r"^\s*([^=]+?)\s*=\s*(.+?)\s*$")


# -- service -----------------------------------------------------------------------------------------
def used_numbers() -> set[str]:
    """Every number that exists or existed: procedure rows (never deleted while they have revisions,
    obsolete ones included) and numbers the audit trail recorded as created."""
    numbers = set(Procedure.objects.values_list("number", flat=True))
    for data in AuditEntry.objects.filter(action="procedure_create").values_list("data", flat=True):
        if isinstance(data, dict) and isinstance(data.get("number"), str):
            numbers.add(data["number"])
    return numbers


def proposed_number() -> str | None:
    text = selectors.library_source_text()
    if text is None:
        return None
    return str(core.next_free_number(core.library_info(text).numbering.procedure, used_numbers()))


def procedure_create(*, user: User, title: str, purpose: str, owner_unit: Unit, local_roles: dict[str, str],
                     library_roles: list[str], steps: list[Any], ip: str = "") -> Revision:
    """A new Procedure with its revision 0 draft, numbered with the next free number.

    Raises `ActionRefused` (permission, no library) or `core.ScaffoldError` (answers that cannot make
    a draft). Two wizards finishing at once: the library row is locked while the number is chosen,
    and a unique-number clash (a database without row locks) is retried with the next number.
    """
    if not roles.can_create_procedure(user, owner_unit):
        raise ActionRefused.of("forbidden")
    for _attempt in range(3):
        try:
            return _create(user=user, title=title, purpose=purpose, owner_unit=owner_unit, local_roles=local_roles,
                           library_roles=library_roles, steps=steps, ip=ip)
        except IntegrityError:
            continue
    raise ActionRefused.of("forbidden")  # pragma: no cover - three clashes in a row


@transaction.atomic
def _create(*, user: User, title: str, purpose: str, owner_unit: Unit, local_roles: dict[str, str],
            library_roles: list[str], steps: list[Any], ip: str) -> Revision:
    src = LibrarySource.objects.select_for_update().order_by("-pk").first()
    if src is None:
        raise ActionRefused.of("err_no_library")
    info = core.library_info(src.yaml_source)
    library = core.library_for(info, [])
    number = core.next_free_number(info.numbering.procedure, used_numbers())
    role_map: dict[str, str | None] = {rid: None for rid in library_roles}
    role_map.update(local_roles)
    text = core.scaffold_procedure(library, number=number, title=title, purpose=purpose, roles=role_map,
                                   steps=steps, owner=owner_unit.code, origin="wizard web")
    proc = core.parse_source(text, number)  # the scaffold must load; a failure here is a bug
    with transaction.atomic():
        procedure = Procedure.objects.create(number=number, title=title, owner_unit=owner_unit,
                                             sort_key=_sort_key(number))
    rev = Revision.objects.create(procedure=procedure, number=0, status=RevisionStatus.DRAFT, yaml_source=text,
                                  content_hash=core.content_hash(proc), author=user)
    audit_append(actor=user, action="procedure_create", target=rev, ip=ip,
                 data={"number": number, "via": "wizard", "steps": len(proc.steps)})
    return rev


# -- the answers ---------------------------------------------------------------------------------------
@dataclass
class Answers:
    """What the session holds between the steps (plain JSON-able values)."""

    title: str = ""
    purpose: str = ""
    unit: str = ""
    library_roles: list[str] | None = None
    local_roles_text: str = ""
    rows: list[dict[str, Any]] | None = None

    @classmethod
    def load(cls, request: HttpRequest) -> Answers:
        data = request.session.get(SESSION_KEY) or {}
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, request: HttpRequest) -> None:
        request.session[SESSION_KEY] = self.__dict__


def allowed_units(user: Any) -> list[Unit]:
    """Units of the library the user may create a procedure for."""
    info = core.library_info(selectors.library_source_text())
    return [u for u in Unit.objects.filter(code__in=list(info.units)).order_by("code")
            if roles.can_create_procedure(user, u)]


def parse_local_roles(text: str) -> tuple[dict[str, str], list[str]]:
    out: dict[str, str] = {}
    errors = []
    for line in text.splitlines()[:MAX_LOCAL_ROLES]:
        if not line.strip():
            continue
        m = LOCAL_ROLE.match(line)
        if m is None or not re.match(ID_PATTERN, m.group(1)) or len(m.group(1)) > 64 or len(m.group(2)) > 200:
            errors.append(label("wizard_err_local_role", line=line.strip()[:80]))
            continue
        out[m.group(1)] = m.group(2)
    return out, errors


def _role_choices(answers: Answers, lang: str) -> list[tuple[str, str]]:
    info = core.library_info(selectors.library_source_text())
    chosen = [(rid, (r.name_en or r.name) if lang == "en" else r.name)
              for rid, r in info.roles.items() if rid in (answers.library_roles or [])]
    local, _errors = parse_local_roles(answers.local_roles_text)
    return chosen + list(local.items())


def _rows_from_post(request: HttpRequest) -> list[dict[str, Any]]:
    raw = request.POST.get("rows", "")
    count = min(int(raw), MAX_ROWS) if raw.isdigit() else ROWS
    rows = []
    for i in range(count):
        rows.append({
            "actor": request.POST.get(f"actor_{i}", "").strip()[:64],
            "action": request.POST.get(f"action_{i}", "").strip()[:500],
            "decision": request.POST.get(f"decision_{i}") == "on",
            "yes": request.POST.get(f"yes_{i}", "").strip()[:60] or core.StepDraft("", "").yes_label,
            "no": request.POST.get(f"no_{i}", "").strip()[:60] or core.StepDraft("", "").no_label,
        })
    return rows


def _default_rows(n: int = ROWS) -> list[dict[str, Any]]:
    draft = core.StepDraft("", "")
    return [{"actor": "", "action": "", "decision": False, "yes": draft.yes_label, "no": draft.no_label}
            for _ in range(n)]


# -- view ------------------------------------------------------------------------------------------------
@login_required
def procedure_wizard(request: HttpRequest) -> HttpResponse:
    """One URL, three steps (`step` in the query or the form); POST validates a step and moves on."""
    user = request.user
    require(roles.can_create_procedure(user))
    lang = lang_of(request)
    answers = Answers.load(request)
    step = request.POST.get("step") or request.GET.get("langkah") or "1"
    step = step if step in ("1", "2", "3") else "1"
    if request.method == "GET" and request.GET.get("baru"):
        answers = Answers()
        answers.save(request)
        step = "1"
    errors: list[str] = []
    units = allowed_units(user)
    if request.method == "POST":
        going_back = "back" in request.POST
        if step == "1":
            answers.title = request.POST.get("title", "").strip()
            answers.purpose = request.POST.get("purpose", "").strip()[:2000]
            answers.unit = request.POST.get("unit", "")
            if not answers.title or len(answers.title) > 200:
                errors.append(label("wizard_err_title"))
            if answers.unit not in {u.code for u in units}:
                errors.append(label("wizard_err_unit"))
            next_step = "2"
        elif step == "2":
            answers.library_roles = [r for r in request.POST.getlist("library_roles")][:50]
            answers.local_roles_text = request.POST.get("local_roles", "")[:4000]
            local, errors = parse_local_roles(answers.local_roles_text)
            if not going_back and not errors and not (answers.library_roles or local):
                errors.append(label("wizard_err_roles"))
            next_step = "1" if going_back else "3"
        else:
            answers.rows = _rows_from_post(request)
            next_step = "2" if going_back else "3"
        answers.save(request)
        if going_back and step != "1":
            return redirect(f"{request.path}?langkah={int(step) - 1}")
        if not errors and step in ("1", "2"):
            return redirect(f"{request.path}?langkah={next_step}")
        if step == "3" and "more" in request.POST:
            answers.rows = (answers.rows or []) + _default_rows(3)
            answers.rows = answers.rows[:MAX_ROWS]
            answers.save(request)
            return redirect(f"{request.path}?langkah=3")
        if step == "3" and not errors:
            result = _finish(request, answers, units, lang)
            if isinstance(result, HttpResponse):
                return result
            errors = result
    elif step in ("2", "3") and (not answers.title or answers.unit not in {u.code for u in units}):
        step = "1"
    context: dict[str, Any] = {"step": step, "answers": answers, "errors": errors, "units": units,
                               "number": proposed_number()}
    if step == "2":
        info = core.library_info(selectors.library_source_text())
        context["library_roles"] = [(rid, (r.name_en or r.name) if lang == "en" else r.name,
                                     rid in (answers.library_roles or [])) for rid, r in info.roles.items()]
    if step == "3":
        context["actor_choices"] = _role_choices(answers, lang)
        rows = answers.rows or _default_rows()
        context["rows"] = list(enumerate(rows))
        context["row_count"] = len(rows)
    return render(request, f"procedures/wizard_step{step}.html", context, status=400 if errors else 200)


def _finish(request: HttpRequest, answers: Answers, units: list[Unit], lang: str) -> HttpResponse | list[str]:
    """Check the whole set of answers and create the draft; errors come back as a list."""
    unit = next((u for u in units if u.code == answers.unit), None)
    local, local_errors = parse_local_roles(answers.local_roles_text)
    if unit is None or not answers.title or local_errors:
        return [label("wizard_err_expired")]
    chosen = {rid for rid, _name in _role_choices(answers, lang)}
    steps = []
    errors = []
    for n, row in enumerate((r for r in answers.rows or [] if r["action"]), start=1):
        if row["actor"] not in chosen:
            errors.append(label("wizard_err_actor", n=n))
        steps.append(core.StepDraft(row["actor"], row["action"], row["decision"], row["yes"], row["no"]))
    if errors:
        return errors
    try:
        rev = procedure_create(user=request.user, title=answers.title, purpose=answers.purpose,  # type: ignore[arg-type]
                               owner_unit=unit, local_roles=local, library_roles=list(answers.library_roles or []),
                               steps=steps, ip=client_ip(request))
    except core.ScaffoldError as exc:
        return [exc.message(lang)]
    except ActionRefused as exc:
        return exc.messages(lang)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, label("wizard_created", number=rev.procedure.number))
    if roles.can_edit_revision(request.user, rev):
        return redirect("procedures:revision_editor", pk=rev.pk)
    return redirect("procedures:revision_detail", pk=rev.pk)
