"""A small run of bench/crash_harness.py: the server is SIGKILL-ed while a client approves and acknowledges.

The full run (200 revisions, 12 kills) lives in bench/ (docs/reliability.md has its last result); this
one keeps the same checks at a size the suite can afford.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_seen_success_is_lost_across_kills(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "crash_harness.py"), "--ops", "8", "--kills", "2",
                          "--seed", "7", "--keep", str(tmp_path / "run")],
                         cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "RESULT: OK" in run.stdout
    assert "2 kills" in run.stdout  # the server really died twice
    assert "integrity_check ok" in run.stdout and "audit chain OK" in run.stdout
