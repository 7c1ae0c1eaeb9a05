"""P4xx: writing style the PermenPAN-RB 35/2012 SOP format asks for.

The action heuristic (P401) looks only at the first word of `do`, lower-cased:
1. a subject — a modal ("akan", "dapat", "harus"), a person or unit word ("Staf", "Kepala", "Pegawai",
   "Bidang", "Tim", ...), or the first word of a role name or id used in this procedure — is reported;
2. a passive verb — `di` + root, e.g. "dikirim", "diperiksa" — is reported (the SOP table wants the
   active voice);
3. an active verb passes: prefixes me-/mem-/men-/meng-/meny-/ber-/memper-, or an imperative ending in
   -kan, or one of a short allow-list of roots used as imperatives in SOPs ("Cek", "Isi", "Unggah",
   "Periksa", "Terima", ...);
4. a noun phrase ("Pengajuan tiket", "Evaluasi laporan": `wording.is_noun_phrase`) passes: signed SOPs
   name activities so, and the narrative phrases them ("Pengajuan tiket oleh **Pegawai**.");
5. anything else is reported as "not a recognised verb".
Words that look like a prefix but are nouns ("berkas", "meja", "menu", "mesin") are treated as nouns.
English-language procedures are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...model import StepKind
from ...wording import is_noun_phrase
from ..core import Finding, ProcContext, Severity, rule

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F-]+")

SUBJECT_WORDS = frozenset(
    [
        "akan",
        "dapat",
        "bisa",
        "harus",
        "wajib",
        "perlu",
        "sudah",
        "telah",
        "sedang",
        "boleh",
        "staf",
        "staff",
        "kepala",
        "pegawai",
        "bidang",
        "tim",
        "petugas",
        "pejabat",
        "unit",
        "bagian",
        "seksi",
        "subbagian",
        "subbag",
        "sekretaris",
        "pemohon",
        "pengguna",
        "pengelola",
        "admin",
        "administrator",
        "operator",
        "manajer",
        "koordinator",
        "direktur",
        "ketua",
        "anggota",
        "pimpinan",
        "atasan",
        "auditor",
        "auditee",
        "pelapor",
        "penyedia",
        "vendor",
        "teknisi",
        "helpdesk",
        "analis",
        "pemilik",
        "pengembang",
        "saya",
        "kami",
        "kita",
        "ia",
        "dia",
        "mereka",
        "beliau",
    ]
)

# Roots written as imperatives in Indonesian SOPs (no me- prefix) and loan verbs common in IT units.
ALLOWED_VERBS = frozenset(
    [
        "cek",
        "isi",
        "unggah",
        "unduh",
        "kirim",
        "terima",
        "catat",
        "periksa",
        "simpan",
        "buat",
        "tulis",
        "baca",
        "cetak",
        "pasang",
        "ajukan",
        "hapus",
        "ubah",
        "ganti",
        "perbarui",
        "pantau",
        "ukur",
        "uji",
        "tinjau",
        "susun",
        "siapkan",
        "bahas",
        "tetapkan",
        "setujui",
        "tolak",
        "tanda",
        "tandatangani",
        "lakukan",
        "laporkan",
        "serahkan",
        "arsipkan",
        "verifikasi",
        "validasi",
        "evaluasi",
        "identifikasi",
        "analisis",
        "klasifikasi",
        "tindaklanjuti",
        "tindak",
        "jalankan",
        "instal",
        "install",
        "pindai",
        "rekap",
        "eskalasi",
        "login",
        "logout",
        "backup",
        "restore",
        "update",
        "upload",
        "download",
        "input",
        "scan",
        "konfigurasi",
        "dokumentasikan",
        "diskusikan",
        "distribusikan",
        "koordinasikan",
        "konfirmasi",
        "mulai",
        "selesai",
        "tutup",
        "buka",
        "aktifkan",
        "nonaktifkan",
    ]
)

NOUNS_LIKE_VERBS = frozenset(
    [
        "berkas",
        "berita",
        "beranda",
        "meja",
        "menu",
        "mesin",
        "media",
        "memo",
        "metode",
        "merek",
        "berikut",
        "bersama",
        "menteri",
        "menit",
    ]
)

_ACTIVE_PREFIXES = ("me", "ber", "memper")
_PASSIVE_ALLOWED = frozenset({"diskusikan", "distribusikan", "digitalkan", "digitalisasi", "diagnosis"})


def classify_action(text: str, subjects: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(problem, word) for an action text that breaks the style, or None when it reads as an active verb.

    `problem` is one of "subject", "passive", "no_verb". `subjects` adds words that are subjects in this
    context (the first words of role names and ids).
    """
    match = _WORD.search(text)
    if match is None:
        return None
    original = match.group(0)
    word = original.lower()
    if word in SUBJECT_WORDS or word in subjects:
        return ("subject", original)
    if word in ALLOWED_VERBS:
        return None
    if word in NOUNS_LIKE_VERBS:
        return ("no_verb", original)
    if word.startswith("di") and len(word) > 4 and word not in _PASSIVE_ALLOWED:
        return ("passive", original)
    if word.startswith(_ACTIVE_PREFIXES) and len(word) > 4:
        return None
    if len(word) > 4 and word.endswith("kan"):
        return None
    return ("no_verb", original)


def _role_subjects(ctx: ProcContext) -> frozenset[str]:
    words: set[str] = set()
    roles = ctx.lib.info.roles
    for role in ctx.proc.roles:
        words.add(role.id.lower().split("_")[0])
        name = role.name or (roles[role.id].name if role.id in roles else "")
        first = _WORD.search(name)
        if first:
            words.add(first.group(0).lower())
    return frozenset(w for w in words if w not in ALLOWED_VERBS and not w.startswith(_ACTIVE_PREFIXES))


@rule(
    "P401",
    "action-starts-with-verb",
    Severity.WARNING,
    # signed SOPs often name the activity with a noun ("Pengajuan tiket", "Identifikasi kebutuhan"): a
    # transcribed SOP keeps the signed wording, so under permenpan this is only noted
    profiles={"permenpan": Severity.INFO},
    explain_id="Uraian kegiatan (do) diawali kata kerja aktif tanpa subjek, karena pelaksana sudah ditulis di "
    "kolom pelaksana: 'Memeriksa kelengkapan berkas', bukan 'Staf memeriksa …' atau 'Berkas diperiksa'. "
    "Heuristik: kata pertama berawalan me-/mem-/men-/meng-/meny-/ber-, berakhiran -kan, atau termasuk daftar "
    "kata kerja dasar (Cek, Isi, Unggah, Periksa, Terima, …) lolos; kata modal (akan, dapat, harus), kata "
    "orang/unit (Staf, Kepala, Pegawai, Bidang, Tim) atau nama peran dianggap subjek; di- + kata dasar "
    "dianggap pasif. Prosedur berbahasa Inggris dilewati.",
    explain_en="The action text (do) starts with an active verb and has no subject, since the actor is "
    "already in its own column: 'Memeriksa kelengkapan berkas', not 'Staf memeriksa …' or 'Berkas "
    "diperiksa'. Heuristic: a first word with the prefix me-/mem-/men-/meng-/meny-/ber-, the suffix -kan, or "
    "on a short list of root verbs (Cek, Isi, Unggah, Periksa, Terima, …) passes; modals (akan, dapat, "
    "harus), person/unit words (Staf, Kepala, Pegawai, Bidang, Tim) or a role name count as a subject; di- "
    "+ root counts as passive. English-language procedures are skipped.",
)
def check_action_starts_with_verb(ctx: ProcContext) -> Iterator[Finding]:
    if ctx.proc.language != "id":
        return
    subjects = _role_subjects(ctx)
    for i, step in enumerate(ctx.proc.steps):
        if step.kind == StepKind.CONNECTOR or not step.do:
            continue
        if is_noun_phrase(step.do):  # "Pengajuan tiket", "Evaluasi laporan": normal in SOPs; the narrative
            continue                 # phrases it ("Pengajuan tiket oleh **Pegawai**.")
        verdict = classify_action(step.do, subjects)
        if verdict is not None:
            problem, word = verdict
            yield ctx.finding("P401", ("steps", i, "do"), f"action_{problem}", step=step.id, word=word)


@rule(
    "P402",
    "step-quality-standard",
    Severity.INFO,
    explain_id="Setiap langkah proses menyebut mutu baku: waktu (time) dan output, sebagaimana kolom tabel "
    "SOP PermenPAN-RB 35/2012.",
    explain_en="Every process step states its quality standard: time and output, as the columns of the "
    "PermenPAN-RB 35/2012 SOP table ask.",
)
def check_step_quality_standard(ctx: ProcContext) -> Iterator[Finding]:
    for i, step in enumerate(ctx.proc.steps):
        if step.kind == StepKind.CONNECTOR:
            continue
        if not step.time:
            yield ctx.finding("P402", ("steps", i), "mutu_baku_missing", step=step.id, what="what_time")
        if not step.output:
            yield ctx.finding("P402", ("steps", i), "mutu_baku_missing", step=step.id, what="what_output")


# -- P403: a flow list split at a comma inside a sentence -------------------------------------------------
# `requirements: [Surat permohonan, yang ditandatangani atasan]` is two items to YAML, one phrase to its
# author. Lower-case items after an unpunctuated one are common and legitimate in lists of nouns
# (`[tiket, memo]`), so that alone is never reported: the item must also open with a word that continues a
# sentence (a conjunction, relative pronoun or preposition), or the previous item must end on one.
# Only plain (unquoted) items of flow lists are looked at; a quoted item or a block list is the author's
# explicit choice, and sources without `[` are not parsed again.
_CONTINUES = frozenset(
    ["dan", "atau", "serta", "yang", "maupun", "tetapi", "namun", "sehingga", "dengan", "untuk", "agar", "supaya", "karena", "bila", "jika", "apabila", "kalau", "kemudian", "lalu", "termasuk", "misalnya", "yaitu", "yakni", "beserta", "sedangkan", "hingga", "sampai", "oleh", "melalui", "terutama", "khususnya", "and", "or", "but", "which", "that", "who", "including", "such", "so", "then", "with", "whose", "nor"]
)
_DANGLES = frozenset(
    ["dan", "atau", "serta", "yang", "maupun", "dengan", "untuk", "agar", "di", "ke", "dari", "pada", "oleh", "bagi", "tentang", "terhadap", "kepada", "dalam", "antara", "sebagai", "seperti", "melalui", "the", "a", "an", "of", "and", "or", "to", "for", "in", "on", "at", "by", "with", "from", "into"]
)
_FINAL = tuple(".;:!?)]»\"'")
# Cheap filters on the text before any parse: a one-line flow list with a connecting word right after a
# comma or a dangling word right before one, or a flow list left open at the end of its line.
_FLOW_LINE = re.compile(r"\[[^\]\n]*,[^\]\n]*")
_OPEN_FLOW = re.compile(r"[:-][ \t]*\[[^\]\n]*$", re.MULTILINE)


def _flow_list_items(text: str) -> Iterator[tuple[tuple[str | int, ...], list[tuple[int, str, bool]]]]:
    """(path of the list, [(index, text, plain)]) for every flow-style list of plain scalars in `text`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    # frames: [is_mapping, path, pending key or next index, items of a flow list or None]
    stack: list[list[Any]] = []
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frame = stack.pop()
                if frame[3] is not None and len(frame[3]) > 1:
                    yield frame[1], frame[3]
                _advance(stack)
                continue
            if not isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                continue
            if stack and stack[-1][0] and stack[-1][2] is None:  # a mapping key
                stack[-1][2] = event.value if isinstance(event, yaml.ScalarEvent) else "?"
                continue
            here: tuple[str | int, ...] = (*stack[-1][1], stack[-1][2]) if stack else ()
            if isinstance(event, yaml.ScalarEvent):
                if stack and stack[-1][3] is not None:
                    stack[-1][3].append((stack[-1][2], event.value, not event.style))
                _advance(stack)
            elif stack and stack[-1][3] is not None:  # a flow list holding containers: not a list of phrases
                stack[-1][3] = None
                stack.append([isinstance(event, yaml.MappingStartEvent), here, None if isinstance(
                    event, yaml.MappingStartEvent) else 0, None])
            elif isinstance(event, yaml.MappingStartEvent):
                stack.append([True, here, None, None])
            else:
                stack.append([False, here, 0, [] if event.flow_style else None])
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def _advance(stack: list[list[Any]]) -> None:
    if not stack:
        return
    if stack[-1][0]:
        stack[-1][2] = None
    else:
        stack[-1][2] += 1


def _suspect(text: str) -> bool:
    for match in _FLOW_LINE.finditer(text):
        parts = match.group().split(",")
        for before, after in zip(parts, parts[1:], strict=False):
            head, tail = after.split(None, 1), before.rsplit(None, 1)
            if (head and head[0].lower() in _CONTINUES) or (tail and tail[-1].lower() in _DANGLES):
                return True
    return False


def split_flow_items(text: str) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(path of the item, item, previous item) for each flow-list item that looks split off its sentence."""
    if not (_suspect(text) or _OPEN_FLOW.search(text)):
        return
    for path, items in _flow_list_items(text):
        for (_, prev, prev_plain), (index, item, plain) in zip(items, items[1:], strict=False):
            if not (plain and prev_plain and item and prev) or prev.rstrip().endswith(_FINAL):
                continue
            first = _WORD.match(item)
            if first is None or not item[0].islower():
                continue
            words = prev.split()
            if first.group(0).lower() in _CONTINUES or (len(words) > 1 and words[-1].lower() in _DANGLES):
                yield (*path, index), item, prev


@rule(
    "P403",
    "flow-list-split",
    Severity.WARNING,
    explain_id="Butir daftar berkurung (`[a, b, c]`) yang tampak lanjutan kalimat butir sebelumnya: YAML memisah "
    "daftar itu pada setiap koma. Dilaporkan bila butir sebelumnya tidak berakhir dengan tanda baca, butir ini "
    "diawali huruf kecil, dan butir ini diawali kata penyambung (dan, atau, yang, dengan, untuk, …) atau butir "
    "sebelumnya berakhir dengan kata semacam itu. Tulis daftar bergaya blok atau beri tanda kutip.",
    explain_en="An item of a flow list (`[a, b, c]`) that looks like the rest of the previous item's sentence: "
    "YAML splits such a list at every comma. Reported when the previous item has no final punctuation, this "
    "item starts in lower case, and it opens with a connecting word (dan, atau, yang, dengan, untuk, and, "
    "which, …) or the previous item ends on one. Write the list in block style or quote the item.",
)
def check_flow_list_split(ctx: ProcContext) -> Iterator[Finding]:
    text = ctx.proc.source_text
    if not text or "[" not in text:
        return
    for path, item, previous in split_flow_items(text):
        yield ctx.finding("P403", path, "flow_list_split", item=item, previous=previous)


@rule(
    "P409",
    "english-text",
    Severity.INFO,
    explain_id="Pustaka yang terbit juga dalam bahasa Inggris (`languages: [id, en]` di pustaka.yaml): teks bebas "
    "yang belum punya terjemahan (`do_en`, `purpose_en`, `scope.includes_en`, `output_en`, … lihat "
    "docs/sources.md) dihitung, dengan bagian dokumen yang akan tercetak dalam bahasa Indonesia. Dokumen "
    "bahasa Inggris tetap menyebut bagian itu di bawah kepala dokumen.",
    explain_en="Libraries that also publish in English (`languages: [id, en]` in pustaka.yaml): free-text fields "
    "without an English text (`do_en`, `purpose_en`, `scope.includes_en`, `output_en`, … see docs/sources.md) "
    "are counted, with the document sections that will print in Indonesian. The English document says so "
    "under its header either way.",
)
def check_english_text(ctx: ProcContext) -> Iterator[Finding]:
    if "en" not in ctx.lib.info.languages:
        return
    from ...render.labels import label
    from ...translation import english_gaps, indonesian_sections, text_count

    gaps = english_gaps(ctx.proc)
    if not gaps:
        return
    # the message is rendered later in the reader's language: name each section in both
    sections = ", ".join(f"{label(key, 'id')}/{label(key, 'en')}" for key in indonesian_sections(ctx.proc))
    yield ctx.finding("P409", gaps[0].path, "english_missing", count=len(gaps), total=text_count(ctx.proc),
                      sections=sections)
