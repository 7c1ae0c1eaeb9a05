"""The structured editor: form edits become source through the same locked save as the source view."""

from __future__ import annotations

import re
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
    return world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                      yaml_source=add_history(draft_source(world), 1))


def draft_source(world: World) -> str:
    """The effective revision 0 as revision 1, a draft (its history rows as they were)."""
    text = re.sub(r"^revision: 0$", "revision: 1", world.effective(world.own).yaml_source, count=1, flags=re.M)
    return re.sub(r"^status: effective$", "status: draft", text, count=1, flags=re.M)


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
    html = response.content.decode()
    # in words, next to the field (data-field), never as a source path
    assert 'data-field="step-1-id"' in html and "Langkah 2 › Id" in html
    assert "steps[1]" not in html and "<sumber>" not in html
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
    assert 'data-field="step-0-id"' in html and "Langkah 1 › Id" in html and "steps[0]" not in html


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


def saved_proc(draft: Revision) -> Any:
    draft.refresh_from_db()
    return load_procedure_text(draft.yaml_source)


def problems_of(response: Any) -> str:
    assert response.status_code == 400, response.content.decode()[:500]
    return response.content.decode()


# -- this revision's change history ---------------------------------------------------------------
def test_history_row_of_this_revision_is_edited_earlier_rows_are_not(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    assert form["history-change"] == "Perubahan batas lampiran" and form["history-reason"] == ""
    assert not any(k.startswith("history-") and k not in ("history-change", "history-reason") for k in form)
    html = author.get(reverse("procedures:revision_editor", kwargs={"pk": draft.pk})).content.decode()
    assert "Penerbitan awal" in html  # revision 0's row, shown as text only
    form["history-change"] = "Batas lampiran menjadi 10 MB"
    form["history-reason"] = "Permintaan pengguna"
    form["history-0-change"] = "mencoba mengubah riwayat lama"  # not a field of the form: ignored
    assert save(author, draft, form).status_code == 200
    proc = saved_proc(draft)
    own = [h for h in proc.history if h.revision == 1]
    assert len(own) == 1 and own[0].change == "Batas lampiran menjadi 10 MB" and own[0].reason == "Permintaan pengguna"
    assert str(own[0].date) == "2026-01-05" and own[0].by == "Kepala Bidang IKI"  # kept
    old = [h for h in proc.history if h.revision == 0]
    assert old[0].change == "Penerbitan awal" and old[0].reason
    assert "Batas lampiran menjadi 10 MB" in draft.yaml_source
    form = page_form(author, draft)  # reload
    assert form["history-change"] == "Batas lampiran menjadi 10 MB" and form["history-reason"] == "Permintaan pengguna"


@pytest.fixture
def bare_draft(world: World) -> Revision:
    """Revision 1 without a change-history row of its own (a draft from before rows were created)."""
    return world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                      yaml_source=draft_source(world))


def test_history_row_is_created_when_the_author_writes_one(author: Client, bare_draft: Revision) -> None:
    form = page_form(author, bare_draft)
    assert form["history-change"] == ""
    assert save(author, bare_draft, form).status_code == 200
    assert [h.revision for h in saved_proc(bare_draft).history] == [0]  # nothing written, nothing added
    form = page_form(author, bare_draft)
    form["history-change"] = "Menambah langkah pemantauan kuota"
    save(author, bare_draft, form)
    proc = saved_proc(bare_draft)
    assert [(h.revision, h.change, h.date) for h in proc.history] == [
        (0, "Penerbitan awal", proc.history[0].date), (1, "Menambah langkah pemantauan kuota", None)]
    assert page_form(author, bare_draft)["history-change"] == "Menambah langkah pemantauan kuota"


def test_an_empty_history_row_is_reported_in_words(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    form["history-change"] = ""
    url = reverse("procedures:revision_editor_preview", kwargs={"pk": draft.pk})
    html = author.post(url, form, HTTP_HX_REQUEST="true").content.decode()
    assert "P211" in html and 'href="#ed-history-change"' in html
    assert "Riwayat perubahan › Rev. 1" in html and "history[" not in html


def test_approval_and_lifecycle_dates_are_not_offered(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    for name in form:
        assert not name.startswith(("approval", "issued", "effective", "review_due", "status", "revision"))
    before = saved_proc(draft)
    save(author, draft, {**form, "issued": "2030-01-01", "approval-approved-name": "Siapa Saja",
                         "effective": "2030-01-01", "review_due": "2031-01-01"})
    after = saved_proc(draft)
    assert after.approval == before.approval and after.issued == before.issued
    assert after.effective == before.effective and after.review_due == before.review_due


# -- parameters ---------------------------------------------------------------------------------------
def test_parameters_edit_add_rename_delete(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    assert form["param-count"] == "3" and form["param-1-id"] == "batas_lampiran" and form["param-1-value"] == "5"
    form.update({"param-1-value": "10", "param-1-unit": "MB", "param-1-label": "Lampiran paling besar"})
    assert save(author, draft, form).status_code == 200
    proc = saved_proc(draft)
    assert proc.parameters["batas_lampiran"].value == "10"
    assert proc.parameters["batas_lampiran"].label == "Lampiran paling besar"
    assert "batas_lampiran: {value: '10', unit: MB, label: Lampiran paling besar}" in draft.yaml_source
    save(author, draft, {**page_form(author, draft), "op": "param_add"})
    form = page_form(author, draft)
    assert form["param-count"] == "4"
    form.update({"param-3-id": "batas_kotak", "param-3-value": "2", "param-3-unit": "GB", "param-3-label": "Kuota"})
    save(author, draft, form)
    proc = saved_proc(draft)
    assert list(proc.parameters) == ["batas_terima", "batas_lampiran", "jumlah_notifikasi", "batas_kotak"]
    assert proc.parameters["batas_kotak"].display() == "2 GB"
    save(author, draft, {**page_form(author, draft), "op": "param_del:0"})
    assert list(saved_proc(draft).parameters) == ["batas_lampiran", "jumlah_notifikasi", "batas_kotak"]
    assert page_form(author, draft)["param-2-value"] == "2"  # reload


def test_parameter_problems_are_shown_at_the_field(author: Client, draft: Revision) -> None:
    version = draft.version
    form = page_form(author, draft)
    html = problems_of(save(author, draft, {**form, "param-2-id": "batas_lampiran"}))
    assert 'data-field="param-2-id"' in html and "sudah dipakai" in html
    html = problems_of(save(author, draft, {**form, "param-0-value": ""}))
    assert 'data-field="param-0-value"' in html and "Parameter “batas_terima” › Nilai" in html
    assert "wajib diisi" in html and "parameters." not in html
    html = problems_of(save(author, draft, {**form, "param-0-id": "batas terima"}))
    assert 'data-field="param-0-id"' in html and "tanpa spasi" in html and "A-Za-z" not in html
    assert saved_proc(draft).parameters["batas_terima"].value == "20" and draft.version == version


# -- records and forms ---------------------------------------------------------------------------
def test_records_and_forms(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    assert form["record-0-form"] == "1" and "record-1-form" not in form  # F.SMLTI 19-01 is a form
    form["record-1-form"] = "1"
    form.update({"record-1-owner": "kabid_iki", "record-1-storage": "Folder SMLTI", "record-1-retention": "5 tahun",
                 "record-1-disposition": "Dimusnahkan"})
    del form["record-0-form"]  # an unticked box is not sent
    assert save(author, draft, form).status_code == 200
    proc = saved_proc(draft)
    assert proc.records[0].form is False and proc.records[1].form is True
    assert (proc.records[1].owner, proc.records[1].storage, proc.records[1].retention, proc.records[1].disposition) == (
        "kabid_iki", "Folder SMLTI", "5 tahun", "Dimusnahkan")
    form = page_form(author, draft)
    assert form["record-1-form"] == "1" and form["record-1-retention"] == "5 tahun"
    save(author, draft, {**form, "op": "record_del:0"})
    assert [r.id for r in saved_proc(draft).records] == ["R.SMLTI 19-02"]
    html = problems_of(save(author, draft, {**page_form(author, draft), "record-0-name": ""}))
    assert 'data-field="record-0-name"' in html and "Rekaman 1 › Nama" in html and "records[" not in html


# -- attachments ----------------------------------------------------------------------------------
def test_attachments(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    assert form["att-count"] == "1" and form["att-0-title"].startswith("Tata Cara Pencadangan")
    form.update({"att-0-file": "lampiran/backup.pdf", "att-0-description": "Dikirim bersama notifikasi"})
    save(author, draft, {**form, "op": "att_add"})
    form = page_form(author, draft)
    assert form["att-count"] == "2"
    form["att-1-title"] = "Daftar periksa aktivasi"
    save(author, draft, form)
    proc = saved_proc(draft)
    assert [(a.title, a.file, a.description) for a in proc.attachments] == [
        ("Tata Cara Pencadangan (Backup) dan Restore Email", "lampiran/backup.pdf", "Dikirim bersama notifikasi"),
        ("Daftar periksa aktivasi", None, None)]
    html = problems_of(save(author, draft, {**page_form(author, draft), "att-1-title": ""}))
    assert 'data-field="att-1-title"' in html and "Lampiran 2 › Judul" in html
    save(author, draft, {**page_form(author, draft), "op": "att_del:0"})
    assert [a.title for a in saved_proc(draft).attachments] == ["Daftar periksa aktivasi"]


# -- references -----------------------------------------------------------------------------------
def test_references(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    assert form["ref-count"] == "3" and form["ref-0-kind"] == "standard" and form["ref-0-clause"] == "8.6.2"
    form.update({"ref-1-kind": "law", "ref-1-clause": "Pasal 40"})
    save(author, draft, {**form, "op": "ref_add"})
    form = page_form(author, draft)
    form.update({"ref-3-kind": "procedure", "ref-3-id": "P.SMLTI 21", "ref-3-title": "Manajemen Insiden",
                 "ref-3-clause": ""})
    save(author, draft, form)
    proc = saved_proc(draft)
    assert (proc.references[1].kind, proc.references[1].clause) == ("law", "Pasal 40")
    assert (proc.references[3].kind, proc.references[3].id, proc.references[3].title, proc.references[3].clause) == (
        "procedure", "P.SMLTI 21", "Manajemen Insiden", None)
    assert page_form(author, draft)["ref-3-id"] == "P.SMLTI 21"
    html = problems_of(save(author, draft, {**page_form(author, draft), "ref-0-kind": "blog"}))
    assert 'data-field="ref-0-kind"' in html and "Acuan 1 › Jenis" in html
    save(author, draft, {**page_form(author, draft), "op": "ref_del:2"})
    assert [r.id for r in saved_proc(draft).references] == ["SNI ISO/IEC 20000-1:2018", "Perpres 95/2018", "P.SMLTI 21"]


# -- a step's why / when / where / how ---------------------------------------------------------------
def test_step_details(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    assert form["step-2-how"].startswith("Melalui konsol administrasi")
    form.update({"step-0-why": "Agar akun tercatat", "step-0-when": "Saat pegawai baru bergabung",
                 "step-0-where": "Aplikasi persuratan", "step-2-how": ""})
    assert save(author, draft, form).status_code == 200
    proc = saved_proc(draft)
    assert (proc.steps[0].why, proc.steps[0].when, proc.steps[0].where) == (
        "Agar akun tercatat", "Saat pegawai baru bergabung", "Aplikasi persuratan")
    assert proc.steps[2].how is None
    assert page_form(author, draft)["step-0-when"] == "Saat pegawai baru bergabung"


def test_english_text_beside_the_indonesian_round_trips(author: Client, draft: Revision) -> None:
    original_do = load_procedure_text(draft.yaml_source).steps[2].do
    form = page_form(author, draft)
    assert form["purpose_en"] == "" and form["step-2-do_en"] == "" and form["scope_includes_en"] == ""
    form.update({"purpose_en": "To keep *email* service reliable", "step-2-do_en": "Create the email account",
                 "scope_includes_en": "Requesting accounts\nActivating accounts"})
    assert save(author, draft, form).status_code == 200
    proc = saved_proc(draft)
    assert proc.purpose_en == "To keep *email* service reliable"
    assert proc.steps[2].do_en == "Create the email account"
    assert proc.scope.includes_en == ["Requesting accounts", "Activating accounts"]
    assert proc.steps[2].do == original_do  # the Indonesian is kept beside it
    again = page_form(author, draft)
    assert again["purpose_en"] == "To keep *email* service reliable"
    assert again["step-2-do_en"] == "Create the email account"
    assert again["scope_includes_en"] == "Requesting accounts\nActivating accounts"
    # posting the page unchanged keeps the English text; a blank English field is dropped from the source
    assert save(author, draft, again).status_code == 200
    assert saved_proc(draft).model_dump() == proc.model_dump()
    again = page_form(author, draft)
    again["step-2-do_en"] = ""
    assert save(author, draft, again).status_code == 200
    assert saved_proc(draft).steps[2].do_en is None
    draft.refresh_from_db()
    assert "do_en" not in draft.yaml_source


# -- problems in words ----------------------------------------------------------------------------
def test_paths_are_described_in_words_in_both_languages() -> None:
    data = {"revision": 1, "history": [{"revision": 0}, {"revision": 1}], "parameters": {"a.b": {}, "c": {}}}
    assert editing.describe("steps[5].exits[1].label", data) == ("step-5-exit-1-label", "Langkah 6 › Cabang 2 › Label")
    assert editing.describe("steps[5].exits[1].label", data, "en") == ("step-5-exit-1-label", "Step 6 › Exit 2 › Label")
    assert editing.describe("scope.includes", data) == ("scope_includes", "Ruang lingkup › Mencakup")
    assert editing.describe("scope.includes[2]", data, "en") == ("scope_includes", "Scope › Includes › item 3")
    assert editing.describe("history[1].change", data) == ("history-change", "Riwayat perubahan › Rev. 1 › Apa yang berubah")
    assert editing.describe("history[0].change", data)[0] == ""  # an earlier row is not a field
    assert editing.describe("parameters.a.b.unit", data) == ("param-0-unit", "Parameter “a.b” › Satuan")
    assert editing.describe("records[0]", data) == ("record-0-name", "Rekaman 1")
    assert editing.describe("approval.reviewed[0].name", data) == ("", "Pengesahan › Pemeriksa 1 › Nama")
    assert editing.describe("steps[2].how", data, "en") == ("step-2-how", "Step 3 › How")
    assert editing.describe("history", data) == ("history-change", "Riwayat perubahan")  # a whole section


def test_lint_findings_in_the_preview_name_the_field(author: Client, draft: Revision) -> None:
    form = page_form(author, draft)
    form["record-1-retention"] = ""
    html = author.post(reverse("procedures:revision_editor_preview", kwargs={"pk": draft.pk}), form,
                       HTTP_HX_REQUEST="true").content.decode()
    assert "P207" in html and '<a href="#ed-record-1-name">Rekaman 2</a>' in html and "records[1]" not in html


def test_new_revision_opens_the_structured_editor(world: World, author: Client) -> None:
    response = author.post(reverse("procedures:revision_start", kwargs={"pk": world.own.pk}))
    rev = world.own.revisions.get(status="draft")
    assert response.status_code == 302
    assert response.url == reverse("procedures:revision_editor", kwargs={"pk": rev.pk})
    page = author.get(response.url)
    assert page.status_code == 200 and 'name="history-change"' in page.content.decode()


def test_several_actors_joint_tasks_and_arrow_labels_survive_the_editor(world: World, author: Client) -> None:
    """The structured editor shows a row of parts or a joint task without a single-actor select, so
    posting the form (unchanged, or with another field edited) keeps parts, joint actors, arrow labels
    and unlabelled exits."""
    from prosedur.model import Part
    from prosedur.serialize import serialize_procedure

    proc = load_procedure_text(add_history(draft_source(world), 1))
    first, second = proc.steps[0], proc.steps[1]
    assert isinstance(first.actor, str) and isinstance(second.actor, str)
    proc.steps[0] = first.model_copy(update={"actor": None, "parts": [
        Part(kind="start", actor=first.actor, do="Mengajukan"), Part(actor=second.actor, do="Mencatat")]})
    proc.steps[1] = second.model_copy(update={"actor": [second.actor, first.actor], "next_label": "Diterima"})
    decision = next(s for s in proc.steps if s.exits)
    decision.exits[0].label = None
    draft = world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                       yaml_source=serialize_procedure(proc))
    form = page_form(author, draft)
    assert "step-0-actor" not in form and "step-1-actor" not in form and "step-0-kind" not in form
    form["step-1-do"] = "Menugaskan bersama"
    response = save(author, draft, form)
    assert response.status_code == 200, response.content.decode()[:500]
    draft.refresh_from_db()
    saved = load_procedure_text(draft.yaml_source)
    assert saved.steps[0].parts == proc.steps[0].parts and saved.steps[0].actor is None
    assert saved.steps[1].actor == [second.actor, first.actor] and saved.steps[1].next_label == "Diterima"
    assert saved.steps[1].do == "Menugaskan bersama"
    assert next(s for s in saved.steps if s.exits).exits[0].label is None
