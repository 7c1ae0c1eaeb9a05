"""A `ReadSheet` becomes a Prosedur source (model `Procedure`, written by `serialize.py`).

Mutu Baku columns go to the step fields by their heading (Kelengkapan/Persyaratan → requirements, Input →
input, Waktu → time, Output → output, any other heading → notes as "Heading: text"); the headings as
printed go to the library's `sop.quality_columns` (run.py). Nothing is made up: records keep no number
when the SOP prints none, a Tanggal Revisi becomes revision 1 with that date and no invented change text
(as examples/permenpan writes it). Whatever the reader could not read is written into `unread` on the step
(or the procedure), which lint reports as P120 until someone has checked it against the original.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..model import Procedure
from .messages import render
from .sheet import Issue, ReadSheet

__all__ = ["MONTHS", "mutu_field", "parse_date", "slug", "to_procedure_data"]

MONTHS = {m: i for i, m in enumerate(
    ["januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
     "november", "desember"], start=1)}
MONTHS.update({"pebruari": 2, "nopember": 11, "agt": 8, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6,
               "jul": 7, "agu": 8, "sep": 9, "okt": 10, "nov": 11, "des": 12})


def parse_date(text: str) -> dt.date | None:
    """'8 Januari 2021', '08-01-2021', '2021-01-08' → a date; anything else None."""
    t = text.strip().lower()
    m = re.search(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", t)
    try:
        if m and m.group(2) in MONTHS:
            return dt.date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
        m = re.search(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", t)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.search(r"(\d{4})-(\d{2})-(\d{2})", t)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def slug(text: str, fallback: str = "x") -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:48].strip("_")
    if not s:
        s = fallback
    return s if s[0].isalpha() else f"{fallback}_{s}"


def mutu_field(heading: str) -> str:
    h = heading.lower()
    if re.match(r"^(input|masukan)", h):
        return "input"
    if re.match(r"^(persyaratan|kelengkapan|syarat|bahan)", h):
        return "requirements"
    if re.match(r"^(waktu|durasi)", h):
        return "time"
    if re.match(r"^output", h):
        return "output"
    return "notes"


_KINDS = {"start": "start", "end": "end", "process": "process", "decision": "decision", "io": "io"}


def to_procedure_data(sheet: ReadSheet, owner: str | None) -> dict[str, Any]:
    """Plain procedure data (validated by the caller through `Procedure.model_validate`)."""
    unread: list[str] = []
    data: dict[str, Any] = {"number": sheet.number or f"IMPOR-{slug(sheet.file)}", "title": sheet.title or sheet.file}
    if not sheet.number:
        unread.append(render("identity_missing", {"field": "Nomor SOP"}))
    if not sheet.title:
        unread.append(render("identity_missing", {"field": "Nama SOP"}))
    dates: dict[str, dt.date | None] = {}
    for key, field in (("issued", "Tanggal Pembuatan"), ("effective", "Tanggal Efektif"), ("revised", "Tanggal Revisi")):
        text = getattr(sheet, key)
        value = parse_date(text) if text and text.strip() not in {"-", "–"} else None
        if text and text.strip() not in {"-", "–"} and value is None:
            unread.append(render("date_unread", {"field": field, "text": text}))
            sheet.issues.append(Issue("date_unread", 1, None, {"field": field, "text": text}))
        dates[key] = value
    if dates["issued"]:
        data["issued"] = dates["issued"].isoformat()
    if dates["effective"]:
        data["effective"] = dates["effective"].isoformat()
    if dates["revised"]:
        data["revision"] = 1
        data["history"] = [{"revision": 1, "date": dates["revised"].isoformat()}]
        sheet.issues.append(Issue("revision_date", 1, None, {"date": sheet.revised}))
    signed = bool(sheet.approver_name and sheet.approver_position)
    data["status"] = "effective" if signed and dates["effective"] else "draft"
    if owner:
        data["owner"] = owner
    if signed:
        person: dict[str, Any] = {"name": sheet.approver_name, "position": sheet.approver_position}
        if sheet.approver_nip:
            person["nip"] = sheet.approver_nip
        data["approval"] = {"approved": person}
    data["legal_basis"] = list(sheet.legal_basis)
    data["related"] = list(sheet.related)
    lane_ids: list[str] = []
    for k, name in enumerate(sheet.lanes):
        rid = slug(name, f"pelaksana{k + 1}")
        while rid in lane_ids:
            rid = f"{rid}_{k + 1}"
        lane_ids.append(rid)
    data["roles"] = [{"id": rid, "name": name or rid} for rid, name in zip(lane_ids, sheet.lanes, strict=True)]
    data["resources"] = {"people": list(sheet.qualifications), "equipment": list(sheet.equipment)}
    data["warnings"] = list(sheet.warnings)
    fields = [mutu_field(h) for h in sheet.mutu_headings]
    for h, f in zip(sheet.mutu_headings, fields, strict=True):
        if f == "notes":
            sheet.issues.append(Issue("mutu_heading", 0, None, {"heading": h, "field": f}))
    steps: list[dict[str, Any]] = []
    ids = [f"k{int(r.number):02d}" if r.number.isdigit() else f"k{i + 1:02d}" for i, r in enumerate(sheet.rows)]
    ids = [sid if ids.count(sid) == 1 else f"{sid}_{i + 1}" for i, sid in enumerate(ids)]
    for i, row in enumerate(sheet.rows):
        step: dict[str, Any] = {"id": ids[i], "do": row.text}
        step_unread: list[str] = list(dict.fromkeys(row.unread))
        syms = [s for s in row.symbols if s.kind != "connector"]

        def actor(lanes: list[int]) -> Any:
            names = [lane_ids[k] for k in lanes if k < len(lane_ids)]
            return names[0] if len(names) == 1 else names

        if not syms:
            step_unread.append(render("no_symbol", {}))
        elif len(syms) == 1:
            step["kind"] = _KINDS.get(syms[0].kind, "process")
            step["actor"] = actor(syms[0].lanes)
        else:
            step["parts"] = [{"kind": _KINDS.get(s.kind, "process"), "actor": actor(s.lanes)} for s in syms]
        for s in syms[:-1]:
            lost = sorted({t + 1 for _, t in s.exits if t != i})
            if s.kind == "decision" and lost:
                step_unread.append(render("decision_inner", {"to": ", ".join(map(str, lost))}))
        last = syms[-1] if syms else None
        if last is not None and last.kind == "decision":
            exits = [{"label": label, "to": ids[t]} if label else {"to": ids[t]} for label, t in last.exits if t != i]
            if exits:
                step["exits"] = exits
            else:
                step_unread.append(render("decision_no_target", {}))
        if row.next_label and (last is None or last.kind != "decision"):
            step["next_label"] = row.next_label
        extra: list[str] = []
        for h, f, cell in zip(sheet.mutu_headings, fields, row.mutu, strict=False):
            if not cell or cell in {"-", "–"}:
                continue
            if f in ("requirements", "input") and f not in step:
                step[f] = [cell]
            elif f in ("time", "output") and f not in step:
                step[f] = cell
            else:
                extra.append(f"{h}: {cell}")
        notes = [row.notes] if row.notes and row.notes not in {"-", "–"} else []
        if extra or notes:
            step["notes"] = "; ".join(notes + extra)
        if step_unread:
            step["unread"] = step_unread
        steps.append(step)
    data["steps"] = steps
    if not sheet.rows:
        unread.append(next((i.message() for i in sheet.issues if i.msg_id in ("table_image", "table_missing")),
                           render("table_missing", {})))
    unread.extend(sheet.unread)
    if sheet.records:
        data["records"] = [{"name": name} for name in sheet.records]
    if unread:
        data["unread"] = unread
    return data


def to_procedure(sheet: ReadSheet, owner: str | None) -> Procedure:
    return Procedure.model_validate(to_procedure_data(sheet, owner))
