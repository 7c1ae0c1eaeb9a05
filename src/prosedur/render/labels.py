"""Bilingual labels of the printed documents (section names, column heads, status words).

One table for every output format, so the HTML, PDF, DOCX and SOP table name things identically.
Indonesian terms follow ISO/TR 10013 translations and PermenPAN-RB 35/2012 usage.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # document control
    "doc_no": ("No. Dok.", "Doc. No."),
    "revision": ("Revisi", "Revision"),
    "issued": ("Tgl. Terbit", "Issue date"),
    "effective": ("Tgl. Efektif", "Effective date"),
    "review_due": ("Rencana Tinjauan", "Next review"),
    "page": ("Halaman", "Page"),
    "of": ("dari", "of"),
    "status": ("Status", "Status"),
    "owner": ("Pemilik", "Owner"),
    "classification": ("Klasifikasi", "Classification"),
    "procedure": ("Prosedur", "Procedure"),
    "master_list": ("Daftar Induk Dokumen", "Master List of Documents"),
    "search": ("Cari prosedur", "Search procedures"),
    "downloads": ("Unduh", "Downloads"),
    "full_document": ("Dokumen lengkap", "Full document"),
    "title": ("Judul", "Title"),
    "language_switch": ("English", "Bahasa Indonesia"),
    "no_results": ("Tidak ada prosedur yang cocok.", "No matching procedure."),
    # ISO/TR 10013 sections, in order
    "purpose": ("Tujuan", "Purpose"),
    "in_indonesian": ("Tertulis dalam bahasa Indonesia", "Printed in Indonesian (no English text yet)"),
    "scope": ("Ruang Lingkup", "Scope"),
    "scope_includes": ("Mencakup", "Includes"),
    "scope_excludes": ("Tidak mencakup", "Excludes"),
    "definitions": ("Definisi", "Definitions"),
    "references": ("Acuan", "References"),
    "legal_basis": ("Dasar Hukum", "Legal basis"),
    "responsibilities": ("Tanggung Jawab dan Wewenang", "Responsibility and Authority"),
    "responsibility": ("Tanggung jawab", "Responsibilities"),
    "authority": ("Wewenang", "Authorities"),
    "activities": ("Deskripsi Kegiatan", "Description of Activities"),
    "flowchart": ("Diagram Alir", "Flowchart"),
    "narrative": ("Uraian Prosedur", "Procedure Narrative"),
    "provisions": ("Ketentuan", "Provisions"),
    "inputs": ("Masukan", "Inputs"),
    "outputs": ("Keluaran", "Outputs"),
    "controls": ("Pengendalian", "Controls"),
    "resources": ("Sumber Daya", "Resources"),
    "qualifications": ("Kualifikasi Pelaksana", "Performer qualifications"),
    "training": ("Pelatihan", "Training"),
    "equipment": ("Peralatan/Perlengkapan", "Equipment"),
    "materials": ("Bahan", "Materials"),
    "warnings": ("Peringatan", "Warnings"),
    "measurements": ("Pengukuran", "Measurements"),
    "records": ("Rekaman", "Records"),
    "attachments": ("Lampiran", "Appendices"),
    "related": ("Keterkaitan", "Related procedures"),
    "clauses": ("Klausul ISO/IEC 20000-1:2018", "ISO/IEC 20000-1:2018 clauses"),
    "approval": ("Pengesahan", "Approval"),
    "history": ("Riwayat Perubahan", "Change History"),
    # approval block
    "prepared_by": ("Disusun oleh", "Prepared by"),
    "reviewed_by": ("Diperiksa oleh", "Reviewed by"),
    "approved_by": ("Disahkan oleh", "Approved by"),
    "name": ("Nama", "Name"),
    "position": ("Jabatan", "Position"),
    "nip": ("NIP", "NIP"),
    "date": ("Tanggal", "Date"),
    "signature": ("Tanda tangan", "Signature"),
    "time_signed": ("Waktu", "Time"),
    "meaning_disusun": ("Disusun", "Prepared"),
    "meaning_diperiksa": ("Diperiksa", "Reviewed"),
    "meaning_disahkan": ("Disahkan", "Approved"),
    "filled_at_signing": ("diisi saat pengesahan", "filled in at approval"),
    "signed_electronically": ("Ditandatangani secara elektronik", "Signed electronically"),
    "esigned_disusun": ("Disusun secara elektronik", "Prepared electronically"),
    "esigned_diperiksa": ("Diperiksa secara elektronik", "Reviewed electronically"),
    "esigned_disahkan": ("Disahkan secara elektronik", "Approved electronically"),
    "not_signed": ("Belum ditandatangani", "Not signed"),
    "esign_note": (
        "Dokumen ini ditandatangani secara elektronik. Keasliannya dapat diperiksa dengan memindai kode QR "
        "atau di alamat verifikasi berikut.",
        "This document is signed electronically. Its authenticity can be checked by scanning the QR code "
        "or at the verification address below.",
    ),
    "uncontrolled_note": (
        "Dicetak di luar siklus pengendalian dokumen: bukan salinan terkendali dan tidak dapat diverifikasi.",
        "Printed outside document control: not a controlled copy and cannot be verified.",
    ),
    # tables
    "no": ("No", "No"),
    "term": ("Istilah", "Term"),
    "meaning": ("Pengertian", "Meaning"),
    "change": ("Uraian Perubahan", "Description of change"),
    "reason": ("Alasan", "Reason"),
    "by": ("Oleh", "By"),
    "record_id": ("No. Formulir", "Form no."),
    "record_name": ("Nama Rekaman", "Record"),
    "storage": ("Penyimpanan", "Storage"),
    "retention": ("Retensi", "Retention"),
    "disposition": ("Disposisi", "Disposition"),
    "indicator": ("Indikator", "Indicator"),
    "method": ("Cara Ukur", "Method"),
    "target": ("Target", "Target"),
    "frequency": ("Frekuensi", "Frequency"),
    "role": ("Peran", "Role"),
    "unit": ("Unit Kerja", "Unit"),
    # SOP (PermenPAN-RB)
    "sop_number": ("Nomor SOP", "SOP number"),
    "created": ("Tanggal Pembuatan", "Date created"),
    "revised": ("Tanggal Revisi", "Revision date"),
    "effective_long": ("Tanggal Efektif", "Effective date"),
    "sop_name": ("Nama SOP", "SOP name"),
    "activity": ("Kegiatan", "Activity"),
    "actors": ("Pelaksana", "Performer"),
    "quality_standard": ("Mutu Baku", "Quality standard"),
    "requirements": ("Kelengkapan", "Requirements"),
    "input": ("Input", "Input"),
    "time": ("Waktu", "Time"),
    "output": ("Output", "Output"),
    "notes": ("Keterangan", "Notes"),
    "data_logging": ("Pencatatan dan Pendataan", "Recording and data logging"),
    # narrative words
    "if": ("Jika", "If"),
    "otherwise": ("jika tidak", "otherwise"),
    "or": ("atau", "or"),
    "go_to": ("lanjut ke langkah", "continue with step"),
    "back_to": ("kembali ke langkah", "return to step"),
    "end": ("Selesai", "End"),
    "start": ("Mulai", "Start"),
    "why": ("Mengapa", "Why"),
    "when": ("Kapan", "When"),
    "where": ("Di mana", "Where"),
    "how": ("Bagaimana", "How"),
    # marks
    "draft_mark": ("DRAF", "DRAFT"),
    "obsolete_mark": ("KEDALUWARSA", "OBSOLETE"),
    "cancelled_mark": ("DIBATALKAN", "CANCELLED"),
    "uncontrolled": ("SALINAN TIDAK TERKENDALI", "UNCONTROLLED COPY"),
    "controlled": ("SALINAN TERKENDALI", "CONTROLLED COPY"),
    "none": ("Tidak ada", "None"),
    "content_hash": ("Sidik isi SHA-256", "Content hash SHA-256"),
    "file": ("Berkas", "File"),
    "parameters": ("Nilai yang ditetapkan", "Set values"),
    # statuses
    "status_draft": ("Draf", "Draft"),
    "status_in_review": ("Ditinjau", "In review"),
    "status_approved": ("Disetujui", "Approved"),
    "status_effective": ("Berlaku", "Effective"),
    "status_obsolete": ("Kedaluwarsa", "Obsolete"),
    "class_biasa": ("Biasa", "Unclassified"),
    "class_terbatas": ("Terbatas", "Restricted"),
    "class_rahasia": ("Rahasia", "Confidential"),
    # reference kinds
    "ref_standard": ("Standar", "Standard"),
    "ref_law": ("Peraturan", "Regulation"),
    "ref_procedure": ("Prosedur", "Procedure"),
    "ref_work_instruction": ("Instruksi Kerja", "Work instruction"),
    "ref_form": ("Formulir", "Form"),
    "ref_other": ("Lainnya", "Other"),
}


def label(key: str, lang: str = "id") -> str:
    pair = LABELS[key]
    return pair[1] if lang == "en" else pair[0]


def labels(lang: str = "id") -> dict[str, str]:
    """All labels in one language, for templates (`L.purpose`)."""
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in LABELS.items()}
