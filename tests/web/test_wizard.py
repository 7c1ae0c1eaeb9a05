"""The new-procedure wizard: three POST steps -> a revision 0 draft with the next free number."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from prosedur.load import load_procedure_text
from prosedur_web.procedures.models import Procedure, Revision

from .conftest import World, email_source

URL = reverse("procedures:procedure_wizard")


def _client(world: World, who: str = "author") -> Client:
    client = Client()
    client.force_login(world.users[who])
    client.get(URL + "?baru=1")
    return client


def _run(client: Client, *, title: str = "Layanan Peminjaman Proyektor", unit: str = "pusdatin",
         rows: list[dict[str, Any]] | None = None, local: str = "petugas_loket = Petugas Loket") -> Any:
    r1 = client.post(URL, {"step": "1", "title": title, "purpose": "Meminjamkan proyektor", "unit": unit})
    assert r1.status_code == 302, r1.content.decode()[:500]
    r2 = client.post(URL, {"step": "2", "library_roles": ["pengguna"], "local_roles": local})
    assert r2.status_code == 302, r2.content.decode()[:500]
    rows = rows if rows is not None else [
        {"actor": "pengguna", "action": "Mengajukan peminjaman"},
        {"actor": "petugas_loket", "action": "Memeriksa ketersediaan", "decision": True,
         "yes": "Tersedia", "no": "Tidak tersedia"},
        {"actor": "petugas_loket", "action": "Menyerahkan proyektor"},
    ]
    data: dict[str, Any] = {"step": "3", "rows": str(len(rows)), "create": "1"}
    for i, row in enumerate(rows):
        data.update({f"actor_{i}": row["actor"], f"action_{i}": row["action"],
                     f"yes_{i}": row.get("yes", ""), f"no_{i}": row.get("no", "")})
        if row.get("decision"):
            data[f"decision_{i}"] = "on"
    return client.post(URL, data)


def test_wizard_creates_a_draft_with_the_next_number_and_opens_the_editor(world: World) -> None:
    client = _client(world)
    response = _run(client)
    procedure = Procedure.objects.exclude(pk__in=[world.own.pk, world.other.pk]).get()
    rev = procedure.revisions.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("procedures:revision_editor", kwargs={"pk": rev.pk})
    # P.SMLTI 19 and 90 exist: the next is one past the highest
    assert procedure.number == "P.SMLTI 91"
    assert (rev.number, rev.status, rev.author) == (0, "draft", world.users["author"])
    proc = load_procedure_text(rev.yaml_source, "draft.yaml")
    assert proc.owner == "pusdatin" and proc.title == "Layanan Peminjaman Proyektor"
    assert [s.kind for s in proc.steps] == ["start", "decision", "end"]
    assert [(e.label, e.to) for e in proc.steps[1].exits] == [("Tersedia", "menyerahkan-proyektor"),
                                                           ("Tidak tersedia", "mengajukan-peminjaman")]
    assert {r.id: r.name for r in proc.roles} == {"pengguna": None, "petugas_loket": "Petugas Loket"}
    assert client.get(response.headers["Location"]).status_code == 200


def test_numbers_of_obsolete_procedures_are_never_reused(world: World) -> None:
    from prosedur_web.procedures import services

    old = services.procedure_import(yaml_source=email_source("P.SMLTI 95").replace(
        "status: effective", "status: obsolete", 1), adopt=True)
    assert old.status == "obsolete"
    _run(_client(world))
    assert Procedure.objects.filter(number="P.SMLTI 96").exists()
    _run(_client(world), title="Kedua")
    assert Procedure.objects.filter(number="P.SMLTI 97", title="Kedua").exists()


def test_wizard_refuses_bad_answers_and_stores_nothing(world: World) -> None:
    before = Revision.objects.count()
    client = _client(world)
    # another unit's procedure is not the author's to create
    r = client.post(URL, {"step": "1", "title": "X", "unit": "lain"})
    assert r.status_code == 400
    assert client.post(URL, {"step": "1", "title": "", "unit": "pusdatin"}).status_code == 400
    # a local role with an invalid id
    client.post(URL, {"step": "1", "title": "X", "unit": "pusdatin"})
    r = client.post(URL, {"step": "2", "local_roles": "1 salah = Nama"})
    assert r.status_code == 400 and "1 salah" in r.content.decode()
    # one step only, and an actor that is not among the chosen roles
    assert _run(_client(world), rows=[{"actor": "pengguna", "action": "Mulai"}]).status_code == 400
    r = _run(_client(world), rows=[{"actor": "pengguna", "action": "Mulai"}, {"actor": "admin", "action": "Selesai"}])
    assert r.status_code == 400
    assert Revision.objects.count() == before


def test_user_text_is_escaped_and_kept(world: World) -> None:
    title = '<script>alert(1)</script> "Layanan": #1'
    client = _client(world)
    r1 = client.post(URL, {"step": "1", "title": title, "unit": "pusdatin"})
    page = client.get(r1.headers["Location"].replace("langkah=2", "langkah=1"))
    assert "<script>alert(1)</script>" not in page.content.decode()
    client.get(URL + "?baru=1")
    _run(client, title=title)
    rev = Revision.objects.get(procedure__title=title)
    assert load_procedure_text(rev.yaml_source, "x.yaml").title == title


def test_more_rows_and_back_keep_the_answers(world: World) -> None:
    client = _client(world)
    client.post(URL, {"step": "1", "title": "Judul Saya", "unit": "pusdatin"})
    client.post(URL, {"step": "2", "library_roles": ["pengguna"]})
    r = client.post(URL, {"step": "3", "rows": "6", "action_0": "Mengajukan", "actor_0": "pengguna", "more": "1"})
    page = client.get(r.headers["Location"]).content.decode()
    assert page.count('name="action_') == 9 and 'value="Mengajukan"' in page
    r = client.post(URL, {"step": "2", "library_roles": ["pengguna"], "back": "1"})
    assert 'value="Judul Saya"' in client.get(r.headers["Location"]).content.decode()


def test_readers_and_reviewers_cannot_create(world: World) -> None:
    for who in ("reader", "reviewer", "approver", "controller"):
        client = Client()
        client.force_login(world.users[who])
        assert client.post(URL, {"step": "1", "title": "X", "unit": "pusdatin"}).status_code == 403
