"""The synthetic generator: what it writes loads, has a sound flow, and is the same for a seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from prosedur.flow.graph import can_reach_end, reachable, strongly_connected, successors
from prosedur.load import load_library
from prosedur.model import Library, Numbering, StepKind
from prosedur.synth import synthetic_library, synthetic_procedure
from prosedur.text import cited_parameters, texts


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = synthetic_library(tmp_path_factory.mktemp("syn"), 30, steps=(10, 60), seed=7)
    lib, problems = load_library(root)
    assert not problems, [p.format() for p in problems]
    return lib


def test_writes_n_procedures_that_all_load(library: Library) -> None:
    assert len(library.procedures) == 30
    assert len({p.number for p in library.procedures}) == 30


def test_step_counts_stay_within_the_range(library: Library) -> None:
    sizes = [len(p.steps) for p in library.procedures]
    assert all(10 <= n <= 60 for n in sizes)
    assert len(set(sizes)) > 5  # drawn, not constant


def test_every_step_is_reachable_and_reaches_an_end(library: Library) -> None:
    for proc in library.procedures:
        succ = successors(proc)
        ids = {s.id for s in proc.steps}
        assert reachable(proc.steps[0].id, succ) == ids, proc.number
        assert can_reach_end(proc, succ) == ids, proc.number


def test_structure_is_realistic(library: Library) -> None:
    loops = 0
    for proc in library.procedures:
        assert len(proc.actors()) >= 2
        assert proc.steps[0].kind == StepKind.START and proc.steps[-1].kind == StepKind.END
        decisions = [s for s in proc.steps if s.kind == StepKind.DECISION]
        assert decisions and all(len(s.exits) == 2 for s in decisions)
        loops += len(strongly_connected(proc))
        assert proc.measurements and proc.parameters and proc.records
    assert loops > 0  # decisions do loop back for rework


def test_references_inside_each_procedure_resolve(library: Library) -> None:
    form_re = Numbering.to_regex(library.info.numbering.form)
    proc_re = Numbering.to_regex(library.info.numbering.procedure)
    numbers = {p.number for p in library.procedures}
    for proc in library.procedures:
        assert proc_re.match(proc.number)
        record_ids = {r.id for r in proc.records}
        cited = {r for s in proc.steps for r in s.records}
        assert cited == record_ids  # every cited record exists, none is orphaned
        assert all(form_re.match(r) for r in record_ids)
        actors = {r.id for r in proc.roles}
        assert set(proc.actors()) <= actors <= set(library.info.roles)
        for _, text in texts(proc):
            assert set(cited_parameters(text)) <= set(proc.parameters)
        assert set(proc.related) <= numbers - {proc.number}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = synthetic_library(tmp_path / "a", 5, seed=3)
    b = synthetic_library(tmp_path / "b", 5, seed=3)
    c = synthetic_library(tmp_path / "c", 5, seed=4)
    files = sorted(p.relative_to(a) for p in a.rglob("*.yaml"))
    assert len(files) == 6
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert any((a / f).read_bytes() != (c / f).read_bytes() for f in files)


@pytest.mark.parametrize("k", [4, 25, 300])
def test_single_procedure_in_memory_has_k_steps(k: int) -> None:
    proc = synthetic_procedure(k, seed=1)
    assert len(proc.steps) == k
    succ = successors(proc)
    assert reachable(proc.steps[0].id, succ) == {s.id for s in proc.steps}
    assert synthetic_procedure(k, seed=1) == proc


@pytest.mark.parametrize("steps", [(8, 25), (10, 60)])
def test_library_lints_clean(tmp_path: Path, steps: tuple[int, int]) -> None:
    lint_mod = pytest.importorskip("prosedur.lint")
    lib, problems = load_library(synthetic_library(tmp_path, 60, steps=steps, seed=11))
    assert not problems
    findings = lint_mod.lint(lib)
    serious = [f for f in findings if f.severity in (lint_mod.Severity.ERROR, lint_mod.Severity.WARNING)]
    assert not serious, serious[:5]


def test_every_issue_date_in_range_gives_a_valid_procedure() -> None:
    """Issue dates span ~4 years, so 29 February comes up; the review date must still exist."""
    import random

    from prosedur.model import Procedure
    from prosedur.synth import procedure_data

    issued = set()
    for seed in range(3000):
        proc = Procedure.model_validate(procedure_data(1, 4, random.Random(seed)))
        assert proc.issued is not None and proc.review_due is not None and proc.review_due > proc.issued
        issued.add((proc.issued.month, proc.issued.day))
    assert (2, 29) in issued
