""""Tugas saya": each kind of work appears for the right person, leaves when done, and the header counts it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prosedur_web.procedures import reversals, services
from prosedur_web.reviews import services as reviews
from prosedur_web.socialisation import services as socialisation
from prosedur_web.work import selectors

from .conftest import World
from .test_lifecycle import approve, start_and_edit, submit


def counts(world: World, name: str) -> dict[str, int]:
    user = world.users[name]
    user._prosedur_roles = None  # type: ignore[attr-defined]
    return selectors.work_counts(user)


def test_sequential_review_then_signature_then_read(world: World) -> None:
    rev = submit(world, start_and_edit(world), "reviewer", "reviewer2", sequential=True)
    assert counts(world, "reviewer")["reviews"] == 1
    assert counts(world, "reviewer2")["reviews"] == 0  # not their turn yet
    assert counts(world, "approver")["signatures"] == 0
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    assert counts(world, "reviewer")["reviews"] == 0
    assert counts(world, "reviewer2")["reviews"] == 1
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer2"], decision="agree")
    assert counts(world, "approver")["signatures"] == 1
    assert counts(world, "author")["signatures"] == 0  # not an approver
    old = world.effective(world.own)
    assert old.pk in {r.pk for r in selectors.to_read(world.users["reader"])}
    rev = approve(world, rev)
    assert rev.status == "effective"
    assert counts(world, "approver")["signatures"] == 0
    reading = {r.pk for r in selectors.to_read(world.users["reader"])}
    assert rev.pk in reading and old.pk not in reading  # the new revision replaces the obsolete one
    socialisation.acknowledgement_create(revision=rev, user=world.users["reader"])
    assert rev.pk not in {r.pk for r in selectors.to_read(world.users["reader"])}


def test_changes_requested_and_sent_back_are_returned_to_the_author(world: World) -> None:
    rev = submit(world, start_and_edit(world))
    assert counts(world, "author")["returned"] == 0
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="changes", note="Perbaiki")
    assert [r.pk for r in selectors.returned_drafts(world.users["author"])] == [rev.pk]
    rev = submit(world, rev)
    assert counts(world, "author")["returned"] == 0
    reversals.revision_send_back(revision=rev, user=world.users["approver"], reason="Belum lengkap")
    assert counts(world, "author")["returned"] == 1


def test_periodic_review_due_for_owners_only(world: World) -> None:
    rev = world.effective(world.own)
    rev.review_due = timezone.localdate() + dt.timedelta(days=10)
    rev.save()
    other = world.effective(world.other)
    other.review_due = timezone.localdate() - dt.timedelta(days=1)
    other.save()
    due = [r.pk for r in selectors.reviews_due(world.users["author"])]
    assert due == [rev.pk]  # the other unit's overdue review is not theirs
    assert counts(world, "reader")["reviews_due"] == 0
    rev.review_due = timezone.localdate() + dt.timedelta(days=selectors.soon_days() + 1)
    rev.save()
    assert counts(world, "approver")["reviews_due"] == 0


def test_page_links_to_where_the_work_is_done_and_header_counts(world: World, client: Client) -> None:
    rev = submit(world, start_and_edit(world))
    client.force_login(world.users["reviewer"])
    page = client.get(reverse("work:my_work")).content.decode()
    assert reverse("procedures:revision_detail", kwargs={"pk": rev.pk}) in page
    assert 'class="badge nav-count" aria-label="tugas menunggu">' in page
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    client.force_login(world.users["approver"])
    page = client.get(reverse("work:my_work")).content.decode()
    assert reverse("procedures:revision_approve", kwargs={"pk": rev.pk}) in page


def test_counts_cost_a_few_queries_whatever_the_number_of_items(world: World) -> None:
    submit(world, start_and_edit(world))
    approver = world.users["approver"]
    selectors.work_counts(approver)  # warm the distribution cache
    with CaptureQueriesContext(connection) as q:
        first = selectors.work_counts(approver)
    for n in range(5):  # more procedures in force, more items: the same number of queries
        services.procedure_import(yaml_source=world.effective(world.own).yaml_source.replace(
            "P.SMLTI 19", f"P.SMLTI 7{n}"), adopt=True)
    selectors.work_counts(approver)
    with CaptureQueriesContext(connection) as q2:
        second = selectors.work_counts(approver)
    assert len(q.captured_queries) <= 10, [x["sql"] for x in q.captured_queries]
    assert len(q2.captured_queries) == len(q.captured_queries)
    assert second["to_read"] == first["to_read"] + 5


def test_reader_sees_no_drafts_of_others(world: World, client: Client) -> None:
    rev = submit(world, start_and_edit(world))
    client.force_login(world.users["reader"])
    page: Any = client.get(reverse("work:my_work")).content.decode()
    assert reverse("procedures:revision_detail", kwargs={"pk": rev.pk}) not in page
