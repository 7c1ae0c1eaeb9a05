"""Full-text search of the master list (SQLite FTS5 or PostgreSQL full text, by database vendor)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.urls import reverse

from prosedur_web.search import services as search
from prosedur_web.search.models import SearchEntry

from .conftest import World, add_history


def listed(client: Client, query: str) -> str:
    return client.get(reverse("procedures:procedure_list"), {"q": query}).content.decode()


def test_index_follows_effective_revisions(world: World) -> None:
    assert SearchEntry.objects.count() == 2  # both imported procedures, through the save signal
    assert set(search.matching_procedure_ids("spammer")) == set()  # provisions are not indexed
    assert set(search.matching_procedure_ids("Form Kesediaan")) == {world.own.pk, world.other.pk}
    assert search.matching_procedure_ids("alert") == []
    assert search.matching_procedure_ids("") == []
    assert search.search_rebuild() == 2


def test_step_words_find_the_procedure_but_draft_words_do_not(world: World) -> None:
    client = Client()
    client.force_login(world.users["reader"])
    html = listed(client, "mengaktifkan akun")  # words of a step, not of number or title
    assert world.own.number in html
    draft_text = add_history(world.effective(world.own).yaml_source, 1).replace("revision: 0", "revision: 1") \
        .replace("status: effective", "status: draft").replace("Menugaskan Bidang IKI", "Menugaskan zebrakuda")
    world.own.revisions.create(number=1, status="draft", yaml_source=draft_text, author=world.users["author"])
    assert search.matching_procedure_ids("zebrakuda") == []
    assert world.own.number not in listed(client, "zebrakuda")


def test_query_syntax_is_not_injected(world: World) -> None:
    for query in ['"', "NEAR(a b)", "email OR", "* AND -", "'; DROP TABLE search_fts; --", "ü ≤"]:
        search.matching_procedure_ids(query)  # no error
    assert SearchEntry.objects.count() == 2


def test_vendor_backend_in_use(world: World) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fts")
            assert cursor.fetchone()[0] == 2
    # prefix search works on SQLite; whole words everywhere
    assert world.own.pk in search.matching_procedure_ids("permohonan")
