"""Distribution when a revision takes effect: notifications and e-mail to the units that follow it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from prosedur_web.accounts.models import Unit, User
from prosedur_web.accounts.roles import Role
from prosedur_web.audit.models import AuditEntry
from prosedur_web.distribution import services as distribution
from prosedur_web.distribution.models import Notification
from prosedur_web.procedures import services
from prosedur_web.reviews import services as reviews

from .conftest import World, add_history
from .test_lifecycle import approve, submit


def person(username: str, unit: str, email: str = "") -> User:
    user = User.objects.create(username=username, full_name=f"Nama {username}", email=email,
                               unit=Unit.objects.get(code=unit))
    user.groups.set([Group.objects.get(name=Role.READER.value)])
    return user


def make_effective(world: World, minor: bool = False) -> Any:
    rev = services.revision_start(procedure=world.own, user=world.users["author"], minor=minor)
    rev = services.revision_save_source(revision=rev, user=world.users["author"], base_version=rev.version,
                                        text=add_history(rev.yaml_source, rev.number))
    rev = submit(world, rev)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    return approve(world, rev)


def test_units_are_owner_and_acting_roles_from_the_core(world: World) -> None:
    rev = world.effective(world.own)
    # P.SMLTI 19: owner pusdatin; roles pemohon (unit_kerja), kepala_pusdatin (pusdatin), kabid/staf IKI (iki)
    assert distribution.distribution_codes(rev) == ["pusdatin", "unit_kerja", "iki"]
    other = world.effective(world.other)
    assert distribution.distribution_codes(other)[0] == "lain"


def test_taking_effect_notifies_and_emails_units_and_sub_units(
        world: World, django_capture_on_commit_callbacks: Any) -> None:
    staff = person("staf", "iki", "staf@example.go.id")  # a sub-unit of the owner unit
    staff.language = "en"
    staff.save()
    applicant = person("pemohon", "unit_kerja", "pemohon@example.go.id")
    outsider = person("luar", "lain", "luar@example.go.id")
    silent = person("tanpa_surel", "tu")  # sub-unit of pusdatin, no e-mail address
    inactive = person("nonaktif", "iki", "nonaktif@example.go.id")
    inactive.is_active = False
    inactive.save()
    world.users["reader"].email = "pembaca@example.go.id"
    world.users["reader"].save()
    with django_capture_on_commit_callbacks(execute=True):
        rev = make_effective(world)
    assert rev.status == "effective"
    notified = set(Notification.objects.filter(revision=rev).values_list("user__username", flat=True))
    assert {"staf", "pemohon", "tanpa_surel", "reader", "approver"} <= notified
    assert "luar" not in notified and "nonaktif" not in notified
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(["staf@example.go.id", "pemohon@example.go.id", "pembaca@example.go.id"])
    message = next(m for m in mail.outbox if m.to == [applicant.email])
    assert "P.SMLTI 19" in message.subject and f"Rev. {rev.number}" in message.subject
    # in the recipient's language: Indonesian unless they chose English
    assert "telah membaca dan memahami" in message.body and "read and understood" not in message.body
    english = next(m for m in mail.outbox if m.to == [staff.email])
    assert "read and understood" in english.body and "is effective" in english.subject
    assert Notification.objects.get(revision=rev, user=staff).emailed
    assert not Notification.objects.get(revision=rev, user=silent).emailed  # no address: in-app only
    assert not Notification.objects.filter(user=outsider).exists()
    entry = AuditEntry.objects.filter(action="revision_distribute").latest("seq")
    assert entry.data["units"] == ["pusdatin", "unit_kerja", "iki"]


def test_no_mail_when_the_transaction_is_rolled_back(world: World, django_capture_on_commit_callbacks: Any) -> None:
    person("staf", "iki", "staf@example.go.id")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_effective(world)
    assert callbacks and mail.outbox == []  # sent only after commit


def test_distributing_twice_notifies_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    person("staf", "iki", "staf@example.go.id")
    with django_capture_on_commit_callbacks(execute=True):
        rev = make_effective(world)
        again = distribution.revision_distribute(revision=rev)
    assert again.notified == 0
    assert Notification.objects.filter(revision=rev, user__username="staf").count() == 1
    assert len(mail.outbox) == 1


def test_notification_page_unread_count_and_mark_read(world: World, client: Client) -> None:
    rev = make_effective(world)
    reader = world.users["reader"]
    client.force_login(reader)
    page = client.get(reverse("distribution:notification_list")).content.decode()
    assert f"P.SMLTI 19 {world.own.title} revisi {rev.number} berlaku mulai" in page
    home = client.get(reverse("procedures:procedure_list")).content.decode()
    assert 'aria-label="Baru">1</span>' in home
    client.post(reverse("distribution:notifications_mark_read"))
    assert distribution.unread_count(user=reader) == 0
    home = client.get(reverse("procedures:procedure_list")).content.decode()
    assert 'aria-label="Baru">' not in home


def test_notification_text_is_escaped(world: World, client: Client) -> None:
    rev = make_effective(world)
    world.own.title = "<script>alert(1)</script>"
    world.own.save()
    client.force_login(world.users["reader"])
    page = client.get(reverse("distribution:notification_list")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert rev.pk
