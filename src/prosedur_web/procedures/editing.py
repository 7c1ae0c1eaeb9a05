"""The structured editor's services: form fields <-> procedure source.

A form edit never writes YAML by hand: the stored source is parsed, the form's values replace the
fields the editor shows, everything else (the approval block, the dates the lifecycle fills, other
revisions' change-history rows, a step's `next` or `notes`, ...) is kept, the result is written back
with the core serializer, and the text goes through the same `revision_save_source` as the source
editor, so parsing, permission and the optimistic-locking `version` are checked in one place.

What the author writes here: title, purpose, scope (title, purpose, scope and each step's activity
also in English, beside the Indonesian: `title_en`, `purpose_en`, `scope_includes_en`, `step-3-do_en`), definitions, references, legal basis, clauses,
provisions, inputs/outputs, resources, parameters, roles, steps (with why/when/where/how), records
(forms are records with `form: true`), measurements, attachments, and this revision's row of the
change history (what changed, why). Not the approval block, `issued`, `effective` or `review_due`:
the lifecycle fills those at signing.

Field names of the form: `title`, `purpose`, list fields one item per line (`scope_includes`, ...),
this revision's history row `history-change`, `history-reason`, and numbered rows `step-3-do`,
`role-0-responsibilities`, `record-1-name`, `meas-0-target`, `param-0-value`, `ref-2-title`,
`att-0-file`, `step-5-exit-1-to`. A structural change (add, delete, move) is an `op` such as
`step_up:3` or `param_add`.

A problem is never shown as a source path (`steps[5].exits[1].label`): `describe` turns the path
into words in the reader's language ("Langkah 6 › Cabang 2 › Label") and names the form field it
belongs to, so the page can show the message next to that field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from prosedur.errors import Problem, SourceError
from prosedur.model import Procedure as ProcModel
from prosedur.model import ReferenceKind, StepKind
from prosedur.serialize import serialize_data, serialize_procedure
from prosedur_web import services as core
from prosedur_web.accounts.models import User
from prosedur_web.common.labels import label

from . import selectors
from .models import Revision
from .services import revision_save_source

TEXT_LISTS = {  # form field -> path in the procedure data
    "scope_includes": ("scope", "includes"),
    "scope_excludes": ("scope", "excludes"),
    "scope_includes_en": ("scope", "includes_en"),  # English beside the Indonesian, same order
    "scope_excludes_en": ("scope", "excludes_en"),
    "legal_basis": ("legal_basis",),
    "clauses": ("clauses",),
    "related": ("related",),
    "provisions": ("provisions",),
    "inputs": ("inputs",),
    "outputs": ("outputs",),
    "warnings": ("warnings",),
    "controls": ("controls",),
    "res_people": ("resources", "people"),
    "res_training": ("resources", "training"),
    "res_equipment": ("resources", "equipment"),
    "res_materials": ("resources", "materials"),
}
SCALARS = ("title", "title_en", "purpose", "purpose_en")
OPTIONAL_SCALARS = ("purpose_en",)  # blank: left out of the source
STEP_REQUIRED = ("id", "do")  # written as "" when blank, so the message is "must not be empty"
STEP_TEXT = ("id", "kind", "actor", "do", "do_en", "time", "output", "why", "when", "where", "how")
STEP_DETAILS = ("why", "when", "where", "how")  # shown folded under the step
STEP_LISTS = ("requirements", "records")
RECORD_FIELDS = ("id", "name", "owner", "storage", "retention", "disposition")
MEASUREMENT_FIELDS = ("name", "method", "target", "frequency", "owner")
PARAMETER_FIELDS = ("value", "unit", "label")
REFERENCE_FIELDS = ("kind", "id", "title", "clause")
ATTACHMENT_FIELDS = ("title", "file", "description")
HISTORY_FIELDS = ("change", "reason")
REQUIRED = {  # row fields the model needs as text: a blank one is "" (not None)
    "record": {"name"}, "meas": {"name"}, "param": {"value"}, "ref": {"title"}, "att": {"title"},
}
MAX_EXITS = 4
MAX_ROWS = 500  # a form cannot make the server build more rows than this


def lines(text: str) -> list[str]:
    """A textarea, one item per line, blanks dropped."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _count(post: Mapping[str, Any], prefix: str) -> int:
    try:
        return max(0, min(MAX_ROWS, int(post.get(f"{prefix}-count", 0))))
    except (TypeError, ValueError):
        return 0


def _get(post: Mapping[str, Any], key: str) -> str:
    value = post.get(key, "")
    return str(value).strip() if value is not None else ""


def _rows(base: list[dict[str, Any]], post: Mapping[str, Any], prefix: str) -> list[tuple[dict[str, Any], str]]:
    """(base row or {}, form prefix) for each numbered row the form sent."""
    return [(dict(base[i]) if i < len(base) else {}, f"{prefix}-{i}-") for i in range(_count(post, prefix))]


def _fill(row: dict[str, Any], post: Mapping[str, Any], p: str, keys: tuple[str, ...], kind: str) -> dict[str, Any]:
    """The row with each of `keys` from the form; a blank optional field is left out (None)."""
    for key in keys:
        row[key] = _get(post, p + key) or ("" if key in REQUIRED.get(kind, ()) else None)
    return row


@dataclass(frozen=True)
class FieldProblem:
    """One reason an edit cannot be saved, for the author: where (in words), what, and the form field."""

    field: str  # the form field's name ("" when no field of the form holds it)
    where: str  # "Langkah 6 › Cabang 2 › Label"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class FormInvalid(Exception):
    """The form's values do not make a valid procedure; nothing was stored."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def apply_form(base: dict[str, Any], post: Mapping[str, Any],
               problems: list[FieldProblem] | None = None, lang: str = "id") -> dict[str, Any]:
    """The procedure data `base` (json mode) with the form's values in the fields the editor shows.

    Problems the model cannot report by itself (two parameters with one id) go to `problems`.
    """
    problems = problems if problems is not None else []
    data = dict(base)
    for key in SCALARS:
        if key in post:
            data[key] = _get(post, key) or (None if key in OPTIONAL_SCALARS else "")
    for key, path in TEXT_LISTS.items():
        if key not in post:
            continue
        if len(path) == 1:
            data[path[0]] = lines(_get(post, key))
        else:
            data[path[0]] = {**(data.get(path[0]) or {}), path[1]: lines(_get(post, key))}
    if "definitions" in post:
        data["definitions"] = [
            {"term": t.strip(), "meaning": m.strip()}
            for t, _sep, m in (line.partition(":") for line in lines(_get(post, "definitions")))
        ]
    if "history-change" in post or "history-reason" in post:
        data["history"] = _own_change(base, _get(post, "history-change"), _get(post, "history-reason"))
    if "ref-count" in post:
        data["references"] = [_fill(row, post, p, REFERENCE_FIELDS, "ref")
                              for row, p in _rows(base.get("references") or [], post, "ref")]
    if "param-count" in post:
        data["parameters"] = _parameters(base.get("parameters") or {}, post, problems, lang)
    if "role-count" in post:
        data["roles"] = []
        for row, p in _rows(base.get("roles") or [], post, "role"):
            row["id"] = _get(post, p + "id") or row.get("id", "")
            row["responsibilities"] = lines(_get(post, p + "responsibilities"))
            row["authorities"] = lines(_get(post, p + "authorities"))
            data["roles"].append(row)
    if "step-count" in post:
        data["steps"] = []
        for row, p in _rows(base.get("steps") or [], post, "step"):
            for key in STEP_TEXT:
                if p + key in post:
                    row[key] = _get(post, p + key) or ("" if key in STEP_REQUIRED else None)
            for key in STEP_LISTS:
                if p + key in post:
                    row[key] = lines(_get(post, p + key))
            if p + "exit-0-label" in post:
                exits = []
                for j in range(MAX_EXITS):
                    label_text, to = _get(post, f"{p}exit-{j}-label"), _get(post, f"{p}exit-{j}-to")
                    if label_text or to:  # an unlabelled exit is allowed (P113 warns under iso10013)
                        exits.append({"label": label_text or None, "to": to})
                row["exits"] = exits
            data["steps"].append(row)
    if "record-count" in post:
        data["records"] = []
        for row, p in _rows(base.get("records") or [], post, "record"):
            _fill(row, post, p, RECORD_FIELDS, "record")
            row["form"] = bool(post.get(p + "form"))
            data["records"].append(row)
    if "meas-count" in post:
        data["measurements"] = [_fill(row, post, p, MEASUREMENT_FIELDS, "meas")
                                for row, p in _rows(base.get("measurements") or [], post, "meas")]
    if "att-count" in post:
        data["attachments"] = [_fill(row, post, p, ATTACHMENT_FIELDS, "att")
                               for row, p in _rows(base.get("attachments") or [], post, "att")]
    return data


def own_change_index(history: list[Any], revision: int) -> int | None:
    """Index of this revision's change-history row (the first, if a source wrongly holds two)."""
    for i, row in enumerate(history):
        number = row.get("revision") if isinstance(row, dict) else getattr(row, "revision", None)
        if number == revision:
            return i
    return None


def _own_change(base: dict[str, Any], change: str, reason: str) -> list[dict[str, Any]]:
    """The history with this revision's row saying `change` and `reason`; other rows as they were.

    The row is created when missing and the author wrote something; its date and signatory are left
    to the lifecycle (filled at signing)."""
    history = [dict(row) for row in base.get("history") or []]
    revision = int(base.get("revision") or 0)
    i = own_change_index(history, revision)
    if i is None:
        if change or reason:
            history.append({"revision": revision, "change": change, "reason": reason or None})
        return history
    history[i] = {**history[i], "change": change, "reason": reason or None}
    return history


def _parameters(base: dict[str, Any], post: Mapping[str, Any], problems: list[FieldProblem],
                lang: str) -> dict[str, Any]:
    """Parameter rows -> the `parameters` mapping (id -> value, unit, label), in form order."""
    old = list(base.values())
    out: dict[str, Any] = {}
    for i in range(_count(post, "param")):
        p = f"param-{i}-"
        row = _fill(dict(old[i]) if i < len(old) else {}, post, p, PARAMETER_FIELDS, "param")
        pid = _get(post, p + "id")
        where = label("ed_param_n", lang, n=i + 1)
        if not pid:
            if not any(_get(post, p + key) for key in PARAMETER_FIELDS):
                continue  # a row left blank is no parameter
            problems.append(FieldProblem(p + "id", f"{where} › {label('ed_param_id', lang)}",
                                         label("ed_err_required", lang)))
            continue
        if pid in out:
            problems.append(FieldProblem(p + "id", f"{where} › {label('ed_param_id', lang)}",
                                         label("ed_err_duplicate_id", lang, id=pid)))
            continue
        out[pid] = row
    return out


# -- structural operations ----------------------------------------------------------------------------
def _index(arg: str, size: int) -> int | None:
    try:
        i = int(arg)
    except ValueError:
        return None
    return i if 0 <= i < size else None


def _free_id(existing: set[str], stem: str) -> str:
    n = len(existing) + 1
    while f"{stem}{n:02d}" in existing:
        n += 1
    return f"{stem}{n:02d}"


OP_KEYS = {"step": "steps", "role": "roles", "record": "records", "meas": "measurements",
           "param": "parameters", "ref": "references", "att": "attachments"}


def apply_op(data: dict[str, Any], op: str, post: Mapping[str, Any]) -> dict[str, Any]:
    """Add, delete or move a row. Unknown or out-of-range operations change nothing."""
    name, _sep, arg = op.partition(":")
    kind, _sep, action = name.partition("_")
    key = OP_KEYS.get(kind)
    if key is None:
        return data
    if kind == "param":  # a mapping: work on its items
        rows: list[Any] = list((data.get(key) or {}).items())
    else:
        rows = list(data.get(key) or [])
    if action == "add":
        if kind == "step":
            last_actor = rows[-1].get("actor") if rows else None
            rows.append({"id": _free_id({str(r.get("id")) for r in rows}, "l"), "actor": last_actor, "do": ""})
        elif kind == "role":
            role_id = _get(post, "new_role")
            if role_id and role_id not in {r.get("id") for r in rows}:
                rows.append({"id": role_id})
        # the model needs these fields; the new row says what to replace
        elif kind == "record":
            rows.append({"id": _free_id({str(r.get("id")) for r in rows}, "R-"), "name": "Rekaman baru"})
        elif kind == "param":
            rows.append((_free_id({k for k, _v in rows}, "parameter_"), {"value": "?", "label": "Parameter baru"}))
        elif kind == "ref":
            rows.append({"kind": ReferenceKind.OTHER.value, "title": "Acuan baru"})
        elif kind == "att":
            rows.append({"title": "Lampiran baru"})
        else:
            rows.append({"name": "Indikator baru"})
    else:
        i = _index(arg, len(rows))
        if i is None:
            return data
        if action == "del":
            rows.pop(i)
        elif action == "up" and i > 0:
            rows[i - 1], rows[i] = rows[i], rows[i - 1]
        elif action == "down" and i < len(rows) - 1:
            rows[i + 1], rows[i] = rows[i], rows[i + 1]
    return {**data, key: dict(rows) if kind == "param" else rows}


# -- problems in words --------------------------------------------------------------------------------
_TOP_WORDS = {  # top-level key -> label key
    "number": "number", "title": "title", "title_en": "title_en", "revision": "revision",
    "issued": "ed_issued", "effective": "effective_date", "review_due": "next_review", "status": "status",
    "owner": "owner_unit", "classification": "ed_classification", "language": "language",
    "approval": "signatures", "history": "change_history", "purpose": "purpose", "scope": "scope",
    "definitions": "definitions", "references": "references", "legal_basis": "legal_basis",
    "clauses": "clauses", "related": "related", "roles": "roles", "parameters": "ed_parameters",
    "resources": "resources", "warnings": "warnings", "inputs": "inputs", "outputs": "outputs",
    "controls": "controls", "provisions": "provisions", "steps": "steps", "measurements": "measurements",
    "records": "records", "attachments": "ed_attachments",
}
_ROW_WORDS = {  # list section -> label of its n-th row
    "steps": "step_n", "roles": "ed_role_n", "records": "ed_record_n", "measurements": "ed_meas_n",
    "references": "ed_ref_n", "attachments": "ed_att_n", "definitions": "ed_def_n", "exits": "ed_exit_n",
    "reviewed": "ed_reviewer_n",
}
_SUB_WORDS = {  # (section, key) -> label key; section None: any
    ("steps", "id"): "step_id", ("steps", "kind"): "kind", ("steps", "do"): "activity",
    ("steps", "why"): "ed_why", ("steps", "when"): "ed_when", ("steps", "where"): "ed_where",
    ("steps", "how"): "ed_how", ("steps", "notes"): "ed_notes", ("steps", "next"): "ed_next",
    ("exits", "label"): "exit_label", ("exits", "to"): "exit_to",
    ("records", "id"): "record_id", ("records", "form"): "record_form", ("records", "owner"): "record_owner",
    ("records", "storage"): "record_storage", ("records", "retention"): "record_retention",
    ("records", "disposition"): "record_disposition",
    ("measurements", "owner"): "record_owner", ("roles", "id"): "ed_role_id",
    ("references", "kind"): "ed_ref_kind", ("references", "id"): "ed_ref_id",
    ("references", "clause"): "ed_ref_clause", ("attachments", "file"): "ed_att_file",
    ("attachments", "description"): "ed_description", ("parameters", "value"): "ed_param_value",
    ("parameters", "unit"): "ed_param_unit", ("parameters", "label"): "ed_param_label",
    ("history", "date"): "ed_date", ("history", "change"): "ed_change", ("history", "reason"): "ed_reason",
    ("history", "by"): "ed_by", ("definitions", "term"): "ed_term", ("definitions", "meaning"): "ed_meaning",
    ("scope", "includes"): "scope_includes", ("scope", "excludes"): "scope_excludes",
    ("resources", "people"): "res_people", ("resources", "training"): "res_training",
    ("resources", "equipment"): "res_equipment", ("resources", "materials"): "res_materials",
    ("approval", "prepared"): "ed_prepared", ("approval", "reviewed"): "ed_reviewed",
    ("approval", "approved"): "ed_approved", ("approval", "date"): "ed_date",
    (None, "id"): "ed_id", (None, "name"): "name", (None, "title"): "title", (None, "position"): "position",
    (None, "nip"): "nip", (None, "unit"): "unit", (None, "revision"): "revision",
    (None, "responsibilities"): "responsibilities", (None, "authorities"): "authorities",
    (None, "requirements"): "requirements", (None, "records"): "records", (None, "resources"): "resources",
    (None, "controls"): "controls", (None, "time"): "time", (None, "output"): "output",
    (None, "actor"): "actor", (None, "method"): "method", (None, "target"): "target",
    (None, "frequency"): "frequency", (None, "date"): "ed_date",
}
_ROW_FIELDS = {  # list section -> (form prefix, fields the form has, field for anything else)
    "references": ("ref", REFERENCE_FIELDS, "title"), "records": ("record", (*RECORD_FIELDS, "form"), "name"),
    "measurements": ("meas", MEASUREMENT_FIELDS, "name"), "attachments": ("att", ATTACHMENT_FIELDS, "title"),
    "roles": ("role", ("responsibilities", "authorities"), "responsibilities"),
}
_LIST_FIELDS = {path: name for name, path in TEXT_LISTS.items()}
_SECTION_FIELDS = {"history": "history-change", "scope": "scope_includes", "resources": "res_people"}
_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def _parts(path: str, data: Mapping[str, Any]) -> list[str | int]:
    """'steps[5].exits[1].label' -> ['steps', 5, 'exits', 1, 'label']; a parameter's id stays whole
    (ids may hold dots), found among the data's ids."""
    if path.startswith("parameters."):
        rest = path[len("parameters."):]
        for key in sorted(data.get("parameters") or {}, key=len, reverse=True):
            if rest == key or rest.startswith(key + "."):
                tail = rest[len(key) + 1:]
                return ["parameters", key, *([tail] if tail else [])]
        return ["parameters", rest.split(".")[0], *rest.split(".")[1:2]]
    return [int(i) if i else name for i, name in _PART.findall(path)]


def _words(section: str | None, key: str, lang: str) -> str:
    found = _SUB_WORDS.get((section, key)) or _SUB_WORDS.get((None, key))
    return label(found, lang) if found else key.replace("_", " ")


def describe(path: str, data: Mapping[str, Any], lang: str = "id") -> tuple[str, str]:
    """(form field name or "", the place in words) of a source path, for the author.

    `steps[5].exits[1].label` -> ("step-5-exit-1-label", "Langkah 6 › Cabang 2 › Label")."""
    parts = _parts(path, data)
    if not parts:
        return "", ""
    top = str(parts[0])
    if top == "history" and len(parts) > 1 and isinstance(parts[1], int):
        return _describe_history(parts, data, lang)
    if top == "parameters" and len(parts) > 1:
        return _describe_parameter(parts, data, lang)
    words: list[str] = []
    section: str | None = None
    for i, part in enumerate(parts):
        after = parts[i + 1] if i + 1 < len(parts) else None
        if isinstance(part, int):  # rows are numbered from 1, by what they are ("Langkah 6")
            row = _ROW_WORDS.get(section or "")
            words.append(label(row, lang, n=part + 1) if row else label("ed_item_n", lang, n=part + 1))
        elif isinstance(after, int) and part in _ROW_WORDS:
            section = part  # "Cabang 2" says it already
        else:
            top_word = _TOP_WORDS.get(part) if i == 0 else None
            words.append(label(top_word, lang) if top_word else _words(section, part, lang))
            section = part
    return _field_of(parts), " › ".join(words)


def _describe_history(parts: list[str | int], data: Mapping[str, Any], lang: str) -> tuple[str, str]:
    rows = data.get("history") or []
    i = int(parts[1])
    number = rows[i].get("revision") if i < len(rows) else None
    words = [label("change_history", lang), label("ed_history_row", lang, n=number if number is not None else "?")]
    key = str(parts[2]) if len(parts) > 2 else ""
    if key:
        words.append(_words("history", key, lang))
    if i != own_change_index(rows, int(data.get("revision") or 0)):
        return "", " › ".join(words)  # another revision's row: history, not in the form
    return f"history-{key if key in HISTORY_FIELDS else 'change'}", " › ".join(words)


def _describe_parameter(parts: list[str | int], data: Mapping[str, Any], lang: str) -> tuple[str, str]:
    ids = list(data.get("parameters") or {})
    pid = str(parts[1])
    key = str(parts[2]) if len(parts) > 2 else "id"
    words = [label("ed_param_named", lang, id=pid),
             label("ed_param_id", lang) if key == "id" else _words("parameters", key, lang)]
    name = f"param-{ids.index(pid)}-{key if key in PARAMETER_FIELDS else 'id'}" if pid in ids else ""
    return name, " › ".join(words)


def _field_of(parts: list[str | int]) -> str:
    """The form field that holds this path, or "" when the form does not show it."""
    top = str(parts[0])
    if top in SCALARS:
        return top
    if top == "definitions":
        return "definitions"
    if len(parts) == 1 and top in _SECTION_FIELDS:  # a whole section: its first field
        return _SECTION_FIELDS[top]
    for length in (2, 1):
        key = tuple(str(p) for p in parts[:length])
        if len(key) == length and key in _LIST_FIELDS:
            return _LIST_FIELDS[key]
    index = parts[1] if len(parts) > 1 and isinstance(parts[1], int) else None
    if index is None:
        return ""
    sub = str(parts[2]) if len(parts) > 2 else ""
    if top == "steps":
        if sub == "exits":
            j = parts[3] if len(parts) > 3 and isinstance(parts[3], int) else 0
            leaf = str(parts[4]) if len(parts) > 4 and parts[4] in ("label", "to") else "label"
            return f"step-{index}-exit-{j}-{leaf}"
        if sub in STEP_TEXT or sub in STEP_LISTS:
            return f"step-{index}-{sub}"
        return f"step-{index}-id" if not sub else f"step-{index}-do"
    if top in _ROW_FIELDS:
        prefix, shown, fallback = _ROW_FIELDS[top]
        return f"{prefix}-{index}-{sub if sub in shown else fallback}"
    return ""


_EDITOR_MESSAGES = {"string_type": "ed_err_required", "missing": "ed_err_required",
                    "string_too_short": "ed_err_required"}


def field_problem(problem: Problem, data: Mapping[str, Any], lang: str = "id") -> FieldProblem:
    """A loader problem (source path, line, column) as the editor shows it: field, words, message."""
    name, where = describe(problem.path, data, lang)
    if problem.key == "string_pattern_mismatch":
        message = label("ed_err_id_format", lang)
    elif problem.key in _EDITOR_MESSAGES:
        message = label(_EDITOR_MESSAGES[problem.key], lang)
    else:
        message = problem.message(lang)
    return FieldProblem(name, where, message)


# -- parse, preview, save -----------------------------------------------------------------------------
@dataclass
class Edited:
    """The result of applying a form: the source text and either the procedure or its problems."""

    text: str
    proc: ProcModel | None
    problems: list[FieldProblem] = field(default_factory=list)


def base_data(revision: Revision) -> dict[str, Any]:
    """The revision's current source as plain data (raises SourceError if it does not parse)."""
    proc = core.parse_source(revision.yaml_source, revision.procedure.number)
    return proc.model_dump(mode="json")


def edit_text(revision: Revision, post: Mapping[str, Any], lang: str = "id") -> Edited:
    """Form (and `op`) -> new source text, parsed; nothing is stored."""
    problems: list[FieldProblem] = []
    data = apply_form(base_data(revision), post, problems, lang)
    op = _get(post, "op")
    if op:
        data = apply_op(data, op, post)
    text = serialize_data(data)
    try:
        proc = core.parse_source(text, revision.procedure.number)
    except SourceError as exc:
        return Edited(text, None, problems + [field_problem(p, data, lang) for p in exc.problems])
    if problems:
        return Edited(text, None, problems)
    return Edited(serialize_procedure(proc), proc)  # canonical: defaults left out


@dataclass(frozen=True)
class Finding:
    """A lint finding as the editor lists it: the place in words and the field to jump to."""

    severity: str
    code: str
    message: str
    where: str
    field: str


@dataclass
class Preview:
    problems: list[FieldProblem]
    findings: list[Finding]
    svg: str | None


def preview(proc: ProcModel | None, problems: list[FieldProblem], lang: str = "id") -> Preview:
    """Lint findings and flowchart of a procedure that is not saved."""
    if proc is None:
        return Preview(problems, [], None)
    library = selectors.library_with(proc)
    data = proc.model_dump(mode="json")
    findings = []
    for f in core.lint_findings(proc, library, lang=lang):
        name, where = describe(f.path, data, lang) if f.path else ("", "")
        findings.append(Finding(f.severity, f.code, f.message, where, name))
    return Preview(problems, findings, core.flowchart_svg(proc, library, lang))


def revision_save_form(*, revision: Revision, user: User, post: Mapping[str, Any], base_version: int,
                       ip: str = "", lang: str = "id") -> Revision:
    """Apply a form edit and save it as the draft's source (same checks as the source editor).

    Raises `FormInvalid` (the edit makes the procedure invalid; nothing stored), `SourceError` (the
    stored source itself does not parse), `StaleRevision` (someone saved since `base_version`) or
    `ActionRefused`.
    """
    edited = edit_text(revision, post, lang)
    if edited.proc is None:
        raise FormInvalid(edited.problems)
    return revision_save_source(revision=revision, user=user, text=edited.text, base_version=base_version, ip=ip)


def library_roles(lang: str = "id") -> list[tuple[str, str]]:
    """(id, name) of the library's roles, for the role pickers."""
    info = core.library_info(selectors.library_source_text())
    return [(rid, (r.name_en or r.name) if lang == "en" else r.name) for rid, r in info.roles.items()]


STEP_KINDS = [k.value for k in StepKind]
REFERENCE_KINDS = [k.value for k in ReferenceKind]
