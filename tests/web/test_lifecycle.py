"""The document-control lifecycle through the services, and each refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from prosedur.errors import SourceError
from prosedur_web.audit.services import audit_verify
from prosedur_web.common.errors import ActionRefused, StaleRevision
from prosedur_web.procedures import services
from prosedur_web.procedures.models import Revision, Signature
from prosedur_web.reviews import services as reviews
from prosedur_web.socialisation import services as socialisation

from .conftest import PASSWORD, World, add_history


def start_and_edit(world: World, history: bool = True) -> Revision:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    text = rev.yaml_source.replace("value: 5, unit: MB", "value: 10, unit: MB")
    if history:
        text = add_history(text, rev.number)
    return services.revision_save_source(revision=rev, user=author, text=text, base_version=rev.version)


def submit(world: World, rev: Revision, *names: str, sequential: bool = False) -> Revision:
    reviewers = [world.users[n] for n in (names or ("reviewer",))]
    return services.revision_submit(revision=rev, user=world.users["author"], reviewers=reviewers,
                                    sequential=sequential)


def in_review(world: World) -> Revision:
    return submit(world, start_and_edit(world))


def approve(world: World, rev: Revision, who: str = "approver", password: str = PASSWORD,
            date: dt.date | None = None) -> Revision:
    return services.revision_approve(revision=rev, approver=world.users[who], password=password,
                                     effective_date=date or timezone.localdate(), ip="10.0.0.9")


def test_happy_path_from_revision_to_acknowledgement(world: World) -> None:
    old = world.effective(world.own)
    rev = start_and_edit(world)
    assert (rev.number, rev.status) == (old.number + 1, "draft")
    assert "status: draft" in rev.yaml_source and f"revision: {rev.number}" in rev.yaml_source
    rev = submit(world, rev)
    assert rev.status == "in_review"
    comment = reviews.comment_create(revision=rev, author=world.users["reviewer"], text="Batas <b>10 MB</b>?",
                                     anchor="s3")
    reviews.comment_create(revision=rev, author=world.users["author"], text="Ya, sesuai kebijakan",
                           parent=comment)
    reviews.comment_resolve(comment=comment, user=world.users["author"])
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    rev = approve(world, rev)
    assert rev.status == "effective"
    old.refresh_from_db()
    assert old.status == "obsolete"
    sig = Signature.objects.get(revision=rev)
    assert (sig.name, sig.position, sig.nip, sig.meaning) == (
        world.users["approver"].full_name, world.users["approver"].position, world.users["approver"].nip, "disahkan")
    assert sig.content_hash == rev.content_hash and len(sig.content_hash) == 64
    assert sig.signed_at_text.endswith("+07:00")  # Asia/Jakarta offset is part of the record
    ack = socialisation.acknowledgement_create(revision=rev, user=world.users["reader"])
    assert socialisation.acknowledgement_create(revision=rev, user=world.users["reader"]).pk == ack.pk
    report = audit_verify()
    assert report.ok and report.count >= 10


def test_future_effective_date_waits_then_activates(world: World) -> None:
    rev = in_review(world)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    later = timezone.localdate() + dt.timedelta(days=3)
    rev = approve(world, rev, date=later)
    assert rev.status == "approved"
    assert world.effective(world.own).number == 0
    assert services.revisions_activate_due(today=later - dt.timedelta(days=1)) == []
    assert [r.pk for r in services.revisions_activate_due(today=later)] == [rev.pk]
    assert world.effective(world.own).pk == rev.pk


def test_author_cannot_approve_own_revision(world: World) -> None:
    from django.contrib.auth.models import Group

    world.users["author"].groups.add(Group.objects.get(name="pengesah"))
    rev = in_review(world)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    with pytest.raises(ActionRefused) as exc:
        approve(world, rev, who="author")
    assert any("menyusun, mengubah, atau mengajukan" in m for m in exc.value.messages("id"))
    assert Revision.objects.get(pk=rev.pk).status == "in_review"


def test_open_comment_blocks_approval(world: World) -> None:
    rev = in_review(world)
    reviews.comment_create(revision=rev, author=world.users["reviewer"], text="Perjelas langkah 3")
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    with pytest.raises(ActionRefused) as exc:
        approve(world, rev)
    assert any("komentar" in m for m in exc.value.messages("id"))
    assert not Signature.objects.exists()


def test_pending_reviewer_blocks_approval(world: World) -> None:
    rev = submit(world, start_and_edit(world), "reviewer", "reviewer2")
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    with pytest.raises(ActionRefused):
        approve(world, rev)


def test_lint_error_blocks_approval(world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    broken = add_history(rev.yaml_source, rev.number).replace("steps:\n", "steps:\n  - {id: yatim, do: Menunggu}\n", 1)
    rev = services.revision_save_source(revision=rev, user=author, text=broken, base_version=rev.version)
    rev = submit(world, rev)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    with pytest.raises(ActionRefused) as exc:
        approve(world, rev)
    assert any("galat" in m for m in exc.value.messages("id"))


def test_wrong_password_refuses_and_counts_towards_lockout(world: World, settings: Any) -> None:
    settings.PROSEDUR_LOGIN_MAX_FAILURES = 2
    rev = in_review(world)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    for _ in range(2):
        with pytest.raises(ActionRefused) as exc:
            approve(world, rev, password="salah")
        assert exc.value.messages("en") == ["Wrong password."]
    with pytest.raises(ActionRefused) as exc:  # locked now, even with the right password
        approve(world, rev)
    assert "Too many" in exc.value.messages("en")[0]
    assert Revision.objects.get(pk=rev.pk).status == "in_review"


def test_submit_needs_history_entry_for_the_new_revision(world: World) -> None:
    rev = start_and_edit(world, history=False)
    with pytest.raises(ActionRefused):
        submit(world, rev)
    assert Revision.objects.get(pk=rev.pk).status == "draft"


def test_submit_refuses_author_as_reviewer_and_no_reviewers(world: World) -> None:
    rev = start_and_edit(world)
    with pytest.raises(ActionRefused):
        services.revision_submit(revision=rev, user=world.users["author"], reviewers=[])
    with pytest.raises(ActionRefused):
        services.revision_submit(revision=rev, user=world.users["author"], reviewers=[world.users["author"]])


def test_changes_requested_returns_to_draft_and_new_round(world: World) -> None:
    rev = in_review(world)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="changes", note="Perbaiki tujuan")
    rev.refresh_from_db()
    assert rev.status == "draft"
    rev = submit(world, rev)
    assert rev.review_round == 2 and rev.status == "in_review"
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    assert approve(world, rev).status == "effective"


def test_sequential_review_waits_for_turn(world: World) -> None:
    rev = submit(world, start_and_edit(world), "reviewer", "reviewer2", sequential=True)
    with pytest.raises(ActionRefused) as exc:
        reviews.review_decide(revision=rev, reviewer=world.users["reviewer2"], decision="agree")
    assert "turn" in exc.value.messages("en")[0]
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer2"], decision="agree")
    with pytest.raises(ActionRefused):
        reviews.review_decide(revision=rev, reviewer=world.users["reviewer2"], decision="agree")


def test_only_one_revision_in_progress(world: World) -> None:
    start_and_edit(world)
    with pytest.raises(ActionRefused):
        services.revision_start(procedure=world.own, user=world.users["author"])


def test_stale_save_is_refused_and_nothing_lost(world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    base = rev.version
    services.revision_save_source(revision=rev, user=author, text=rev.yaml_source + "\n# satu\n", base_version=base)
    with pytest.raises(StaleRevision):
        services.revision_save_source(revision=rev, user=author, text=rev.yaml_source + "\n# dua\n", base_version=base)
    rev.refresh_from_db()
    assert "# satu" in rev.yaml_source and "# dua" not in rev.yaml_source


def test_bad_yaml_is_refused_with_line_numbers(world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    before = rev.yaml_source
    with pytest.raises(SourceError) as exc:
        services.revision_save_source(revision=rev, user=author, text=before + "\npurpose: [tidak ditutup\n",
                                      base_version=rev.version)
    assert exc.value.problems[0].line > 0
    rev.refresh_from_db()
    assert rev.yaml_source == before


def test_number_and_revision_in_source_are_fixed(world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    with pytest.raises(ActionRefused):
        services.revision_save_source(revision=rev, user=author, base_version=rev.version,
                                      text=rev.yaml_source.replace("number: P.SMLTI 19", "number: P.SMLTI 77"))
    with pytest.raises(ActionRefused):
        services.revision_save_source(revision=rev, user=author, base_version=rev.version,
                                      text=rev.yaml_source.replace("revision: 1", "revision: 5"))


def test_acknowledging_a_draft_is_refused(world: World) -> None:
    rev = start_and_edit(world)
    with pytest.raises(ActionRefused):
        socialisation.acknowledgement_create(revision=rev, user=world.users["reader"])


@pytest.mark.parametrize(("minor", "carried"), [(True, True), (False, False)])
def test_minor_revision_keeps_acknowledgements(world: World, minor: bool, carried: bool) -> None:
    old = world.effective(world.own)
    socialisation.acknowledgement_create(revision=old, user=world.users["reader"])
    rev = services.revision_start(procedure=world.own, user=world.users["author"], minor=minor)
    rev = services.revision_save_source(revision=rev, user=world.users["author"], base_version=rev.version,
                                        text=add_history(rev.yaml_source, rev.number))
    rev = submit(world, rev)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    rev = approve(world, rev)
    assert rev.acknowledgements.filter(user=world.users["reader"]).exists() is carried


def test_signature_text_names_signer_time_zone_and_meaning(world: World, client: Any) -> None:
    rev = in_review(world)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    rev = approve(world, rev)
    client.force_login(world.users["reader"])
    body = client.get(f"/revisi/{rev.pk}/").content.decode()
    approver = world.users["approver"]
    assert f"Disahkan secara elektronik oleh {approver.full_name}, {approver.position}, NIP {approver.nip}" in body
    assert "WIB (UTC+07:00)" in body and rev.content_hash in body
