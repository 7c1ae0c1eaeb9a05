"""Shared fixtures: the sample library and its worked example, loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from prosedur.load import load_library
from prosedur.model import Library, Procedure

# CI runs the same examples every time (a landing must not hang on a newly drawn random case);
# local runs keep drawing new ones, and a failure found there is replayed from .hypothesis/.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "smlti"
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_library() -> Library:
    library, problems = load_library(SAMPLE)
    assert not problems, [p.format() for p in problems]
    return library


@pytest.fixture(scope="session")
def email(sample_library: Library) -> Procedure:
    proc = sample_library.procedure("P.SMLTI 19")
    assert proc is not None
    return proc


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """A folder for files a person should look at (rendered pages, screenshots)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
