"""The structured editor: form edits become source through the same locked save as the source view."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from prosedur.load import load_procedure_text
from prosedur_web.procedures import editing
from prosedur_web.procedures.models import Revision

from .conftest import World, add_history


class FormFields(HTMLParser):
    """The values a browser would send for the form `form_id` (inputs, textareas, selects)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") != "checkbox":
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields.append((a["name"], a.get("value", "on")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))
        elif tag == "select":
            self._select, self._select_value, self._first_option = a["name"], None, None
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._select_value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False


def form_of(html: str) -> dict[str, str]:
    parser = FormFields("editor-form")
    parser.feed(html)
    # textareas start with a newline the browser drops
    return {k: (v[1:] if v.startswith("\n") else v) for k, v in parser.fields}


@pytest.fixture
def draft(world: World) -> Revision:
    effective = world.effective(world.own)
    return world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                      yaml_source=add_history(effective.yaml_source.replace("revision: 0", "revision: 1")
                                                              .replace("status: effective", "status: draft"), 1))


@pytest.fixture
def author(world: World) -> Client:
    client = Client()
    client.force_login(world.users["author"])
    return client


def page_form(author: Client, draft: Revision) -> dict[str, str]:
    response = author.get(reverse("procedures:revision_editor", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    return form_of(response.content.decode())


def save(author: Client, draft: Revision, data: dict[str, Any]) -> Any:
    return author.post(reverse("procedures:revision_editor_save", kwargs={"pk": draft.pk}), data,
                       HTTP_HX_REQUEST="true")


def test_posting_the_form_unchanged_keeps_the_content(author: Client, draft: Revision) -> None:
    before = draft.content_hash or None
    proc_before = load_procedure_text(draft.yaml_source)
    form = page_form(author, draft)
    assert form["title"] == "Pengelolaan Email" and form["step-count"] == "8"
    response = save(author, draft, form)
    assert response.status_code == 200, response.content.decode()[:500]
    draft.refresh_from_db()
    assert draft.version == 2
    assert load_procedure_text(draft.yaml_source).model_dump() == proc_before.model_dump()
    assert before is None or draft.content_hash == before


def test_field_edit_saves_and_returns_new_version_and_preview(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    form["step-2-do"] = "Membuat akun <b>email</b> baru"
    form["purpose"] = "Tujuan baru"
    response = save(author, draft, form)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="base_version" name="base_version" value="2" hx-swap-oob="true"' in html
    assert "<svg" in html  # the flowchart preview came back with the save
    assert "&lt;b&gt;email&lt;/b&gt;" in html or "<b>email</b>" not in html  # escaped in the SVG
    draft.refresh_from_db()
    proc = load_procedure_text(draft.yaml_source)
    assert proc.steps[2].do == "Membuat akun <b>email</b> baru"
    assert proc.purpose == "Tujuan baru"
    assert proc.approval.prepared is not None  # fields the editor does not show are kept
    assert proc.parameters["batas_lampiran"].value == "5"
    assert proc.steps[2].how  # ... also inside a step


def test_stale_version_is_refused_with_409_and_nothing_saved(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    form["title"] = "Judul pertama"
    assert save(author, draft, form).status_code == 200
    form["title"] = "Judul kedua dari tab lama"  # still base_version 1
    response = save(author, draft, form)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#editor-status"
    assert "diubah orang lain" in response.content.decode()
    draft.refresh_from_db()
    assert "Judul pertama" in draft.yaml_source and "tab lama" not in draft.yaml_source


def test_invalid_edit_is_refused_with_located_problem(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    form["step-1-id"] = "1 bad id"
    response = save(author, draft, form)
    assert response.status_code == 400
    assert "steps[1].id" in response.content.decode()
    draft.refresh_from_db()
    assert draft.version == 1


def step_ids(draft: Revision) -> list[str]:
    draft.refresh_from_db()
    return [s.id for s in load_procedure_text(draft.yaml_source).steps]


def test_add_move_delete_steps(author: Client, draft: Revision) -> None:
    original = step_ids(draft)
    response = save(author, draft, {**page_form(author, draft), "op": "step_add"})
    assert response.status_code == 200 and 'id="editor"' in response.content.decode()
    ids = step_ids(draft)
    assert ids[:-1] == original and len(ids) == len(original) + 1
    save(author, draft, {**page_form(author, draft), "op": "step_up:1"})
    assert step_ids(draft)[:3] == [original[1], original[0], original[2]]
    save(author, draft, {**page_form(author, draft), "op": "step_down:0"})
    assert step_ids(draft)[:3] == original[:3]
    save(author, draft, {**page_form(author, draft), "op": f"step_del:{len(ids) - 1}"})
    assert step_ids(draft) == original
    assert draft.version == 5


def test_decision_exit_and_actor_edit(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    assert form["step-5-exit-1-to"] == "tandatangan"
    form["step-5-exit-1-to"] = "kirim_memo"
    form["step-5-exit-2-label"] = "Ditunda"
    form["step-5-exit-2-to"] = "selesai"
    form["step-0-actor"] = "kabid_iki"
    assert save(author, draft, form).status_code == 200
    draft.refresh_from_db()
    proc = load_procedure_text(draft.yaml_source)
    assert [(e.label, e.to) for e in proc.steps[5].exits] == [
        ("Ya", "aktifkan"), ("Tidak", "kirim_memo"), ("Ditunda", "selesai")]
    assert proc.steps[0].actor == "kabid_iki"


def test_roles_records_measurements(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    assert form["new_role"]  # a library role the procedure does not list yet
    new_role = form["new_role"]
    save(author, draft, {**form, "op": "role_add"})
    form = page_form(author, draft)
    assert form["role-4-id"] == new_role
    form["role-4-responsibilities"] = "Tugas satu\nTugas dua\n"
    save(author, draft, {**form, "op": "record_add"})
    form = page_form(author, draft)
    form.update({"record-2-id": "F.SMLTI 19-03", "record-2-name": "Formulir baru", "record-2-form": "1"})
    form["meas-0-target"] = "≥ 99%"
    save(author, draft, form)
    draft.refresh_from_db()
    proc = load_procedure_text(draft.yaml_source)
    assert proc.roles[4].responsibilities == ["Tugas satu", "Tugas dua"]
    assert proc.records[2].id == "F.SMLTI 19-03" and proc.records[2].form is True
    assert proc.records[0].form is True  # the unchecked default stays as it was for others
    assert proc.measurements[0].target == "≥ 99%"


def test_preview_parses_without_saving(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    form["step-5-exit-0-to"] = ""
    form["step-5-exit-0-label"] = ""
    url = reverse("procedures:revision_editor_preview", kwargs={"pk": draft.pk})
    response = author.post(url, form, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "P104" in html or "exit" in html.lower()  # a decision with one exit is reported
    assert "<svg" in html
    draft.refresh_from_db()
    assert draft.version == 1
    form["step-0-id"] = ""
    html = author.post(url, form, HTTP_HX_REQUEST="true").content.decode()
    assert "steps[0].id" in html


def test_other_users_cannot_edit(world: World, draft: Revision) -> None:
    for name in ("reviewer", "controller", "reader"):
        client = Client()
        client.force_login(world.users[name])
        response = client.post(reverse("procedures:revision_editor_save", kwargs={"pk": draft.pk}),
                               {"base_version": 1, "title": "X"})
        assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.version == 1


def test_apply_op_ignores_bad_indexes() -> None:
    data = {"steps": [{"id": "a"}, {"id": "b"}]}
    assert editing.apply_op(data, "step_del:9", {}) == data
    assert editing.apply_op(data, "step_up:x", {}) == data
    assert editing.apply_op(data, "bogus", {}) == data
    assert editing.apply_op(data, "step_down:1", {}) == data
