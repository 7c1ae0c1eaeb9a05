"""Scoring an import against a hand-checked expected file (shared by tests/core/test_import.py and
bench/bench_import.py): how many identity items, activities, (activity, actor) pairs, symbol kinds (a
symbol read that is not in the original counts against), rows whose symbols are in flow order in their
lanes, decision exits and Mutu Baku cells were read exactly."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

EXPECTED = Path(__file__).parent / "import_expected"
REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
MEASURES = ("identity", "activities", "pairs", "kinds", "order", "exits", "mutu")


def norm(text: str) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).strip(" ;.,").lower()


def reference_pdf(name: str) -> Path | None:
    for p in (REFERENCE / name, REFERENCE / "corpus" / name):
        if p.exists():
            return p
    return None


def expected_files() -> list[Path]:
    """The hand-checked files; those whose table is only a picture ("ocr": true) only where Tesseract is."""
    from prosedur.importer import ocr

    files = sorted(EXPECTED.glob("*.json"))
    return files if ocr.available() else [f for f in files if not load(f).get("ocr")]


def score(sheet: Any, exp: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """(recognised exactly, expected) per measure."""
    got: dict[str, tuple[int, int]] = {}
    ident_ok = ident_n = 0
    for key in ("number", "title", "issued", "revised", "effective", "approver_position", "approver_name",
                "approver_nip"):
        if key in exp:
            ident_n += 1
            ident_ok += norm(getattr(sheet, key)) == norm(exp[key])
    for key in ("organisation", "unit", "legal_basis", "qualifications", "related", "equipment", "warnings",
                "records"):
        want = [norm(x) for x in exp.get(key, [])]
        have = Counter(norm(x) for x in getattr(sheet, key))
        ident_n += len(want)
        for w in want:
            if have[w] > 0:
                have[w] -= 1
                ident_ok += 1
        ident_n += sum(have.values())  # an item read that is not in the original counts against
    got["identity"] = (ident_ok, ident_n)
    rows = {r.number: r for r in sheet.rows}
    lanes = sheet.lanes
    acts = pairs = pairs_n = kinds = kinds_n = exits = exits_n = mutu = mutu_n = order = 0
    for row in exp["rows"]:
        r = rows.get(str(row["no"]))
        acts += r is not None and norm(r.text) == norm(row["text"])
        want_pairs = {(n, lane) for n, s in enumerate(row["symbols"]) for lane in s["lanes"]}
        want_pairs = {lane for _, lane in want_pairs}
        have_pairs = {norm(lanes[k]) for s in (r.symbols if r else []) for k in s.lanes if k < len(lanes)}
        pairs_n += len(want_pairs)
        pairs += len({norm(x) for x in want_pairs} & have_pairs)
        want_kinds = Counter(s["kind"] for s in row["symbols"])
        have_kinds = Counter(s.kind for s in (r.symbols if r else []))
        kinds_n += sum(want_kinds.values()) + sum((have_kinds - want_kinds).values())  # a symbol too many counts against
        kinds += sum((want_kinds & have_kinds).values())
        # the row's symbols in flow order, each in its lanes
        have_seq = [(s.kind, [norm(lanes[k]) for k in s.lanes if k < len(lanes)]) for s in (r.symbols if r else [])]
        order += have_seq == [(s["kind"], [norm(x) for x in s["lanes"]]) for s in row["symbols"]]
        if "exits" in row:
            have = {t + 1 for s in (r.symbols if r else []) for _, t in s.exits}
            exits_n += len(row["exits"])
            exits += len(set(row["exits"]) & have)
        for k, cell in enumerate(row.get("mutu", [])):
            mutu_n += 1
            mutu += bool(r) and k < len(r.mutu) and norm(r.mutu[k]) == norm(cell)
    got["activities"] = (acts, len(exp["rows"]))
    got["pairs"] = (pairs, pairs_n)
    got["kinds"] = (kinds, kinds_n)
    got["order"] = (order, len(exp["rows"]))
    got["exits"] = (exits, exits_n)
    got["mutu"] = (mutu, mutu_n)
    return got


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def rate(pairs: list[tuple[int, int]]) -> float:
    n = sum(b for _, b in pairs)
    return sum(a for a, _ in pairs) / n if n else 1.0


__all__ = ["EXPECTED", "MEASURES", "expected_files", "load", "norm", "rate", "reference_pdf", "score"]
_ = re


def assert_reads_back(proc: Any, file: Path, out: Path, across: bool = True) -> None:
    """Import `file` (our SOP of `proc` in PDF or DOCX, its table over several pages) into `out` and
    find `proc` again step for step: kind, texts, Mutu Baku, the actor's column and every exit with its
    label, an exit through an off-page connector included (with `across`, the procedure must have
    exits across pages)."""
    from prosedur.flow.layout import lane_order
    from prosedur.importer.run import import_files
    from prosedur.load import load_library

    res = import_files([file], out, jobs=1)[0]
    assert res.written, res.error
    lib, problems = load_library(out)
    assert not problems
    got = lib.procedures[0]
    ids = {s.id: f"k{i:02d}" for i, s in enumerate(proc.steps, 1)}
    order = [s.id for s in proc.steps]
    assert not across or any(abs(order.index(e.to) - order.index(s.id)) > 3 for s in proc.steps for e in s.exits), \
        "the procedure should have exits across pages"
    assert len(got.steps) == len(proc.steps)
    lanes_a, lanes_b = lane_order(proc), lane_order(got)  # role ids are made from the column headings
    for a, b in zip(proc.steps, got.steps, strict=True):
        assert (b.kind, b.do, b.output, b.time, b.requirements) == (a.kind, a.do, a.output, a.time, a.requirements), a.id
        assert lanes_b.index(b.actor) == lanes_a.index(a.actor), a.id
        assert sorted((e.label or "", e.to) for e in b.exits) == sorted((e.label or "", ids[e.to]) for e in a.exits), a.id
