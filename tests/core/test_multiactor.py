"""Activities with several actors (PermenPAN-RB SOP rows), joint tasks, unlabelled exits and labelled
arrows: the source format, the loader and the linter.

A row of parts is one numbered activity whose symbols (each with its kind and actor) are linked in
order; `actor: [a, b]` is one symbol spanning the lanes of a and b.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from prosedur.flow import graph
from prosedur.flow.layout import lane_order
from prosedur.lint import Finding, Severity, lint
from prosedur.load import load_library, load_procedure_text
from prosedur.model import StepKind
from prosedur.serialize import serialize_procedure

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "smlti"

TICKET = """\
number: P.SMLTI 98
title: Pengelolaan Tiket Layanan
roles:
  - {id: pegawai, name: Pegawai}
  - {id: admin, name: Admin}
  - {id: teknisi, name: Teknisi}
  - {id: kabid, name: Kepala Bidang}
steps:
  - id: ajukan
    do: Pengajuan tiket
    parts:
      - {kind: start, actor: pegawai, do: Mengajukan tiket layanan}
      - {actor: admin, do: Mencatat tiket}
      - {actor: teknisi, do: Menerima tiket}
    time: 1 hari
  - id: rencana
    actor: [teknisi, kabid]
    do: Merencanakan perbaikan
    next_label: Rencana disetujui
  - id: cek
    kind: decision
    actor: teknisi
    do: Memeriksa hasil perbaikan
    exits:
      - {to: rencana}
      - {to: selesai}
  - id: selesai
    kind: end
    actor: pegawai
    do: Menerima hasil perbaikan
"""


def _library(tmp_path: Path, text: str, profile: str | None = None) -> Path:
    root = tmp_path / "lib"
    (root / "prosedur").mkdir(parents=True)
    info = (SAMPLE / "pustaka.yaml").read_text(encoding="utf-8")
    if profile:
        info += f"\nprofile: {profile}\n"
    (root / "pustaka.yaml").write_text(info, encoding="utf-8")
    (root / "prosedur" / "p98.yaml").write_text(text, encoding="utf-8")
    return root


def _findings(tmp_path: Path, text: str, profile: str | None = None) -> list[Finding]:
    library, problems = load_library(_library(tmp_path, text, profile))
    assert not problems, [p.format() for p in problems]
    return lint(library, problems)


def _codes(findings: list[Finding], *codes: str) -> list[Finding]:
    return [f for f in findings if f.code in codes]


def test_joint_actor_and_parts_load() -> None:
    proc = load_procedure_text(TICKET)
    first, joint = proc.steps[0], proc.steps[1]
    assert [p.kind for p in first.parts] == [StepKind.START, StepKind.PROCESS, StepKind.PROCESS]
    assert first.actors == ["pegawai", "admin", "teknisi"]
    assert first.entry_kind == StepKind.START and first.exit_kind == StepKind.PROCESS
    assert joint.actor == ["teknisi", "kabid"] and joint.actors == ["teknisi", "kabid"]
    assert joint.next_label == "Rencana disetujui"
    assert proc.steps[2].exits[0].label is None
    # every role that acts only jointly or in a part is an actor, so it gets its lane
    assert proc.actors() == ["pegawai", "admin", "teknisi", "kabid"]
    assert lane_order(proc) == ["pegawai", "admin", "teknisi", "kabid"]


def test_single_actor_list_is_plain_actor() -> None:
    proc = load_procedure_text(TICKET.replace("actor: [teknisi, kabid]", "actor: [teknisi]"))
    assert proc.steps[1].actor == "teknisi"


def test_graph_labels_plain_arrows_and_leaves_rows_from_the_last_part() -> None:
    proc = load_procedure_text(TICKET)
    edges = graph.edges(proc)
    assert graph.Edge("ajukan", "rencana", None, implicit=True) in edges
    assert graph.Edge("rencana", "cek", "Rencana disetujui", implicit=True) in edges
    assert [e.label for e in edges if e.source == "cek"] == [None, None]


def test_multi_actor_source_lints_without_false_findings(tmp_path: Path) -> None:
    findings = _findings(tmp_path, TICKET)
    # the start is the first part of row 1; kabid acts only jointly and is not idle; actors are known
    assert not _codes(findings, "P101", "P102", "P106", "P107", "P108", "P112", "P114", "P203", "P301", "P303")
    unlabelled = _codes(findings, "P113")
    assert [f.params["target"] for f in unlabelled] == ["rencana", "selesai"]
    assert [(f.severity, f.line) for f in unlabelled] == [(Severity.WARNING, 25), (Severity.WARNING, 26)]


def test_unlabelled_exits_are_fine_under_permenpan(tmp_path: Path) -> None:
    assert not _codes(_findings(tmp_path, TICKET, "permenpan"), "P113", "P109", "P104")


def test_parts_out_of_order_are_errors(tmp_path: Path) -> None:
    text = TICKET.replace("{actor: admin, do: Mencatat tiket}", "{kind: end, actor: admin, do: Mencatat tiket}")
    text = text.replace("{actor: teknisi, do: Menerima tiket}", "{kind: start, actor: teknisi}")
    text = text.replace("    do: Pengajuan tiket\n", "    do: Pengajuan tiket\n    actor: pegawai\n")
    got = _codes(_findings(tmp_path, text), "P112")
    assert sorted(f.params.get("part", 0) for f in got) == [0, 2, 3]
    assert {f.msg_id for f in got} == {"parts_and_field", "part_not_last", "part_start_not_first"}
    assert all(f.severity == Severity.ERROR for f in got)


def test_joint_task_on_lanes_that_are_not_adjacent(tmp_path: Path) -> None:
    text = TICKET.replace("actor: [teknisi, kabid]", "actor: [pegawai, kabid]")
    got = _codes(_findings(tmp_path, text), "P114")
    assert len(got) == 1 and got[0].line == 17
    assert "pegawai, kabid" in got[0].message("id") and "pegawai, admin, teknisi, kabid" in got[0].message("en")


def test_part_without_actor_and_unknown_joint_actor(tmp_path: Path) -> None:
    text = TICKET.replace("{actor: admin, do: Mencatat tiket}", "{do: Mencatat tiket}")
    text = text.replace("actor: [teknisi, kabid]", "actor: [teknisi, kabidd]")
    findings = _findings(tmp_path, text)
    assert [f.params["step"] for f in _codes(findings, "P203")] == ["ajukan (2)"]
    unknown = _codes(findings, "P301")
    assert [(f.params["actor"], f.params["suggestion"]) for f in unknown] == [("kabidd", "kabid")]


def test_serialize_keeps_parts_joint_actors_and_arrow_labels() -> None:
    proc = load_procedure_text(TICKET)
    again = load_procedure_text(serialize_procedure(proc))
    assert again.model_dump() == proc.model_dump()


def test_unknown_part_key_hints_at_actor(tmp_path: Path) -> None:
    root = _library(tmp_path, TICKET.replace("{actor: admin, do: Mencatat tiket}", "{pelaksana: admin}"))
    _library_, problems = load_library(root)
    assert problems and "actor" in problems[0].format()
    shutil.rmtree(root)
