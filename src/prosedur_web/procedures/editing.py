"""The structured editor's services: form fields <-> procedure source.

A form edit never writes YAML by hand: the stored source is parsed, the form's values replace the
fields the editor shows (everything else — approval, history, parameters, a step's `how` — is kept),
the result is written back with the core serializer, and the text goes through the same
`revision_save_source` as the source editor, so parsing, permission and the optimistic-locking
`version` are checked in one place.

Field names of the form: `title`, `purpose`, list fields one item per line (`scope_includes`, ...),
and numbered rows `step-3-do`, `role-0-responsibilities`, `record-1-name`, `meas-0-target`,
`step-5-exit-1-to`. A structural change (add, delete, move) is an `op` such as `step_up:3`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from prosedur.errors import SourceError
from prosedur.model import Procedure as ProcModel
from prosedur.model import ReferenceKind, StepKind
from prosedur.serialize import serialize_data, serialize_procedure
from prosedur_web import services as core
from prosedur_web.accounts.models import User

from . import selectors
from .models import Revision
from .services import revision_save_source

TEXT_LISTS = {  # form field -> path in the procedure data
    "scope_includes": ("scope", "includes"),
    "scope_excludes": ("scope", "excludes"),
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
SCALARS = ("title", "title_en", "purpose")
STEP_TEXT = ("id", "kind", "actor", "do", "time", "output")
STEP_LISTS = ("requirements", "records")
RECORD_FIELDS = ("id", "name", "owner", "storage", "retention", "disposition")
MEASUREMENT_FIELDS = ("name", "method", "target", "frequency", "owner")
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


def apply_form(base: dict[str, Any], post: Mapping[str, Any]) -> dict[str, Any]:
    """The procedure data `base` (json mode) with the form's values in the fields the editor shows."""
    data = dict(base)
    for key in SCALARS:
        if key in post:
            data[key] = _get(post, key)
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
    if "references" in post:
        data["references"] = [_reference(line) for line in lines(_get(post, "references"))]
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
                    row[key] = _get(post, p + key) or None
            for key in STEP_LISTS:
                if p + key in post:
                    row[key] = lines(_get(post, p + key))
            if p + "exit-0-label" in post:
                exits = []
                for j in range(MAX_EXITS):
                    label, to = _get(post, f"{p}exit-{j}-label"), _get(post, f"{p}exit-{j}-to")
                    if label or to:
                        exits.append({"label": label, "to": to})
                row["exits"] = exits
            data["steps"].append(row)
    if "record-count" in post:
        data["records"] = []
        for row, p in _rows(base.get("records") or [], post, "record"):
            for key in RECORD_FIELDS:
                row[key] = _get(post, p + key) or None
            row["form"] = bool(post.get(p + "form"))
            data["records"].append(row)
    if "meas-count" in post:
        data["measurements"] = []
        for row, p in _rows(base.get("measurements") or [], post, "meas"):
            for key in MEASUREMENT_FIELDS:
                row[key] = _get(post, p + key) or None
            data["measurements"].append(row)
    return data


def _reference(line: str) -> dict[str, Any]:
    """`kind | id | title | clause`; a line without bars is a title of kind `other`."""
    parts = [p.strip() for p in line.split("|")]
    if len(parts) == 1:
        return {"title": parts[0]}
    kind = parts[0] if parts[0] in set(ReferenceKind) else ReferenceKind.OTHER.value
    return {"kind": kind, "id": parts[1] or None, "title": parts[2] if len(parts) > 2 else "",
            "clause": parts[3] if len(parts) > 3 and parts[3] else None}


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


def apply_op(data: dict[str, Any], op: str, post: Mapping[str, Any]) -> dict[str, Any]:
    """Add, delete or move a row. Unknown or out-of-range operations change nothing."""
    name, _sep, arg = op.partition(":")
    kind, _sep, action = name.partition("_")
    key = {"step": "steps", "role": "roles", "record": "records", "meas": "measurements"}.get(kind)
    if key is None:
        return data
    rows = list(data.get(key) or [])
    if action == "add":
        if kind == "step":
            last_actor = rows[-1].get("actor") if rows else None
            rows.append({"id": _free_id({str(r.get("id")) for r in rows}, "l"), "actor": last_actor, "do": ""})
        elif kind == "role":
            role_id = _get(post, "new_role")
            if role_id and role_id not in {r.get("id") for r in rows}:
                rows.append({"id": role_id})
        elif kind == "record":  # the model needs an id and a name; the author replaces these
            rows.append({"id": _free_id({str(r.get("id")) for r in rows}, "R-"), "name": "Rekaman baru"})
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
    return {**data, key: rows}


# -- parse, preview, save -----------------------------------------------------------------------------
@dataclass
class Edited:
    """The result of applying a form: the source text and either the procedure or its problems."""

    text: str
    proc: ProcModel | None
    problems: list[str] = field(default_factory=list)


def base_data(revision: Revision) -> dict[str, Any]:
    """The revision's current source as plain data (raises SourceError if it does not parse)."""
    proc = core.parse_source(revision.yaml_source, revision.procedure.number)
    return proc.model_dump(mode="json")


def edit_text(revision: Revision, post: Mapping[str, Any], lang: str = "id") -> Edited:
    """Form (and `op`) -> new source text, parsed; nothing is stored."""
    data = apply_form(base_data(revision), post)
    op = _get(post, "op")
    if op:
        data = apply_op(data, op, post)
    text = serialize_data(data)
    try:
        proc = core.parse_source(text, revision.procedure.number)
    except SourceError as exc:
        return Edited(text, None, [p.format(lang) for p in exc.problems])
    return Edited(serialize_procedure(proc), proc)  # canonical: defaults left out


@dataclass
class Preview:
    problems: list[str]
    findings: list[core.LintLine]
    svg: str | None


def preview(proc: ProcModel | None, problems: list[str], lang: str = "id") -> Preview:
    """Lint findings and flowchart of a procedure that is not saved."""
    if proc is None:
        return Preview(problems, [], None)
    library = selectors.library_with(proc)
    return Preview(problems, core.lint_findings(proc, library, lang=lang), core.flowchart_svg(proc, library, lang))


def revision_save_form(*, revision: Revision, user: User, post: Mapping[str, Any], base_version: int,
                       ip: str = "", lang: str = "id") -> Revision:
    """Apply a form edit and save it as the draft's source (same checks as the source editor).

    Raises `SourceError` (the edit makes the source invalid; nothing stored), `StaleRevision` (someone
    saved since `base_version`) or `ActionRefused`.
    """
    edited = edit_text(revision, post, lang)
    if edited.proc is None:
        # re-raise with the loader's problems so the view shows them like the source editor does
        core.parse_source(edited.text, revision.procedure.number)
    return revision_save_source(revision=revision, user=user, text=edited.text, base_version=base_version, ip=ip)


def library_roles(lang: str = "id") -> list[tuple[str, str]]:
    """(id, name) of the library's roles, for the role pickers."""
    info = core.library_info(selectors.library_source_text())
    return [(rid, (r.name_en or r.name) if lang == "en" else r.name) for rid, r in info.roles.items()]


STEP_KINDS = [k.value for k in StepKind]
REFERENCE_KINDS = [k.value for k in ReferenceKind]
