"""Web load benchmark: gunicorn (2 x cores workers) on SQLite and PostgreSQL, driven by wrk on loopback.

    python bench/bench_web_load.py [--duration 15] [--users 10,50,100] [--db sqlite,postgres]
                                   [--think-duration 30] [--pg postgres://postgres@127.0.0.1:5432/postgres]

Two load models, reported apart:
* closed loop (wrk): `users` connections, each asks again the moment it gets an answer (zero think
  time) - a throughput test; latency there is mostly queueing once users exceed what the server does.
* people (think time): `users` threads, each requests a page (procedure or library page, at random),
  waits a random 1-3 s, and repeats for `--think-duration` seconds - how people use the app.

For each database: a fresh database (SQLite file in a temp folder; PostgreSQL database
`prosedur_bench_load`, created and dropped here), production settings (DEBUG off, PBKDF2 password
hashing, collected static files), the sample library and demo users. A reader's session then loads
the library page, a procedure page (P.SMLTI 19) and its PDF download at each concurrency for
`--duration` seconds (wrk: connections = users, 30 s timeout so slow answers count as latency).
Prints p50/p95/p99 (ms) and requests/s side by side, non-2xx answers and "database is locked" lines
in the server log. Then the approver signs 16 revisions, 4 at a time, re-entering the password:
signing p50/p99. Targets: procedure page p95 < 100 ms at 50 users on SQLite; signing p99 < 1.5 s.
Needs `wrk` (scripts/setup installs it). Loopback only; bounded: about 9 x duration per database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "sandi-beban-yang-panjang-1"
WORKERS = 2 * (os.cpu_count() or 1)
SIGNINGS, SIGN_CONCURRENCY = 16, 4

WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"p50": %d, "p95": %d, "p99": %d, "requests": %d, "duration_us": %d, '
    .. '"non2xx": %d, "errors": %d}\\n', latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout))
end
"""

PREPARE = r'''
import json, re, sys
import django; django.setup()
from django.core.management import call_command
from prosedur_web.accounts.models import User
from prosedur_web.procedures import services
from prosedur_web.procedures.models import Procedure
from prosedur_web.reviews import services as reviews
n, library = int(sys.argv[1]), sys.argv[2]
call_command("migrate", verbosity=0, interactive=False)
call_command("collectstatic", verbosity=0, interactive=False)
call_command("seed_demo", library=library, stdout=open("/dev/null", "w"))
author, reviewer = User.objects.get(username="penyusun"), User.objects.get(username="pemeriksa")
base = open(library + "/prosedur/p-smlti-19-pengelolaan-email.yaml", encoding="utf-8").read()
pks = []
for i in range(n):  # revisions in review, agreed, ready to sign
    text = re.sub(r"^number:.*$", f"number: P.SMLTI {100 + i}", base, count=1, flags=re.M)
    proc = services.procedure_import(yaml_source=text, adopt=True).procedure
    rev = services.revision_start(procedure=proc, user=author)
    entry = f"  - revision: {rev.number}\n    date: 2026-01-05\n    change: Uji beban {i}\n    by: Kepala Bidang IKI\n"
    rev = services.revision_save_source(revision=rev, user=author, base_version=rev.version,
                                        text=rev.yaml_source.replace(f"  - {{revision: {rev.number}}}\n", entry, 1))
    rev = services.revision_submit(revision=rev, user=author, reviewers=[reviewer])
    reviews.review_decide(revision=rev, reviewer=reviewer, decision="agree")
    pks.append([rev.pk, rev.content_hash])  # the hash the signing form shows
email = Procedure.objects.get(number="P.SMLTI 19")
from django.contrib.auth.hashers import get_hasher
print(json.dumps({"sign": pks, "procedure": email.pk, "revision": email.revisions.get(status="effective").pk,
                  "hasher": get_hasher().algorithm, "iterations": getattr(get_hasher(), "iterations", 0)}))
'''


class Client:
    """http.client with cookies by hand: the app's cookies are Secure, Python's cookie jar would drop them."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        for header in resp.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return resp

    def login(self, username: str) -> Client:
        self.request("GET", "/akun/masuk/")
        resp = self.request("POST", "/akun/masuk/", {"username": username, "password": PASSWORD, "next": ""})
        if resp.status != 302:
            raise RuntimeError(f"login {username}: {resp.status}")
        return self


def wrk(port: int, path: str, cookie: str, users: int, duration: int, lua: Path) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t", str(min(2, users)), "-c", str(users), "-d", f"{duration}s", "--timeout", "30s", "-s", str(lua),
         "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    r = json.loads(line[len("RESULT "):])
    return {"p50": r["p50"] / 1000, "p95": r["p95"] / 1000, "p99": r["p99"] / 1000,
            "rps": r["requests"] / (r["duration_us"] / 1e6), "non2xx": r["non2xx"], "errors": r["errors"]}


THINK = (1.0, 3.0)  # seconds a person looks at a page before the next click


def people(port: int, pages: dict[str, str], cookies: dict[str, str], users: int, duration: float,
           seed: int = 1) -> dict[str, dict[str, float]]:
    """`users` people, each: GET a page, think 1-3 s, repeat. Latency per page, and overall req/s."""
    import random

    deadline = time.monotonic() + duration
    lock = threading.Lock()
    times: dict[str, list[float]] = {name: [] for name in pages}
    failures = [0]

    def person(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        client = Client(port)
        client.cookies = dict(cookies)
        time.sleep(rng.uniform(0, THINK[1]))  # people do not all click at the same instant
        while time.monotonic() < deadline:
            name = rng.choice(list(pages))
            t0 = time.perf_counter()
            try:
                status = client.request("GET", pages[name]).status
            except OSError:
                status = 0
            elapsed = time.perf_counter() - t0
            with lock:
                if status == 200:
                    times[name].append(elapsed)
                else:
                    failures[0] += 1
            time.sleep(rng.uniform(*THINK))

    t_start = time.monotonic()
    threads = [threading.Thread(target=person, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t_start
    out: dict[str, dict[str, float]] = {}
    total = sum(len(v) for v in times.values())
    for name, values in times.items():
        values.sort()
        out[name] = {"p50": pct(values, 50) * 1000, "p95": pct(values, 95) * 1000, "p99": pct(values, 99) * 1000,
                     "rps": len(values) / wall, "n": len(values), "failures": failures[0]}
    out["all"] = {"rps": total / wall, "n": total, "failures": failures[0]}
    return out


def sign_all(port: int, signable: list[list[object]]) -> list[float]:
    """The approver signs each revision (password re-entered), SIGN_CONCURRENCY at a time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    times: list[float] = []
    hashes = {int(str(pk)): str(digest) for pk, digest in signable}  # the content each form showed
    queue = list(hashes)
    lock = threading.Lock()

    def worker() -> None:
        client = Client(port).login("pengesah")
        while True:
            with lock:
                if not queue:
                    return
                pk = queue.pop()
            t0 = time.perf_counter()
            resp = client.request("POST", f"/revisi/{pk}/sahkan/",
                                  {"password": PASSWORD, "effective_date": today, "content_hash": hashes[pk]})
            elapsed = time.perf_counter() - t0
            if resp.status != 302 or "/akun/masuk/" in resp.headers.get("Location", ""):
                raise RuntimeError(f"signing {pk}: {resp.status}")
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(SIGN_CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(times)


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]


def bench_database(kind: str, url: str, work: Path, users: list[int], duration: int,
                   think_duration: int) -> dict[str, object]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "prosedur_web.settings", "PROSEDUR_DEBUG": "0",
           "PROSEDUR_SECRET_KEY": "bench-" + "b" * 60, "PROSEDUR_SSL_REDIRECT": "0", "PROSEDUR_DATABASE_URL": url,
           "PROSEDUR_VAR_DIR": str(work), "PROSEDUR_DEMO_PASSWORD": PASSWORD, "PYTHONPATH": str(ROOT / "src")}
    library = work / "library"
    shutil.copytree(ROOT / "examples" / "smlti", library)
    info = library / "pustaka.yaml"  # room for three-digit numbers of the extra procedures
    info.write_text(info.read_text(encoding="utf-8").replace("procedure: P.SMLTI {nn}", "procedure: P.SMLTI {n}"),
                    encoding="utf-8")
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", PREPARE, str(SIGNINGS), str(library)], env=env, cwd=ROOT,
                         check=True, capture_output=True, text=True)
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"[{kind}] prepared in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    log = work / f"gunicorn-{kind}.log"
    with socket_port() as port, log.open("wb") as fh:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "prosedur_web.wsgi:application", "--bind",
                                   f"127.0.0.1:{port}", "--workers", str(WORKERS), "--timeout", "120"],
                                  env=env, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
        try:
            wait_up(port)
            reader = Client(port).login("pembaca")
            cookie = "; ".join(f"{k}={v}" for k, v in reader.cookies.items())
            pages = {"library": "/", "procedure": f"/prosedur/{facts['procedure']}/",
                     "pdf": f"/revisi/{facts['revision']}/unduh/pdf/"}
            for path in pages.values():  # warm up: imports, first PDF render into the cache
                if reader.request("GET", path).status != 200:
                    raise RuntimeError(f"GET {path} failed")
            lua = work / "report.lua"
            lua.write_text(WRK_LUA)
            results: dict[str, dict[int, dict[str, float]]] = {}
            for name, path in pages.items():
                wrk(port, path, cookie, 2 * WORKERS, 3, lua)  # every worker warm (parsed-source cache, imports)
                for n in users:
                    results.setdefault(name, {})[n] = r = wrk(port, path, cookie, n, duration, lua)
                    print(f"[{kind}] {name:<9} {n:>3} users: p50 {r['p50']:.0f} p95 {r['p95']:.0f} "
                          f"p99 {r['p99']:.0f} ms, {r['rps']:.0f} req/s, non-2xx {r['non2xx']:.0f}",
                          file=sys.stderr)
            thinking: dict[int, dict[str, dict[str, float]]] = {}
            person_pages = {k: v for k, v in pages.items() if k != "pdf"}
            for n in users:
                thinking[n] = r2 = people(port, person_pages, reader.cookies, n, think_duration)
                print(f"[{kind}] people    {n:>3} users: " + ", ".join(
                    f"{name} p50 {r2[name]['p50']:.0f} p95 {r2[name]['p95']:.0f} p99 {r2[name]['p99']:.0f} ms"
                    for name in person_pages) + f", {r2['all']['rps']:.1f} req/s, failures "
                    f"{r2['all']['failures']:.0f}", file=sys.stderr)
            signing = sign_all(port, facts["sign"])
        finally:
            server.terminate()
            server.wait(timeout=30)
    locked = log.read_text(errors="replace").count("database is locked")
    return {"results": results, "thinking": thinking, "signing": signing, "locked": locked, "hasher": facts["hasher"],
            "iterations": facts["iterations"]}


class socket_port:
    def __enter__(self) -> int:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        return None


def wait_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", "/akun/masuk/").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up")


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--users", default="10,50,100")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--think-duration", type=int, default=30,
                        help="seconds per cell of the people model (think time 1-3 s)")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="an admin connection; the bench database is created and dropped through it")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (scripts/setup installs it)")
    users = [int(u) for u in args.users.split(",")]
    out: dict[str, dict[str, object]] = {}
    for kind in args.db.split(","):
        work = Path(tempfile.mkdtemp(prefix=f"prosedur-load-{kind}-"))
        try:
            if kind == "sqlite":
                out[kind] = bench_database(kind, f"sqlite:///{work / 'db.sqlite3'}", work, users, args.duration,
                                           args.think_duration)
            else:
                name = "prosedur_bench_load"
                pg_admin(args.pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                pg_admin(args.pg, f"CREATE DATABASE {name}")
                try:
                    url = re.sub(r"/[^/]*$", f"/{name}", args.pg)
                    out[kind] = bench_database(kind, url, work, users, args.duration, args.think_duration)
                finally:
                    pg_admin(args.pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    kinds = list(out)
    print(f"\nWeb load, closed loop (wrk, zero think time), gunicorn {WORKERS} workers, {os.cpu_count()} cores, "
          f"{args.duration} s per cell, loopback")
    print("| page | users | " + " | ".join(f"{k} p50 / p95 / p99 ms | {k} req/s" for k in kinds) + " |")
    print("|---|---:|" + "---:|---:|" * len(kinds))
    first = out[kinds[0]]["results"]
    for page in first:  # type: ignore[union-attr]
        for n in users:
            cells = []
            for k in kinds:
                r = out[k]["results"][page][n]  # type: ignore[index]
                bad = f" ({r['non2xx']:.0f} non-2xx, {r['errors']:.0f} errors)" if r["non2xx"] or r["errors"] else ""
                cells.append(f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f}{bad} | {r['rps']:.0f}")
            print(f"| {page} | {n} | " + " | ".join(cells) + " |")
    print(f"\nWeb load, people (each: GET procedure or library page, think {THINK[0]:.0f}-{THINK[1]:.0f} s, "
          f"repeat), {args.think_duration} s per cell")
    print("| page | users | " + " | ".join(f"{k} p50 / p95 / p99 ms | {k} req/s" for k in kinds) + " |")
    print("|---|---:|" + "---:|---:|" * len(kinds))
    for page in ("procedure", "library"):
        for n in users:
            cells = []
            for k in kinds:
                r = out[k]["thinking"][n][page]  # type: ignore[index]
                bad = f" ({r['failures']:.0f} failed)" if r["failures"] else ""
                cells.append(f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f}{bad} | {r['rps']:.1f}")
            print(f"| {page} | {n} | " + " | ".join(cells) + " |")
    for k in kinds:
        s: list[float] = out[k]["signing"]  # type: ignore[assignment]
        print(f"signing ({k}, {len(s)} signatures, {SIGN_CONCURRENCY} at a time, {out[k]['hasher']} "
              f"{out[k]['iterations']} iterations): p50 {pct(s, 50) * 1000:.0f} ms, p99 {pct(s, 99) * 1000:.0f} ms, "
              f"max {max(s) * 1000:.0f} ms")
        print(f"'database is locked' lines in the {k} server log: {out[k]['locked']}")


if __name__ == "__main__":
    main()
