"""Browser tests: the app runs as a real server process on a fresh SQLite file, Chromium drives it.

The server is `manage.py runserver --noreload` with the test settings (DEBUG off, so the CSP and the
production templates are what the browser sees) on a free loopback port. Nothing here configures
Django in the test process: the database is prepared by `seed_app.py` in its own process.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "sandi-e2e-yang-panjang-1"
LIBRARY_FILES = ["pustaka.yaml", "prosedur/p-smlti-19-pengelolaan-email.yaml"]


@dataclass
class App:
    url: str
    password: str
    db: Path
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {timeout}s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """`manage.py runserver` on a free loopback port with `env`, its output in `log`; yields its URL."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/akun/masuk/", proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (scripts/setup installs it)")
    tmp = tmp_path_factory.mktemp("e2e")
    library = tmp / "library"
    for name in LIBRARY_FILES:  # one procedure keeps the seed fast; the lifecycle needs no more
        (library / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "examples" / "smlti" / name, library / name)
    db = tmp / "db.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "prosedur_web.settings_test",
           "PROSEDUR_DATABASE_URL": f"sqlite:///{db}", "PROSEDUR_VAR_DIR": str(tmp),
           "PROSEDUR_DEMO_PASSWORD": PASSWORD, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, str(Path(__file__).with_name("seed_app.py")), str(library)],
                   env=env, cwd=ROOT, check=True, timeout=120)
    with running_server(env, tmp / "server.log") as url:
        yield App(url=url, password=PASSWORD, db=db, log=tmp / "server.log")


@pytest.fixture(scope="module")
def browser(app: App) -> Iterator[object]:
    with chromium_browser() as chromium:
        yield chromium
