"""Pages: what people see, escaping, optimistic locking in the editor, verification, security headers."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prosedur_web.procedures import services
from prosedur_web.settings import parse_database_url

from .conftest import PASSWORD, World, add_history

ROOT = Path(__file__).resolve().parents[2]


def login(client: Client, world: World, name: str) -> Client:
    client.force_login(world.users[name])
    return client


def test_master_list_filters_and_searches(client: Client, world: World) -> None:
    login(client, world, "reader")
    assert "P.SMLTI 90" not in client.get("/", {"q": "19"}).content.decode()
    body = client.get("/", {"unit": "lain"}).content.decode()
    assert "P.SMLTI 90" in body and ">P.SMLTI 19<" not in body
    assert "Tidak ada dokumen" in client.get("/", {"status": "obsolete"}).content.decode()
    fragment = client.get("/", {"q": "email"}, headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b"P.SMLTI 19" in fragment.content


def test_procedure_page_shows_document_flowchart_and_history(client: Client, world: World) -> None:
    login(client, world, "reader")
    body = client.get(reverse("procedures:procedure_detail", args=[world.own.pk])).content.decode()
    assert "Tujuan" in body and "Uraian kegiatan" in body and "Riwayat revisi" in body
    assert "<svg" in body  # the core's flowchart


def test_english_labels_after_switching_language(client: Client, world: World) -> None:
    login(client, world, "reader")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Master Document List" in body and 'lang="en"' in body


def test_user_text_is_escaped(client: Client, world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    text = add_history(rev.yaml_source, rev.number)
    assert "\npurpose: " in text
    evil = text.replace("\npurpose: >-", "\npurpose: <script>alert(1)</script> >-", 1)
    if evil == text:  # the started revision's source is written by the serializer: a plain scalar
        evil = text.replace("\npurpose: ", "\npurpose: <script>alert(1)</script> ", 1)
    evil = evil.replace("- term: PUSDATIN", "- term: <img src=x onerror=alert(2)>", 1)
    services.revision_save_source(revision=rev, user=author, text=evil, base_version=rev.version)
    body = login(client, world, "author").get(reverse("procedures:revision_detail", args=[rev.pk])).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "<img src=x" not in body


def test_editor_keeps_text_on_stale_save(client: Client, world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    url = reverse("procedures:revision_edit", args=[rev.pk])
    login(client, world, "author")
    services.revision_save_source(revision=rev, user=author, text=rev.yaml_source + "# orang lain\n",
                                  base_version=rev.version)
    mine = rev.yaml_source + "# teks saya yang berharga\n"
    response = client.post(url, {"yaml_source": mine, "base_version": rev.version})
    assert response.status_code == 409
    body = response.content.decode()
    assert "diubah orang lain" in body and "# teks saya yang berharga" in body


def test_conflict_screen_shows_both_versions_and_lets_the_merge_be_saved(client: Client, world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    url = reverse("procedures:revision_edit", args=[rev.pk])
    login(client, world, "author")
    opened = rev.version
    services.revision_save_source(revision=rev, user=author, text=rev.yaml_source + "# <b>orang lain</b>\n",
                                  base_version=opened)
    rev.refresh_from_db()
    theirs = rev.yaml_source
    mine = theirs.replace("# <b>orang lain</b>\n", "") + "# teks saya\n"
    response = client.post(url, {"yaml_source": mine, "base_version": opened})
    assert response.status_code == 409
    body = response.content.decode()
    # the other person's line and mine, marked, escaped
    assert '<span class="merge-del">-# &lt;b&gt;orang lain&lt;/b&gt;</span>' in body
    assert '<span class="merge-ins">+# teks saya</span>' in body
    # the editor now carries the saved version's number: saving the merged text is accepted
    assert f'name="base_version" value="{rev.version}"' in body
    merged = theirs + "# teks saya\n"
    again = client.post(url, {"yaml_source": merged, "base_version": rev.version})
    assert again.status_code == 302
    rev.refresh_from_db()
    assert rev.yaml_source == merged


def test_editor_shows_parse_errors_with_line_and_keeps_text(client: Client, world: World) -> None:
    rev = services.revision_start(procedure=world.own, user=world.users["author"])
    login(client, world, "author")
    bad = rev.yaml_source + "stepz: []\n"
    response = client.post(reverse("procedures:revision_edit", args=[rev.pk]),
                           {"yaml_source": bad, "base_version": rev.version})
    assert response.status_code == 400
    body = response.content.decode()
    line = bad.count("\n")
    assert f"baris {line}, kolom 1" in body and "stepz" in body and "kunci tidak dikenal" in body
    rev.refresh_from_db()
    assert "stepz" not in rev.yaml_source


def test_approve_view_cycles_session_key(client: Client, world: World) -> None:
    from prosedur_web.reviews import services as reviews

    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    rev = services.revision_save_source(revision=rev, user=author, base_version=rev.version,
                                        text=add_history(rev.yaml_source, rev.number))
    rev = services.revision_submit(revision=rev, user=author, reviewers=[world.users["reviewer"]])
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    login(client, world, "approver")
    before = client.session.session_key
    url = reverse("procedures:revision_approve", args=[rev.pk])
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    bad = client.post(url, {"password": "salah", "effective_date": later, "content_hash": rev.content_hash})
    assert bad.status_code == 409 and "Kata sandi salah" in bad.content.decode()
    ok = client.post(url, {"password": PASSWORD, "effective_date": later, "content_hash": rev.content_hash})
    assert ok.status_code == 302
    assert client.session.session_key != before


def test_verification_page(client: Client, world: World) -> None:
    eff = world.effective(world.own)
    body = client.get(reverse("procedures:revision_verify", args=[eff.content_hash])).content.decode()
    assert "BERLAKU" in body and "P.SMLTI 19" in body
    body = client.get(reverse("procedures:revision_verify", args=["0" * 64])).content.decode()
    assert "tidak dikenal" in body
    draft = services.revision_start(procedure=world.own, user=world.users["author"])
    draft = services.revision_save_source(revision=draft, user=world.users["author"], base_version=draft.version,
                                          text=draft.yaml_source.replace("Pengelolaan Email", "Email Baru"))
    body = client.get(reverse("procedures:revision_verify", args=[draft.content_hash])).content.decode()
    assert "tidak dikenal" in body  # drafts are not disclosed


def test_security_headers(client: Client, world: World) -> None:
    response = client.get(reverse("accounts:login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert b"<script>" not in response.content  # no inline scripts anywhere in the layout


def test_login_throttling(client: Client, world: World, settings: Any) -> None:
    settings.PROSEDUR_LOGIN_MAX_FAILURES = 3
    url = reverse("accounts:login")
    for _ in range(3):
        assert "salah" in client.post(url, {"username": "reader", "password": "x"}).content.decode()
    response = client.post(url, {"username": "reader", "password": PASSWORD})
    assert "Terlalu banyak" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_works_and_rotates_session(client: Client, world: World) -> None:
    client.get(reverse("accounts:login"))
    response = client.post(reverse("accounts:login"), {"username": "reader", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(world.users["reader"].pk)


def test_seed_demo_is_idempotent(db: Any, monkeypatch: Any, settings: Any, tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import call_command

    from prosedur_web.accounts.models import User
    from prosedur_web.procedures.models import Revision

    monkeypatch.delenv("PROSEDUR_DEMO_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), Revision.objects.count())
    assert counts[0] == 6 and counts[1] >= 1
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert (User.objects.count(), Revision.objects.count()) == counts
    password = next(line.split()[1] for line in again.getvalue().splitlines() if line.strip().startswith("pembaca"))
    assert password in out.getvalue()  # the generated password is printed again on the second run
    assert User.objects.get(username="pembaca").check_password(password)


@pytest.mark.parametrize(
    ("url", "engine", "name"),
    [
        ("postgres://u:p%40ss@db.example:5433/prosedur", "django.db.backends.postgresql", "prosedur"),
        ("sqlite:////var/lib/p.sqlite3", "django.db.backends.sqlite3", "/var/lib/p.sqlite3"),
    ],
)
def test_database_url(url: str, engine: str, name: str) -> None:
    cfg = parse_database_url(url)
    assert (cfg["ENGINE"], cfg["NAME"]) == (engine, name)
    if engine.endswith("postgresql"):
        assert (cfg["PASSWORD"], cfg["PORT"]) == ("p@ss", "5433")
    else:
        assert cfg["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert "synchronous=FULL" in cfg["OPTIONS"]["init_command"]


def test_production_settings_pass_deploy_check(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROSEDUR_", "DJANGO_"))}
    env.update({"PROSEDUR_SECRET_KEY": "k" * 20 + "Zq8#pL2@vW9$" * 4, "PROSEDUR_ALLOWED_HOSTS": "sop.example.go.id",
                "PROSEDUR_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "prosedur_web.settings"})
    from prosedur.pades import make_demo_identity  # the agency's certificate: without one, --deploy fails

    ca, p12, passphrase = make_demo_identity(tmp_path / "ttd", "Instansi Uji")
    env.update({"PROSEDUR_SIGNING_P12": str(p12), "PROSEDUR_SIGNING_PASSPHRASE": passphrase,
                "PROSEDUR_SIGNING_TRUST": str(ca)})
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_indonesian_by_default_whatever_the_browser_says(client: Client, world: World) -> None:
    login(client, world, "reader")
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Daftar Induk Dokumen" in response.content.decode()
    assert response.headers["Content-Language"] == "id"


def test_revision_page_lists_what_blocks_approval(client: Client, world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    rev = services.revision_save_source(revision=rev, user=author, base_version=rev.version,
                                        text=add_history(rev.yaml_source, rev.number))
    rev = services.revision_submit(revision=rev, user=author, reviewers=[world.users["reviewer"]])
    body = login(client, world, "approver").get(reverse("procedures:revision_detail", args=[rev.pk])).content.decode()
    assert "Nama Reviewer" in body and "belum semuanya setuju" in body


def test_no_migration_drift(db: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_login_and_failed_login_are_audited(client: Client, world: World) -> None:
    from prosedur_web.audit.models import AuditEntry

    client.post(reverse("accounts:login"), {"username": "reader", "password": "salah"}, REMOTE_ADDR="198.51.100.4")
    client.post(reverse("accounts:login"), {"username": "reader", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4")
    failed, ok = AuditEntry.objects.order_by("-seq")[:2][::-1]
    assert (failed.action, failed.data["username"], failed.ip) == ("login_failed", "reader", "198.51.100.4")
    assert (ok.action, ok.actor_id) == ("login", world.users["reader"].pk)
    assert PASSWORD not in str(failed.data)


def test_comment_via_htmx_returns_escaped_fragment(client: Client, world: World) -> None:
    rev = services.revision_start(procedure=world.own, user=world.users["author"])
    login(client, world, "reviewer")
    response = client.post(reverse("reviews:comment_create", args=[rev.pk]),
                           {"text": "<script>alert('x')</script> batas?", "anchor": "s3"},
                           headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="comment-list">')
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    comment_pk = rev.comments.get().pk
    response = client.post(reverse("reviews:comment_resolve", args=[comment_pk]), headers={"HX-Request": "true"})
    assert "Selesai" in response.content.decode() and rev.comments.get().resolved


def test_comments_can_point_at_a_section_or_step(client: Client, world: World) -> None:
    rev = services.revision_start(procedure=world.own, user=world.users["author"])
    body = login(client, world, "reviewer").get(reverse("procedures:revision_detail", args=[rev.pk])).content.decode()
    first_step = rev.yaml_source.split("steps:", 1)[1].split("id:", 1)[1].split(",")[0].split("\n")[0].strip()
    assert f'<option value="step-{first_step}">1. ' in body and '<option value="s-purpose">Tujuan' in body
    assert f'id="step-{first_step}"' in body  # the anchor exists in the document


def test_a_comment_names_its_step_in_words_not_by_its_anchor(client: Client, world: World) -> None:
    rev = services.revision_start(procedure=world.own, user=world.users["author"])
    first_step = rev.yaml_source.split("steps:", 1)[1].split("id:", 1)[1].split(",")[0].split("\n")[0].strip()
    login(client, world, "reviewer")
    for anchor in (f"step-{first_step}", "step-sudah-tidak-ada", "s-purpose"):
        client.post(reverse("reviews:comment_create", args=[rev.pk]), {"text": f"tentang {anchor}", "anchor": anchor})
    body = client.get(reverse("procedures:revision_detail", args=[rev.pk])).content.decode()
    listing = body.split('id="comment-list"', 1)[1]
    assert f'href="#step-{first_step}">1. ' in listing and f">step-{first_step}<" not in listing
    assert 'href="#step-sudah-tidak-ada">langkah yang sudah dihapus<' in listing
    assert 'href="#s-purpose">Tujuan<' in listing


def test_draft_findings_say_where_in_words(client: Client, world: World) -> None:
    import re as _re

    rev = services.revision_start(procedure=world.own, user=world.users["author"])
    text = _re.sub(r"\n  excludes:\n(    - .*\n)+", "\n", rev.yaml_source, count=1)
    assert text != rev.yaml_source
    type(rev).objects.filter(pk=rev.pk).update(yaml_source=text)
    body = login(client, world, "author").get(reverse("procedures:revision_detail", args=[rev.pk])).content.decode()
    findings = body.split('class="findings"', 1)[1].split("</section>", 1)[0]
    assert "tidak dicakup <span" in findings and "(Ruang lingkup, baris " in findings and "scope." not in findings
    assert "Prosedur terkait › butir 1" in findings and "related[" not in findings


def test_list_pages_show_titles_without_their_emphasis_asterisks(client: Client, world: World) -> None:
    """A title written with inline emphasis (`*email*`) is rendered, not printed with its asterisks."""
    from prosedur_web.procedures.models import Procedure

    Procedure.objects.filter(pk=world.own.pk).update(title="Pengelolaan *email* <b>dinas</b>")
    client.force_login(world.users["controller"])
    pages = [reverse("procedures:procedure_list"), reverse("procedures:procedure_detail", kwargs={"pk": world.own.pk}),
             reverse("socialisation:progress_detail", kwargs={"pk": world.own.pk})]
    for url in pages:
        body = client.get(url).content.decode()
        assert "Pengelolaan <em>email</em> &lt;b&gt;dinas&lt;/b&gt;" in body, url
        assert "*email*" not in body, url
