"""Request bodies are capped from their declared length before anything reads them, and the raw source
editor answers every refusal in words with the typed text kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from prosedur_web.procedures.models import Revision
from prosedur_web.services import SOURCE_MAX_BYTES

from .conftest import World, add_history
from .test_editor import draft_source


@pytest.fixture
def draft(world: World) -> Revision:
    return world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                      yaml_source=add_history(draft_source(world), 1))


def _edit(client: Client, rev: Revision, **data: Any) -> Any:
    return client.post(reverse("procedures:revision_edit", args=[rev.pk]), data)


def test_source_over_the_limit_is_refused_in_words_and_kept(client: Client, world: World, draft: Revision) -> None:
    client.force_login(world.users["author"])
    before = draft.yaml_source
    typed = draft.yaml_source + "# " + "x" * (3 * 1024 * 1024) + "\n# TANDA-AKHIR-KETIKAN\n"
    response = _edit(client, draft, yaml_source=typed, base_version=draft.version)
    page = response.content.decode()
    assert response.status_code == 400
    assert "batasnya 1,0 MB" in page and "Teks sumber 3,0 MB" in page
    assert "TANDA-AKHIR-KETIKAN" in page  # the textarea holds what was typed
    draft.refresh_from_db()
    assert draft.yaml_source == before


def test_incomplete_editor_form_says_why_and_keeps_the_text(client: Client, world: World, draft: Revision) -> None:
    client.force_login(world.users["author"])
    response = _edit(client, draft, yaml_source="title: diketik\n")
    page = response.content.decode()
    assert response.status_code == 400
    assert "versi dasar hilang" in page and "title: diketik" in page
    response = _edit(client, draft, yaml_source="", base_version=draft.version)
    assert response.status_code == 400 and "Teks sumber kosong." in response.content.decode()


def test_editor_declares_the_limit_to_the_page_script(client: Client, world: World, draft: Revision) -> None:
    client.force_login(world.users["author"])
    page = client.get(reverse("procedures:revision_edit", args=[draft.pk])).content.decode()
    assert f'data-max-bytes="{SOURCE_MAX_BYTES}"' in page and "js/source_limit.js" in page


def test_anonymous_oversize_body_is_refused_before_it_is_read(client: Client, world: World) -> None:
    # Declared 50 MB, a few bytes sent: answered from the header alone (reading would wait for the rest).
    response = client.post(reverse("accounts:login"), data=b"username=a", content_type="application/x-www-form-urlencoded",
                           CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413
    assert "Kiriman ini 50,0 MB; batasnya 64 KB. Tidak ada yang disimpan." in response.content.decode()
    assert response["Connection"] == "close"


def test_anonymous_small_post_passes(client: Client, world: World) -> None:
    response = client.post(reverse("accounts:login"), {"username": "reader", "password": "salah"})
    assert response.status_code in (200, 302)


def test_signed_in_cap_follows_the_setting(client: Client, world: World, draft: Revision, settings: Any) -> None:
    settings.PROSEDUR_MAX_REQUEST_BYTES = 200 * 1024
    client.force_login(world.users["author"])
    before = draft.yaml_source
    response = _edit(client, draft, yaml_source=before + "#" + "y" * 300 * 1024, base_version=draft.version)
    page = response.content.decode()
    assert response.status_code == 413
    assert "batasnya 200 KB" in page and "Tidak ada yang disimpan" in page
    draft.refresh_from_db()
    assert draft.yaml_source == before


def test_public_verification_takes_its_own_larger_limit(client: Client, world: World, settings: Any) -> None:
    settings.PROSEDUR_VERIFY_MAX_BYTES = 1024 * 1024
    url = reverse("procedures:verify_upload")
    body = b"x" * (512 * 1024)  # over the anonymous cap, under the verification limit
    response = client.post(url, data=body, content_type="application/octet-stream")
    assert response.status_code != 413 or "Berkas lebih besar" in response.content.decode()
    assert "Kiriman terlalu besar" not in response.content.decode()
    response = client.post(url, data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(5 * 1024 * 1024))
    assert response.status_code == 413 and "batasnya 1,1 MB" in response.content.decode()  # + the form envelope


@pytest.mark.parametrize("size", [SOURCE_MAX_BYTES - 64, SOURCE_MAX_BYTES + 1])
def test_limit_is_counted_in_bytes(size: int, client: Client, world: World, draft: Revision) -> None:
    client.force_login(world.users["author"])
    text = draft_source(world)
    padded = text + "#" + "é" * ((size - len(text.encode()) - 2) // 2) + "\n"
    response = _edit(client, draft, yaml_source=padded, base_version=draft.version)
    refused = "batasnya 1,0 MB" in response.content.decode()
    assert refused == (len(padded.encode()) > SOURCE_MAX_BYTES)
