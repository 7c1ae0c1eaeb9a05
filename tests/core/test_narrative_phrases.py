"""The narrative reads well from noun-phrase activities as from verb phrases (issue 11, part 8).

Activity texts are real ones, from the signed SOPs in ../shared/reference (053, 055 and the corpus),
copied here as short phrases (no PDF is needed to run this). The rule: a verb phrase follows its actor
("**Teknisi** menerima alokasi tugas."), a noun phrase comes before "oleh" and the actor ("Pengajuan
tiket oleh **Pegawai**."), a text opening with its actor's name keeps it in place, a clause with another
subject follows the actor after a colon; never "Teknisi pemeriksaan kerusakan".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prosedur.lint import lint
from prosedur.load import load_library
from prosedur.model import Library, LibraryInfo, Part, Procedure, Role, Step, StepKind
from prosedur.render.narrative import narrative, narrative_html
from prosedur.wording import activity_form

from .test_permenpan_samples import LIBRARY

VERBS = [
    "Menerima alokasi tugas", "Melapor kepada PJK TI bahwa pekerjaan telah selesai", "Membuat laporan kegiatan",
    "Melaksanakan Diseminasi", "Melaksanakan Evaluasi Data", "Membuat SPP dan SPM", "Memeriksa anomali data",
    "Mengikuti Briefing Petugas", "Menyampaikan undangan MABAR", "Menyusun laporan SPUNP",
    "Memonitoring pendataan SPUNP", "Melakukan validasi surat, dan dikembalikan ke sekretaris",
]
NOUNS = [
    "Pengajuan tiket permohonan melalui https://bengkulu.web.bps.go.id/halocik/",
    "Identifikasi kebutuhan dan ketersediaan", "Pelaksanaan Pengaturan/ konfigurasi/ perbaikan",
    "Tes dan uji coba", "Laporan administrasi jaringan dan perangkat keras", "Evaluasi laporan",
    "Alokasi PML, PCL dan Sampel", "Disposisi ke layanan umum", "Evaluasi Pekerjaan dari PJK",
    "Pelaksanaan MABAR", "Pembahasan kegiatan CMP", "Pembuatan laporan kegiatan MABAR",
    "Pemenuhan kebutuhan dapur MABAR", "Pencairan Dana ke Bank", "Pengisian form evaluasi MABAR",
    "Pengisian google form", "Penyusunan Laporan Triwulanan Kegiatan CMP", "Persetujuan SP2D dari KPPN",
    "Proses masak dan penyiapan hidangan", "Rekapitulasi kegiatan CMP", "Sosialisasi kegiatan CMP",
    "Pemeriksaan kerusakan", "Penyelesaian", "Laporan pekerjaan selesai", "Perbaikan perangkat",
]
CLAUSES = [
    "Bagian umum mengirim surat fisik ke penerima", "Sekretaris memeriksa kelengkapan surat",
    "Petugas admin jaringan melakukan pengecekan, monitoring dan pencatatan jaringan komputer",
    "Kepala BPS Provinsi mendelegasikan Program Kerja Kegiatan Statistik Distribusi",
]


def _one(do: str, actor: str = "Teknisi") -> str:
    proc = Procedure(number="P.X 01", title="Uji", steps=[Step(id="a", actor="t", do=do)])
    library = Library(root=Path("."), info=LibraryInfo(organisation="X", roles={"t": Role(name=actor)}), procedures=[proc])
    (item,) = narrative(proc, library)
    return item.sentence()


def test_enough_real_phrases() -> None:
    assert len(VERBS) + len(NOUNS) + len(CLAUSES) >= 30


@pytest.mark.parametrize("do", VERBS)
def test_a_verb_phrase_follows_its_actor_unchanged(do: str) -> None:
    assert activity_form(do) == "verb"
    assert _one(do) == f"Teknisi {do[0].lower()}{do[1:]}."


@pytest.mark.parametrize("do", NOUNS)
def test_a_noun_phrase_is_done_by_its_actor(do: str) -> None:
    assert activity_form(do) == "noun", do
    assert _one(do) == f"{do} oleh Teknisi."


@pytest.mark.parametrize("do", CLAUSES)
def test_a_clause_with_its_own_subject_follows_the_actor_after_a_colon(do: str) -> None:
    assert activity_form(do) == "clause", do
    assert _one(do) == f"Teknisi: {do}."


def test_a_text_naming_its_actor_prints_the_name_once() -> None:
    assert _one("PJK TI memeriksa laporan", actor="PJK TI") == "PJK TI memeriksa laporan."


def test_parts_and_joint_tasks_of_noun_phrases() -> None:
    roles = {"p": Role(name="Pegawai"), "a": Role(name="Admin"), "k": Role(name="Kepala Bidang IKI"),
             "s": Role(name="Kepala Bidang SI")}
    proc = Procedure(number="P.X 01", title="Uji", steps=[
        Step(id="a", do="Pengajuan tiket", parts=[Part(kind=StepKind.START, actor="p", do="Pengajuan tiket"),
                                                 Part(actor="a", do="Pencatatan tiket")]),
        Step(id="b", actor=["k", "s"], do="Perencanaan"),
        Step(id="c", kind=StepKind.END, actor="a", do="Menutup tiket"),
    ])
    library = Library(root=Path("."), info=LibraryInfo(organisation="X", roles=roles), procedures=[proc])
    items = narrative(proc, library)
    assert items[0].sentence() == "Pengajuan tiket oleh Pegawai, lalu pencatatan tiket oleh Admin."
    assert items[1].sentence() == "Perencanaan oleh Kepala Bidang IKI bersama Kepala Bidang SI."
    assert items[2].sentence() == "Admin menutup tiket."
    html = narrative_html(items)
    assert "Pengajuan tiket oleh <strong>Pegawai</strong>, lalu pencatatan tiket oleh <strong>Admin</strong>." in html
    assert "Perencanaan oleh <strong>Kepala Bidang IKI</strong> bersama <strong>Kepala Bidang SI</strong>." in html


def test_the_permenpan_sample_reads_well() -> None:
    library, _ = load_library(LIBRARY)
    proc = library.procedure("SOP-055/17000/2025")
    assert proc is not None
    text = [item.sentence() for item in narrative(proc, library)]
    assert text[0] == "Laporan administrasi jaringan dan perangkat keras oleh PJK TIP."
    assert text[1].startswith("PJK TIP menginstruksikan kepada PJK TI")
    assert text[7] == "Evaluasi laporan oleh PJK TIP."


def test_lint_accepts_noun_phrases_as_activities() -> None:
    library, _ = load_library(LIBRARY)
    flagged = {f.params["step"] for f in lint(library) if f.code == "P401"}
    assert not flagged & {"pengajuan", "identifikasi", "pengaturan", "tes", "laporan", "evaluasi"}
    assert "pengecekan" in flagged  # "Petugas admin jaringan melakukan …": a subject, still noted
