"""P4xx: writing style the PermenPAN-RB 35/2012 SOP format asks for.

The action heuristic (P401) looks only at the first word of `do`, lower-cased:
1. a subject — a modal ("akan", "dapat", "harus"), a person or unit word ("Staf", "Kepala", "Pegawai",
   "Bidang", "Tim", ...), or the first word of a role name or id used in this procedure — is reported;
2. a passive verb — `di` + root, e.g. "dikirim", "diperiksa" — is reported (the SOP table wants the
   active voice);
3. an active verb passes: prefixes me-/mem-/men-/meng-/meny-/ber-/memper-, or an imperative ending in
   -kan, or one of a short allow-list of roots used as imperatives in SOPs ("Cek", "Isi", "Unggah",
   "Periksa", "Terima", ...);
4. anything else is reported as "not a recognised verb".
Words that look like a prefix but are nouns ("berkas", "meja", "menu", "mesin") are treated as nouns.
English-language procedures are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model import StepKind
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
