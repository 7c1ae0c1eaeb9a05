"""Library.procedure answers from an index but never from a stale one."""

from __future__ import annotations

from prosedur.model import Library


def test_lookup_finds_every_procedure_and_misses_cleanly(sample_library: Library) -> None:
    for proc in sample_library.procedures:
        assert sample_library.procedure(proc.number) is proc
    assert sample_library.procedure("P.SMLTI 999") is None


def test_lookup_follows_changes_made_in_place(sample_library: Library) -> None:
    lib = sample_library.model_copy(update={"procedures": list(sample_library.procedures)})
    first = lib.procedures[0]
    assert lib.procedure(first.number) is first
    renamed = first.model_copy(update={"number": "P.SMLTI 98"})
    lib.procedures[0] = renamed
    assert lib.procedure("P.SMLTI 98") is renamed
    assert lib.procedure(first.number) is None
    lib.procedures.append(first)
    assert lib.procedure(first.number) is first
    lib.procedures.clear()
    assert lib.procedure("P.SMLTI 98") is None
