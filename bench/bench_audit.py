"""Audit chain and content hash: speed, and the full mutation run.

Prints: append and verify throughput for trails of 1k / 10k / 100k entries, JSON Lines export and
re-import, content_hash time for procedures of 10 / 100 / 1,000 steps, and the mutation run — N
random single-byte edits of the exported entries plus deletions, insertions and reorderings, each
verified by a full walk of the chain with the head anchor — with how many were caught (must be all)
and false alarms on the untouched trail (must be 0).
Usage: python bench/bench_audit.py [mutations=10000] [trail=1000]

`python bench/bench_audit.py page [entries=50000]`: the web app's /audit/ page on a trail of that many
entries in a fresh SQLite file (temp folder), before and after incremental verification: the check
as the page used to run it on every view (every entry read as a model and hashed), the full walk as
it is now (plain rows in chunks: `verify_audit`, the auditor's button), the incremental check with no
and with 100 new entries since the checkpoint, and the whole page (GET as a document controller,
template included) with the old and the new check, side by side (median ms).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

from prosedur.integrity import (
    AuditEntry,
    append,
    content_hash,
    dump_trail,
    entry_from_json,
    entry_to_json,
    load_trail,
    next_entry,
    verify_chain,
)
from prosedur.synth import synthetic_procedure

WIB = dt.timezone(dt.timedelta(hours=7))


def make_trail(n: int, seed: int = 1) -> list[AuditEntry]:
    rnd = random.Random(seed)
    trail: list[AuditEntry] = []
    start = dt.datetime(2024, 1, 2, 8, tzinfo=WIB)
    for i in range(n):
        append(
            trail,
            actor=rnd.choice(["rina", "agus", "bambang", "dewi"]),
            action=rnd.choice(["revision.submit", "revision.approve", "comment.add", "login"]),
            object_type="revision",
            object_id=str(rnd.randrange(1, 500)),
            details={"status": "in_review", "n": i, "catatan": "Langkah 3 — “jelas”"},
            client=f"10.0.0.{rnd.randrange(1, 250)}",
            timestamp=start + dt.timedelta(seconds=37 * i),
        )
    return trail


def timed(fn, repeats: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def speed() -> None:
    print(f"{'entries':>8} {'append/s':>10} {'verify/s':>10} {'export ms':>10} {'import ms':>10}")
    for n in (1_000, 10_000, 100_000):
        start = time.perf_counter()
        trail = make_trail(n)
        append_rate = n / (time.perf_counter() - start)
        verify = timed(lambda t=trail: verify_chain(t), 1 if n > 10_000 else 3)
        data = dump_trail(trail)
        export = timed(lambda t=trail: dump_trail(t), 1)
        imported = timed(lambda d=data: load_trail(d), 1)
        assert verify_chain(trail) == []
        print(f"{n:>8} {append_rate:>10.0f} {n / verify:>10.0f} {export * 1000:>10.1f} {imported * 1000:>10.1f}")
    print()
    print(f"{'steps':>8} {'content_hash ms':>16}")
    for k in (10, 100, 1_000):
        proc = synthetic_procedure(k)
        print(f"{k:>8} {timed(lambda p=proc: content_hash(p), 5) * 1000:>16.2f}")
    print()


def mutations(count: int, size: int) -> None:
    rnd = random.Random(20240305)
    trail = make_trail(size)
    head = trail[-1].hash
    false_alarms = len(verify_chain(trail, expected_count=size, expected_head=head))
    lines = [entry_to_json(e) for e in trail]
    results: dict[str, list[int]] = {}
    start = time.perf_counter()

    def record(kind: str, caught: bool) -> None:
        tally = results.setdefault(kind, [0, 0])
        tally[0] += 1
        tally[1] += caught

    for _ in range(count):
        k = rnd.randrange(size)
        line = bytearray(lines[k])
        pos = rnd.randrange(len(line))
        line[pos] = (line[pos] + rnd.randrange(1, 256)) % 256
        try:
            entry = entry_from_json(bytes(line))
        except ValueError:
            record("byte edit (reader refuses)", True)
            continue
        mutated = [*trail[:k], entry, *trail[k + 1:]]
        record("byte edit (chain)", bool(verify_chain(mutated, expected_count=size, expected_head=head)))
    for i in range(count // 10):
        t = list(trail)
        mode = ("deletion", "insertion", "adjacent swap", "far swap", "tail cut")[i % 5]
        if mode == "deletion":
            del t[rnd.randrange(size)]
        elif mode == "insertion":
            at = rnd.randrange(size)
            t.insert(at, next_entry(t[at - 1] if at else None, actor="mallory", action="revision.approve"))
        elif mode == "adjacent swap":
            a = rnd.randrange(size - 1)
            t[a], t[a + 1] = t[a + 1], t[a]
        elif mode == "far swap":
            a, b = sorted(rnd.sample(range(size), 2))
            t[a], t[b] = t[b], t[a]
        else:
            del t[rnd.randrange(1, size):]
        record(mode, bool(verify_chain(t, expected_count=size, expected_head=head)))
    elapsed = time.perf_counter() - start
    print(f"mutation run on a {size}-entry trail, every check a full walk with the head anchor ({elapsed:.1f} s)")
    for kind, (total, caught) in results.items():
        print(f"  {kind:<28} {caught:>6} / {total:<6} caught")
    print(f"  false alarms on the untouched trail: {false_alarms}")
    missed = sum(total - caught for total, caught in results.values())
    print(f"  missed: {missed}")
    if missed or false_alarms:
        sys.exit(1)


# -- the web page ------------------------------------------------------------------------------------------
def page(entries: int) -> None:
    import os
    import tempfile
    from pathlib import Path

    work = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "prosedur_web.settings_test", "PROSEDUR_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "PROSEDUR_VAR_DIR": str(work), "PROSEDUR_ALLOWED_HOSTS": "testserver", "PROSEDUR_ANCHOR_DIR": str(work / "anchors"),
    })
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    from prosedur import pades
    from prosedur_web.accounts.models import User
    from prosedur_web.audit import checks, views
    from prosedur_web.audit.models import AuditEntry as Row
    from prosedur_web.audit.models import AuditHead
    from prosedur_web.audit.services import (
        ChainReport,
        _core,
        audit_append,
        audit_verify,
        audit_verify_full,
        audit_verify_incremental,
    )

    call_command("migrate", verbosity=0, interactive=False)
    pades.make_demo_identity(work / "signing", "Pusat Data dan Informasi (bench)")
    start = time.perf_counter()
    trail = make_trail(entries)
    Row.objects.bulk_create(
        [Row(seq=e.seq, at=e.timestamp, actor_name=e.actor, action=e.action, target_type=e.object_type,
             target_id=e.object_id, ip=e.client or "", data=dict(e.details), prev_hash=e.prev_hash, hash=e.hash)
         for e in trail], batch_size=2000)
    AuditHead.objects.update_or_create(pk=1, defaults={"last_seq": trail[-1].seq, "last_hash": trail[-1].hash})
    print(f"seeded {entries} entries in {time.perf_counter() - start:.1f} s ({work})")
    checks.anchor_write()  # the page also reads and verifies the newest anchor file
    group, _ = Group.objects.get_or_create(name="pengendali_dokumen")
    user = User.objects.create(username="pengendali", full_name="Pengendali Dokumen")
    user.groups.add(group)
    client = Client()
    client.force_login(user)

    def old_verify(lang: str = "id") -> ChainReport:
        """The check the page ran on every view before: every entry as a model instance, then the chain."""
        head = AuditHead.objects.filter(pk=1).first()
        rows = list(Row.objects.order_by("seq"))
        problems = verify_chain((_core(r) for r in rows), expected_count=head.last_seq if head else None,
                                expected_head=head.last_hash if head else None)
        return ChainReport(not problems, len(rows), problems[0].seq if problems else None)

    def get() -> None:
        response = client.get("/audit/")
        assert response.status_code == 200 and b'<p class="badge ok">' in response.content, response.status_code

    def with_new(n: int) -> float:
        times = []
        for _ in range(5):
            for _ in range(n):
                audit_append(actor=None, action="uji", data={"n": n})
            t = time.perf_counter()
            report = audit_verify_incremental()
            times.append(time.perf_counter() - t)
            assert report.ok and report.checked == n
        return statistics.median(times)

    assert old_verify().ok and audit_verify().ok
    audit_verify_full()
    rows = [
        ("check: whole chain, as the page did per view", timed(old_verify, 3)),
        ("check: whole chain now (verify_audit, button)", timed(audit_verify, 3)),
        ("check: incremental, 0 new entries", timed(audit_verify_incremental, 9)),
        ("check: incremental, 100 new entries", with_new(100)),
    ]
    new_check = views.audit_verify_incremental
    views.audit_verify_incremental = old_verify  # the page as it was
    before = timed(get, 3)
    views.audit_verify_incremental = new_check
    get()
    after = timed(get, 9)
    count = Row.objects.count()
    print(f"\n/audit/ with {count} audit entries (SQLite file, median ms)")
    for name, value in rows:
        print(f"  {name:<48} {value * 1000:>9.1f}")
    print(f"\n  {'GET /audit/':<24} {'before':>10} {'after':>10} {'speed-up':>10}")
    print(f"  {'whole page':<24} {before * 1000:>10.1f} {after * 1000:>10.1f} {before / after:>9.0f}x")
    import shutil

    from django.db import connections

    connections.close_all()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["page"]:
        page(int(sys.argv[2]) if len(sys.argv) > 2 else 50_000)
        sys.exit(0)
    n_mutations = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    trail_size = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    speed()
    mutations(n_mutations, trail_size)
