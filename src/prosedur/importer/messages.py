"""The importer's messages, Indonesian first and English second (as the linter's)."""

from __future__ import annotations

from typing import Any

__all__ = ["MESSAGES", "render"]

MESSAGES: dict[str, tuple[str, str]] = {
    "not_pdf": ("berkas ini bukan PDF (isinya tidak diawali %PDF)", "this file is not a PDF (it does not start with %PDF)"),
    "unsupported": ("jenis berkas tidak didukung: {suffix} (hanya PDF atau DOCX)",
                    "unsupported file type: {suffix} (PDF or DOCX only)"),
    "not_sop_file": ("berkas ini bukan PDF maupun DOCX (dikenali dari isinya, bukan namanya)",
                     "this file is neither a PDF nor a DOCX (judged by its content, not its name)"),
    "docx_legacy": ("berkas Word lama (.doc) tidak didukung: simpan sebagai .docx dahulu",
                    "legacy Word files (.doc) are not supported: save as .docx first"),
    "docx_damaged": ("DOCX rusak atau terpotong, tidak dapat dibaca: {error}", "the DOCX is damaged or truncated: {error}"),
    "docx_bomb": ("DOCX ditolak: isinya terlalu besar setelah dibuka ({why})",
                  "DOCX refused: its content is too large once unpacked ({why})"),
    "docx_not_word": ("berkas ZIP ini bukan dokumen Word (tidak ada word/document.xml)",
                      "this ZIP file is not a Word document (no word/document.xml)"),
    "docx_macro": ("dokumen Word bermakro (.docm) ditolak: simpan sebagai .docx tanpa makro",
                   "a macro-enabled Word document (.docm) is refused: save it as .docx without macros"),
    "docx_not_sop": ("DOCX ini bukan SOP PermenPAN-RB: tidak ada 'Nomor SOP' maupun tabel kegiatan",
                     "this DOCX is not a PermenPAN-RB SOP: no 'Nomor SOP' and no activity table"),
    "docx_external": ("dokumen merujuk {n} sumber luar (tautan/gambar/templat); tidak diambil",
                      "the document refers to {n} external resources (links/images/templates); none was fetched"),
    "docx_shape_outside": ("simbol ({kind}) berada di luar lajur pelaksana atau baris kegiatan: tidak dibaca",
                           "a symbol ({kind}) stands outside the actor lanes or activity rows: not read"),
    "docx_marker_kind": ("tanda di lajur pelaksana {lane} tidak menyebut jenis simbol: dibaca sebagai proses",
                         "the mark in actor lane {lane} does not say the symbol's kind: read as a process"),
    "truncated": ("PDF rusak atau terpotong, tidak dapat dibaca: {error}", "the PDF is damaged or truncated: {error}"),
    "overran": ("pembacaan berkas melewati batas {seconds} detik: dihentikan, berkas lain tetap dibaca",
                "reading the file overran {seconds} s: stopped, the other files are still read"),
    "worker_died": ("proses pembaca berkas ini berhenti tiba-tiba (kehabisan memori?): berkas tidak dibaca",
                    "the process reading this file stopped abruptly (out of memory?): the file was not read"),
    "encrypted": ("PDF terenkripsi (dilindungi kata sandi); buka kuncinya dahulu",
                  "the PDF is encrypted (password protected); unlock it first"),
    "no_text": ("PDF tidak berisi teks (hasil pindai?): tidak ada yang dapat dibaca tanpa OCR",
                "the PDF holds no text (a scan?): nothing can be read without OCR"),
    "not_sop": ("PDF ini bukan SOP PermenPAN-RB: tidak ada 'Nomor SOP' maupun tabel kegiatan",
                "this PDF is not a PermenPAN-RB SOP: no 'Nomor SOP' and no activity table"),
    "too_many_pages": ("PDF terlalu panjang: {pages} halaman (batas {limit})",
                       "the PDF is too long: {pages} pages (limit {limit})"),
    "too_large": ("berkas terlalu besar: {size} MB (batas {limit} MB)", "the file is too large: {size} MB (limit {limit} MB)"),
    "identity_missing": ("lembar identitas: '{field}' tidak terbaca", "identity sheet: '{field}' could not be read"),
    "date_unread": ("lembar identitas: tanggal '{field}' tidak terbaca: \"{text}\"",
                    "identity sheet: the date '{field}' could not be read: \"{text}\""),
    "revision_date": ("Tanggal Revisi {date} dicatat sebagai riwayat revisi 1 (nomor revisi tidak tertulis di SOP)",
                      "Tanggal Revisi {date} is kept as history revision 1 (the SOP prints no revision number)"),
    "table_missing": ("tabel kegiatan tidak ditemukan (tidak ada judul Kegiatan/Aktivitas dan Pelaksana)",
                      "no activity table found (no Kegiatan/Aktivitas and Pelaksana heading)"),
    "table_image": ("tabel kegiatan hanya berupa gambar: perlu OCR, tidak dibaca",
                    "the activity table is only a picture: needs OCR, not read"),
    "table_ocr": ("tabel kegiatan dibaca dengan OCR dari gambar ({rows} baris): teks dan simbolnya perlu dicek "
                  "dengan aslinya; keputusan, dokumen dan panah tidak dibaca dari gambar",
                  "the activity table was read by OCR from a picture ({rows} rows): check its text and symbols "
                  "against the original; decisions, documents and arrows are not read from a picture"),
    "ocr_missing": ("tabel kegiatan hanya berupa gambar dan Tesseract (tesseract-ocr-ind) tidak terpasang: tidak dibaca",
                    "the activity table is only a picture and Tesseract (tesseract-ocr-ind) is not installed: not read"),
    "ocr_failed": ("OCR tabel kegiatan gagal ({error}): tidak dibaca", "OCR of the activity table failed ({error}): not read"),
    "ocr_more_pictures": ("{n} gambar tabel lain di SOP ini tidak dibaca (hanya yang terbesar)",
                          "{n} more table pictures in this SOP were not read (only the largest)"),
    "no_symbol": ("tidak ada simbol di kolom pelaksana mana pun: pelaksana tidak terbaca",
                  "no symbol in any actor column: the actor could not be read"),
    "shape_unknown": ("gambar di lajur '{lane}' tidak dikenali sebagai simbol", "the drawing in lane '{lane}' is not a known symbol"),
    "decision_no_target": ("panah dari keputusan tidak punya tujuan yang terbaca",
                           "the arrow from the decision has no readable target"),
    "decision_one_exit": ("keputusan hanya punya satu jalan keluar yang terbaca (ke baris {to})",
                          "the decision has only one readable way out (to row {to})"),
    "decision_inner": ("keputusan bukan simbol terakhir baris ini: jalan keluarnya ke baris {to} tidak dapat "
                       "ditulis (exits berlaku untuk bagian terakhir); periksa alurnya",
                       "the decision is not the row's last symbol: its way out to row {to} cannot be written "
                       "(exits apply to the last part); check the flow"),
    "mutu_heading": ("kolom Mutu Baku '{heading}' disimpan di '{field}'", "Mutu Baku column '{heading}' is kept in '{field}'"),
    "number_unread": ("nomor baris tidak terbaca; diberi nomor {n}", "the row number could not be read; numbered {n}"),
    "text_missing": ("teks Kegiatan kosong", "the Kegiatan text is empty"),
    "library_columns": ("kolom Mutu Baku SOP ini ({have}) berbeda dengan berkas lain ({other}): sop.quality_columns "
                        "pustaka tidak diisi; pilih salah satu",
                        "this SOP's Mutu Baku columns ({have}) differ from other files' ({other}): the library's "
                        "sop.quality_columns is left unset; choose one"),
    "library_columns_existing": ("kolom Mutu Baku SOP ini ({have}) berbeda dengan sop.quality_columns pustaka ({other})",
                                 "this SOP's Mutu Baku columns ({have}) differ from the library's sop.quality_columns "
                                 "({other})"),
    "library_paper": ("kertas SOP ini ({have}) berbeda dengan berkas lain ({other}): paper pustaka tidak diisi",
                      "this SOP's paper ({have}) differs from other files' ({other}): the library's paper is left unset"),
    "continued": ("baris berlanjut dari halaman sebelumnya, digabung dengan baris {n}",
                  "row continued from the previous page, joined with row {n}"),
}


def render(msg_id: str, params: dict[str, Any], lang: str = "id") -> str:
    id_text, en_text = MESSAGES[msg_id]
    return (en_text if lang == "en" else id_text).format(**params)
