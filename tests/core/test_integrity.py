"""Content hashes, the hash-chained audit trail (with a mutation test) and signatures of record."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from prosedur.integrity import (
    CANONICAL_FORMAT,
    GENESIS,
    AuditEntry,
    ChainProblemKind,
    Signature,
    SignatureMeaning,
    append,
    canonical_source,
    chain_hash,
    content_hash,
    dump_trail,
    entry_from_json,
    entry_to_json,
    load_trail,
    next_entry,
    signature_matches,
    signature_text,
    source_hash,
    verify_chain,
)
from prosedur.load import load_procedure_text
from prosedur.model import Procedure, Status

WIB = dt.timezone(dt.timedelta(hours=7))
WITA = dt.timezone(dt.timedelta(hours=8))


# -- canonical content ---------------------------------------------------------------------------
def test_canonical_form_is_pinned() -> None:
    """The exact bytes signatures depend on; changing them breaks every stored signature."""
    proc = load_procedure_text(
        "# komentar\nnumber: P.SMLTI 99\ntitle: Uji Kanonik — é\nrevision: 2\nissued: 2024-03-05\n"
        "status: effective\nclassification: biasa\nsteps:\n  - {id: a, do: Mulai, kind: start}\n"
    )
    expected = (
        '{"format":"' + CANONICAL_FORMAT + '","procedure":{"issued":"2024-03-05","number":"P.SMLTI 99",'
        '"revision":2,"steps":[{"do":"Mulai","id":"a","kind":"start"}],"title":"Uji Kanonik — é"}}'
    )
    assert canonical_source(proc) == expected.encode("utf-8")
    assert content_hash(proc) == hashlib.sha256(expected.encode("utf-8")).hexdigest()


def test_formatting_comments_and_key_order_do_not_change_the_hash(email: Procedure) -> None:
    assert email.source is not None
    text = email.source.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    reordered = dict(reversed(list(data.items())))
    rewritten = yaml.safe_dump(reordered, allow_unicode=True, default_flow_style=True, width=60, sort_keys=False)
    assert "#" not in rewritten.split("\n")[0]
    again = load_procedure_text(rewritten)
    assert content_hash(again) == content_hash(email)
    assert source_hash(rewritten) != source_hash(text)


def test_status_is_not_content_but_defaults_written_out_are_the_same_content() -> None:
    base = "number: P.SMLTI 98\ntitle: Judul\n"
    h = content_hash(load_procedure_text(base))
    for extra in ("status: effective\n", "status: obsolete\n", "classification: biasa\nrevision: 0\n", "steps: []\n"):
        assert content_hash(load_procedure_text(base + extra)) == h, extra
    assert content_hash(load_procedure_text(base + "classification: rahasia\n")) != h
    # a number written as text or as a number is the same parameter value
    a = load_procedure_text(base + "parameters: {x: {value: 5}}\n")
    b = load_procedure_text(base + "parameters: {x: {value: '5'}}\n")
    assert content_hash(a) == content_hash(b)


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i))
    else:
        yield path, node


def _set(node: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def test_every_content_change_changes_the_hash(email: Procedure) -> None:
    data = email.model_dump(mode="json")
    original = content_hash(email)
    changed = skipped = 0
    for path, value in _leaves(data):
        if path == ("status",) or value is None or isinstance(value, bool):
            continue
        if isinstance(value, int):
            new: Any = value + 1
        elif path[-1] in ("kind", "classification", "language"):
            new = {"process": "io", "decision": "process", "start": "connector", "end": "process",
                   "biasa": "terbatas", "id": "en", "io": "process"}.get(value, "other")
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            new = (dt.date.fromisoformat(value) + dt.timedelta(days=1)).isoformat()
        else:
            new = value + "x"
        mutated = copy.deepcopy(data)
        _set(mutated, path, new)
        try:
            proc = Procedure.model_validate(mutated)
        except ValueError:
            skipped += 1
            continue
        assert content_hash(proc) != original, path
        changed += 1
    assert changed > 150 and skipped < 5, (changed, skipped)


def test_reordering_or_removing_steps_changes_the_hash(email: Procedure) -> None:
    swapped = email.model_copy(deep=True)
    swapped.steps[1], swapped.steps[2] = swapped.steps[2], swapped.steps[1]
    assert content_hash(swapped) != content_hash(email)
    fewer = email.model_copy(deep=True)
    fewer.steps.pop()
    assert content_hash(fewer) != content_hash(email)
    same = email.model_copy(deep=True)
    same.status = Status.OBSOLETE
    assert content_hash(same) == content_hash(email)


def test_canonical_source_is_compact_sorted_utf8(email: Procedure) -> None:
    raw = canonical_source(email)
    text = raw.decode("utf-8")
    assert json.loads(text)["procedure"]["number"] == "P.SMLTI 19"
    assert raw == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_source_hash_normalises_line_endings_and_bom() -> None:
    text = "number: X\ntitle: Y\n"
    assert source_hash(text) == source_hash(text.replace("\n", "\r\n")) == source_hash("\ufeff" + text)
    assert source_hash(text) == source_hash(text.replace("\n", "\r"))
    assert source_hash(text) != source_hash(text + " ")


# -- audit trail ---------------------------------------------------------------------------------
def make_trail(n: int, seed: int = 7) -> list[AuditEntry]:
    rnd = random.Random(seed)
    trail: list[AuditEntry] = []
    start = dt.datetime(2024, 1, 2, 8, 0, tzinfo=WIB)
    for i in range(n):
        append(
            trail,
            actor=rnd.choice(["rina", "agus", "bambang", "dewi", ""]),
            action=rnd.choice(["revision.submit", "revision.approve", "comment.add", "login"]),
            object_type=rnd.choice(["revision", "procedure", ""]),
            object_id=str(rnd.randrange(1, 500)),
            details={"status": rnd.choice(["draft", "in_review"]), "n": i, "catatan": "Langkah 3 — “jelas”",
                     "tags": ("a", "b")},
            client=rnd.choice(["10.0.0.1", "2001:db8::7", None]),
            timestamp=start + dt.timedelta(seconds=37 * i, microseconds=i),
        )
    return trail


@pytest.fixture(scope="module")
def trail() -> list[AuditEntry]:
    return make_trail(1000)


def test_untouched_trail_verifies_in_full_in_pages_and_against_its_anchor(trail: list[AuditEntry]) -> None:
    assert verify_chain(trail) == []
    assert verify_chain(trail, expected_count=1000, expected_head=trail[-1].hash) == []
    assert verify_chain(trail, expected_count=500, expected_head=trail[499].hash) == []  # the trail grew
    for start in range(0, 1000, 100):
        after = trail[start - 1] if start else None
        assert verify_chain(trail[start:start + 100], after=after) == []
    assert verify_chain([]) == []
    assert trail[0].prev_hash == GENESIS and [e.seq for e in trail] == list(range(1, 1001))


def test_details_are_stored_as_plain_json(trail: list[AuditEntry]) -> None:
    assert trail[0].details["tags"] == ["a", "b"]
    e = next_entry(None, actor="x", action="y", details={1: "a"}, timestamp=dt.datetime(2024, 1, 1, tzinfo=WIB))
    assert dict(e.details) == {"1": "a"}


def test_hash_covers_the_instant_not_the_offset_it_was_written_in(trail: list[AuditEntry]) -> None:
    """A database hands the timestamp back in UTC; the chain must still verify."""
    from_db = [
        AuditEntry(**{**e.__dict__, "timestamp": e.timestamp.astimezone(dt.UTC), "details": json.loads(json.dumps(e.details))})
        for e in trail[:50]
    ]
    assert verify_chain(from_db) == []
    moved = AuditEntry(**{**trail[3].__dict__, "timestamp": trail[3].timestamp + dt.timedelta(microseconds=1)})
    assert [p.kind for p in verify_chain([moved], after=trail[2])] == [ChainProblemKind.HASH_MISMATCH]


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        next_entry(None, actor="a", action="b", timestamp=dt.datetime(2024, 1, 1))
    assert next_entry(None, actor="a", action="b").timestamp.utcoffset() == dt.timedelta(0)


def test_chain_hash_covers_every_field(trail: list[AuditEntry]) -> None:
    entry = trail[10]
    fields = entry.fields()
    assert chain_hash(entry.prev_hash, fields) == entry.hash
    for key, value in fields.items():
        other = {**fields, key: value + 1 if isinstance(value, int) else {**value, "x": 1} if isinstance(value, dict)
                 else "changed" if value != "changed" else "x"}
        assert chain_hash(entry.prev_hash, other) != entry.hash, key
    assert chain_hash(trail[0].hash, fields) != entry.hash


@pytest.mark.parametrize("kind", ["edit", "delete", "insert_forged", "insert_copy", "swap_adjacent", "swap_far"])
def test_each_kind_of_tampering_names_the_place(trail: list[AuditEntry], kind: str) -> None:
    t = list(trail)
    if kind == "edit":
        t[400] = AuditEntry(**{**t[400].__dict__, "actor": "mallory"})
        expected = {(ChainProblemKind.HASH_MISMATCH, 401)}
    elif kind == "delete":
        del t[400]
        expected = {(ChainProblemKind.BROKEN_LINK, 402), (ChainProblemKind.SEQUENCE, 402)}
    elif kind == "insert_forged":
        t.insert(400, next_entry(t[399], actor="mallory", action="revision.approve"))
        expected = {(ChainProblemKind.BROKEN_LINK, 401), (ChainProblemKind.SEQUENCE, 401)}
    elif kind == "insert_copy":
        t.insert(400, t[100])
        expected = {(ChainProblemKind.BROKEN_LINK, 101), (ChainProblemKind.SEQUENCE, 101),
                    (ChainProblemKind.BROKEN_LINK, 401), (ChainProblemKind.SEQUENCE, 401)}
    elif kind == "swap_adjacent":
        t[400], t[401] = t[401], t[400]
        expected = {(k, s) for k in (ChainProblemKind.BROKEN_LINK, ChainProblemKind.SEQUENCE) for s in (401, 402, 403)}
    else:
        t[10], t[900] = t[900], t[10]
        expected = {(k, s) for k in (ChainProblemKind.BROKEN_LINK, ChainProblemKind.SEQUENCE)
                    for s in (11, 12, 901, 902)}
    assert {(p.kind, p.seq) for p in verify_chain(t)} == expected


def test_truncated_tail_needs_the_anchor(trail: list[AuditEntry]) -> None:
    cut = trail[:990]
    assert verify_chain(cut) == []  # a shorter chain is still a chain …
    problems = verify_chain(cut, expected_count=1000, expected_head=trail[-1].hash)
    assert [p.kind for p in problems] == [ChainProblemKind.TRUNCATED]  # … which the anchor exposes
    assert "990" in problems[0].message("id") and "1000" in problems[0].message("en")
    assert [p.kind for p in verify_chain(cut, expected_head=trail[-1].hash)] == [ChainProblemKind.HEAD_MISMATCH]
    assert [p.kind for p in verify_chain([], expected_count=1)] == [ChainProblemKind.TRUNCATED]


def test_rewriting_the_whole_tail_is_caught_only_by_the_anchor(trail: list[AuditEntry]) -> None:
    forged = list(trail[:600])
    for e in trail[600:]:
        actor = "mallory" if e.seq == 601 else e.actor
        append(forged, actor=actor, action=e.action, object_type=e.object_type, object_id=e.object_id,
               details=e.details, client=e.client, timestamp=e.timestamp)
    assert verify_chain(forged) == []
    problems = verify_chain(forged, expected_count=1000, expected_head=trail[-1].hash)
    assert [(p.kind, p.seq) for p in problems] == [(ChainProblemKind.HEAD_MISMATCH, 1000)]


def test_export_round_trip(trail: list[AuditEntry]) -> None:
    data = dump_trail(trail)
    entries, problems = load_trail(data)
    assert problems == [] and entries == trail
    assert entry_from_json(entry_to_json(trail[5])) == trail[5]
    assert b"+07:00" in entry_to_json(trail[5])


def _window_problems(original: list[AuditEntry], mutated: list[AuditEntry]) -> int:
    """Verify `mutated` from the first place it differs from the (verified) original, as a web page
    of entries after a checkpoint would be verified; with the anchor of the original head."""
    d = 0
    limit = min(len(original), len(mutated))
    while d < limit and mutated[d] is original[d]:
        d += 1
    after = mutated[d - 1] if d else None
    return len(verify_chain(mutated[d:d + 3], after=after, expected_count=len(original),
                            expected_head=original[-1].hash if d + 3 >= len(mutated) else None))


def test_mutation_every_tampering_is_caught_and_no_false_alarms(trail: list[AuditEntry]) -> None:
    """10,000 random single-byte edits of the exported entries, plus deletions, insertions and
    reorderings: every one is caught; the untouched trail raises none."""
    rnd = random.Random(20240305)
    lines = [entry_to_json(e) for e in trail]
    n = len(trail)
    caught_by_reader = caught_by_chain = 0
    for i in range(10_000):
        k = rnd.randrange(n)
        line = bytearray(lines[k])
        pos = rnd.randrange(len(line))
        line[pos] = (line[pos] + rnd.randrange(1, 256)) % 256
        try:
            entry = entry_from_json(bytes(line))
        except ValueError:
            caught_by_reader += 1
            continue
        mutated = [*trail[:k], entry, *trail[k + 1:]]
        assert _window_problems(trail, mutated) > 0, (k, pos, bytes(line))
        if i % 500 == 0:  # the window is a shortcut: check it against a full walk now and then
            assert verify_chain(mutated)
        caught_by_chain += 1
    assert caught_by_reader + caught_by_chain == 10_000
    assert caught_by_chain > 500  # many edits parse fine and only the chain sees them

    for i in range(1_000):
        mode = i % 4
        t = list(trail)
        if mode == 0:
            del t[rnd.randrange(n)]
        elif mode == 1:
            at = rnd.randrange(n)  # before an existing entry: appending at the end is what appends are
            forged = rnd.choice([t[rnd.randrange(n)], next_entry(t[at - 1] if at else None, actor="mallory",
                                                                  action="revision.approve")])
            t.insert(at, forged)
        elif mode == 2:
            a = rnd.randrange(n - 1)
            t[a], t[a + 1] = t[a + 1], t[a]
        else:
            a, b = sorted(rnd.sample(range(n), 2))
            t[a], t[b] = t[b], t[a]
        assert _window_problems(trail, t) > 0, (mode, i)
        if i % 100 == 0:
            assert verify_chain(t, expected_count=n, expected_head=trail[-1].hash)

    assert verify_chain(trail, expected_count=n, expected_head=trail[-1].hash) == []
    assert _window_problems(trail, list(trail)) == 0


def test_reader_refuses_anything_not_canonical(trail: list[AuditEntry]) -> None:
    line = entry_to_json(trail[0])
    data = json.loads(line)
    for bad in (
        json.dumps(data).encode(),  # spaces
        line.replace(b'"seq":1', b'"seq":1.0'),
        line.replace(b"T08:00:00", b" 08:00:00"),
        line[:-1] + b',"extra":1}',
        line.replace(b'"client"', b'"klien"'),
        b"\xff" + line,
    ):
        with pytest.raises(ValueError):
            entry_from_json(bad)
    entries, problems = load_trail(dump_trail(trail[:3]).replace(b'"seq":2', b'"seq": 2'))
    assert len(entries) == 2 and [p.kind for p in problems] == [ChainProblemKind.MALFORMED]


# -- signatures ----------------------------------------------------------------------------------
def test_signature_text_shows_everything_in_both_languages(email: Procedure) -> None:
    sig = Signature(
        name="Dr. Bambang Hermawan", position="Kepala PUSDATIN", nip="196909251996031001",
        signed_at=dt.datetime(2018, 11, 23, 10, 15, 0, tzinfo=WIB), content_hash=content_hash(email),
    )
    text_id = signature_text(sig, "id")
    assert text_id.splitlines() == [
        "Disahkan secara elektronik oleh Dr. Bambang Hermawan, Kepala PUSDATIN, NIP 196909251996031001, "
        "pada 23 November 2018 pukul 10.15.00 WIB (UTC+07:00)",
        f"Sidik isi SHA-256: {content_hash(email)}",
    ]
    text_en = signature_text(sig, "en")
    assert "Approved electronically by Dr. Bambang Hermawan" in text_en
    assert "23 November 2018 at 10:15:00 WIB (UTC+07:00)" in text_en
    assert content_hash(email) in text_en
    assert signature_matches(sig, email)
    edited = email.model_copy(deep=True)
    edited.purpose += "."
    assert not signature_matches(sig, edited)


def test_signature_offsets_and_meanings() -> None:
    h = "a" * 64
    wita = Signature("A", "B", None, dt.datetime(2024, 1, 5, 9, 0, tzinfo=WITA), h, SignatureMeaning.DIPERIKSA)
    assert "Diperiksa" in signature_text(wita) and "WITA (UTC+08:00)" in signature_text(wita)
    assert "NIP" not in signature_text(wita)
    odd = Signature("A", "B", None, dt.datetime(2024, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))), h)
    assert "UTC-03:30" in signature_text(odd, "en")
    assert Signature("A", "B", None, dt.datetime(2024, 1, 5, tzinfo=WIB), h, "disusun").meaning is SignatureMeaning.DISUSUN  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Signature("A", "B", None, dt.datetime(2024, 1, 5, 9, 0), h)
    with pytest.raises(ValueError):
        Signature("A", "B", None, dt.datetime(2024, 1, 5, tzinfo=WIB), "A" * 64)
    with pytest.raises(ValueError):
        Signature(" ", "B", None, dt.datetime(2024, 1, 5, tzinfo=WIB), h)
