"""Bilingual texts of the audit checks and commands (`verify_audit`, `anchor_audit`).

The commands take `--lang` rather than the request's language, so their messages live here, keyed
like `prosedur.i18n` (Indonesian first, English second), not in the web app's label table.
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, tuple[str, str]] = {
    # chain
    "chain_ok": ("rantai audit utuh: {n} entri", "audit chain OK: {n} entries"),
    "chain_broken": ("rantai audit rusak pada entri {seq}: {reason}", "audit chain broken at entry {seq}: {reason}"),
    "head_row": (
        "baris kepala rantai mencatat entri {head}, padahal entri terakhir {last}",
        "the chain's head row records entry {head} but the last entry is {last}",
    ),
    "count_gap": (
        "ada {n} entri sampai nomor {seq}; seharusnya {seq}: ada entri yang dihapus",
        "{n} entries up to number {seq}; there should be {seq}: entries were removed",
    ),
    "checkpoint_changed": (
        "entri {seq} tidak lagi sama dengan yang sudah diverifikasi (titik periksa)",
        "entry {seq} is no longer the one verified before (checkpoint)",
    ),
    # signed revisions
    "rev_ok": ("{n} revisi yang disahkan cocok dengan tanda tangannya", "{n} signed revisions match their signatures"),
    "rev_problem": ("{number} Rev. {rev}: {what}", "{number} Rev. {rev}: {what}"),
    "rev_content": (
        "isi sumber yang tersimpan tidak sama dengan isi yang ditandatangani",
        "the stored source is not the content that was signed",
    ),
    "rev_revision_hash": (
        "sidik isi yang tercatat pada revisi tidak sama dengan sidik pada tanda tangan",
        "the content hash recorded on the revision differs from the signature's",
    ),
    "rev_record": (
        "catatan pengendalian (nama penanda tangan, tanggal) tidak cocok dengan sidiknya",
        "the control record (signers' names, dates) does not match its digest",
    ),
    "rev_dates": (
        "tanggal terbit, efektif atau tinjauan pada revisi tidak sama dengan yang ditandatangani",
        "the issue, effective or review date on the revision differs from what was signed",
    ),
    "rev_other": ("pemeriksaan integritas gagal ({code})", "integrity check failed ({code})"),
    # anchors
    "anchor_ok": (
        "jangkar terbaru {file}: entri {seq}, hash {hash}…, {revisions} revisi disahkan, tanda tangan sah",
        "newest anchor {file}: entry {seq}, hash {hash}…, {revisions} signed revisions, signature valid",
    ),
    "anchor_none": (
        "PERINGATAN: belum ada jangkar di {dir}; jejak yang dipotong tidak dapat dikenali (jalankan anchor_audit tiap hari)",
        "WARNING: no anchor in {dir} yet; a cut-off trail cannot be recognised (run anchor_audit daily)",
    ),
    "anchor_old": (
        "PERINGATAN: jangkar terbaru berumur {days} hari; apakah anchor_audit harian berjalan?",
        "WARNING: the newest anchor is {days} days old; is the daily anchor_audit running?",
    ),
    "anchor_unreadable": ("jangkar {file} tidak dapat dibaca: {detail}", "anchor {file} cannot be read: {detail}"),
    "anchor_bad_signature": (
        "jangkar {file}: tanda tangan tidak sah (berkas dipalsukan atau diubah)",
        "anchor {file}: signature not valid (the file was forged or altered)",
    ),
    "anchor_untrusted": (
        "jangkar {file}: ditandatangani sertifikat yang bukan milik organisasi (SHA-256 {fingerprint})",
        "anchor {file}: signed by a certificate that is not the organisation's (SHA-256 {fingerprint})",
    ),
    "anchor_name": (
        "jangkar {file}: nama berkas tidak sesuai tanggal di dalamnya ({day})",
        "anchor {file}: the file name does not match the date inside ({day})",
    ),
    "anchor_no_key": (
        "ada {n} berkas jangkar tetapi sertifikat penandatangan belum dikonfigurasi, jadi tidak dapat diperiksa: {detail}",
        "there are {n} anchor files but no signing certificate is configured to check them: {detail}",
    ),
    "anchor_truncated": (
        "jangkar {file} mencatat entri {seq}, tetapi jejak audit berakhir di entri {last}: entri terbaru telah dipotong",
        "anchor {file} records entry {seq} but the audit trail ends at entry {last}: the newest entries were cut off",
    ),
    "anchor_head": (
        "jangkar {file}: hash entri {seq} tidak sama dengan yang dicatat jangkar (jejak ditulis ulang)",
        "anchor {file}: the hash of entry {seq} differs from the anchor's (the trail was rewritten)",
    ),
    "anchor_signatures": (
        "jangkar {file}: tanda tangan pengesahan sampai {until} tidak sama dengan yang dicatat "
        "({now} revisi sekarang, {then} menurut jangkar): ada tanda tangan yang diubah, dihapus atau disisipkan",
        "anchor {file}: the approval signatures up to {until} differ from those recorded "
        "({now} revisions now, {then} by the anchor): a signature was altered, removed or inserted",
    ),
    "anchor_missing": (
        "berkas jangkar {file} yang dicatat di entri {seq} tidak ada lagi atau telah diubah",
        "anchor file {file} recorded in entry {seq} is missing or was altered",
    ),
    # anchor_audit
    "anchor_written": ("jangkar ditulis: {path} (entri {seq}, hash {hash}…)", "anchor written: {path} (entry {seq}, hash {hash}…)"),
    "anchor_exists": (
        "jangkar hari ini sudah ada ({path}); berkas jangkar tidak pernah ditimpa",
        "today's anchor already exists ({path}); anchor files are never overwritten",
    ),
    "anchor_refused": (
        "jangkar tidak ditulis karena pemeriksaan menemukan masalah; jangkar hanya mengesahkan jejak yang utuh",
        "no anchor written because the check found problems; an anchor only certifies an intact trail",
    ),
    "anchor_dir_error": ("folder jangkar {dir} tidak dapat ditulisi: {detail}", "anchor folder {dir} cannot be written: {detail}"),
    # signing key
    "key_not_configured": (
        "PROSEDUR_SIGNING_P12 belum diatur (berkas PKCS#12 sertifikat penandatangan organisasi; untuk demo: "
        "manage.py seed_demo menulis sertifikat demo)",
        "PROSEDUR_SIGNING_P12 is not set (the PKCS#12 file of the organisation's signing certificate; for the demo, "
        "manage.py seed_demo writes a demo certificate)",
    ),
    "key_missing": ("berkas sertifikat {file} tidak ditemukan", "certificate file {file} not found"),
    "key_unreadable": (
        "berkas sertifikat {file} tidak dapat dibaca (bukan PKCS#12, atau kata sandi salah)",
        "certificate file {file} cannot be read (not PKCS#12, or wrong passphrase)",
    ),
    "key_incomplete": ("berkas {file} tidak berisi kunci privat dan sertifikatnya", "file {file} holds no private key and certificate"),
    "key_unsupported": ("jenis kunci di berkas {file} tidak didukung (hanya RSA atau EC)", "the key in file {file} is not supported (RSA or EC only)"),
    "key_mismatch": ("kunci privat di berkas {file} bukan pasangan sertifikatnya", "the private key in file {file} does not belong to its certificate"),
    "key_expired": (
        "sertifikat di berkas {file} tidak berlaku pada {date}",
        "the certificate in file {file} is not valid on {date}",
    ),
    # summary
    "all_ok": ("SEMUA PEMERIKSAAN LULUS", "ALL CHECKS PASSED"),
    "problems": ("MASALAH DITEMUKAN ({n}):", "PROBLEMS FOUND ({n}):"),
}


def text(key: str, lang: str = "id", /, **params: Any) -> str:
    """`key` in `lang` (Indonesian unless "en"), with `params` filled in; unknown keys come back as themselves."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    return (pair[1] if lang == "en" else pair[0]).format(**params)
