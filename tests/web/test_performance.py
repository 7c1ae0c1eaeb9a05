"""Speed work that must not change behaviour: cached document fragments, session writes, signing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from prosedur_web import services as core
from prosedur_web.procedures import services

from .conftest import World
from .test_lifecycle import approve, in_review


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the core builds the document view and the flowchart (the work the cache saves)."""
    calls = {"document": 0, "svg": 0}
    real_document, real_svg = core.document, core.flowchart_svg

    def document(*args: Any, **kwargs: Any) -> Any:
        calls["document"] += 1
        return real_document(*args, **kwargs)

    def svg(*args: Any, **kwargs: Any) -> Any:
        calls["svg"] += 1
        return real_svg(*args, **kwargs)

    monkeypatch.setattr(core, "document", document)
    monkeypatch.setattr(core, "flowchart_svg", svg)
    return calls


def _fragment(page: str) -> str:
    """The document and flowchart (the rest of the page carries a per-response CSRF token)."""
    start = page.index('<article class="document"')
    return page[start:page.index("</svg>", start)]


def test_second_view_of_an_effective_revision_comes_from_the_cache(world: World, client: Client,
                                                                  counted: dict[str, int]) -> None:
    client.force_login(world.users["reader"])
    url = reverse("procedures:procedure_detail", args=[world.own.pk])
    first = client.get(url).content.decode()
    assert counted == {"document": 1, "svg": 1}
    second = client.get(url).content.decode()
    assert counted == {"document": 1, "svg": 1}  # no second build
    assert "<svg" in second and 'id="s-steps"' in second
    assert _fragment(first) == _fragment(second)
    client.cookies["django_language"] = "en"
    client.get(url)
    assert counted == {"document": 2, "svg": 2}  # another language is another entry


def test_drafts_are_rendered_every_time(world: World, client: Client, counted: dict[str, int]) -> None:
    rev = in_review(world)
    client.force_login(world.users["reviewer"])
    url = reverse("procedures:revision_detail", args=[rev.pk])
    client.get(url)
    client.get(url)
    assert counted["document"] == 2


def test_obsolete_revision_is_a_new_entry_with_its_banner(world: World, client: Client,
                                                          counted: dict[str, int]) -> None:
    old = world.effective(world.own)
    client.force_login(world.users["reader"])
    url = reverse("procedures:revision_detail", args=[old.pk])
    page = client.get(url).content.decode()
    assert "Kedaluwarsa" not in page and counted["document"] == 1
    rev = in_review(world)
    from prosedur_web.reviews import services as reviews

    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    approve(world, rev)
    old.refresh_from_db()
    assert old.status == "obsolete"
    client.force_login(world.users["reader"])  # signing elsewhere does not matter; fresh session
    page = client.get(url).content.decode()
    assert counted["document"] == 2  # the status is part of the key: rendered again
    assert 'class="banner"' in page and "s-obsolete" in page
    doc = counted  # the new effective revision is its own entry too
    client.get(reverse("procedures:procedure_detail", args=[world.own.pk]))
    assert doc["document"] == 3


def test_library_change_is_a_new_entry(world: World, client: Client, counted: dict[str, int]) -> None:
    client.force_login(world.users["reader"])
    url = reverse("procedures:procedure_detail", args=[world.own.pk])
    client.get(url)
    # another procedure taking effect changes what cross-references resolve to
    from .conftest import email_source

    services.procedure_import(yaml_source=email_source("P.SMLTI 91"), adopt=True)
    client.get(url)
    assert counted["document"] == 2


# -- sessions ----------------------------------------------------------------------------------------
class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(settings: Any) -> Iterator[Clock]:
    """One fixed clock for the middleware and the session backend (both read django.utils.timezone.now)."""
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.PROSEDUR_SESSION_REFRESH_SECONDS = 60
    c = Clock(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))
    with mock.patch("django.utils.timezone.now", c):
        yield c


def _expiry(client: Client) -> dt.datetime:
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_a_get_within_the_minute_does_not_write_the_session(world: World, client: Client, clock: Clock) -> None:
    client.force_login(world.users["reader"])
    url = reverse("procedures:procedure_list")
    assert client.get(url).status_code == 200
    first = _expiry(client)
    clock.now += dt.timedelta(seconds=30)
    assert client.get(url).status_code == 200
    assert _expiry(client) == first  # not written
    clock.now += dt.timedelta(seconds=31)
    assert client.get(url).status_code == 200
    assert _expiry(client) == clock.now + dt.timedelta(minutes=30)  # slid forward


def test_inactivity_timeout_still_applies(world: World, client: Client, clock: Clock) -> None:
    client.force_login(world.users["reader"])
    url = reverse("procedures:procedure_list")
    assert client.get(url).status_code == 200
    for _ in range(3):  # active for 45 minutes: kept signed in past the 30-minute age
        clock.now += dt.timedelta(minutes=15)
        assert client.get(url).status_code == 200
    clock.now += dt.timedelta(minutes=30, seconds=1)  # idle
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_anonymous_requests_create_no_session(world: World, client: Client) -> None:
    before = Session.objects.count()
    client.get(reverse("accounts:login"))
    client.get(reverse("procedures:procedure_list"))
    assert Session.objects.count() == before


# -- signing ------------------------------------------------------------------------------------------
def test_signing_refuses_a_source_changed_after_the_checks(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks run before the write lock; a change in between is caught inside the transaction."""
    from prosedur_web.procedures.models import Revision
    from prosedur_web.reviews import services as reviews

    rev = in_review(world)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    real = services._approval_prepare

    def prepare_then_change(r: Any) -> Any:
        out = real(r)
        Revision.objects.filter(pk=r.pk).update(yaml_source=r.yaml_source + "\n# diubah\n", version=r.version + 1)
        return out

    monkeypatch.setattr(services, "_approval_prepare", prepare_then_change)
    with pytest.raises(services.ActionRefused):
        approve(world, rev)
    rev.refresh_from_db()
    assert rev.status == "in_review" and not rev.signatures.exists()
    monkeypatch.setattr(services, "_approval_prepare", real)
    rev.refresh_from_db()
    signed = approve(world, rev)  # nothing else was wrong: the changed text is what gets signed
    assert signed.status == "effective" and "# diubah" in signed.yaml_source
    assert signed.signatures.get().content_hash == signed.content_hash
