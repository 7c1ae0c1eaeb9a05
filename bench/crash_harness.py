"""Crash harness: approvals and acknowledgements over HTTP while the server is `kill -9`-ed at random.

    python bench/crash_harness.py [--ops 200] [--kills 12] [--seed 1] [--keep DIR]

Prepares a fresh SQLite database (WAL, synchronous=FULL, as settings.py configures it) with `--ops`
procedures, each with a revision in review that its reviewer has agreed to. Then it runs the app
under gunicorn (2 workers, its own process group), and a client signs in as the approver and a
reader and, for each revision, approves it (password + effective date today) and acknowledges it.
A killer thread sends SIGKILL to the whole server process group at random moments (`--kills`
times, spread over the run) and starts it again. The client retries until each operation has an
answer; it records only the operations whose response it saw succeed (302 to the expected page).

Afterwards, with the server stopped: every approval/acknowledgement the client saw succeed is in
the database; no revision is half-approved (effective/approved without a Signature, a Signature
on a revision not approved, two effective revisions for a procedure, the old revision not obsolete);
`PRAGMA integrity_check` is ok; `manage.py verify_audit` passes. Prints a summary; exit 1 on a
violation. Uses the test settings (fast password hash): durability, not hashing, is under test.

Limits: SIGKILL kills the processes, not the machine; the OS still writes what SQLite handed it.
A power cut is what synchronous=FULL is for and cannot be simulated here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "sandi-crash-yang-panjang-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(db: Path, var: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "prosedur_web.settings_test",
            "PROSEDUR_DATABASE_URL": f"sqlite:///{db}", "PROSEDUR_VAR_DIR": str(var),
            "PROSEDUR_DEMO_PASSWORD": PASSWORD, "PYTHONPATH": str(ROOT / "src")}


# -- preparation and checks run in child processes (Django configured there, never in this process) --

PREPARE = r'''
import datetime as dt, json, re, sys
import django; django.setup()
from django.core.management import call_command
from django.db import connection
from prosedur_web.accounts.models import User
from prosedur_web.procedures import services
from prosedur_web.reviews import services as reviews
n, library = int(sys.argv[1]), sys.argv[2]
call_command("migrate", verbosity=0, interactive=False)
call_command("seed_demo", library=library, stdout=open("/dev/null", "w"))
author, reviewer = User.objects.get(username="penyusun"), User.objects.get(username="pemeriksa")
base = open(library + "/prosedur/p-smlti-19-pengelolaan-email.yaml", encoding="utf-8").read()
pks = []
for i in range(n):
    text = re.sub(r"^number:.*$", f"number: P.SMLTI {100 + i}", base, count=1, flags=re.M)
    proc = services.procedure_import(yaml_source=text, adopt=True).procedure
    rev = services.revision_start(procedure=proc, user=author)
    entry = f"  - revision: {rev.number}\n    date: 2026-01-05\n    change: Uji crash {i}\n    by: Kepala Bidang IKI\n"
    rev = services.revision_save_source(revision=rev, user=author, base_version=rev.version,
                                        text=rev.yaml_source.replace(f"  - {{revision: {rev.number}}}\n", entry, 1))
    rev = services.revision_submit(revision=rev, user=author, reviewers=[reviewer])
    reviews.review_decide(revision=rev, reviewer=reviewer, decision="agree")
    pks.append([rev.pk, rev.content_hash])  # the hash the signing form shows
print(json.dumps(pks))
'''

CHECK = r'''
import json, sys
import django; django.setup()
from django.db.models import Count, Q
from prosedur_web.procedures.models import Revision, Signature
from prosedur_web.socialisation.models import Acknowledgement
seen = json.load(open(sys.argv[1]))
problems = []
for pk in seen["approved"]:
    rev = Revision.objects.get(pk=pk)
    if rev.status != "effective" or not rev.signatures.exists():
        problems.append(f"approval of revision {pk} seen by the client is lost (status {rev.status})")
for pk in seen["acknowledged"]:
    if not Acknowledgement.objects.filter(revision_id=pk, user__username="pembaca").exists():
        problems.append(f"acknowledgement of revision {pk} seen by the client is lost")
signed = set(Signature.objects.values_list("revision_id", flat=True))
for rev in Revision.objects.filter(number__gte=1):
    if rev.status in ("approved", "effective", "obsolete") and rev.pk not in signed:
        problems.append(f"revision {rev.pk} is {rev.status} without a signature")
    if rev.status in ("draft", "in_review") and rev.pk in signed:
        problems.append(f"revision {rev.pk} is {rev.status} but signed")
twice = (Revision.objects.values("procedure").annotate(n=Count("pk", filter=Q(status="effective")))
         .filter(n__gt=1))
problems += [f"procedure {row['procedure']} has {row['n']} effective revisions" for row in twice]
for rev in Revision.objects.filter(number=0, procedure__revisions__number=1,
                                   procedure__revisions__status="effective"):
    if rev.status != "obsolete":
        problems.append(f"revision 0 of procedure {rev.procedure_id} is {rev.status} after revision 1 took effect")
for pk in seen["refused"]:  # refused on a retry after a crash: only because the lost attempt committed
    if Revision.objects.get(pk=pk).status != "effective":
        problems.append(f"approval of revision {pk} refused after a crash, yet not effective")
print(json.dumps({"problems": problems,
                  "approved_in_db": Revision.objects.filter(number=1, status="effective").count(),
                  "acknowledged_in_db": Acknowledgement.objects.filter(user__username="pembaca").count(),
                  "signatures": len(signed)}))
'''


# -- the server, killed and restarted --------------------------------------------------------------

class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path, workers: int = 2):
        self.env, self.port, self.log, self.workers = env, port, log, workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.kills = 0
        self.restart_seconds: list[float] = []

    def start(self) -> None:
        t0 = time.monotonic()
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "prosedur_web.wsgi:application", "--bind",
                 f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", "60"],
                env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/akun/masuk/")
                if conn.getresponse().status == 200:
                    self.restart_seconds.append(time.monotonic() - t0)
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not come up:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: no shutdown code runs anywhere."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


class Client:
    """A browser-like client over http.client: cookies by hand (the app's cookies are Secure)."""

    def __init__(self, port: int, username: str):
        self.port, self.username = port, username
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.body = resp.read()  # type: ignore[attr-defined]
        for header in resp.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        conn.close()
        return resp

    def login(self) -> None:
        self.cookies.clear()
        self.request("GET", "/akun/masuk/")
        resp = self.request("POST", "/akun/masuk/", {"username": self.username, "password": PASSWORD, "next": ""})
        if resp.status != 302:
            raise RuntimeError(f"login of {self.username} failed: {resp.status}")


def run(ops: int, kills: int, seed: int, keep: Path | None) -> int:
    rng = random.Random(seed)
    work = Path(keep or tempfile.mkdtemp(prefix="prosedur-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "db.sqlite3"
    for stale in work.glob("db.sqlite3*"):
        stale.unlink()
    env = environment(db, work)
    t0 = time.monotonic()
    library = work / "library"  # the sample library with room for three-digit procedure numbers
    (library / "prosedur").mkdir(parents=True, exist_ok=True)
    sample = ROOT / "examples" / "smlti"
    (library / "pustaka.yaml").write_text((sample / "pustaka.yaml").read_text(encoding="utf-8").replace(
        "procedure: P.SMLTI {nn}", "procedure: P.SMLTI {n}"), encoding="utf-8")
    email = "prosedur/p-smlti-19-pengelolaan-email.yaml"
    (library / email).write_text((sample / email).read_text(encoding="utf-8"), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", PREPARE, str(ops), str(library)],
                         env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    signable: list[list[object]] = json.loads(out.stdout.strip().splitlines()[-1])
    hashes = {int(str(pk)): str(digest) for pk, digest in signable}
    pks = list(hashes)
    prepare_s = time.monotonic() - t0

    port = free_port()
    server = Server(env, port, work / "server.log")
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    from_django = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup(); from django.urls import reverse as r;"
         "print(json.dumps([r('procedures:revision_approve', args=[0]), "
         "r('socialisation:acknowledgement_create', args=[0])]))"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    approve_path, ack_path = (p.replace("/0/", "/{pk}/") for p in json.loads(from_django.stdout))

    approver, reader = Client(port, "pengesah"), Client(port, "pembaca")
    seen: dict[str, list[int]] = {"approved": [], "acknowledged": [], "refused": []}
    stats = {"connection_errors": 0, "relogins": 0, "ambiguous": 0, "locked": 0}
    done = threading.Event()
    busy = threading.Lock()  # the killer waits while the server is being restarted

    progress = [0]  # operations started so far

    def killer() -> None:
        """Kill at `kills` random operations spread over the run, a random moment after each started."""
        for target in sorted(rng.sample(range(1, 2 * ops), min(kills, 2 * ops - 1))):
            while progress[0] < target:
                if done.wait(0.02):
                    return
            if done.wait(rng.uniform(0.0, 0.4)):
                return
            with busy:
                server.kill()
                server.start()

    def attempt(client: Client, path: str, form: dict[str, str], ok: re.Pattern[str]) -> str:
        """Until an answer: 'ok' (seen succeed), 'refused' (e.g. already done before a crash)."""
        failed_before = False
        for _ in range(200):
            try:
                if not client.cookies.get("sessionid"):
                    client.login()
                resp = client.request("POST", path, form)
            except (OSError, http.client.HTTPException, RuntimeError):
                stats["connection_errors"] += 1
                failed_before = True
                time.sleep(0.2)
                continue
            location = resp.headers.get("Location", "")
            if resp.status == 302 and "/akun/masuk/" in location:
                stats["relogins"] += 1  # session lost with a crash (or cycled by a signing we did not see)
                client.cookies.pop("sessionid", None)
                continue
            if resp.status == 302 and ok.search(location):
                return "ok"
            if resp.status in (403, 409) and failed_before:
                stats["ambiguous"] += 1
                return "refused"
            if resp.status >= 500:
                stats["locked"] += "locked" in server.log.read_text()[-2000:]
                failed_before = True
                time.sleep(0.2)
                continue
            raise RuntimeError(f"unexpected answer {resp.status} {location} for {path}: "
                               + str(re.findall(rb"<li>(.*?)</li>", resp.body)))
        raise RuntimeError(f"no answer for {path}")

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    t1 = time.monotonic()
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()  # the server's calendar
    try:
        for pk in pks:
            with busy:
                pass
            progress[0] += 1
            form = {"password": PASSWORD, "effective_date": today, "content_hash": hashes[pk]}
            if attempt(approver, approve_path.format(pk=pk), form, re.compile(rf"/revisi/{pk}/$")) == "ok":
                seen["approved"].append(pk)
            else:
                seen["refused"].append(pk)
            progress[0] += 1
            if attempt(reader, ack_path.format(pk=pk), {}, re.compile(r"/prosedur/\d+/$")) == "ok":
                seen["acknowledged"].append(pk)
    finally:
        done.set()
        thread.join()
        run_s = time.monotonic() - t1
        server.stop()

    (work / "seen.json").write_text(json.dumps(seen))
    check = subprocess.run([sys.executable, "-c", CHECK, str(work / "seen.json")], env=env, cwd=ROOT,
                           check=True, capture_output=True, text=True)
    facts = json.loads(check.stdout.strip().splitlines()[-1])
    with sqlite3.connect(db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    audit = subprocess.run([sys.executable, "manage.py", "verify_audit", "--lang", "en"], env=env, cwd=ROOT,
                           capture_output=True, text=True)
    problems = list(facts["problems"])
    if integrity != "ok":
        problems.append(f"PRAGMA integrity_check: {integrity}")
    if audit.returncode != 0:
        problems.append(f"verify_audit failed: {audit.stdout.strip()} {audit.stderr.strip()[-500:]}")
    if "database is locked" in server.log.read_text():
        problems.append("'database is locked' in the server log")

    print(f"crash harness: {ops} revisions, {server.kills} kills (SIGKILL to gunicorn master+workers), seed {seed}")
    print(f"  prepare {prepare_s:.1f} s, run {run_s:.1f} s, restart {min(server.restart_seconds):.1f}-"
          f"{max(server.restart_seconds):.1f} s")
    print(f"  client saw succeed: {len(seen['approved'])} approvals, {len(seen['acknowledged'])} acknowledgements;"
          f" refused after a crash (done before it): {stats['ambiguous']}")
    print(f"  connection errors {stats['connection_errors']}, re-logins {stats['relogins']}")
    print(f"  in database: {facts['approved_in_db']} effective revisions 1, {facts['signatures']} signatures,"
          f" {facts['acknowledged_in_db']} acknowledgements")
    print(f"  journal_mode {journal}, integrity_check {integrity}, verify_audit: {audit.stdout.strip()}")
    print("  RESULT: " + ("OK" if not problems else "FAILED"))
    for p in problems:
        print("  - " + p)
    if keep is None and not problems:
        shutil.rmtree(work)
    else:
        print(f"  files kept in {work}")
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=200)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep (db, logs)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the server
    sys.exit(run(args.ops, args.kills, args.seed, args.keep))


if __name__ == "__main__":
    main()
