"""Readers see only published procedures: an unpublished draft's number and title stay inside its unit's
working group — not in the master list, not behind `?status=draft`, not in the clause-coverage exports."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from prosedur_web.procedures import services as procedures

from .conftest import World, email_source

DRAFT_NUMBER = "P.SMLTI 91"


@pytest.fixture
def draft(world: World) -> None:
    """A procedure whose only revision is a draft of the reader's own unit (plain import: a draft)."""
    procedures.procedure_import(yaml_source=email_source(DRAFT_NUMBER, "pusdatin"))


def _page(client: Client, target: tuple) -> str:
    name, args, *query = target
    response = client.get(reverse(name, args=args) + "".join(query))
    assert response.status_code == 200
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("url", [
    ("procedures:procedure_list", ()),
    ("procedures:procedure_list", ()) + ("?status=draft",),
    ("procedures:procedure_list", ()) + ("?q=91",),
    ("sms:coverage", ()),
    ("sms:coverage_export", ("csv",)),
])
def test_reader_does_not_see_unpublished_draft(url: tuple, client: Client, world: World, draft: None) -> None:
    client.force_login(world.users["reader"])
    assert DRAFT_NUMBER not in _page(client, url)


@pytest.mark.parametrize("url", [
    ("procedures:procedure_list", ()),
    ("procedures:procedure_list", ()) + ("?status=draft",),
    ("sms:coverage", ()),
])
def test_author_of_the_unit_still_sees_the_draft(url: tuple, client: Client, world: World, draft: None) -> None:
    client.force_login(world.users["author"])
    assert DRAFT_NUMBER in _page(client, url)


def test_reader_still_sees_published_procedures(client: Client, world: World, draft: None) -> None:
    client.force_login(world.users["reader"])
    page = _page(client, ("procedures:procedure_list", ()))
    assert world.own.number in page
    assert world.own.number in _page(client, ("sms:coverage_export", ("csv",)))
