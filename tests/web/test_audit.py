"""The audit trail is append-only at three levels, and its hash chain exposes tampering."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from prosedur_web.audit.models import AppendOnlyError, AuditEntry
from prosedur_web.audit.services import audit_append, audit_verify

from .conftest import World


@pytest.fixture(autouse=True)
def _own_anchor_dir(settings: Any, tmp_path: Any) -> None:
    """verify_audit reads the anchor folder: never the one of a demo in var/."""
    settings.PROSEDUR_ANCHOR_DIR = str(tmp_path / "jangkar")


def test_chain_verifies_and_links(world: World) -> None:
    e1 = audit_append(actor=world.users["admin"], action="uji_satu", ip="10.1.1.1", data={"b": 2, "a": [1]})
    e2 = audit_append(actor=None, action="uji_dua")
    assert e2.prev_hash == e1.hash and e2.seq == e1.seq + 1
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"rantai audit utuh: {AuditEntry.objects.count()} entri" in out.getvalue()


def test_orm_refuses_update_and_delete(world: World) -> None:
    entry = audit_append(actor=None, action="uji")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="ubah")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    entry.action = "ubah"
    with pytest.raises(AppendOnlyError):
        entry.save()


@pytest.mark.parametrize("sql", ["UPDATE audit_auditentry SET action = 'ubah'", "DELETE FROM audit_auditentry"])
def test_database_trigger_refuses_raw_sql(world: World, sql: str) -> None:
    audit_append(actor=None, action="uji")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.filter(action="uji").exists()


def _drop_triggers(cursor: Any) -> None:
    if connection.vendor == "sqlite":
        cursor.execute("DROP TRIGGER audit_entry_no_update")
        cursor.execute("DROP TRIGGER audit_entry_no_delete")
    else:  # deferred foreign-key checks must run first, or PostgreSQL refuses the ALTER
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_change")


def test_tampering_is_detected(world: World) -> None:
    """Someone with database rights drops the trigger and edits an entry: the chain shows it."""
    audit_append(actor=None, action="uji", data={"nilai": 1})
    target = audit_append(actor=None, action="uji", data={"nilai": 2})
    audit_append(actor=None, action="uji", data={"nilai": 3})
    assert audit_verify().ok
    with connection.cursor() as cursor:  # DDL is transactional on both databases: rolled back after the test
        _drop_triggers(cursor)
        cursor.execute("UPDATE audit_auditentry SET ip = '6.6.6.6' WHERE id = %s", [target.pk])
    report = audit_verify()
    assert not report.ok and report.broken_at == target.seq
    with pytest.raises(CommandError, match=f"entri {target.seq}"):
        call_command("verify_audit", stdout=StringIO())
    with pytest.raises(CommandError, match=f"audit chain broken at entry {target.seq}"):
        call_command("verify_audit", "--lang", "en", stdout=StringIO())


def test_every_lifecycle_action_is_audited(world: World) -> None:
    from prosedur_web.procedures import services

    before = AuditEntry.objects.count()
    rev = services.revision_start(procedure=world.own, user=world.users["author"], ip="192.0.2.7")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.actor_id, entry.ip, entry.target_id) == (
        "revision_start", world.users["author"].pk, "192.0.2.7", str(rev.pk))


def test_cut_off_tail_is_detected(world: World) -> None:
    audit_append(actor=None, action="uji")
    last = audit_append(actor=None, action="uji")
    with connection.cursor() as cursor:
        _drop_triggers(cursor)
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])
    report = audit_verify()
    assert not report.ok


def test_trail_exports_and_verifies_with_the_core(world: World) -> None:
    """The stored chain is the core's chain: its JSON Lines export re-verifies outside Django."""
    from prosedur import integrity
    from prosedur_web.audit.services import _core

    audit_append(actor=world.users["author"], action="uji", ip="10.0.0.1", data={"tanggal": "2026-01-05"})
    data = integrity.dump_trail(_core(e) for e in AuditEntry.objects.order_by("seq"))
    entries, problems = integrity.load_trail(data)
    assert not problems and not integrity.verify_chain(entries)
    assert entries[-1].actor == "author" and entries[-1].client == "10.0.0.1"


def test_the_trail_page_names_actions_in_words(client: Any, world: World) -> None:
    from django.urls import reverse

    from prosedur_web.common.labels import AUDIT_ACTIONS

    audit_append(actor=world.users["approver"], action="revision_sign", target=world.own, data={})
    audit_append(actor=world.users["reviewer"], action="review_agree", target=world.own, data={})
    client.force_login(world.users["admin"])
    body = client.get(reverse("audit:auditentry_list")).content.decode()
    assert "Disahkan dan ditandatangani" in body and "Peninjau setuju" in body
    assert ">revision_sign<" not in body and ">review_agree<" not in body
    assert all(ind and eng for ind, eng in AUDIT_ACTIONS.values())


def test_every_action_the_code_writes_has_words() -> None:
    """Every literal `action="…"` and every status/decision an f-string action can take has a label."""
    import re
    from pathlib import Path

    from prosedur.model import Status
    from prosedur_web.common.labels import AUDIT_ACTIONS
    from prosedur_web.reviews.models import Decision

    src = Path(__file__).resolve().parents[2] / "src" / "prosedur_web"
    written = {m for f in src.rglob("*.py") for m in re.findall(r'audit_append\([^)]*?action="([a-z_]+)"', f.read_text(), re.S)}
    written |= {"login", "login_failed", "login_throttled", "audit_anchor"}
    written |= {f"revision_{s.value}" for s in Status} | {f"review_{d}" for d in Decision.values if d}
    written |= {f"revision_{a}" for a in ("withdraw_submission", "send_back", "discard", "cancel",
                                          "withdraw_procedure", "withdrawn_notified")}  # reversals.py
    assert written - set(AUDIT_ACTIONS) == set()
