"""Socialisation: acknowledgements across minor/major revisions, progress per unit, pending list, chart."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from prosedur_web.socialisation import selectors
from prosedur_web.socialisation import services as socialisation

from .conftest import World
from .test_distribution import make_effective, person


@pytest.mark.parametrize("minor", [True, False])
def test_minor_keeps_and_major_resets_acknowledgements_end_to_end(world: World, client: Client,
                                                                   minor: bool) -> None:
    """Author marks the revision minor, approver signs it; the reader's pending list follows."""
    reader = world.users["reader"]
    client.force_login(reader)
    old = world.effective(world.own)
    client.post(reverse("socialisation:acknowledgement_create", kwargs={"pk": old.pk}))
    assert old.acknowledgements.filter(user=reader).exists()
    assert world.own.number not in [r.procedure.number for r in selectors.pending_for(reader)]
    new = make_effective(world, minor=minor)
    assert new.minor is minor
    assert new.acknowledgements.filter(user=reader).exists() is minor
    page = client.get(reverse("socialisation:pending_list")).content.decode()
    assert ("P.SMLTI 19" in page) is (not minor)
    progress = selectors.procedure_progress(world.own)
    assert progress is not None and progress.revision.pk == new.pk
    assert (reader in progress.pending) is (not minor)


def test_progress_per_unit_counts_each_person_once(world: World) -> None:
    staff = person("staf", "iki")
    person("staf2", "iki")
    person("luar", "lain")
    rev = world.effective(world.own)
    socialisation.acknowledgement_create(revision=rev, user=staff)
    socialisation.acknowledgement_create(revision=rev, user=world.users["reader"])
    progress = selectors.procedure_progress(world.own)
    assert progress is not None
    units = {u.unit.code: u for u in progress.units if u.unit}
    assert set(units) == {"pusdatin", "iki"}  # "lain" is not on P.SMLTI 19's distribution list
    assert (len(units["iki"].done), units["iki"].total, units["iki"].pct) == (1, 2, 50)
    n_pusdatin = len(world.users)  # every world user sits in pusdatin
    assert units["pusdatin"].total == n_pusdatin and len(units["pusdatin"].done) == 1
    assert progress.total == n_pusdatin + 2 and progress.done == 2
    assert progress.pct == 100 * 2 // (n_pusdatin + 2)
    listed = {p.revision.procedure.number: p for p in selectors.progress_list()}
    assert listed["P.SMLTI 19"].done == 2 and listed["P.SMLTI 19"].total == progress.total
    # P.SMLTI 90 belongs to "lain" but PUSDATIN's roles act in it: both units follow it
    other = {u.unit.code: u.total for u in listed["P.SMLTI 90"].units if u.unit}
    assert other == {"lain": 1, "pusdatin": n_pusdatin, "iki": 2}


def test_percent_never_rounds_up_to_complete() -> None:
    assert selectors.percent(199, 200) == 99
    assert selectors.percent(0, 0) == 0


def test_bar_chart_geometry_and_escaping(world: World, client: Client) -> None:
    chart = selectors.bar_chart([("a", 1, 4), ("b", 4, 4), ("c", 0, 0)], bar_width=200)
    assert [b.width for b in chart.bars] == [50.0, 200.0, 0.0]
    assert [b.y for b in chart.bars] == [0, chart.row, 2 * chart.row]
    assert chart.bars[0].value == "25 % (1/4)"
    world.own_unit.name = '<b>"Pusat"</b>'
    world.own_unit.save()
    client.force_login(world.users["controller"])
    page = client.get(reverse("socialisation:progress_detail", kwargs={"pk": world.own.pk})).content.decode()
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "<script" not in svg and len(chart_rows(page)) == 1  # every world user sits in one unit
    assert "&lt;b&gt;&quot;Pusat&quot;&lt;/b&gt;" in svg and '<b>"Pusat"</b>' not in page
    assert "Nama Reader" in page  # who has not read yet


def chart_rows(page: str) -> list[str]:
    svg = page[page.index("<svg"):page.index("</svg>")]
    return svg.split("<g transform=")[1:]


def test_progress_list_shows_only_own_units_to_approver(world: World, client: Client) -> None:
    client.force_login(world.users["approver"])
    page = client.get(reverse("socialisation:progress_list")).content.decode()
    assert "P.SMLTI 19" in page and "P.SMLTI 90" not in page
    client.force_login(world.users["controller"])
    page = client.get(reverse("socialisation:progress_list")).content.decode()
    assert "P.SMLTI 19" in page and "P.SMLTI 90" in page


def test_pending_list_follows_distribution_and_acknowledgement(world: World) -> None:
    reader = world.users["reader"]
    # pusdatin's roles act in both procedures (P.SMLTI 90 is owned by "lain")
    assert [r.procedure.number for r in selectors.pending_for(reader)] == ["P.SMLTI 19", "P.SMLTI 90"]
    socialisation.acknowledgement_create(revision=world.effective(world.own), user=reader)
    assert [r.procedure.number for r in selectors.pending_for(reader)] == ["P.SMLTI 90"]
    outsider = person("luar", "lain")
    assert [r.procedure.number for r in selectors.pending_for(outsider)] == ["P.SMLTI 90"]
    sub_unit = person("staf_lti", "lti")  # below pusdatin, though no LTI role acts: follows its parent
    assert len(selectors.pending_for(sub_unit)) == 2
