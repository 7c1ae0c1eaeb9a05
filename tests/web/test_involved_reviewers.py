"""Reviewers from the parties involved: the submit form offers reviewers of every unit whose roles act in the
procedure (P.SMLTI 19: pemohon in unit_kerja, Kabid/staf IKI in iki) plus the owner chain, and such a
reviewer may review the revision they were asked to, and only that one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from prosedur_web.accounts import roles
from prosedur_web.accounts.models import Unit, User
from prosedur_web.accounts.roles import Role
from prosedur_web.common.errors import ActionRefused
from prosedur_web.procedures import services
from prosedur_web.procedures.forms import SubmitForm

from .conftest import PASSWORD, World
from .test_lifecycle import start_and_edit


def reviewer_in(unit: str, username: str) -> User:
    user = User(username=username, full_name=f"Peninjau {unit}", position="Pranata Komputer",
                unit=Unit.objects.get(code=unit))
    user.set_password(PASSWORD)
    user.save()
    user.groups.set(Group.objects.filter(name__in=[Role.REVIEWER.value, Role.READER.value]))
    return user


def offered(world: World, rev: object) -> set[str]:
    form = SubmitForm(revision=rev, user=world.users["author"])
    return set(form.fields["reviewers"].queryset.values_list("username", flat=True))


def test_form_offers_reviewers_of_acting_units_and_owner_chain(world: World) -> None:
    iki = reviewer_in("iki", "peninjau_iki")
    reviewer_in("lain", "peninjau_lain")
    reviewer_in("tu", "peninjau_tu")  # a sub-unit of pusdatin whose roles do not act in P.SMLTI 19
    rev = start_and_edit(world)
    names = offered(world, rev)
    assert {"reviewer", "reviewer2", iki.username} <= names
    assert "peninjau_lain" not in names and "peninjau_tu" not in names
    assert "author" not in names  # never the author
    label = SubmitForm(revision=rev, user=world.users["author"]).fields["reviewers"].label_from_instance(iki)
    assert Unit.objects.get(code="iki").name in label


def test_an_involved_reviewer_reviews_the_revision_asked_and_only_it(world: World, client: Client) -> None:
    iki = reviewer_in("iki", "peninjau_iki")
    rev = start_and_edit(world)
    assert not roles.can_review(iki, rev) and not roles.can_view_revision(iki, rev)
    rev = services.revision_submit(revision=rev, user=world.users["author"], reviewers=[iki])
    iki = User.objects.get(pk=iki.pk)
    assert roles.can_review(iki, rev) and roles.can_view_revision(iki, rev)
    client.force_login(iki)
    assert client.get(reverse("procedures:revision_detail", kwargs={"pk": rev.pk})).status_code == 200
    assert client.get(reverse("work:my_work")).content.decode().count(f"/revisi/{rev.pk}/") == 1
    response = client.post(reverse("reviews:review_decide", kwargs={"pk": rev.pk}), {"decision": "agree"})
    assert response.status_code == 302
    assert rev.assignments.get(reviewer=iki).decision == "agree"
    # another draft of the same owner unit, not asked: no access
    other = world.other.revisions.create(number=1, status="draft", author=world.users["author"],
                                         yaml_source=rev.yaml_source)
    assert client.get(reverse("procedures:revision_detail", kwargs={"pk": other.pk})).status_code == 403


def test_submit_refuses_a_reviewer_outside_the_parties(world: World) -> None:
    outsider = reviewer_in("lain", "peninjau_lain")
    rev = start_and_edit(world)
    with pytest.raises(ActionRefused) as refused:
        services.revision_submit(revision=rev, user=world.users["author"], reviewers=[outsider])
    assert "Peninjau lain" in refused.value.messages("id")[0]
    rev.refresh_from_db()
    assert rev.status == "draft" and not rev.assignments.exists()


def test_submit_view_accepts_an_involved_reviewer(world: World, client: Client) -> None:
    iki = reviewer_in("iki", "peninjau_iki")
    rev = start_and_edit(world)
    client.force_login(world.users["author"])
    page = client.get(reverse("procedures:revision_submit", kwargs={"pk": rev.pk})).content.decode()
    assert "Peninjau iki" in page
    response = client.post(reverse("procedures:revision_submit", kwargs={"pk": rev.pk}),
                           {"reviewers": [iki.pk], "sequential": "0"})
    assert response.status_code == 302
    rev.refresh_from_db()
    assert rev.status == "in_review" and list(rev.assignments.values_list("reviewer__username", flat=True)) == [
        "peninjau_iki"]
