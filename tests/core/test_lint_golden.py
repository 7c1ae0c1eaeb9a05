"""Golden files: a small library that breaks rules on purpose -> the exact findings, in both languages.

Regenerate after an intended change with `PROSEDUR_REGEN=1 pytest tests/core/test_lint_golden.py` and
review the diff of `tests/core/lint_cases/*.lines` like any other change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from prosedur.lint import format_findings, lint
from prosedur.load import load_library

CASES = Path(__file__).parent / "lint_cases"
LIBRARY = CASES / "pustaka_kasus"


@pytest.fixture
def findings(monkeypatch: pytest.MonkeyPatch) -> list:  # type: ignore[type-arg]
    monkeypatch.chdir(LIBRARY)  # paths in the output are relative to the working directory
    library, problems = load_library(Path("."))
    return lint(library, problems)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_golden_lines(findings: list, lang: str) -> None:  # type: ignore[type-arg]
    got = format_findings(findings, "lines", lang) + "\n"
    expected_file = CASES / f"pustaka_kasus.{lang}.lines"
    if os.environ.get("PROSEDUR_REGEN"):
        expected_file.write_text(got, encoding="utf-8")
    assert got == expected_file.read_text(encoding="utf-8")


def test_golden_covers_every_family(findings: list) -> None:  # type: ignore[type-arg]
    codes = {f.code for f in findings}
    assert {"P000", "P001"} <= codes
    assert {c[:2] for c in codes} >= {"P0", "P1", "P2", "P3", "P4"}


def test_json_output_round_trips(findings: list) -> None:  # type: ignore[type-arg]
    data = json.loads(format_findings(findings, "json", "en"))
    assert len(data) == len(findings)
    first = data[0]
    assert set(first) >= {"code", "slug", "severity", "message", "file", "line", "col", "path"}
    assert all(isinstance(item["line"], int) for item in data)


def test_text_output_groups_by_file_with_summary(findings: list) -> None:  # type: ignore[type-arg]
    text = format_findings(findings, "text", "id", files=3)
    lines = text.splitlines()
    headers = [line for line in lines if line and not line.startswith(" ")][:-1]
    assert headers == sorted(set(headers))  # each file once, in order
    assert lines[-1].startswith("3 berkas, ") and "galat" in lines[-1]
