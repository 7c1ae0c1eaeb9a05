"""Audit chain and content hash: speed, and the full mutation run.

Prints: append and verify throughput for trails of 1k / 10k / 100k entries, JSON Lines export and
re-import, content_hash time for procedures of 10 / 100 / 1,000 steps, and the mutation run — N
random single-byte edits of the exported entries plus deletions, insertions and reorderings, each
verified by a full walk of the chain with the head anchor — with how many were caught (must be all)
and false alarms on the untouched trail (must be 0).
Usage: python bench/bench_audit.py [mutations=10000] [trail=1000]
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


if __name__ == "__main__":
    n_mutations = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    trail_size = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    speed()
    mutations(n_mutations, trail_size)
