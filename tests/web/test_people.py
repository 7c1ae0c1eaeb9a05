"""People pages: create, edit, roles only as far as one may grant them, deactivate (never delete), CSV import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from prosedur_web.accounts.models import User
from prosedur_web.audit.models import AuditEntry

from .conftest import World


def _as(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def test_a_controller_creates_a_person_who_can_then_sign_in(world: World) -> None:
    client = _as(world, "controller")
    unit = world.own_unit.code
    response = client.post(reverse("accounts:person_create"), {
        "username": "budi", "full_name": "Budi Santoso", "nip": "1985 0101 2010 0110 01", "position": "Pranata Komputer",
        "unit": unit, "email": "budi@contoh.go.id", "roles": ["penyusun", "pembaca"], "password": "sandi-panjang-budi-1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    budi = User.objects.get(username="budi")
    assert (budi.full_name, budi.nip, budi.unit.code) == ("Budi Santoso", "198501012010011001", unit)
    assert sorted(budi.groups.values_list("name", flat=True)) == ["pembaca", "penyusun"]
    assert Client().login(username="budi", password="sandi-panjang-budi-1")
    assert AuditEntry.objects.filter(action="user_create").exists()
    listing = client.get(reverse("accounts:people_list") + "?q=budi").content.decode()
    assert "Budi Santoso" in listing and "Penyusun" in listing


def test_bad_fields_are_named_and_nothing_is_saved(world: World) -> None:
    client = _as(world, "controller")
    response = client.post(reverse("accounts:person_create"), {
        "username": "a b", "full_name": "", "nip": "123", "unit": "tidak-ada", "email": "bukan-surel", "roles": ["raja"]})
    page = response.content.decode()
    assert response.status_code == 400
    for words in ("nama pengguna hanya boleh", "NIP terdiri atas 18 angka", "unit &#x27;tidak-ada&#x27; tidak ada",
                  "alamat surel tidak valid"):
        assert words in page, words
    assert 'value="bukan-surel"' in page  # what was typed stays
    assert not User.objects.filter(full_name="").exclude(username__in=world.users).exists()


def test_only_an_admin_grants_admin_or_controller(world: World) -> None:
    for name in ("reader", "author", "approver"):
        assert _as(world, name).get(reverse("accounts:people_list")).status_code == 403
    reader = world.users["reader"]
    url = reverse("accounts:person_edit", args=[reader.pk])
    fields = {"full_name": reader.full_name, "unit": reader.unit.code if reader.unit else "", "roles": ["pembaca", "admin"]}
    response = _as(world, "controller").post(url, fields)
    assert response.status_code == 400 and "hanya admin" in response.content.decode()
    assert not reader.groups.filter(name="admin").exists()
    assert _as(world, "admin").post(url, fields).status_code == 302
    assert reader.groups.filter(name="admin").exists()


def test_deactivating_keeps_the_person_and_stops_sign_in(world: World) -> None:
    author = world.users["author"]
    author.set_password("sandi-panjang-penulis-1")
    author.save()
    client = _as(world, "controller")
    assert client.post(reverse("accounts:person_set_active", args=[author.pk]), {"active": "0"}).status_code == 302
    author.refresh_from_db()
    assert not author.is_active and User.objects.filter(pk=author.pk).exists()
    assert not Client().login(username=author.username, password="sandi-panjang-penulis-1")
    controller = world.users["controller"]
    client.post(reverse("accounts:person_set_active", args=[controller.pk]), {"active": "0"})  # not oneself
    controller.refresh_from_db()
    assert controller.is_active
    assert AuditEntry.objects.filter(action="user_deactivate").count() == 1


def _csv(client: Client, text: str) -> tuple[int, str]:
    response = client.post(reverse("accounts:people_import"),
                           {"csv": SimpleUploadedFile("orang.csv", text.encode("utf-8"), content_type="text/csv")})
    return response.status_code, response.content.decode()


def test_csv_import_is_all_or_nothing_and_names_each_problem(world: World) -> None:
    client = _as(world, "controller")
    unit = world.own_unit.code
    bad = (f"username;full_name;nip;unit;email;roles\n"
           f"sari;Sari Dewi;198507072010012005;{unit};sari@contoh.go.id;pemeriksa\n"
           f"rudi;Rudi;12;{unit};;pembaca\n"
           f"sari;Sari Lagi;;{unit};;pembaca\n"
           f"tono;Tono;;lain-lain;;admin\n")
    status, page = _csv(client, bad)
    assert status == 400
    assert "Baris 3, kolom nip" in page and "Baris 4, kolom username" in page and "Baris 5, kolom unit" in page
    assert "Baris 5, kolom roles" in page  # a controller may not grant admin
    assert not User.objects.filter(username__in=["sari", "rudi", "tono"]).exists()
    good = (f"username,full_name,nip,position,unit,email,roles,language\n"
            f"sari,Sari Dewi,198507072010012005,Auditor,{unit},sari@contoh.go.id,pemeriksa;pembaca,en\n"
            f"{world.users['reader'].username},Nama Baru,,,{unit},,pembaca\n")
    status, page = _csv(client, good)
    assert status == 200 and "1 baru, 1 diperbarui" in page
    assert User.objects.get(username="sari").groups.count() == 2
    assert User.objects.get(username="sari").language == "en"
    assert User.objects.get(pk=world.users["reader"].pk).full_name == "Nama Baru"
    status, page = _csv(client, good)
    assert "0 baru, 0 diperbarui, 2 tetap" in page


def test_the_unit_tree_counts_active_members(world: World) -> None:
    page = _as(world, "admin").get(reverse("accounts:unit_tree")).content.decode()
    assert world.own_unit.name in page and "anggota aktif" in page


def test_the_language_of_a_persons_mail_is_set_on_their_page(world: World) -> None:
    client = _as(world, "controller")
    reader = world.users["reader"]
    form = client.get(reverse("accounts:person_edit", args=[reader.pk])).content.decode()
    assert 'name="language"' in form and '<option value="id" selected>' in form
    response = client.post(reverse("accounts:person_edit", args=[reader.pk]), {
        "full_name": reader.full_name, "nip": "", "position": reader.position, "unit": world.own_unit.code,
        "email": "pembaca@contoh.go.id", "roles": ["pembaca"], "language": "en"})
    assert response.status_code == 302, response.content.decode()[:2000]
    reader.refresh_from_db()
    assert reader.language == "en"
    entry = AuditEntry.objects.filter(action="user_update").latest("seq")
    assert entry.data["changed"]["language"] == ["id", "en"]
