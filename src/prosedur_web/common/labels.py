"""User-facing labels of the web app: Indonesian first, English second.

A dictionary rather than gettext catalogues: the app has a few hundred short labels, no plurals, and
the core already keeps its messages the same way (`prosedur.i18n`), so both layers read alike and
no compile step is needed. The active language comes from Django (LocaleMiddleware + set_language).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

LABELS: dict[str, tuple[str, str]] = {
    "app_name": ("Prosedur", "Prosedur"),
    "app_tagline": ("Pengendalian dokumen prosedur SMLTI", "Document control for SMLTI procedures"),
    "skip_to_content": ("Langsung ke isi", "Skip to content"),
    "login": ("Masuk", "Sign in"),
    "logout": ("Keluar", "Sign out"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "login_failed": ("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
    "login_locked": (
        "Terlalu banyak percobaan gagal. Coba lagi dalam beberapa menit.",
        "Too many failed attempts. Try again in a few minutes.",
    ),
    "language": ("Bahasa", "Language"),
    "change_language": ("Ganti bahasa", "Change language"),
    "master_list": ("Daftar Induk Dokumen", "Master Document List"),
    "number": ("No. Dok.", "Doc. No."),
    "title": ("Judul", "Title"),
    "revision": ("Revisi", "Revision"),
    "rev_short": ("Rev.", "Rev."),
    "effective_date": ("Tanggal efektif", "Effective date"),
    "status": ("Status", "Status"),
    "owner_unit": ("Unit pemilik", "Owner unit"),
    "next_review": ("Tinjauan berikutnya", "Next review"),
    "all": ("Semua", "All"),
    "search": ("Cari", "Search"),
    "search_hint": ("Nomor atau judul", "Number or title"),
    "filter": ("Saring", "Filter"),
    "reset": ("Atur ulang", "Reset"),
    "no_results": ("Tidak ada dokumen yang cocok.", "No matching documents."),
    "count_documents": ("{n} dokumen", "{n} documents"),
    "status_draft": ("Draf", "Draft"),
    "status_in_review": ("Ditinjau", "In review"),
    "status_approved": ("Disetujui", "Approved"),
    "status_effective": ("Berlaku", "Effective"),
    "status_obsolete": ("Kedaluwarsa", "Obsolete"),
    "no_effective": ("Belum ada revisi yang berlaku.", "No revision is effective yet."),
    "history": ("Riwayat revisi", "Revision history"),
    "change_history": ("Riwayat perubahan", "Change history"),
    "flowchart": ("Diagram alir", "Flowchart"),
    "flowchart_missing": ("Diagram alir belum tersedia.", "Flowchart not available yet."),
    "purpose": ("Tujuan", "Purpose"),
    "scope": ("Ruang lingkup", "Scope"),
    "scope_includes": ("Mencakup", "Includes"),
    "scope_excludes": ("Tidak mencakup", "Excludes"),
    "definitions": ("Definisi", "Definitions"),
    "references": ("Acuan", "References"),
    "roles": ("Tanggung jawab dan wewenang", "Responsibilities and authorities"),
    "responsibilities": ("Tanggung jawab", "Responsibilities"),
    "authorities": ("Wewenang", "Authorities"),
    "provisions": ("Ketentuan umum", "General provisions"),
    "steps": ("Uraian kegiatan", "Activities"),
    "actor": ("Pelaksana", "Actor"),
    "activity": ("Kegiatan", "Activity"),
    "requirements": ("Kelengkapan", "Requirements"),
    "time": ("Waktu", "Time"),
    "output": ("Output", "Output"),
    "records": ("Rekaman", "Records"),
    "record_storage": ("Penyimpanan", "Storage"),
    "record_retention": ("Retensi", "Retention"),
    "measurements": ("Pengukuran", "Measurements"),
    "target": ("Target", "Target"),
    "source_error": ("Sumber YAML tidak dapat dibaca:", "The YAML source cannot be read:"),
    "view": ("Lihat", "View"),
    "edit": ("Sunting", "Edit"),
    "edit_source": ("Sunting sumber YAML", "Edit YAML source"),
    "save": ("Simpan", "Save"),
    "saved": ("Tersimpan.", "Saved."),
    "submit_for_review": ("Ajukan untuk ditinjau", "Submit for review"),
    "reviewers": ("Pemeriksa", "Reviewers"),
    "review_order": ("Urutan tinjauan", "Review order"),
    "order_parallel": ("Paralel (bersamaan)", "Parallel (at the same time)"),
    "order_sequential": ("Berurutan", "In order"),
    "submitted": ("Diajukan untuk ditinjau.", "Submitted for review."),
    "comments": ("Komentar", "Comments"),
    "comment": ("Komentar", "Comment"),
    "add_comment": ("Tambah komentar", "Add comment"),
    "reply": ("Balas", "Reply"),
    "anchor": ("Bagian / langkah", "Section / step"),
    "anchor_general": ("Umum", "General"),
    "resolve": ("Tandai selesai", "Mark resolved"),
    "resolved": ("Selesai", "Resolved"),
    "open": ("Terbuka", "Open"),
    "no_comments": ("Belum ada komentar.", "No comments yet."),
    "decision": ("Keputusan", "Decision"),
    "decide": ("Kirim keputusan", "Send decision"),
    "decision_agree": ("Setuju", "Agree"),
    "decision_changes": ("Perlu perbaikan", "Needs changes"),
    "decision_pending": ("Menunggu", "Pending"),
    "approve": ("Sahkan", "Approve"),
    "approve_title": ("Pengesahan revisi", "Approve revision"),
    "approve_explain": (
        "Dengan memasukkan kata sandi, Anda menandatangani revisi ini dengan makna \u201cdisahkan\u201d.",
        "By entering your password you sign this revision with the meaning \u201capproved\u201d.",
    ),
    "approve_blocked": ("Belum dapat disahkan", "Cannot be approved yet"),
    "approved_msg": ("Revisi disahkan.", "Revision approved."),
    "signature": ("Tanda tangan", "Signature"),
    "signatures": ("Pengesahan", "Signatures"),
    "meaning_disahkan": ("Disahkan", "Approved"),
    "signed_at": ("Waktu", "Time"),
    "content_hash": ("Sidik isi (SHA-256)", "Content fingerprint (SHA-256)"),
    "name": ("Nama", "Name"),
    "position": ("Jabatan", "Position"),
    "nip": ("NIP", "NIP"),
    "unit": ("Unit", "Unit"),
    "new_revision": ("Buat revisi baru", "Start a new revision"),
    "new_revision_explain": (
        "Revisi baru dimulai dari revisi yang berlaku. Tambahkan butir riwayat perubahan sebelum diajukan.",
        "A new revision starts from the effective one. Add a change-history entry before submitting.",
    ),
    "acknowledge": ("Saya telah membaca dan memahami", "I have read and understood"),
    "acknowledged": ("Telah membaca dan memahami", "Read and understood"),
    "acknowledgements": ("Sosialisasi", "Acknowledgements"),
    "ack_count": ("{n} pembaca telah menyatakan memahami", "{n} readers have acknowledged"),
    "verify_title": ("Verifikasi dokumen", "Document verification"),
    "verify_effective": ("Dokumen ini BERLAKU.", "This document is EFFECTIVE."),
    "verify_obsolete": ("Dokumen ini sudah TIDAK BERLAKU (kedaluwarsa).", "This document is OBSOLETE."),
    "verify_unknown": ("Sidik isi tidak dikenal.", "Unknown content fingerprint."),
    "audit": ("Jejak audit", "Audit trail"),
    "audit_ok": ("Rantai audit utuh ({n} entri).", "Audit chain intact ({n} entries)."),
    "audit_broken": ("Rantai audit RUSAK pada entri {n}.", "Audit chain BROKEN at entry {n}."),
    "when": ("Waktu", "When"),
    "who": ("Siapa", "Who"),
    "what": ("Tindakan", "Action"),
    "from_where": ("Dari", "From"),
    "object": ("Objek", "Object"),
    "author": ("Penyusun", "Author"),
    "stale_save": (
        "Sumber ini telah diubah orang lain sejak Anda membukanya. Teks Anda tetap di bawah; "
        "salin perubahan Anda, muat ulang halaman, lalu simpan kembali.",
        "Someone else changed this source since you opened it. Your text is kept below; copy your "
        "changes, reload the page and save again.",
    ),
    "forbidden": ("Anda tidak berwenang melakukan ini.", "You are not allowed to do this."),
    "not_found": ("Halaman tidak ditemukan.", "Page not found."),
    "lint_findings": ("Temuan pemeriksaan", "Lint findings"),
    "back": ("Kembali", "Back"),
    "print": ("Cetak", "Print"),
    "role_author": ("Penyusun", "Author"),
    "role_reviewer": ("Pemeriksa", "Reviewer"),
    "role_approver": ("Pengesah", "Approver"),
    "role_controller": ("Pengendali dokumen", "Document controller"),
    "role_reader": ("Pembaca", "Reader"),
    "role_admin": ("Administrator", "Administrator"),
    "my_roles": ("Peran", "Roles"),
    "current_revision": ("Revisi berlaku", "Effective revision"),
    "this_revision": ("Revisi ini", "This revision"),
    "draft_banner": ("DRAF — belum berlaku", "DRAFT — not effective"),
    "obsolete_banner": ("KEDALUWARSA — tidak berlaku", "OBSOLETE — not effective"),
    "actions": ("Tindakan", "Actions"),
    "none": ("—", "—"),
}

# Transition refusals, keyed by the reason code services raise.
LABELS.update(
    {
        "err_not_draft": ("Hanya draf yang dapat diubah.", "Only a draft can be changed."),
        "err_not_in_review": ("Revisi tidak sedang ditinjau.", "The revision is not in review."),
        "err_number_changed": (
            "Nomor dokumen dalam sumber harus tetap {number}.",
            "The document number in the source must stay {number}.",
        ),
        "err_revision_mismatch": (
            "Nomor revisi dalam sumber harus {expected}.",
            "The revision number in the source must be {expected}.",
        ),
        "err_no_reviewers": ("Pilih sedikitnya satu pemeriksa.", "Choose at least one reviewer."),
        "err_author_reviewer": ("Penyusun tidak boleh memeriksa revisinya sendiri.", "The author cannot review their own revision."),
        "err_history_missing": (
            "Tambahkan butir riwayat perubahan (history) untuk revisi {revision}.",
            "Add a change-history entry (history) for revision {revision}.",
        ),
        "err_source_invalid": ("Sumber YAML tidak sah.", "The YAML source is invalid."),
        "err_not_assigned": ("Anda bukan pemeriksa revisi ini.", "You are not a reviewer of this revision."),
        "err_not_your_turn": ("Belum giliran Anda memeriksa.", "It is not your turn to review yet."),
        "err_already_decided": ("Anda sudah memberi keputusan.", "You have already decided."),
        "err_author_approver": ("Penyusun tidak boleh mengesahkan revisinya sendiri.", "The author cannot approve their own revision."),
        "err_open_comments": ("Masih ada {n} komentar terbuka.", "{n} comments are still open."),
        "err_reviews_pending": ("Belum semua pemeriksa menyetujui.", "Not every reviewer has agreed."),
        "err_lint_errors": ("Masih ada {n} temuan galat pemeriksaan.", "{n} lint errors remain."),
        "err_bad_password": ("Kata sandi salah.", "Wrong password."),
        "err_locked": (
            "Terlalu banyak percobaan gagal. Coba lagi dalam beberapa menit.",
            "Too many failed attempts. Try again in a few minutes.",
        ),
        "err_effective_past": ("Tanggal efektif tidak boleh sebelum hari ini.", "The effective date cannot be in the past."),
        "err_draft_exists": ("Sudah ada revisi yang belum berlaku.", "A revision that is not yet effective already exists."),
        "err_no_effective": ("Belum ada revisi berlaku untuk direvisi.", "There is no effective revision to revise."),
        "err_not_effective": ("Hanya revisi berlaku yang dapat dibaca-pahami.", "Only an effective revision can be acknowledged."),
        "err_stale": ("Sumber telah diubah orang lain.", "The source was changed by someone else."),
    }
)


# Downloads, distribution and socialisation progress.
LABELS.update(
    {
        "downloads": ("Unduh", "Download"),
        "download_pdf": ("PDF", "PDF"),
        "download_docx": ("DOCX", "DOCX"),
        "download_sop-pdf": ("SOP (PDF)", "SOP (PDF)"),
        "download_sop-html": ("SOP (HTML)", "SOP (HTML)"),
        "download_svg": ("Diagram alir (SVG)", "Flowchart (SVG)"),
        "download_other_lang": ("Dalam bahasa Inggris", "In Indonesian"),
        "notifications": ("Pemberitahuan", "Notifications"),
        "unread": ("Baru", "New"),
        "mark_all_read": ("Tandai semua sudah dibaca", "Mark all as read"),
        "no_notifications": ("Belum ada pemberitahuan.", "No notifications yet."),
        "dist_subject": ("[Prosedur] {number} Rev. {rev} berlaku", "[Prosedur] {number} Rev. {rev} is effective"),
        "dist_text": (
            "{number} {title} revisi {rev} berlaku mulai {date}.",
            "{number} {title} revision {rev} is effective from {date}.",
        ),
        "dist_greeting": ("Yth. {name},", "Dear {name},"),
        "dist_ask": (
            "Mohon baca prosedur ini dan nyatakan \"telah membaca dan memahami\" di aplikasi Prosedur:",
            "Please read this procedure and confirm \"read and understood\" in the Prosedur app:",
        ),
        "pending_title": ("Prosedur yang perlu Anda baca", "Procedures you need to read"),
        "pending_explain": (
            "Prosedur berlaku yang didistribusikan ke unit Anda dan belum Anda nyatakan telah dibaca dan dipahami.",
            "Effective procedures distributed to your unit that you have not yet confirmed as read and understood.",
        ),
        "nothing_pending": ("Semua prosedur untuk Anda telah dibaca.", "You have read every procedure for you."),
        "socialisation_progress": ("Kemajuan sosialisasi", "Socialisation progress"),
        "socialisation_explain": (
            "Persentase penerima distribusi yang telah menyatakan membaca dan memahami revisi berlaku.",
            "Share of the distributed users who confirmed they read and understood the effective revision.",
        ),
        "acknowledged_count": ("Telah membaca", "Read"),
        "progress_per_unit": ("Kemajuan per unit", "Progress per unit"),
        "not_yet_read": ("Belum membaca", "Not yet read"),
        "everyone_read": ("Semua penerima telah membaca.", "Every recipient has read it."),
    }
)


def label(key: str, lang: str | None = None, **params: Any) -> str:
    """The label for `key` in `lang` (default: the active language); unknown keys show themselves."""
    lang = (lang or translation.get_language() or "id")[:2]
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text
