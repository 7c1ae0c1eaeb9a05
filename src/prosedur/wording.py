"""What kind of phrase an Indonesian activity text is: a verb phrase, a noun phrase, or a clause.

Signed SOPs name activities both ways: "Memeriksa laporan" (verb first, the actor is the column) and
"Pemeriksaan kerusakan", "Evaluasi laporan", "Laporan pekerjaan selesai" (a noun phrase); some write a
whole clause with its own subject ("Sekretaris memeriksa kelengkapan surat"). The narrative phrases each
so that it reads ("**Teknisi** memeriksa …", "Pemeriksaan kerusakan oleh **Teknisi**.") and lint P401
accepts noun phrases; both ask this module, the one home of the rule. A heuristic on word forms:

- a verb starts with me-/mem-/men-/meng-/meny-/memper-, ber-, di-, ter- (a handful of nouns look like
  that: memo, menu, berkas, disposisi, …);
- a noun phrase starts with a nominalisation: pe-/per-/peng-/pem-/pen-/peny-/ke- … -an (pengajuan,
  perbaikan, kegiatan), another -an noun (laporan, catatan), a Latin -asi noun (evaluasi, alokasi,
  sosialisasi), or one of a short list of nouns used as activity names (tes, proses, rapat, survei);
- a clause: the first word is no verb nor nominalisation, and an active verb follows within five words
  ("Bagian umum mengirim …", "Sekretaris memeriksa …").
"""

from __future__ import annotations

import re

__all__ = ["ActivityForm", "activity_form", "is_noun_phrase", "is_verb"]

ActivityForm = str  # "verb" | "noun" | "clause" | "other"

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F-]+")
_VERB_PREFIXES = ("me", "ber", "di", "ter")
_NOMINAL_PREFIXES = ("pe", "ke")
# words of verb shape that are nouns (or prepositions) in activity texts
_NOT_VERBS = frozenset([
    "memo", "menu", "mesin", "media", "metode", "merek", "menit", "menteri", "berkas", "berita", "beranda",
    "berikut", "bersama", "disposisi", "diskusi", "distribusi", "dinas", "digitalisasi", "diagnosis",
    "direktori", "diseminasi", "dokumen", "terminal", "teknisi", "template", "tes",
])
# per-/pe- verbs ending in -kan/-an that are not nominalisations
_PE_VERBS = frozenset([
    "perhatikan", "pertimbangkan", "perlihatkan", "persiapkan", "pertahankan", "persilakan", "perkenalkan",
    "perjelas", "periksakan", "pastikan",
])
_NOUNS = frozenset([
    "tes", "test", "uji", "proses", "rapat", "survei", "sensus", "monitoring", "approval", "input", "entri",
    "review", "briefing", "disposisi", "diskusi", "distribusi", "diseminasi", "rekap", "tabulasi", "analisis",
    "upload", "backup", "setting", "instalasi", "kompilasi", "laporan",
])


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def is_verb(word: str) -> bool:
    """`word` (lower case) has the shape of an Indonesian verb: me-/ber-/di-/ter- prefixed."""
    return len(word) > 4 and word.startswith(_VERB_PREFIXES) and word not in _NOT_VERBS


def _is_nominalisation(word: str) -> bool:
    """pe-/ke-…-an, a Latin -asi noun, or a listed activity noun: names an action, never a subject."""
    if word in _NOUNS:
        return True
    if word in _PE_VERBS or is_verb(word) or len(word) <= 4:
        return False
    if word.startswith(_NOMINAL_PREFIXES) and word.endswith("an"):
        return not (word.startswith("ke") and word.endswith("kan"))  # kembalikan, kerjakan: verbs
    return word.endswith("asi")  # evaluasi, alokasi, sosialisasi, verifikasi


def _is_an_noun(word: str) -> bool:
    """Another -an noun (laporan, catatan; but also bagian, pimpinan: a subject when a verb follows)."""
    return len(word) > 4 and word.endswith("an") and not word.endswith("kan") and not is_verb(word)


def activity_form(text: str) -> ActivityForm:
    """"verb", "noun" (a noun phrase), "clause" (a subject, then a verb within five words) or "other"."""
    words = _words(text)
    if not words:
        return "other"
    first = words[0]
    if is_verb(first):
        return "verb"
    if _is_nominalisation(first):
        return "noun"
    if any(is_verb(w) and not w.startswith("di") for w in words[1:6]):  # a subject, then an active verb
        return "clause"
    if _is_an_noun(first):
        return "noun"
    return "other"


def is_noun_phrase(text: str) -> bool:
    """True when the activity is named by a noun phrase ("Pengajuan tiket", "Evaluasi laporan")."""
    return activity_form(text) == "noun"
