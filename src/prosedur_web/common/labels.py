"""User-facing labels of the web app: Indonesian first, English second.

A dictionary rather than gettext catalogues: the app has a few hundred short labels, no plurals, and
the core already keeps its messages the same way (`prosedur.i18n`), so both layers read alike and
no compile step is needed. The active language comes from Django (LocaleMiddleware + set_language).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from prosedur.workflow import STATUS_LABELS

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
    "too_big_title": ("Kiriman terlalu besar", "Request too large"),
    "too_big_body": ("Kiriman ini {size}; batasnya {limit}. Tidak ada yang disimpan.",
                     "This request is {size}; the limit is {limit}. Nothing was saved."),
    "too_big_back": ("Kembali ke halaman sebelumnya: yang Anda ketik masih ada di sana, dan berkas yang lebih kecil "
                     "dapat dikirim lagi.", "Go back to the previous page: what you typed is still there, and a "
                     "smaller file can be sent again."),
    "source_too_big": ("Teks sumber {size}; batasnya {limit}. Teks Anda tetap di bawah: perpendek lalu simpan lagi.",
                       "The source text is {size}; the limit is {limit}. Your text is kept below: shorten it "
                       "and save again."),
    "source_empty": ("Teks sumber kosong.", "The source text is empty."),
    "form_outdated_base": ("Formulir ini tidak lengkap (versi dasar hilang); muat ulang halaman penyunting. Teks Anda "
                           "tetap di bawah.", "This form is incomplete (its base version is missing); reload the "
                           "editor. Your text is kept below."),
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
    "line_n": ("baris {n}", "line {n}"),
    "ppl_title": ("Pengguna", "People"),
    "ppl_roles": ("Peran", "Roles"),
    "ppl_new": ("Pengguna baru", "New person"),
    "ppl_import": ("Impor dari CSV", "Import from CSV"),
    "ppl_units": ("Unit kerja", "Work units"),
    "ppl_units_explain": ("Unit kerja dan susunannya berasal dari berkas pustaka (pustaka.yaml, bagian units); ubah di sana. Di sini: siapa anggota tiap unit.",
                          "Units and their tree come from the library file (pustaka.yaml, units); change them there. Here: who belongs to each unit."),
    "ppl_members": ("{n} anggota aktif", "{n} active members"),
    "ppl_count": ("{n} pengguna (ditampilkan {shown})", "{n} people ({shown} shown)"),
    "ppl_username": ("Nama pengguna (untuk masuk)", "User name (to sign in)"),
    "ppl_email": ("Surel", "E-mail"),
    "ppl_password": ("Kata sandi baru", "New password"),
    "ppl_password_hint": ("Kosongkan untuk tidak mengubah. Pengguna baru tanpa kata sandi belum dapat masuk.",
                          "Leave empty to keep it. A new person without a password cannot sign in yet."),
    "ppl_active": ("Aktif", "Active"),
    "ppl_inactive": ("Nonaktif", "Deactivated"),
    "ppl_activate": ("Aktifkan", "Reactivate"),
    "ppl_deactivate": ("Nonaktifkan", "Deactivate"),
    "ppl_saved": ("Data {name} disimpan.", "{name} saved."),
    "ppl_activated": ("{name} diaktifkan kembali.", "{name} reactivated."),
    "ppl_deactivated": ("{name} dinonaktifkan: tidak dapat masuk lagi; tanda tangannya tetap tercatat.",
                        "{name} deactivated: can no longer sign in; their signatures stay on record."),
    "ppl_import_explain": ("Satu baris per orang, dipisah koma atau titik koma, baris pertama nama kolom. Nama pengguna yang sudah ada diperbarui. Berkas diperiksa seluruhnya dulu: bila ada masalah, tidak ada yang diubah.",
                           "One row per person, comma- or semicolon-separated, the first row naming the columns. Existing user names are updated. The whole file is checked first: if anything is wrong, nothing changes."),
    "ppl_import_refused": ("Tidak ada yang diimpor. Perbaiki baris berikut lalu kirim lagi:", "Nothing was imported. Fix these rows and send the file again:"),
    "ppl_import_done": ("Selesai: {created} baru, {updated} diperbarui, {unchanged} tetap.", "Done: {created} new, {updated} updated, {unchanged} unchanged."),
    "ppl_csv_file": ("Berkas CSV", "CSV file"),
    "ppl_csv_size": ("Berkas CSV paling besar {mb} MB.", "The CSV file may be at most {mb} MB."),
    "ppl_csv_encoding": ("Berkas bukan teks UTF-8 (simpan sebagai \"CSV UTF-8\").", "The file is not UTF-8 text (save it as \"CSV UTF-8\")."),
    "ppl_csv_columns": ("Kolom {missing} tidak ada. Kolom yang dikenal: {columns}.", "Column(s) {missing} missing. Known columns: {columns}."),
    "ppl_csv_too_many": ("Lebih dari {n} baris.", "More than {n} rows."),
    "ppl_csv_row": ("Baris {row}, kolom {column}: {message}", "Row {row}, column {column}: {message}"),
    "ppl_err_username": ("nama pengguna hanya boleh huruf, angka dan . @ + - _ (paling panjang 150)", "a user name may hold only letters, digits and . @ + - _ (at most 150)"),
    "ppl_err_nip": ("NIP terdiri atas 18 angka", "a NIP has 18 digits"),
    "ppl_err_unit": ("unit '{unit}' tidak ada", "unit '{unit}' does not exist"),
    "ppl_err_email": ("alamat surel tidak valid", "not a valid e-mail address"),
    "ppl_err_language": ("bahasa ditulis id atau en", "the language is written id or en"),
    "ppl_err_role": ("peran '{role}' tidak dikenal (dikenal: {known})", "unknown role '{role}' (known: {known})"),
    "ppl_err_taken": ("nama pengguna ini sudah dipakai", "this user name is taken"),
    "ppl_err_twice": ("nama pengguna ini muncul dua kali dalam berkas", "this user name appears twice in the file"),
    "ppl_err_guarded_role": ("hanya admin yang dapat memberikan atau mencabut peran admin dan pengendali dokumen",
                             "only an admin can grant or take away the admin and document-controller roles"),
    "dist_withdrawn_subject": ("{number} dicabut", "{number} withdrawn"),
    "dist_withdrawn_text": ("{number} {title} (Rev. {rev}) dicabut per {date} dan tidak berlaku lagi. Alasan: {reason}",
                            "{number} {title} (Rev. {rev}) is withdrawn as of {date} and no longer in force. Reason: {reason}"),
    "dist_withdrawn_ask": ("Jangan gunakan lagi salinan prosedur ini.", "Do not use copies of this procedure any more."),
    "rv_reason": ("Alasan", "Reason"),
    "rv_section": ("Tarik kembali, kembalikan, batalkan", "Withdraw, send back, cancel"),
    "cancelled_banner": ("DIBATALKAN — revisi ini tidak pernah berlaku.", "CANCELLED — this revision never took effect."),
    "rv_withdraw_submission": ("Tarik kembali pengajuan", "Withdraw the submission"),
    "rv_send_back": ("Kembalikan ke penyusun", "Send back to the author"),
    "rv_discard": ("Buang draf", "Discard the draft"),
    "rv_cancel": ("Batalkan pengesahan", "Cancel the approval"),
    "rv_withdraw_procedure": ("Cabut prosedur", "Withdraw the procedure"),
    "rv_withdrawn_on": ("Tanggal pencabutan", "Date of withdrawal"),
    "rv_withdrawn_note": ("Dicabut per {date}: {reason}", "Withdrawn as of {date}: {reason}"),
    "rv_done_withdraw_submission": ("Pengajuan ditarik kembali; revisi kembali menjadi draf.", "Submission withdrawn; the revision is a draft again."),
    "rv_done_send_back": ("Revisi dikembalikan ke penyusun.", "The revision was sent back to the author."),
    "rv_done_discard": ("Draf dibuang.", "The draft was discarded."),
    "rv_done_cancel": ("Pengesahan dibatalkan.", "The approval was cancelled."),
    "rv_done_withdraw_procedure": ("Prosedur dicabut; pembaca diberi tahu.", "The procedure was withdrawn; readers were told."),
    "err_not_approved": ("Revisi ini tidak berstatus disetujui.", "This revision is not approved."),
    "err_nothing_in_force": ("Prosedur ini tidak memiliki revisi yang berlaku.", "This procedure has no revision in force."),
    "err_bad_date": ("Tanggal tidak valid (tulis TTTT-BB-HH).", "The date is not valid (write YYYY-MM-DD)."),
    "lint_rule": ("Kode aturan (prosedur rules)", "Rule code (prosedur rules)"),
    "anchor_gone": ("langkah yang sudah dihapus", "a step since deleted"),
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
    "merge_title": ("Perbedaan dengan versi tersimpan", "Differences from the saved version"),
    "merge_help": (
        "Baris bertanda − hanya ada di versi yang disimpan orang lain; baris bertanda + hanya ada di teks Anda. "
        "Gabungkan di penyunting di bawah (teks Anda sekarang berdasar versi tersimpan), lalu simpan.",
        "Lines marked − are only in the version someone else saved; lines marked + only in your text. "
        "Merge them in the editor below (your text is now based on the saved version), then save.",
    ),
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
        "err_author_reviewer": ("Siapa pun yang menyusun, mengubah, atau mengajukan revisi ini tidak boleh memeriksanya.", "Nobody who wrote, changed or submitted this revision may review it."),
        "err_source_invalid": ("Sumber YAML tidak sah.", "The YAML source is invalid."),
        "err_not_assigned": ("Anda bukan pemeriksa revisi ini.", "You are not a reviewer of this revision."),
        "err_not_your_turn": ("Belum giliran Anda memeriksa.", "It is not your turn to review yet."),
        "err_already_decided": ("Anda sudah memberi keputusan.", "You have already decided."),
        "err_bad_password": ("Kata sandi salah.", "Wrong password."),
        "err_locked": (
            "Terlalu banyak percobaan gagal dari alamat ini. Tunggu sebentar, lalu coba lagi.",
            "Too many failed attempts from this address. Wait a moment, then try again.",
        ),
        "err_effective_past": ("Tanggal efektif tidak boleh sebelum hari ini.", "The effective date cannot be in the past."),
        "err_effective_far": ("Tanggal efektif paling lambat {days} hari dari hari ini.", "The effective date can be at most {days} days from today."),
        "changes_since_opened": ("Yang berubah sejak formulir dibuka", "What changed since the form was opened"),
        "read_what_you_sign": ("Baca dokumen yang akan Anda sahkan (tab baru)", "Read the document you are signing (new tab)"),
        "issued_date": ("Tgl. Terbit", "Issue date"),
        "review_due_date": ("Rencana tinjauan", "Next review"),
        "approval_block": ("Pengesahan", "Approval"),
        "verify_tampered": ("TIDAK SAH: isi revisi yang tersimpan tidak sama dengan yang disahkan. Kejadian ini dicatat; hubungi pengendali dokumen.", "NOT VALID: the stored content of this revision does not match what was signed. This was recorded; contact the document controller."),
        "err_history_rewritten": ("Baris riwayat perubahan revisi sebelum {revision} adalah sejarah dan tidak dapat diubah; tulis perubahan di baris revisi {revision}.", "The change-history rows of revisions before {revision} are history and cannot be changed; describe the change in revision {revision}'s row."),
        "integrity_refused_title": ("Dokumen tidak diterbitkan", "Document not issued"),
        "integrity_refused": ("Isi {number} Rev. {n} yang tersimpan tidak lagi sama dengan yang disahkan. Dokumen ini tidak diterbitkan; kejadian ini dicatat di jejak audit. Hubungi pengendali dokumen.", "The stored content of {number} Rev. {n} no longer matches what was signed. It is not issued; this was recorded in the audit trail. Contact the document controller."),
        "integrity_warning": ("Peringatan integritas: isi revisi yang tersimpan tidak sama dengan yang disahkan.", "Integrity warning: the stored content of this revision does not match what was signed."),
        "err_form_outdated": ("Formulir pengesahan tidak lengkap atau kedaluwarsa: buka lagi dan baca isinya.", "The signing form is incomplete or outdated: open it again and read the content."),
        "err_signed_content_changed": ("Isi revisi berubah sejak formulir pengesahan dibuka. Tidak ada yang disahkan: baca perubahannya di bawah, lalu sahkan lagi bila setuju.", "The revision's content changed since the signing form was opened. Nothing was signed: read the changes below, then sign again if you agree."),
        "err_no_effective": ("Belum ada revisi berlaku untuk direvisi.", "There is no effective revision to revise."),
        "err_not_effective": ("Hanya revisi berlaku yang dapat dibaca-pahami.", "Only an effective revision can be acknowledged."),
        "err_stale": ("Sumber telah diubah orang lain.", "The source was changed by someone else."),
        "err_signing_unavailable": (
            "Sertifikat penandatangan PDF organisasi tidak dapat dipakai: {reason} Hubungi administrator.",
            "The organisation's PDF signing certificate cannot be used: {reason} Contact the administrator.",
        ),
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
        "download_sop-docx": ("SOP (DOCX)", "SOP (DOCX)"),
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


# Structured editor, wizard, import/export, diff and redline, full-text search.
LABELS.update(
    {
        "editor": ("Penyunting terstruktur", "Structured editor"),
        "editor_source_view": ("Tampilan sumber (YAML)", "Source view (YAML)"),
        "editor_autosave": (
            "Setiap perubahan disimpan saat Anda berpindah kolom; pratinjau diperbarui saat Anda mengetik.",
            "Each change is saved when you leave a field; the preview updates as you type.",
        ),
        "editor_saved": ("Tersimpan (versi {v}).", "Saved (version {v})."),
        "editor_stale": (
            "Sumber ini telah diubah orang lain sejak Anda membukanya, jadi perubahan terakhir Anda BELUM "
            "disimpan. Isian Anda tetap di formulir; muat ulang halaman untuk melihat versi terbaru, lalu "
            "terapkan kembali perubahan Anda.",
            "Someone else changed this source since you opened it, so your last change was NOT saved. "
            "Your entries stay in the form; reload the page to see the latest version, then apply your "
            "change again.",
        ),
        "editor_not_saved": ("Perubahan belum disimpan:", "The change was not saved:"),
        "editor_source_broken": (
            "Sumber YAML saat ini tidak dapat dibaca; perbaiki dulu di tampilan sumber.",
            "The current YAML source cannot be read; fix it in the source view first.",
        ),
        "one_per_line": ("satu butir per baris", "one item per line"),
        "definitions_hint": ("Istilah: pengertian, satu per baris", "Term: meaning, one per line"),
        "references_hint": ("jenis | nomor | judul | klausul, satu per baris", "kind | number | title | clause, one per line"),
        "title_en": ("Judul (Inggris)", "Title (English)"),
        "purpose_en": ("Tujuan (Inggris)", "Purpose (English)"),
        "scope_includes_en": ("Yang dicakup (Inggris)", "In scope (English)"),
        "scope_excludes_en": ("Yang tidak dicakup (Inggris)", "Out of scope (English)"),
        "activity_en": ("Kegiatan (Inggris)", "Activity (English)"),
        "legal_basis": ("Dasar hukum", "Legal basis"),
        "clauses": ("Klausul ISO/IEC 20000-1", "ISO/IEC 20000-1 clauses"),
        "related": ("Prosedur terkait", "Related procedures"),
        "inputs": ("Masukan", "Inputs"),
        "outputs": ("Keluaran", "Outputs"),
        "warnings": ("Peringatan", "Warnings"),
        "controls": ("Pengendalian", "Controls"),
        "resources": ("Sumber daya", "Resources"),
        "res_people": ("Kualifikasi pelaksana", "Qualified staff"),
        "res_training": ("Pelatihan", "Training"),
        "res_equipment": ("Peralatan/perlengkapan", "Equipment"),
        "res_materials": ("Bahan", "Materials"),
        "step_id": ("Id", "Id"),
        "kind": ("Simbol", "Symbol"),
        "kind_start": ("Mulai", "Start"),
        "kind_end": ("Selesai", "End"),
        "kind_process": ("Proses", "Process"),
        "kind_decision": ("Keputusan", "Decision"),
        "kind_io": ("Dokumen/masukan-keluaran", "Document / input-output"),
        "kind_connector": ("Penghubung", "Connector"),
        "exits": ("Cabang", "Exits"),
        "exit_label": ("Label", "Label"),
        "exit_to": ("Ke langkah", "To step"),
        "add_step": ("Tambah langkah", "Add step"),
        "add_role": ("Tambah peran", "Add role"),
        "add_record": ("Tambah rekaman", "Add record"),
        "add_measurement": ("Tambah pengukuran", "Add measurement"),
        "delete": ("Hapus", "Delete"),
        "move_up": ("Naikkan", "Move up"),
        "move_down": ("Turunkan", "Move down"),
        "step_n": ("Langkah {n}", "Step {n}"),
        "record_id": ("Nomor", "Number"),
        "record_form": ("Formulir bernomor", "Numbered form"),
        "record_owner": ("Pemilik", "Owner"),
        "record_disposition": ("Disposisi", "Disposition"),
        "method": ("Cara mengukur", "Method"),
        "frequency": ("Frekuensi", "Frequency"),
        "preview": ("Pratinjau", "Preview"),
        "no_findings": ("Tidak ada temuan.", "No findings."),
        "none_option": ("—", "—"),
        "ed_multi_actor": ("Beberapa pelaksana (tugas bersama atau bagian berurutan) — ubah pelaksana dan simbolnya "
                           "di mode teks sumber", "Several actors (a joint task or parts in order) — change the "
                           "actors and symbols in the source text mode"),
        "diff": ("Perbedaan", "Differences"),
        "diff_against": ("Perbedaan dengan revisi berlaku (Rev. {n})", "Differences from the effective revision (Rev. {n})"),
        "redline": ("Redline", "Redline"),
        "redline_title": ("Perbandingan Rev. {a} dan Rev. {b}", "Rev. {a} compared with Rev. {b}"),
        "compare": ("Bandingkan", "Compare"),
        "diff_none": ("Tidak ada perbedaan.", "No differences."),
        "diff_no_base": ("Belum ada revisi berlaku untuk dibandingkan.", "There is no effective revision to compare with."),
        "diff_fields": ("Isi dokumen", "Document content"),
        "diff_steps": ("Langkah", "Steps"),
        "step_added": ("ditambahkan", "added"),
        "step_removed": ("dihapus", "removed"),
        "step_changed": ("diubah", "changed"),
        "step_moved": ("dipindah", "moved"),
        "field": ("Bagian", "Field"),
        "before": ("Sebelum", "Before"),
        "after": ("Sesudah", "After"),
        "new_procedure": ("Prosedur untuk layanan baru", "Procedure for a new service"),
        "new_procedure_explain": (
            "Isi judul, tujuan, unit pemilik, peran dan langkah awal. Nomor bebas berikutnya dipakai; "
            "hasilnya Revisi 0 berstatus draf yang dapat Anda lengkapi di penyunting.",
            "Fill in title, purpose, owner unit, roles and the first steps. The next free number is used; "
            "the result is a draft Revision 0 you complete in the editor.",
        ),
        "first_steps": ("Langkah awal", "First steps"),
        "first_steps_hint": (
            "Satu langkah per baris: 'id_peran: kegiatan'; akhiri dengan '?' untuk keputusan.",
            "One step per line: 'role_id: action'; end with '?' for a decision.",
        ),
        "create": ("Buat", "Create"),
        "created": ("Prosedur {number} dibuat.", "Procedure {number} created."),
        "import_export": ("Impor / ekspor pustaka", "Library import / export"),
        "import_zip": ("Impor arsip .zip pustaka", "Import a library .zip"),
        "export_zip": ("Unduh pustaka sebagai .zip", "Download the library as .zip"),
        "imported": ("Diimpor: {n} revisi baru, {k} sudah ada.", "Imported: {n} new revisions, {k} already present."),
        "zip_file": ("Berkas .zip", "The .zip file"),
        "full_text_hint": ("Nomor, judul, tujuan, ruang lingkup atau isi langkah",
                           "Number, title, purpose, scope or step text"),
        "err_zip_bad": ("Berkas bukan arsip .zip yang sah.", "The file is not a valid .zip archive."),
        "err_zip_too_big": ("Arsip terlalu besar setelah diekstrak (batas {limit} bait).",
                            "The archive is too big once extracted (limit {limit} bytes)."),
        "err_zip_ratio": ("Rasio kompresi berkas {name} mencurigakan (bom zip).",
                          "Suspicious compression ratio of {name} (zip bomb)."),
        "err_zip_count": ("Arsip berisi terlalu banyak berkas (batas {limit}).",
                          "The archive holds too many files (limit {limit})."),
        "err_zip_path": ("Jalur berkas tidak sah di dalam arsip: {name}", "Unsafe file path in the archive: {name}"),
        "err_zip_no_library": ("Arsip tidak berisi pustaka.yaml.", "The archive holds no pustaka.yaml."),
        "err_steps_needed": ("Perlu paling sedikit dua langkah (mulai dan selesai).",
                             "At least two steps are needed (a start and an end)."),
        "err_unknown_roles": ("Peran tidak ada di pustaka: {roles}", "Roles not in the library: {roles}"),
        "err_step_format": ("Langkah '{text}' harus ditulis 'id_peran: kegiatan'.",
                            "Step '{text}' must be written 'role_id: action'."),
        "err_number_used": ("Nomor {number} sudah dipakai.", "Number {number} is already in use."),
    }
)


# a revision's status is named by the lifecycle itself (one home: prosedur.workflow.STATUS_LABELS)
LABELS.update({f"status_{status.value}": pair for status, pair in STATUS_LABELS.items()})


def label(key: str, lang: str | None = None, **params: Any) -> str:
    """The label for `key` in `lang` (default: the active language); unknown keys show themselves."""
    lang = (lang or translation.get_language() or "id")[:2]
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text


# -- management-system view (sms) -------------------------------------------------------------------
LABELS.update(
    {
        "sms_nav": ("Sistem manajemen", "Management system"),
        "sms_coverage": ("Cakupan SNI ISO/IEC 20000-1:2018", "ISO/IEC 20000-1:2018 coverage"),
        "sms_coverage_short": ("Cakupan klausul", "Clause coverage"),
        "sms_headline": (
            "{covered} dari {required} klausul yang meminta informasi terdokumentasi tercakup oleh {procedures} "
            "prosedur berlaku; {gaps} kesenjangan. {pending} prosedur masih dalam proses dan belum dihitung.",
            "{covered} of {required} clauses that ask for documented information are covered by {procedures} "
            "effective procedures; {gaps} gaps. {pending} procedures are still in progress and not counted.",
        ),
        "sms_gaps": ("Kesenjangan", "Gaps"),
        "sms_no_gaps": ("Tidak ada kesenjangan.", "No gaps."),
        "sms_matrix": ("Matriks klausul × prosedur berlaku", "Clauses × effective procedures"),
        "sms_pending": ("Dalam proses (belum berlaku)", "In progress (not yet effective)"),
        "sms_clause": ("Klausul", "Clause"),
        "sms_asks_for": ("Yang diminta", "Asks for"),
        "sms_procedure_required": ("Wajib prosedur terdokumentasi", "Documented procedure required"),
        "sms_claimed_by": ("Diklaim oleh", "Claimed by"),
        "sms_legend": (
            "✓ prosedur menyebut klausul ini; (✓ 8.5.1) tercakup melalui klausul induk yang disebut.",
            "✓ the procedure names this clause; (✓ 8.5.1) covered through the parent clause it names.",
        ),
        "sms_download": ("Unduh", "Download"),
        "sms_registers": ("Daftar pengendalian dokumen", "Document-control registers"),
        "sms_reg_documents": ("Daftar Induk Dokumen", "Master list of documents"),
        "sms_reg_records": ("Daftar Rekaman", "Records register"),
        "sms_reg_forms": ("Daftar Formulir", "Forms register"),
        "sms_reg_distribution": ("Daftar Distribusi", "Distribution list"),
        "sms_rows": ("{n} baris", "{n} rows"),
        "sms_review_calendar": ("Kalender tinjauan berkala", "Periodic review calendar"),
        "sms_today": ("Hari ini: {date}", "Today: {date}"),
        "sms_due": ("Jatuh tempo", "Due"),
        "sms_days_left": ("Sisa hari", "Days left"),
        "sms_state": ("Keadaan", "State"),
        "sms_state_overdue": ("Terlambat", "Overdue"),
        "sms_state_due_soon": ("Segera jatuh tempo", "Due soon"),
        "sms_state_ok": ("Terjadwal", "Scheduled"),
        "sms_state_no_date": ("Tanpa tanggal", "No date"),
        "sms_last_review": ("Tinjauan terakhir", "Last review"),
        "sms_no_change": ("Ditinjau, tanpa perubahan", "Reviewed, no change"),
        "sms_no_change_note": ("Catatan tinjauan", "Review note"),
        "sms_no_change_submit": ("Catat tinjauan", "Record review"),
        "sms_review_recorded": (
            "Tinjauan {number} dicatat; tinjauan berikutnya {due}.",
            "Review of {number} recorded; next review {due}.",
        ),
        "sms_recent_reviews": ("Tinjauan tanpa perubahan terakhir", "Recent no-change reviews"),
        "sms_no_reviews": ("Belum ada tinjauan tanpa perubahan.", "No no-change reviews yet."),
        "err_review_note": ("Tuliskan catatan hasil tinjauan.", "Write a note on the review's outcome."),
        "sms_socialisation": ("Dasbor sosialisasi", "Socialisation dashboard"),
        "sms_soc_headline": (
            "{revisions} revisi berlaku, {readers} pembaca; tingkat pemahaman per unit dan per prosedur.",
            "{revisions} effective revisions, {readers} readers; acknowledgement rates per unit and procedure.",
        ),
        "sms_chart_units": ("Tingkat pemahaman per unit", "Acknowledgement rate per unit"),
        "sms_chart_procedures": ("Tingkat pemahaman per prosedur", "Acknowledgement rate per procedure"),
        "sms_chart_weekly": ("Perkembangan mingguan per unit (revisi berlaku)", "Weekly progress per unit (effective revisions)"),
        "sms_not_acknowledged": ("Belum menyatakan memahami revisi berlaku", "Not yet acknowledged the effective revision"),
        "sms_everyone_acknowledged": ("Semua pembaca telah menyatakan memahami.", "Every reader has acknowledged."),
        "sms_mail_subject": ("[Prosedur] {n} tinjauan berkala jatuh tempo", "[Prosedur] {n} periodic reviews due"),
        "sms_mail_intro": (
            "Yth. {name}, prosedur berikut perlu ditinjau (tinjauan berkala):",
            "Dear {name}, the following procedures are due for their periodic review:",
        ),
        "sms_mail_outro": (
            "Bila tidak ada perubahan, catat \u201cditinjau, tanpa perubahan\u201d di kalender tinjauan.",
            "If nothing needs to change, record \u201creviewed, no change\u201d in the review calendar.",
        ),
    }
)

# -- new-procedure wizard and library import/export (.zip) -------------------------------------------
LABELS.update(
    {
        "wizard_title": ("Prosedur untuk layanan baru", "Procedure for a new service"),
        "wizard_intro": (
            "Tiga langkah singkat: data dasar, peran, lalu langkah pertama. Hasilnya draf revisi 0 dengan nomor "
            "bebas berikutnya, yang Anda lengkapi di penyunting terstruktur.",
            "Three short steps: basics, roles, then the first steps. The result is a revision 0 draft with the "
            "next free number, which you complete in the structured editor.",
        ),
        "wizard_step_of": ("Langkah {n} dari 3", "Step {n} of 3"),
        "wizard_basics": ("Data dasar", "Basics"),
        "wizard_roles": ("Peran", "Roles"),
        "wizard_steps": ("Langkah pertama", "First steps"),
        "wizard_number_next": ("Nomor yang akan dipakai: {number}", "Number to be used: {number}"),
        "wizard_purpose": ("Tujuan", "Purpose"),
        "wizard_library_roles": ("Peran dari pustaka", "Roles from the library"),
        "wizard_local_roles": ("Peran lokal (satu per baris: id = Nama)", "Local roles (one per line: id = Name)"),
        "wizard_local_roles_hint": (
            "Untuk peran yang belum ada di pustaka, mis. petugas_loket = Petugas Loket.",
            "For a role not yet in the library, e.g. petugas_loket = Petugas Loket.",
        ),
        "wizard_steps_hint": (
            "Langkah pertama adalah mulai, yang terakhir selesai. Tandai keputusan dan beri label kedua cabangnya: "
            "cabang pertama lanjut ke langkah berikutnya, cabang kedua kembali ke langkah sebelumnya.",
            "The first step is the start, the last the end. Mark a decision and label its two exits: the first "
            "continues with the next step, the second goes back to the step before.",
        ),
        "wizard_actor": ("Pelaksana", "Actor"),
        "wizard_action": ("Kegiatan", "Action"),
        "wizard_decision": ("Keputusan", "Decision"),
        "wizard_yes_label": ("Label cabang lanjut", "Label of the continuing exit"),
        "wizard_no_label": ("Label cabang kembali", "Label of the returning exit"),
        "wizard_more_rows": ("Tambah baris", "Add rows"),
        "wizard_next": ("Lanjut", "Next"),
        "wizard_back": ("Kembali", "Back"),
        "wizard_create": ("Buat draf", "Create draft"),
        "wizard_start": ("Prosedur baru", "New procedure"),
        "wizard_created": (
            "Draf {number} dibuat. Lengkapi bagian yang masih kosong.",
            "Draft {number} created. Complete the sections that are still empty.",
        ),
        "wizard_err_title": ("Judul wajib diisi (paling panjang 200 karakter).", "A title is required (200 characters at most)."),
        "wizard_err_unit": ("Pilih unit pemilik yang Anda kelola.", "Choose an owner unit you manage."),
        "wizard_err_roles": ("Pilih atau tambahkan paling sedikit satu peran.", "Choose or add at least one role."),
        "wizard_err_local_role": (
            "Baris peran lokal '{line}' harus ditulis 'id = Nama' (id: huruf, angka, _ . -; diawali huruf).",
            "Local role line '{line}' must be written 'id = Name' (id: letters, digits, _ . -; starting with a letter).",
        ),
        "wizard_err_actor": ("Langkah {n}: pilih pelaksana dari peran yang dipilih.", "Step {n}: choose an actor from the chosen roles."),
        "wizard_err_expired": ("Isian wizard tidak lengkap; mulai lagi dari langkah 1.", "The wizard's answers are incomplete; start again at step 1."),
        "err_no_library": ("Belum ada pustaka (pustaka.yaml) yang diimpor.", "No library (pustaka.yaml) has been imported yet."),
        "transfer_title": ("Impor dan ekspor pustaka", "Library import and export"),
        "transfer_export": ("Ekspor pustaka (.zip)", "Export the library (.zip)"),
        "transfer_export_hint": (
            "pustaka.yaml dan satu berkas YAML per prosedur (revisi berlaku, atau revisi terbaru); dapat diperiksa "
            "dengan `prosedur lint`.",
            "pustaka.yaml and one YAML file per procedure (the effective revision, else the newest); checks with "
            "`prosedur lint`.",
        ),
        "transfer_import": ("Impor pustaka (.zip)", "Import a library (.zip)"),
        "transfer_import_hint": (
            "Berkas .zip berisi pustaka.yaml dan berkas YAML prosedur. Berkas lain diabaikan. Revisi yang sudah ada "
            "tidak diubah; bila satu berkas salah, tidak ada yang diimpor.",
            "A .zip holding pustaka.yaml and procedure YAML files. Other files are ignored. Revisions already stored "
            "are kept as they are; if one file is wrong, nothing is imported.",
        ),
        "transfer_file": ("Berkas .zip", "The .zip file"),
        "transfer_import_button": ("Impor", "Import"),
        "transfer_done": (
            "Impor selesai: {created} revisi baru, {kept} sudah ada, {ignored} berkas lain diabaikan.",
            "Import done: {created} new revisions, {kept} already present, {ignored} other files ignored.",
        ),
        "transfer_failed": ("Impor dibatalkan; tidak ada yang disimpan.", "Import cancelled; nothing was saved."),
        "zip_err_not_zip": ("Berkas bukan arsip .zip yang sah.", "The file is not a valid .zip archive."),
        "zip_err_upload_size": ("Berkas .zip lebih besar dari {limit} bita.", "The .zip file is larger than {limit} bytes."),
        "zip_err_entries": ("Arsip berisi {count} entri; paling banyak {limit}.", "The archive holds {count} entries; at most {limit}."),
        "zip_err_total": (
            "Isi arsip melebihi {limit} bita setelah dibuka.",
            "The archive's contents exceed {limit} bytes once extracted.",
        ),
        "zip_err_entry_size": ("{name}: lebih besar dari {limit} bita.", "{name}: larger than {limit} bytes."),
        "zip_err_ratio": (
            "{name}: rasio kompresi {ratio}:1 terlalu tinggi (paling tinggi {limit}:1); kemungkinan bom zip.",
            "{name}: compression ratio {ratio}:1 is too high (at most {limit}:1); likely a zip bomb.",
        ),
        "zip_err_size_lied": (
            "{name}: ukuran sebenarnya berbeda dari yang dinyatakan arsip.",
            "{name}: the real size differs from the size the archive declares.",
        ),
        "zip_err_path": ("{name}: jalur berkas tidak diizinkan ({why}).", "{name}: file path not allowed ({why})."),
        "zip_why_parent": ("mengandung ..", "contains .."),
        "zip_why_absolute": ("jalur absolut", "absolute path"),
        "zip_why_backslash": ("mengandung garis miring terbalik", "contains a backslash"),
        "zip_why_drive": ("mengandung huruf drive", "contains a drive letter"),
        "zip_why_symlink": ("tautan simbolik", "symbolic link"),
        "zip_why_invisible": (
            "mengandung karakter tak terlihat atau pembalik arah (bidi)",
            "contains invisible or direction-changing (bidi) characters",
        ),
        "zip_why_control": ("mengandung karakter kendali", "contains control characters"),
        "zip_err_encrypted": ("{name}: berkas terenkripsi tidak didukung.", "{name}: encrypted files are not supported."),
        "zip_err_duplicate": ("{name}: nama berkas muncul dua kali.", "{name}: the file name appears twice."),
        "zip_err_no_library": (
            "Arsip tidak berisi pustaka.yaml dan belum ada pustaka yang tersimpan.",
            "The archive holds no pustaka.yaml and no library is stored yet.",
        ),
        "zip_err_duplicate_number": (
            "{name}: nomor {number} revisi {revision} juga ada di {other}.",
            "{name}: number {number} revision {revision} is also in {other}.",
        ),
        "zip_why_effective": ("prosedur ini sudah punya revisi berlaku", "this procedure already has an effective revision"),
        "zip_err_conflict": (
            "{name}: {number} revisi {revision} tidak dapat disimpan ({why}).",
            "{name}: {number} revision {revision} cannot be stored ({why}).",
        ),
    }
)


# Structured editor: the whole record an author writes, and problems in words instead of source paths.
LABELS.update(
    {
        "ed_history_legend": ("Riwayat perubahan revisi ini", "This revision's change history"),
        "ed_change": ("Apa yang berubah", "What changed"),
        "ed_reason": ("Mengapa (alasan perubahan)", "Why (reason for the change)"),
        "ed_history_hint": (
            "Wajib diisi sebelum diajukan. Tanggal, tanggal terbit dan efektif, serta pengesahan diisi "
            "otomatis saat revisi disahkan.",
            "Required before submitting. The date, the issue and effective dates and the approval are "
            "filled in when the revision is signed.",
        ),
        "ed_history_earlier": ("Revisi sebelumnya (tidak dapat diubah)", "Earlier revisions (cannot be changed)"),
        "ed_history_row": ("Rev. {n}", "Rev. {n}"),
        "ed_date": ("Tanggal", "Date"),
        "ed_by": ("Oleh", "By"),
        "ed_parameters": ("Parameter", "Parameters"),
        "ed_param_hint": ("dikutip dalam teks sebagai {code}", "cited in the text as {code}"),
        "ed_param_id": ("Id", "Id"),
        "ed_param_value": ("Nilai", "Value"),
        "ed_param_unit": ("Satuan", "Unit"),
        "ed_param_label": ("Keterangan", "Label"),
        "ed_param_n": ("Parameter {n}", "Parameter {n}"),
        "ed_param_named": ("Parameter \u201c{id}\u201d", "Parameter \u201c{id}\u201d"),
        "add_parameter": ("Tambah parameter", "Add parameter"),
        "ed_record_hint": (
            "Formulir adalah rekaman bernomor yang diisi pelaksana.",
            "A form is a numbered record that people fill in.",
        ),
        "ed_ref_kind": ("Jenis", "Kind"),
        "ed_ref_id": ("Nomor", "Number"),
        "ed_ref_clause": ("Klausul / pasal", "Clause / article"),
        "ref_kind_standard": ("Standar", "Standard"),
        "ref_kind_law": ("Peraturan", "Regulation"),
        "ref_kind_procedure": ("Prosedur", "Procedure"),
        "ref_kind_work_instruction": ("Instruksi kerja", "Work instruction"),
        "ref_kind_form": ("Formulir", "Form"),
        "ref_kind_other": ("Lainnya", "Other"),
        "add_reference": ("Tambah acuan", "Add reference"),
        "ed_attachments": ("Lampiran", "Attachments"),
        "ed_att_file": ("Berkas", "File"),
        "ed_att_file_hint": ("relatif terhadap folder pustaka", "relative to the library folder"),
        "ed_description": ("Keterangan", "Description"),
        "add_attachment": ("Tambah lampiran", "Add attachment"),
        "ed_step_details": ("Mengapa, kapan, di mana, bagaimana", "Why, when, where, how"),
        "ed_why": ("Mengapa", "Why"),
        "ed_when": ("Kapan", "When"),
        "ed_where": ("Di mana", "Where"),
        "ed_how": ("Bagaimana", "How"),
        "ed_notes": ("Keterangan", "Notes"),
        "ed_next": ("Langkah berikutnya", "Next step"),
        "ed_id": ("Id", "Id"),
        "ed_role_id": ("Id peran", "Role id"),
        "ed_role_n": ("Peran {n}", "Role {n}"),
        "ed_record_n": ("Rekaman {n}", "Record {n}"),
        "ed_meas_n": ("Pengukuran {n}", "Measurement {n}"),
        "ed_ref_n": ("Acuan {n}", "Reference {n}"),
        "ed_att_n": ("Lampiran {n}", "Attachment {n}"),
        "ed_def_n": ("Definisi {n}", "Definition {n}"),
        "ed_exit_n": ("Cabang {n}", "Exit {n}"),
        "ed_reviewer_n": ("Pemeriksa {n}", "Reviewer {n}"),
        "ed_item_n": ("butir {n}", "item {n}"),
        "ed_term": ("Istilah", "Term"),
        "ed_meaning": ("Pengertian", "Meaning"),
        "ed_issued": ("Tanggal terbit", "Issue date"),
        "ed_classification": ("Klasifikasi", "Classification"),
        "ed_prepared": ("Disusun oleh", "Prepared by"),
        "ed_reviewed": ("Diperiksa oleh", "Reviewed by"),
        "ed_approved": ("Disahkan oleh", "Approved by"),
        "ed_err_required": ("wajib diisi", "is required"),
        "ed_err_duplicate_id": ("id \u201c{id}\u201d sudah dipakai parameter lain", "id \u201c{id}\u201d is already used by another parameter"),
        "ed_err_id_format": (
            "diawali huruf; hanya huruf, angka, titik, _ dan -; tanpa spasi",
            "starts with a letter; only letters, digits, dots, _ and -; no spaces",
        ),
        "ed_form_problems": ("Isian ini belum dapat disimpan:", "These entries cannot be saved yet:"),
    }
)


# -- public verification: the record of a revision and the check of an uploaded copy (procedures/verification.py)
LABELS.update(
    {
        "verify_replaced_by": ("Digantikan oleh", "Replaced by"),
        "verify_signed_by": ("Disahkan oleh", "Signed by"),
        "verify_reviewed_by": ("Diperiksa dan disetujui oleh", "Reviewed and agreed by"),
        "verify_agreed_at": ("setuju pada", "agreed on"),
        "verify_upload_title": ("Periksa keaslian salinan PDF", "Check whether a PDF copy is genuine"),
        "verify_upload_explain": (
            "Unggah berkas PDF yang Anda terima. Salinan asli memuat tanda tangan elektronik organisasi yang utuh, "
            "mencakup seluruh berkas, dan sidik isinya cocok dengan revisi yang pernah berlaku. Berkas tidak disimpan.",
            "Upload the PDF file you received. A genuine copy carries the organisation's electronic signature, intact "
            "and covering the whole file, and its content fingerprint matches a revision that was in force. The file "
            "is not kept.",
        ),
        "verify_upload_file": ("Berkas PDF", "PDF file"),
        "verify_upload_limit": ("Paling besar {mb} MB.", "At most {mb} MB."),
        "verify_upload_submit": ("Periksa", "Check"),
        "verify_genuine": ("SALINAN ASLI yang diterbitkan.", "GENUINE issued copy."),
        "verify_not_genuine": ("BUKAN salinan asli yang diterbitkan.", "NOT a genuine issued copy."),
        "verify_genuine_but_obsolete": (
            "Salinan ini asli, tetapi revisinya sudah tidak berlaku; gunakan revisi penggantinya.",
            "This copy is genuine, but its revision is no longer in force; use the revision that replaced it.",
        ),
        "verify_other_revision": (
            "Salinan ini adalah revisi lain dari yang ditampilkan di halaman ini.",
            "This copy is of another revision than the one shown on this page.",
        ),
        "verify_hash_unknown": (
            "Sidik isi di dalam PDF tidak cocok dengan revisi mana pun yang pernah berlaku.",
            "The content fingerprint inside the PDF matches no revision that was ever in force.",
        ),
        "verify_record_of": ("Catatan resmi:", "Official record:"),
        "verify_claims_to_be": ("PDF ini mengaku sebagai", "This PDF claims to be"),
        "verify_signer": ("Penanda tangan", "Signer"),
        "verify_signed_at": ("Waktu tanda tangan", "Signing time"),
        "verify_fingerprint": ("Sidik sertifikat (SHA-256)", "Certificate fingerprint (SHA-256)"),
        "verify_no_file": ("Pilih berkas PDF untuk diperiksa.", "Choose a PDF file to check."),
        "verify_too_big": ("Berkas lebih besar dari {mb} MB.", "The file is larger than {mb} MB."),
        "download_unsigned_refused": (
            "Salinan terkendali tidak dapat diterbitkan tanpa tanda tangan elektronik organisasi.",
            "A controlled copy cannot be issued without the organisation's electronic signature.",
        ),
    }
)


# -- audit trail page: incremental check, full check on demand, the anchor outside the database (audit/)
LABELS.update(
    {
        "audit_incremental": (
            "Diverifikasi sampai entri {seq}; {n} entri baru diperiksa pada tampilan ini.",
            "Verified up to entry {seq}; {n} new entries checked for this view.",
        ),
        "audit_last_full": ("Verifikasi penuh terakhir: {when} oleh {who}.", "Last full verification: {when} by {who}."),
        "audit_full_never": ("Rantai belum pernah diverifikasi penuh.", "The chain has never been verified in full."),
        "audit_full_button": ("Verifikasi penuh sekarang", "Verify in full now"),
        "audit_full_ok": ("Verifikasi penuh: rantai audit utuh ({n} entri).", "Full verification: audit chain intact ({n} entries)."),
        "audit_full_broken": ("Verifikasi penuh: rantai audit RUSAK pada entri {n}: {reason}",
                              "Full verification: audit chain BROKEN at entry {n}: {reason}"),
        "audit_anchor": ("Jangkar di luar basis data", "Anchor outside the database"),
        "audit_anchor_sheet": ("Lembar jangkar jejak audit", "Audit anchor sheet"),
        "audit_anchor_sheet_intro": (
            "Jangkar terbaru yang ditandatangani organisasi: nomor dan hash entri terakhir jejak audit pada saat itu. "
            "Simpan lembar ini bersama laporan manajemen bulanan; bila jejak di basis data dipotong atau ditulis ulang, "
            "angka di kertas ini tidak lagi cocok.",
            "The newest anchor signed by the organisation: the number and hash of the audit trail's last entry at that "
            "time. Keep this sheet with the monthly management report; if the trail in the database is cut off or "
            "rewritten, the numbers on this paper no longer match.",
        ),
        "audit_anchor_file": ("Berkas", "File"),
        "audit_anchor_created": ("Ditulis", "Written"),
        "audit_anchor_seq": ("Entri terakhir", "Last entry"),
        "audit_anchor_hash": ("Hash entri", "Entry hash"),
        "audit_anchor_revisions": ("Revisi disahkan", "Signed revisions"),
        "audit_anchor_signatures": ("{n} tanda tangan", "{n} signatures"),
        "audit_anchor_digest": ("Sidik tanda tangan", "Signatures digest"),
        "audit_anchor_cert": ("Sertifikat (SHA-256)", "Certificate (SHA-256)"),
        "audit_anchor_sig": ("Tanda tangan jangkar", "Anchor signature"),
        "audit_anchor_valid": ("sah", "valid"),
        "audit_anchor_invalid": ("TIDAK SAH", "NOT VALID"),
        "audit_anchor_chain": ("Jejak di basis data", "Trail in the database"),
        "audit_anchor_matches": ("cocok dengan jangkar", "matches the anchor"),
        "audit_anchor_differs": ("TIDAK COCOK dengan jangkar", "DOES NOT MATCH the anchor"),
        "audit_anchor_print_hint": ("Cetak halaman ini dari peramban (Ctrl+P).", "Print this page from the browser (Ctrl+P)."),
    }
)


# Library transfer: the whole record exported and restored; imports never bypass the lifecycle; unit changes.
LABELS.update(
    {
        "transfer_export_hint": (
            "pustaka.yaml dan satu berkas YAML per prosedur (revisi berlaku, atau revisi terbaru; dapat diperiksa "
            "dengan `prosedur lint`), dan di sampingnya folder record/: setiap revisi dengan status, tanggal, "
            "versi sumber, pemeriksaan, tanda tangan dan pernyataan telah membaca, pengguna dan unit yang disebut, "
            "serta jejak audit, dengan manifes SHA-256.",
            "pustaka.yaml and one YAML file per procedure (the effective revision, else the newest; checks with "
            "`prosedur lint`), and beside them the record/ folder: every revision with its status, dates, source "
            "versions, reviews, signatures and acknowledgements, the users and units they name, and the audit "
            "trail, with a SHA-256 manifest.",
        ),
        "transfer_import_hint": (
            "Berkas .zip berisi pustaka.yaml dan berkas YAML prosedur. Setiap revisi baru diimpor sebagai DRAF, "
            "apa pun status di berkasnya: pengesahan melalui pemeriksaan dan penandatanganan. Revisi yang sudah "
            "ada tidak diubah; folder record/ diabaikan; bila satu berkas salah, tidak ada yang diimpor. Pustaka "
            "yang menambah, mengganti nama, atau memindah induk unit kerja hanya dapat diimpor admin, setelah "
            "perubahannya ditampilkan dan dikonfirmasi.",
            "A .zip holding pustaka.yaml and procedure YAML files. Every new revision is imported as a DRAFT, "
            "whatever status its file names: approval goes through review and signing. Revisions already stored "
            "are kept as they are; the record/ folder is ignored; if one file is wrong, nothing is imported. A "
            "library file that adds, renames or re-parents units can only be imported by the admin, after the "
            "changes are shown and confirmed.",
        ),
        "transfer_mode": ("Jenis impor", "Kind of import"),
        "transfer_mode_import": ("Impor sumber (revisi baru sebagai draf)", "Import the sources (new revisions as drafts)"),
        "transfer_mode_restore": (
            "Pulihkan rekaman lengkap ke instansi kosong (admin)",
            "Restore the whole record into an empty instance (admin)",
        ),
        "transfer_restore_hint": (
            "Pemulihan memasukkan ekspor rekaman lengkap — revisi, tanda tangan, pemeriksaan, pernyataan telah "
            "membaca dan jejak audit apa adanya — ke instansi yang belum berisi prosedur maupun entri audit. "
            "Semua diperiksa lebih dulu (manifes, rantai audit, setiap tanda tangan); satu kesalahan membatalkan "
            "seluruhnya. Karena masuk ke aplikasi sudah tercatat di jejak audit, pemulihan biasanya dijalankan di "
            "server: manage.py import_library --restore BERKAS.",
            "A restore puts a whole-record export — revisions, signatures, reviews, acknowledgements and the audit "
            "trail as it is — into an instance that holds no procedure and no audit entry yet. Everything is "
            "checked first (manifest, audit chain, every signature); one failure cancels all of it. As signing in "
            "to the app is itself audited, a restore is usually run on the server: manage.py import_library "
            "--restore FILE.",
        ),
        "import_as_draft": (
            "{name}: berkas menyebut status '{status}'; diimpor sebagai draf — pengesahan melalui pemeriksaan "
            "dan penandatanganan.",
            "{name}: the file names status '{status}'; imported as draft — approval goes through review and "
            "signing.",
        ),
        "import_record_ignored": (
            "Arsip ini ekspor rekaman lengkap; impor biasa hanya mengambil sumber YAML (folder record/ diabaikan). "
            "Rekaman lengkap dipulihkan admin ke instansi kosong.",
            "This archive is a whole-record export; a plain import takes only the YAML sources (the record/ "
            "folder is ignored). The whole record is restored by the admin into an empty instance.",
        ),
        "err_import_in_progress": (
            "{number} revisi {revision}: prosedur ini sudah punya revisi dalam proses (draf, diperiksa, atau "
            "disahkan menunggu berlaku); selesaikan itu dulu.",
            "{number} revision {revision}: this procedure already has a revision in progress (draft, in review, "
            "or approved and waiting); finish that first.",
        ),
        "err_import_older": (
            "{number} revisi {revision}: revisi yang lebih baru sudah tersimpan.",
            "{number} revision {revision}: a newer revision is already stored.",
        ),
        "err_adopt_has_effective": (
            "{number} revisi {revision}: prosedur ini sudah punya revisi berlaku di sini; adopsi pustaka berkas "
            "hanya untuk pemasangan pertama — revisi baru melalui pemeriksaan dan penandatanganan.",
            "{number} revision {revision}: this procedure already has an effective revision here; adopting a "
            "library of files is for the first install only — new revisions go through review and signing.",
        ),
        # unit changes of a library file
        "unit_change_none": ("(tidak ada)", "(none)"),
        "unit_change_added": ("unit {code} baru: '{after}', induk {parent}", "unit {code} added: '{after}', parent {parent}"),
        "unit_change_renamed": ("unit {code} ganti nama: '{before}' → '{after}'", "unit {code} renamed: '{before}' → '{after}'"),
        "unit_change_reparented": ("unit {code} induk {before} → {after}", "unit {code} parent {before} → {after}"),
        "units_need_admin": (
            "pustaka.yaml ini mengubah {n} unit kerja, yang menentukan siapa boleh memeriksa dan mengesahkan apa; "
            "hanya admin yang dapat mengimpornya. Perubahan:",
            "This pustaka.yaml changes {n} units, which decide who may review and approve what; only the admin "
            "can import it. Changes:",
        ),
        "units_confirm_needed": (
            "pustaka.yaml ini mengubah {n} unit kerja; periksa dan konfirmasi perubahannya:",
            "This pustaka.yaml changes {n} units; check and confirm the changes:",
        ),
        "units_confirm_title": ("Konfirmasi perubahan unit kerja", "Confirm the unit changes"),
        "units_confirm_hint": (
            "Unit kerja menentukan siapa boleh memeriksa dan mengesahkan prosedur unit mana. Pilih lagi berkas .zip "
            "yang sama untuk mengimpornya dengan perubahan di atas; perubahan dicatat di jejak audit. Bila daftar "
            "berubah sebelum konfirmasi, konfirmasi diminta lagi.",
            "Units decide who may review and approve which unit's procedures. Choose the same .zip file again to "
            "import it with the changes above; the changes are recorded in the audit trail. If the list changes "
            "before you confirm, you are asked again.",
        ),
        "units_confirm_button": ("Konfirmasi dan impor", "Confirm and import"),
        "units_changed": ("{n} perubahan unit kerja diterapkan dan dicatat di jejak audit.",
                          "{n} unit changes applied and recorded in the audit trail."),
        # restore
        "restore_failed": ("Pemulihan dibatalkan; tidak ada yang disimpan.", "Restore cancelled; nothing was stored."),
        "restore_done": (
            "Pemulihan selesai: {procedures} prosedur, {revisions} revisi, {signatures} tanda tangan, "
            "{acknowledgements} pernyataan telah membaca, {reviews} penugasan pemeriksaan, {entries} entri audit; "
            "{users} pengguna baru (nonaktif, tanpa kata sandi).",
            "Restore done: {procedures} procedures, {revisions} revisions, {signatures} signatures, "
            "{acknowledgements} acknowledgements, {reviews} review assignments, {entries} audit entries; "
            "{users} new users (inactive, without a password).",
        ),
        "restore_err_forbidden": ("Hanya admin yang dapat memulihkan rekaman lengkap.",
                                  "Only the admin can restore a whole record."),
        "restore_err_not_empty": (
            "Instansi ini tidak kosong ({procedures} prosedur, {revisions} revisi, {libraries} berkas pustaka, "
            "{entries} entri audit): rekaman lengkap hanya dipulihkan ke instansi kosong, karena jejak audit "
            "harus masuk apa adanya dan tidak dapat diubah. Pasang instansi baru (migrate, createsuperuser) lalu "
            "jalankan di server: manage.py import_library --restore BERKAS.",
            "This instance is not empty ({procedures} procedures, {revisions} revisions, {libraries} library "
            "files, {entries} audit entries): a whole record is only restored into an empty instance, as the "
            "audit trail must go in as it is and cannot be changed. Set up a new instance (migrate, "
            "createsuperuser) and run on the server: manage.py import_library --restore FILE.",
        ),
        "restore_err_no_manifest": ("Bukan ekspor rekaman lengkap: record/manifest.json tidak ada.",
                                    "Not a whole-record export: record/manifest.json is missing."),
        "restore_err_format": ("record/manifest.json bukan format {format}.", "record/manifest.json is not format {format}."),
        "restore_err_file_missing": ("{name}: berkas tidak ada.", "{name}: the file is missing."),
        "restore_err_file_hash": ("{name}: isi tidak sesuai SHA-256 di manifes (berkas diubah).",
                                  "{name}: the contents do not match the manifest's SHA-256 (the file was changed)."),
        "restore_err_file_unlisted": ("{name}: berkas tidak tercantum di manifes.", "{name}: the file is not in the manifest."),
        "restore_err_malformed": ("{name}: tidak dapat dibaca ({detail}).", "{name}: cannot be read ({detail})."),
        "restore_err_trail": ("Jejak audit ekspor tidak utuh: {detail}", "The export's audit trail is not intact: {detail}"),
        "restore_err_trail_head": (
            "Jejak audit ekspor tidak berakhir di entri yang dicatat manifes (berakhir di {seq}).",
            "The export's audit trail does not end at the entry the manifest records (it ends at {seq}).",
        ),
        "restore_err_source": ("{number} revisi {revision}: sumber tidak dapat dibaca ({detail}).",
                               "{number} revision {revision}: the source cannot be read ({detail})."),
        "restore_err_hash": ("{number} revisi {revision}: sumber tidak menghasilkan hash isi yang tercatat.",
                             "{number} revision {revision}: the source does not hash to the recorded content hash."),
        "restore_err_status": (
            "{number} revisi {revision}: berstatus '{status}', padahal jejak audit mencatat '{trail}'.",
            "{number} revision {revision}: its status is '{status}' but the audit trail records '{trail}'.",
        ),
        "restore_err_signature": ("{number} revisi {revision}: tanda tangan tidak sah ({detail}).",
                                  "{number} revision {revision}: the signature does not verify ({detail})."),
        "restore_sig_content": ("sumber berbeda dari isi yang ditandatangani", "the source differs from the content signed"),
        "restore_sig_revision_hash": ("hash revisi berbeda dari yang ditandatangani", "the revision's hash differs from the one signed"),
        "restore_sig_record": ("catatan pengendalian tidak sesuai sidiknya", "the control record does not match its digest"),
        "restore_sig_dates": ("tanggal revisi berbeda dari catatan yang ditandatangani",
                              "the revision's dates differ from the signed record"),
        "restore_sig_trail": ("penandatanganan ini tidak tercatat di jejak audit", "the audit trail does not record this signing"),
        "restore_err_unsigned": (
            "{number} revisi {revision}: berstatus '{status}' tanpa tanda tangan, dan jejak audit tidak mencatat "
            "adopsinya dari berkas.",
            "{number} revision {revision}: status '{status}' without a signature, and the audit trail does not "
            "record its adoption from files.",
        ),
        "restore_err_two_effective": ("{number}: lebih dari satu revisi berlaku.", "{number}: more than one effective revision."),
        "restore_err_current": ("{name}: bukan sumber revisi mana pun dalam rekaman.", "{name}: not the source of any revision in the record."),
        "restore_err_anchor": ("{name}: jangkar audit berbeda dari yang dicatat jejak audit.",
                               "{name}: the audit anchor differs from the one the audit trail records."),
        "restore_err_unit": ("unit {code} sudah ada di sini dengan nama atau induk lain.",
                             "unit {code} already exists here with another name or parent."),
        "restore_err_user": ("pengguna {username} disebut rekaman tetapi tidak ada di record/users.json.",
                             "user {username} is named by the record but missing from record/users.json."),
        "restore_err_more": ("... dan {n} masalah lain.", "... and {n} more problems."),
        "restore_err_missing_revision": (
            "Jejak audit mencatat revisi {label} (id {id}) yang tidak ada dalam ekspor.",
            "The audit trail records revision {label} (id {id}), which the export does not hold.",
        ),
        "restore_err_trail_differs": (
            "{number} revisi {revision}: {what} tidak sesuai jejak audit (ada yang ditambah atau dihilangkan).",
            "{number} revision {revision}: {what} do not match the audit trail (some were added or left out).",
        ),
        "restore_what_reviews": ("penugasan pemeriksaan", "the review assignments"),
        "restore_what_decisions": ("keputusan pemeriksa", "the reviewers' decisions"),
        "restore_what_comments": ("komentar", "the comments"),
        "restore_what_acks": ("pernyataan telah membaca", "the acknowledgements"),
        "restore_what_signatures": ("tanda tangan", "the signatures"),
        "restore_anchor_not_written": (
            "Jangkar {name} tidak dapat ditulis ke folder jangkar; salin berkasnya dari ekspor (verify_audit "
            "melaporkannya sampai itu dilakukan).",
            "Anchor {name} could not be written to the anchor folder; copy the file from the export (verify_audit "
            "reports it until then).",
        ),
    }
)

# -- the monthly document-control report (sms/monthly.py) ----------------------------------------------
LABELS.update(
    {
        "sms_monthly": ("Laporan bulanan", "Monthly report"),
        "sms_monthly_title": ("Laporan Bulanan Pengendalian Dokumen — {month}", "Monthly Document-Control Report — {month}"),
        "sms_monthly_month": ("Bulan", "Month"),
        "sms_monthly_show": ("Tampilkan", "Show"),
        "sms_monthly_pdf": ("Unduh PDF", "Download PDF"),
        "sms_monthly_html": ("Unduh HTML", "Download HTML"),
        "sms_monthly_print_hint": (
            "Cetak halaman ini dari peramban (Ctrl+P) atau unduh PDF-nya untuk tinjauan manajemen dan auditor.",
            "Print this page from the browser (Ctrl+P) or download its PDF for the management review and the auditor.",
        ),
        "sms_monthly_err_month": (
            "Bulan tidak dikenali ({value}): gunakan TTTT-BB, paling lambat bulan ini. Ditampilkan bulan lalu.",
            "Month not recognised ({value}): use YYYY-MM, this month at the latest. Showing last month.",
        ),
        "sms_monthly_period": ("Periode {first} s.d. {last} (zona waktu {tz}).", "Period {first} to {last} (time zone {tz})."),
        "sms_monthly_made": ("Dibuat {when} oleh {who}.", "Generated {when} by {who}."),
        "sms_monthly_basis": (
            "Bukti pengendalian informasi terdokumentasi, SNI ISO/IEC 20000-1:2018 klausul 7.5.3.",
            "Evidence of the control of documented information, ISO/IEC 20000-1:2018 clause 7.5.3.",
        ),
        "sms_monthly_ended": (
            "Keadaan revisi per akhir bulan ({date}), disusun dari jejak audit; sosialisasi, integritas dan jangkar "
            "diperiksa saat laporan dibuat.",
            "Revision states as at month end ({date}), rebuilt from the audit trail; socialisation, integrity and the "
            "anchor are checked when the report is made.",
        ),
        "sms_monthly_running": (
            "Bulan ini belum berakhir: keadaan per {date}, saat laporan dibuat.",
            "This month has not ended: states as of {date}, when the report was made.",
        ),
        "sms_monthly_attention": (
            "PERHATIAN: pemeriksaan integritas atau jangkar audit menemukan masalah; lihat bagian Integritas dan Jangkar.",
            "ATTENTION: the integrity or audit anchor check found problems; see the Integrity and Anchor sections.",
        ),
        "sms_monthly_summary": ("Ringkasan", "Summary"),
        "sms_monthly_item": ("Butir", "Item"),
        "sms_monthly_value": ("Jumlah / hasil", "Count / result"),
        "sms_monthly_effective": ("Revisi yang mulai berlaku", "Revisions that took effect"),
        "sms_monthly_obsolete": ("Revisi yang dinyatakan kedaluwarsa", "Revisions made obsolete"),
        "sms_monthly_signed": ("Disahkan, belum berlaku", "Signed, not yet effective"),
        "sms_monthly_in_progress": ("Dalam peninjauan dan draf pada akhir bulan", "In review and draft at month end"),
        "sms_monthly_in_review_n": ("Dalam peninjauan pada akhir bulan", "In review at month end"),
        "sms_monthly_drafts_n": ("Draf pada akhir bulan", "Drafts at month end"),
        "sms_monthly_overdue_n": ("Tinjauan berkala terlambat", "Periodic reviews overdue"),
        "sms_monthly_due_soon_n": ("Tinjauan berkala jatuh tempo dalam {days} hari", "Periodic reviews due within {days} days"),
        "sms_monthly_reviews": (
            "Tinjauan berkala terlambat atau jatuh tempo dalam {days} hari (per {date})",
            "Periodic reviews overdue or due within {days} days (as of {date})",
        ),
        "sms_monthly_socialisation": (
            "Sosialisasi: tingkat pemahaman per revisi berlaku",
            "Socialisation: acknowledgement rate per effective revision",
        ),
        "sms_monthly_soc_total": ("Tingkat pemahaman seluruh revisi berlaku", "Acknowledgement rate, all effective revisions"),
        "sms_monthly_readers": ("Pembaca", "Readers"),
        "sms_monthly_rate": ("Sudah memahami", "Acknowledged"),
        "sms_monthly_missing": ("Belum menyatakan memahami", "Not yet acknowledged"),
        "sms_monthly_more": (" dan {n} lainnya", " and {n} more"),
        "sms_monthly_signer": ("Disahkan oleh", "Signed by"),
        "sms_monthly_unsigned": (
            "diadopsi dari berkas, tanpa tanda tangan elektronik",
            "adopted from files, no electronic signature",
        ),
        "sms_monthly_obsolete_on": ("Kedaluwarsa sejak", "Obsolete since"),
        "sms_monthly_replaced_by": ("Digantikan oleh", "Replaced by"),
        "sms_monthly_rev": ("Rev. {n}", "Rev. {n}"),
        "sms_monthly_author": ("Penyusun", "Author"),
        "sms_monthly_integrity": ("Integritas: revisi yang disahkan dan jejak audit", "Integrity: signed revisions and the audit trail"),
        "sms_monthly_integrity_revisions": ("Integritas revisi yang disahkan", "Integrity of the signed revisions"),
        "sms_monthly_integrity_ok": ("cocok semua ({n} revisi)", "all match ({n} revisions)"),
        "sms_monthly_integrity_bad": ("{n} MASALAH ({checked} revisi diperiksa)", "{n} PROBLEMS ({checked} revisions checked)"),
        "sms_monthly_check": ("Pemeriksaan", "Check"),
        "sms_monthly_result": ("Hasil", "Result"),
        "sms_monthly_check_revisions": ("Revisi yang disahkan ({n} diperiksa)", "Signed revisions ({n} checked)"),
        "sms_monthly_check_problem": ("Masalah integritas", "Integrity problem"),
        "sms_monthly_check_chain": ("Rantai hash jejak audit", "Audit trail hash chain"),
        "sms_monthly_anchor": ("Jangkar audit terbaru", "Newest audit anchor"),
        "sms_monthly_anchor_details": ("Keterangan (disimpan juga di atas kertas)", "Details (kept on paper too)"),
        "sms_monthly_anchor_short": (
            "entri {seq}, hash {hash}…, {day}, tanda tangan {sig}",
            "entry {seq}, hash {hash}…, {day}, signature {sig}",
        ),
        "sms_monthly_anchor_none": ("belum ada", "none yet"),
        "sms_monthly_none": ("Tidak ada.", "None."),
        "sms_monthly_written": ("laporan bulanan {month} ditulis: {path}", "monthly report {month} written: {path}"),
        "sms_monthly_problems": (
            "PERHATIAN: laporan mencatat {n} masalah integritas atau jangkar",
            "ATTENTION: the report records {n} integrity or anchor problems",
        ),
    }
)


# -- hardening: login throttle, requests the app cannot read, acknowledgements ----------------------------
LABELS.update(
    {
        "login_wait": (
            "Terlalu banyak percobaan gagal. Coba lagi dalam {seconds} detik.",
            "Too many failed attempts. Try again in {seconds} seconds.",
        ),
        "bad_form_encoding": (
            "Permintaan ditolak: isian formulir harus dikirim dalam UTF-8.",
            "Request refused: form data must be sent as UTF-8.",
        ),
        "bad_request_value": ("Permintaan ditolak: isian tidak sah.", "Request refused: invalid form data."),
        "sso_login": ("Masuk dengan SSO", "Sign in with SSO"),
        "sso_failed": (
            "Masuk dengan SSO gagal atau akun ini tidak boleh masuk. Coba lagi atau hubungi pengendali dokumen.",
            "Signing in with SSO failed or this account may not sign in. Try again or ask the document controller.",
        ),
        "err_not_distributed": (
            "Revisi ini tidak didistribusikan kepada Anda.",
            "This revision was not distributed to you.",
        ),
    }
)


# -- "Tugas saya" (work/) and the notifications of every transition (distribution/notify.py) ---------------
LABELS.update(
    {
        "work_title": ("Tugas saya", "My tasks"),
        "work_nav_count": ("tugas menunggu", "tasks waiting"),
        "work_nothing": ("Tidak ada tugas yang menunggu Anda.", "No task is waiting for you."),
        "work_reviews": ("Tinjauan yang perlu Anda berikan", "Reviews to give"),
        "work_signatures": ("Pengesahan yang menunggu tanda tangan Anda", "Approvals waiting for your signature"),
        "work_returned": ("Revisi yang dikembalikan kepada Anda", "Revisions returned to you"),
        "work_to_read": ("Prosedur yang perlu Anda baca", "Procedures you need to read"),
        "work_reviews_due": ("Tinjauan berkala yang jatuh tempo", "Periodic reviews due"),
        "work_reviews_due_explain": ("Jatuh tempo dalam {days} hari ke depan atau sudah lewat.",
                                     "Due within the next {days} days or overdue."),
        "work_since": ("Sejak", "Since"),
        "work_do_review": ("Tinjau", "Review"),
        "work_do_sign": ("Sahkan", "Approve"),
        "work_do_revise": ("Perbaiki", "Revise"),
        "work_do_read": ("Baca", "Read"),
        "work_do_periodic": ("Kalender tinjauan", "Review calendar"),
        "notify_subject": ("[Prosedur] {number} Rev. {rev}: {what}", "[Prosedur] {number} Rev. {rev}: {what}"),
        "notify_footer": ("Pesan ini dikirim otomatis oleh Prosedur; daftar tugas Anda ada di menu Tugas saya.",
                          "This message was sent by Prosedur; your task list is under My tasks."),
        "notify_review_requested": ("{number} {title} (Rev. {rev}) menunggu tinjauan Anda.",
                                    "{number} {title} (Rev. {rev}) is waiting for your review."),
        "notify_short_review_requested": ("menunggu tinjauan Anda", "waiting for your review"),
        "notify_review_agreed": ("{actor} menyetujui {number} {title} (Rev. {rev}).",
                                 "{actor} agreed to {number} {title} (Rev. {rev})."),
        "notify_short_review_agreed": ("peninjau setuju", "a reviewer agreed"),
        "notify_changes_requested": ("{actor} meminta perbaikan {number} {title} (Rev. {rev}): {note}",
                                     "{actor} asked for changes to {number} {title} (Rev. {rev}): {note}"),
        "notify_short_changes_requested": ("perlu perbaikan", "changes requested"),
        "notify_signature_waiting": ("Semua peninjau menyetujui {number} {title} (Rev. {rev}); pengesahan Anda "
                                     "ditunggu.", "Every reviewer agreed to {number} {title} (Rev. {rev}); it waits "
                                     "for your approval."),
        "notify_short_signature_waiting": ("menunggu pengesahan", "waiting for approval"),
        "notify_sent_back": ("{actor} mengembalikan {number} {title} (Rev. {rev}) kepada Anda: {note}",
                             "{actor} sent {number} {title} (Rev. {rev}) back to you: {note}"),
        "notify_short_sent_back": ("dikembalikan", "sent back"),
        "notify_approved": ("{number} {title} (Rev. {rev}) disahkan oleh {actor}; berlaku {date}.",
                            "{number} {title} (Rev. {rev}) was approved by {actor}; effective {date}."),
        "notify_short_approved": ("disahkan", "approved"),
        "notify_effective": ("{number} {title} (Rev. {rev}) yang Anda susun kini berlaku ({date}).",
                             "{number} {title} (Rev. {rev}), which you wrote, is now in force ({date})."),
        "notify_short_effective": ("berlaku", "in force"),
        "notify_ack_reminder": ("Pengingat: {number} {title} (Rev. {rev}) berlaku sejak {date} dan belum Anda "
                                "nyatakan telah dibaca dan dipahami.", "Reminder: {number} {title} (Rev. {rev}) has "
                                "been in force since {date} and you have not stated that you read and understood it."),
        "notify_short_ack_reminder": ("pengingat membaca", "reminder to read"),
        "notify_review_reminder": ("Pengingat: {number} {title} (Rev. {rev}) masih menunggu tinjauan Anda.",
                                   "Reminder: {number} {title} (Rev. {rev}) is still waiting for your review."),
        "notify_short_review_reminder": ("pengingat tinjauan", "review reminder"),
        "notify_email_failed": ("surel gagal terkirim", "e-mail could not be delivered"),
        "user_language": ("Bahasa surel", "E-mail language"),
        "err_reviewer_not_involved": ("{names} bukan peninjau dari unit yang terlibat dalam prosedur ini.",
                                      "{names} is not a reviewer of a unit involved in this procedure."),
    }
)


def size_text(size: int) -> str:
    """A byte count as people read it: "3,0 MB", "64 KB" (decimal comma, binary units)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"
    return f"{max(1, round(size / 1024))} KB"


# -- audit actions in words (the code stays in the entry and in the export) -----------------------------
AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "login": ("Masuk", "Signed in"),
    "logout": ("Keluar", "Signed out"),
    "login_failed": ("Gagal masuk (kata sandi salah)", "Failed sign-in (wrong password)"),
    "login_throttled": ("Percobaan masuk diperlambat", "Sign-in attempts slowed down"),
    "procedure_create": ("Prosedur dibuat", "Procedure created"),
    "revision_start": ("Revisi dimulai", "Revision started"),
    "revision_edit": ("Draf diubah", "Draft edited"),
    "revision_import": ("Revisi diimpor", "Revision imported"),
    "revision_submit": ("Diajukan untuk ditinjau", "Submitted for review"),
    "revision_draft": ("Dikembalikan ke draf", "Returned to draft"),
    "revision_in_review": ("Status: sedang ditinjau", "Status: in review"),
    "revision_approved": ("Status: disetujui", "Status: approved"),
    "revision_effective": ("Status: berlaku", "Status: in force"),
    "revision_obsolete": ("Status: kedaluwarsa", "Status: obsolete"),
    "revision_sign": ("Disahkan dan ditandatangani", "Approved and signed"),
    "revision_distribute": ("Didistribusikan", "Distributed"),
    "review_agree": ("Peninjau setuju", "Reviewer agreed"),
    "review_changes": ("Peninjau meminta perubahan", "Reviewer asked for changes"),
    "review_no_change": ("Tinjauan berkala: tanpa perubahan", "Periodic review: no change"),
    "review_reminder_sent": ("Pengingat tinjauan dikirim", "Review reminder sent"),
    "comment_create": ("Komentar ditulis", "Comment written"),
    "comment_resolve": ("Komentar ditandai selesai", "Comment marked resolved"),
    "acknowledge": ("Telah dibaca dan dipahami", "Read and understood"),
    "acknowledgements_carried": ("Tanda baca dibawa ke revisi baru", "Acknowledgements carried to the new revision"),
    "signature_failed": ("Tanda tangan gagal", "Signature failed"),
    "signature_refused_changed": ("Tanda tangan ditolak: isi berubah", "Signature refused: the content changed"),
    "integrity_mismatch": ("Ketidaksesuaian integritas", "Integrity mismatch"),
    "library_adopt": ("Pustaka diadopsi", "Library adopted"),
    "library_export": ("Pustaka diekspor", "Library exported"),
    "library_import": ("Pustaka diimpor", "Library imported"),
    "library_import_zip": ("Pustaka diimpor dari .zip", "Library imported from a .zip"),
    "library_restore": ("Rekaman dipulihkan", "Record restored"),
    "audit_anchor": ("Jangkar jejak audit ditandatangani", "Audit trail anchor signed"),
    "user_create": ("Pengguna dibuat", "Person created"),
    "user_update": ("Data pengguna diubah", "Person changed"),
    "user_activate": ("Pengguna diaktifkan kembali", "Person reactivated"),
    "user_deactivate": ("Pengguna dinonaktifkan", "Person deactivated"),
    "users_import": ("Pengguna diimpor dari CSV", "People imported from CSV"),
    "revision_cancelled": ("Status: dibatalkan", "Status: cancelled"),
    "revision_withdraw_submission": ("Pengajuan ditarik kembali oleh penyusun", "Submission withdrawn by the author"),
    "revision_send_back": ("Dikembalikan ke penyusun oleh pengesah", "Sent back to the author by the approver"),
    "revision_discard": ("Draf dibuang", "Draft discarded"),
    "revision_cancel": ("Pengesahan dibatalkan sebelum berlaku", "Approval cancelled before taking effect"),
    "revision_withdraw_procedure": ("Prosedur dicabut", "Procedure withdrawn"),
    "directory_sync": ("Data dan peran diselaraskan dari direktori", "Profile and roles synchronised from the directory"),
    "revision_withdrawn_notified": ("Pencabutan diberitahukan kepada pembaca", "Readers told of the withdrawal"),
    "reminders_sent": ("Pengingat dikirim kepada pembaca dan peninjau", "Reminders sent to readers and reviewers"),
    "sop_upload": ("Berkas SOP diunggah untuk diimpor", "SOP files uploaded for import"),
    "sop_import": ("Draf dibuat dari berkas SOP yang diunggah", "Draft made from an uploaded SOP file"),
}



# -- signed SOP files brought in as drafts (sopimport) -------------------------------------------------
LABELS.update(
    {
        "sop_import_title": ("Impor SOP (PDF/Word)", "Import SOPs (PDF/Word)"),
        "sop_import_hint": ("SOP bertanda tangan dalam PDF atau Word menjadi draf untuk diperiksa.",
                            "Signed SOPs as PDF or Word become drafts to check."),
        "sop_import_explain": (
            "Unggah satu atau banyak SOP bertanda tangan (PDF; Word .docx; atau satu .zip berisi "
            "berkas-berkas itu). Tiap berkas yang terbaca menjadi draf: prosedur baru bila nomornya belum ada, "
            "atau revisi baru dari prosedur bernomor sama. Revisi yang berlaku atau sedang ditinjau tidak "
            "pernah ditimpa. Draf dibuka di penyunting di samping gambar halaman aslinya.",
            "Upload one or many signed SOPs (PDF; Word .docx; or one .zip holding such files). Each "
            "file that can be read becomes a draft: a new procedure when its number is unknown, or a new "
            "revision of the procedure with that number. A revision in force or under review is never "
            "overwritten. The draft opens in the editor beside the page images of its original."),
        "sop_import_limits": ("Batas: {max_file} dan {max_pages} halaman per berkas; {max_total} dan {max_files} "
                              "berkas per unggahan.", "Limits: {max_file} and {max_pages} pages per file; "
                              "{max_total} and {max_files} files per upload."),
        "sop_files": ("Berkas SOP", "SOP files"),
        "sop_fallback_unit": ("Unit pemilik bila unit yang tercetak di SOP tidak ada di pustaka",
                              "Owner unit when the unit printed on the SOP is not in the library"),
        "sop_fallback_unit_mine": ("unit saya", "my unit"),
        "sop_import_button": ("Unggah dan impor", "Upload and import"),
        "sop_upload_refused": ("Unggahan ditolak; tidak ada yang disimpan.", "Upload refused; nothing was saved."),
        "sop_batches": ("Unggahan terakhir", "Recent uploads"),
        "sop_batch_n": ("Impor SOP #{n}", "SOP import #{n}"),
        "sop_files_short": ("berkas", "files"),
        "sop_running": ("berjalan", "running"),
        "sop_progress": ("{done} dari {total} berkas selesai", "{done} of {total} files done"),
        "sop_progress_read": ("{read} terbaca", "{read} read"),
        "sop_finished": ("hasil: {ok} baik, {warnings} dengan catatan, {failed} gagal",
                         "outcome: {ok} ok, {warnings} with notes, {failed} failed"),
        "sop_page_zoom": ("buka gambar halaman dalam ukuran penuh", "open the page image at full size"),
        "sop_waiting_worker": ("Impor ini masih menunggu giliran. Bila lama tidak bergerak, periksa bahwa pekerja antrean "
                               "(manage.py db_worker) berjalan.", "This import is still waiting its turn. If it does "
                               "not move for long, check that the queue worker (manage.py db_worker) is running."),
        "sop_file": ("Berkas", "File"),
        "sop_result": ("Hasil", "Result"),
        "sop_status_queued": ("menunggu", "waiting"),
        "sop_status_ok": ("baik", "ok"),
        "sop_status_warnings": ("baik, {n} catatan", "ok, {n} notes"),
        "sop_status_failed": ("gagal", "failed"),
        "sop_new_procedure": ("prosedur baru", "new procedure"),
        "sop_new_revision": ("revisi baru", "new revision"),
        "sop_report_lines": ("Laporan impor: {n} butir untuk diperiksa", "Import report: {n} items to check"),
        "sop_report_clean": ("Laporan impor: semua terbaca.", "Import report: everything was read."),
        "sop_original": ("Berkas asli", "The original"),
        "sop_download_original": ("unduh berkas asli", "download the original"),
        "sop_made_from": ("Revisi ini dibuat dari berkas SOP yang diunggah: {name} —", "This revision was made from an uploaded SOP file: {name} —"),
        "sop_page_n": ("Halaman {n} berkas asli", "Page {n} of the original"),
        "sop_no_page_image": ("Tidak ada gambar halaman untuk berkas ini.", "No page image for this file."),
        "sop_img_timeout": ("Gambar halaman tidak dibuat: tata letak berkas Word dihentikan setelah {seconds} detik. "
                            "Unduh berkas asli untuk memeriksanya.",
                            "No page images: laying out the Word file was stopped after {seconds} s. "
                            "Download the original to check it."),
        "sop_img_failed": ("Gambar halaman tidak dibuat: berkas Word tidak dapat ditata letak ({error}). "
                           "Unduh berkas asli untuk memeriksanya.",
                           "No page images: the Word file could not be laid out ({error}). "
                           "Download the original to check it."),
        "sop_err_no_file": ("Tidak ada berkas yang dipilih.", "No file was chosen."),
        "sop_err_total": ("Berkas-berkas ini bersama lebih besar dari {limit}.",
                          "These files together are larger than {limit}."),
        "sop_err_count": ("{count} berkas dalam satu unggahan; batasnya {limit}.",
                          "{count} files in one upload; the limit is {limit}."),
        "sop_err_type": ("bukan PDF, Word (.docx) atau .zip berisi berkas itu (dikenali dari isinya, bukan namanya)",
                         "not a PDF, a Word file (.docx) or a .zip of such files (judged by its content, not its "
                         "name)"),
        "sop_err_docx_later": ("berkas Word belum dapat dibaca; simpan sebagai PDF lalu unggah lagi",
                               "Word files cannot be read yet; save it as PDF and upload again"),
        "sop_err_zip_empty": ("arsip .zip ini tidak berisi berkas PDF atau Word",
                              "this .zip holds no PDF or Word file"),
        "sop_err_draft_exists": ("SOP {number} sudah punya revisi {revision} berstatus {status}: tidak ditimpa. "
                                 "Selesaikan atau buang revisi itu dahulu, lalu impor lagi.",
                                 "SOP {number} already has revision {revision}, {status}: not overwritten. Finish "
                                 "or discard that revision first, then import again."),
        "sop_err_source": ("hasil bacaan tidak menjadi sumber yang sah: {error}",
                           "what was read does not make a valid source: {error}"),
        "sop_err_internal": ("kesalahan saat menyimpan ({error}); tidak ada yang disimpan untuk berkas ini",
                             "an error while storing ({error}); nothing was stored for this file"),
        "sop_note_no_unit": ("unit '{unit}' tidak ada di pustaka: unit pemilik diisi {fallback}; periksa",
                             "unit '{unit}' is not in the library: the owner unit is set to {fallback}; check it"),
    }
)

def audit_action_label(action: str, lang: str | None = None) -> str:
    """An audit action in words; an action without words yet shows its code with underscores as spaces."""
    lang = (lang or translation.get_language() or "id")[:2]
    pair = AUDIT_ACTIONS.get(action)
    if pair is None:
        return action.replace("_", " ")
    return pair[1] if lang == "en" else pair[0]
