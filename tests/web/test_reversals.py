"""Taking things back: withdraw a submission, send back, discard, cancel, withdraw (cabut) a procedure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prosedur_web.audit.models import AuditEntry
from prosedur_web.audit.services import audit_verify
from prosedur_web.common.errors import ActionRefused
from prosedur_web.distribution.models import Notification
from prosedur_web.procedures import reversals, services
from prosedur_web.procedures.models import Revision
from prosedur_web.reviews import services as reviews

from .conftest import World
from .test_lifecycle import approve, in_review, start_and_edit


def _actions(rev: Revision) -> list[str]:
    return list(AuditEntry.objects.filter(target_id=str(rev.pk)).order_by("seq").values_list("action", flat=True))


def test_the_author_withdraws_a_submission_even_after_everyone_agreed(world: World) -> None:
    rev = in_review(world)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    with pytest.raises(ActionRefused):  # not theirs to take back
        reversals.revision_withdraw_submission(revision=rev, user=world.users["reviewer"])
    rev = reversals.revision_withdraw_submission(revision=rev, user=world.users["author"], reason="Ada yang terlupa")
    assert rev.status == "draft"
    assert "revision_withdraw_submission" in _actions(rev)
    entry = AuditEntry.objects.filter(action="revision_withdraw_submission").get()
    assert entry.data["reason"] == "Ada yang terlupa"
    resubmitted = services.revision_submit(revision=rev, user=world.users["author"], reviewers=[world.users["reviewer"]])
    assert resubmitted.status == "in_review" and resubmitted.review_round == 2  # a new round: old agreement gone


def test_the_approver_sends_back_with_a_reason(world: World) -> None:
    rev = in_review(world)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    with pytest.raises(ActionRefused) as info:
        reversals.revision_send_back(revision=rev, user=world.users["approver"], reason="  ")
    assert "alasan" in " ".join(info.value.messages("id"))
    with pytest.raises(ActionRefused):
        reversals.revision_send_back(revision=rev, user=world.users["author"], reason="x")
    assert reversals.revision_send_back(revision=rev, user=world.users["approver"], reason="Lampiran kurang").status == "draft"


def test_a_discarded_draft_no_longer_blocks_a_new_revision(world: World) -> None:
    rev = start_and_edit(world)
    with pytest.raises(ActionRefused):
        services.revision_start(procedure=world.own, user=world.users["author"])
    with pytest.raises(ActionRefused):
        reversals.revision_discard(revision=rev, user=world.users["reader"], reason="x")
    rev = reversals.revision_discard(revision=rev, user=world.users["author"], reason="Tidak jadi")
    assert rev.status == "cancelled"
    again = services.revision_start(procedure=world.own, user=world.users["author"])
    assert again.number == rev.number + 1 and again.status == "draft"
    assert audit_verify().ok


def test_an_approved_revision_is_cancelled_before_it_takes_effect(world: World) -> None:
    rev = approve(world, in_review_agreed(world), date=timezone.localdate() + dt.timedelta(days=30))
    assert rev.status == "approved"
    rev = reversals.revision_cancel(revision=rev, user=world.users["approver"], reason="Tanggal efektif salah")
    assert rev.status == "cancelled" and rev.signatures.exists()  # the signature stays on record
    assert world.own.revisions.get(number=0).status == "effective"  # the one in force stays in force


def in_review_agreed(world: World) -> Revision:
    rev = in_review(world)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    return rev


def test_withdrawing_a_procedure_ends_it_and_tells_its_readers(world: World) -> None:
    effective = world.own.revisions.get(status="effective")
    from prosedur_web.distribution.services import revision_distribute

    told = revision_distribute(revision=effective).notified
    assert told > 0
    start_and_edit(world)
    with pytest.raises(ActionRefused) as info:  # a draft still under way
        reversals.procedure_withdraw(procedure=world.own, user=world.users["controller"], reason="Layanan dihentikan",
                                     withdrawn_on=timezone.localdate() + dt.timedelta(days=2))
    text = " ".join(info.value.messages("id"))
    assert "belum tiba" in text and "masih dalam proses" in text
    reversals.revision_discard(revision=world.own.revisions.get(status="draft"), user=world.users["author"], reason="x")
    with pytest.raises(ActionRefused):
        reversals.procedure_withdraw(procedure=world.own, user=world.users["author"], reason="x",
                                     withdrawn_on=timezone.localdate())
    with django_capture_on_commit():
        reversals.procedure_withdraw(procedure=world.own, user=world.users["controller"], reason="Layanan dihentikan",
                                     withdrawn_on=timezone.localdate())
    effective.refresh_from_db()
    world.own.refresh_from_db()
    assert effective.status == "obsolete" and world.own.withdrawn_reason == "Layanan dihentikan"
    assert Notification.objects.filter(revision=effective, kind="withdrawn").count() == told
    assert not world.own.revisions.filter(status="effective").exists()
    with pytest.raises(ActionRefused):  # nothing in force: nothing to revise
        services.revision_start(procedure=world.own, user=world.users["author"])
    client = Client()
    client.force_login(world.users["reader"])
    page = client.get(reverse("procedures:procedure_detail", args=[world.own.pk])).content.decode()
    assert "Dicabut per " in page and "Layanan dihentikan" in page
    assert audit_verify().ok


def django_capture_on_commit():  # type: ignore[no-untyped-def]
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_the_page_offers_each_way_back_to_who_may_take_it(world: World) -> None:
    rev = in_review(world)
    pages = {}
    for name in ("author", "approver", "reader", "reviewer"):
        client = Client()
        client.force_login(world.users[name])
        pages[name] = client.get(reverse("procedures:revision_detail", args=[rev.pk])).content.decode()
    withdraw = reverse("procedures:revision_reverse", args=[rev.pk, "withdraw_submission"])
    send_back = reverse("procedures:revision_reverse", args=[rev.pk, "send_back"])
    assert withdraw in pages["author"] and send_back not in pages["author"]
    assert send_back in pages["approver"] and withdraw not in pages["approver"]
    assert withdraw not in pages["reviewer"] and send_back not in pages["reviewer"]
    client = Client()
    client.force_login(world.users["reviewer"])
    assert client.post(send_back, {"reason": "x"}).status_code == 403
    client.force_login(world.users["approver"])
    response = client.post(send_back, {"reason": "Perbaiki langkah 3"})
    assert response.status_code == 302
    rev.refresh_from_db()
    assert rev.status == "draft"
    assert client.post(reverse("procedures:revision_reverse", args=[rev.pk, "bogus"]), {}).status_code == 403
