"""Bilingual message catalogue for the core (Bahasa Indonesia first, English second).

The core speaks to people through the CLI and the web app; both pass `lang`. A plain dictionary is
enough here: the core has a few dozen messages and no plural forms, and the web layer keeps using
Django's gettext for its own pages.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

LANGS = ("id", "en")

# key -> (Indonesian, English). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # loader
    "file_missing": ("berkas tidak ditemukan", "file not found"),
    "file_too_big": ("berkas terlalu besar ({size} bita; batas {limit} bita)", "file too large ({size} bytes; limit {limit} bytes)"),
    "not_text": ("bukan berkas teks UTF-8 ({detail})", "not a UTF-8 text file ({detail})"),
    "yaml_syntax": ("sintaks YAML salah: {detail}", "YAML syntax error: {detail}"),
    "yaml_alias": ("anchor/alias YAML (&, *) tidak diizinkan; tulis nilainya langsung", "YAML anchors/aliases (&, *) are not allowed; write the value out"),
    "yaml_tag": ("tag YAML {tag} tidak diizinkan", "YAML tag {tag} is not allowed"),
    "yaml_depth": ("struktur terlalu dalam (lebih dari {limit} tingkat)", "nesting too deep (more than {limit} levels)"),
    "yaml_nodes": ("terlalu banyak elemen (lebih dari {limit})", "too many elements (more than {limit})"),
    "yaml_multi_doc": ("berkas berisi lebih dari satu dokumen YAML", "file holds more than one YAML document"),
    "yaml_empty": ("berkas kosong", "file is empty"),
    "yaml_not_mapping": ("isi berkas harus berupa pemetaan (kunci: nilai)", "the file must hold a mapping (key: value)"),
    "yaml_complex_key": ("kunci harus berupa teks", "keys must be text"),
    "duplicate_key": ("kunci '{key}' ditulis dua kali (pertama di baris {first})", "key '{key}' appears twice (first on line {first})"),
    "library_missing": ("folder ini bukan pustaka prosedur: {file} tidak ada", "this folder is not a procedure library: {file} is missing"),
    # validation (pydantic error types)
    "missing": ("wajib diisi", "is required"),
    "extra_forbidden": ("kunci tidak dikenal{hint}", "unknown key{hint}"),
    "did_you_mean": ("; maksudnya '{name}'?", "; did you mean '{name}'?"),
    "string_type": ("harus berupa teks", "must be text"),
    "string_too_short": ("tidak boleh kosong", "must not be empty"),
    "string_too_long": ("terlalu panjang (maksimal {max_length} karakter)", "too long (at most {max_length} characters)"),
    "string_pattern_mismatch": ("format tidak sah (pola {pattern})", "invalid format (pattern {pattern})"),
    "int_parsing": ("harus berupa bilangan bulat", "must be a whole number"),
    "int_type": ("harus berupa bilangan bulat", "must be a whole number"),
    "greater_than_equal": ("harus ≥ {ge}", "must be ≥ {ge}"),
    "less_than_equal": ("harus ≤ {le}", "must be ≤ {le}"),
    "bool_parsing": ("harus ya/tidak (true/false)", "must be true or false"),
    "bool_type": ("harus ya/tidak (true/false)", "must be true or false"),
    "date_from_datetime_parsing": ("harus tanggal dengan format YYYY-MM-DD", "must be a date written YYYY-MM-DD"),
    "date_parsing": ("harus tanggal dengan format YYYY-MM-DD", "must be a date written YYYY-MM-DD"),
    "date_type": ("harus tanggal dengan format YYYY-MM-DD", "must be a date written YYYY-MM-DD"),
    "enum": ("harus salah satu dari: {expected}", "must be one of: {expected}"),
    "list_type": ("harus berupa daftar (- butir)", "must be a list (- item)"),
    "dict_type": ("harus berupa pemetaan (kunci: nilai)", "must be a mapping (key: value)"),
    "model_type": ("harus berupa pemetaan (kunci: nilai)", "must be a mapping (key: value)"),
    "model_attributes_type": ("harus berupa pemetaan (kunci: nilai)", "must be a mapping (key: value)"),
    "invisible_chars": ("mengandung karakter tak terlihat (arah teks/lebar nol)", "contains invisible characters (bidi or zero-width)"),
    "value_error": ("nilai tidak sah: {detail}", "invalid value: {detail}"),
    "invalid": ("nilai tidak sah: {detail}", "invalid value: {detail}"),
    # generic
    "error": ("galat", "error"),
    "warning": ("peringatan", "warning"),
    "info": ("info", "info"),
}


def default_lang() -> str:
    """`PROSEDUR_LANG` if set to a known language, else Indonesian."""
    lang = os.environ.get("PROSEDUR_LANG", "id").lower()[:2]
    return lang if lang in LANGS else "id"


def t(msg_id: str, lang: str = "id", /, **params: Any) -> str:
    """Translate `msg_id` into `lang`, formatting `params`; unknown ids fall back to the id itself."""
    pair = MESSAGES.get(msg_id)
    if pair is None:
        return msg_id
    text = pair[1] if lang == "en" else pair[0]
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def pick(id_text: str, en_text: str | None, lang: str) -> str:
    """Choose the English variant of a bilingual pair when asked and present."""
    return en_text if lang == "en" and en_text else id_text


MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def short_date(value: dt.date | None) -> str:
    """23-11-2018, as the seed's document-control header prints it."""
    return value.strftime("%d-%m-%Y") if value else "-"


def long_date(value: dt.date | None, lang: str = "id") -> str:
    """23 November 2018 — for signatures and the SOP identity sheet."""
    if value is None:
        return "-"
    months = MONTHS_EN if lang == "en" else MONTHS_ID
    return f"{value.day} {months[value.month - 1]} {value.year}"
