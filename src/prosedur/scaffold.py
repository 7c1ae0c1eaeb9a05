"""A first draft of a procedure for a new service: the next free number and a commented source.

Shared by `prosedur new` (CLI) and the web wizard, so both write the same draft. Framework-free:
the caller supplies the library (or the pattern and the numbers already used) and gets YAML text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import ProsedurError
from .model import ID_PATTERN, Library

DEFAULT_YES = "Ya"
DEFAULT_NO = "Tidak"
MAX_TEXT = 500  # a title or an action is a line, not a document


class ScaffoldError(ProsedurError):
    """The answers cannot make a draft (too few steps, unknown role, used number); bilingual."""

    def __init__(self, id_text: str, en_text: str):
        self.texts = (id_text, en_text)
        super().__init__(id_text)

    def message(self, lang: str = "id") -> str:
        return self.texts[1] if lang == "en" else self.texts[0]


@dataclass(frozen=True)
class StepDraft:
    """One step as the author first states it: who does what; a decision has two labelled exits
    (the first continues with the next step, the second goes back to the step before)."""

    actor: str
    action: str
    decision: bool = False
    yes_label: str = DEFAULT_YES
    no_label: str = DEFAULT_NO


StepInput = StepDraft | tuple[str, str, bool]


def _draft(step: StepInput) -> StepDraft:
    return step if isinstance(step, StepDraft) else StepDraft(step[0], step[1], step[2])


# -- numbers ------------------------------------------------------------------------------------------
def next_free_number(pattern: str, used: Iterable[str]) -> str:
    """One past the highest number in `used` that fits `pattern`. Gaps are never filled: a withdrawn
    (obsolete) number stays withdrawn, so callers pass every number that exists or ever existed."""
    parts = re.split(r"(\{nn\}|\{n\})", pattern)
    holes = [i for i, p in enumerate(parts) if p in ("{nn}", "{n}")]
    if not holes:
        return pattern
    regex = re.compile("^" + "".join(
        r"(\d+)" if i == holes[0] else (r"\d+" if p in ("{nn}", "{n}") else re.escape(p)) for i, p in enumerate(parts)
    ) + "$")
    numbers = [int(m.group(1)) for number in used if (m := regex.match(number.strip()))]
    n = max(numbers, default=0) + 1
    out = []
    for i, part in enumerate(parts):
        if part in ("{nn}", "{n}"):
            value = n if i == holes[0] else 1
            out.append(f"{value:02d}" if part == "{nn}" else str(value))
        else:
            out.append(part)
    return "".join(out)


def next_number(library: Library) -> str:
    """The next free number of a library folder (its procedure files are all the numbers it knows)."""
    return next_free_number(library.info.numbering.procedure, (p.number for p in library.procedures))


# -- small helpers ------------------------------------------------------------------------------------
def slug(text: str) -> str:
    """A file-name part: ASCII, lower case, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "prosedur"


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), so any user text stays a string."""
    return json.dumps(value, ensure_ascii=False)


def parse_step(text: str) -> tuple[str, str, bool]:
    """'actor: action' -> (actor, action, is_decision); an action ending in '?' is a decision."""
    actor, sep, action = text.partition(":")
    if not sep or not actor.strip() or not action.strip():
        raise ScaffoldError(f"langkah '{text}' harus ditulis 'pelaksana: kegiatan'",
                            f"step '{text}' must be written 'actor: action'")
    action = action.strip()
    return actor.strip(), action.rstrip("?").strip() if action.endswith("?") else action, action.endswith("?")


def default_owner(library: Library, steps: Sequence[StepInput]) -> str | None:
    """The unit of the role that does most of the work (the first step's actor, usually the requester,
    does not count); else the library's first unit."""
    drafts = [_draft(s) for s in steps]
    tally: dict[str, int] = {}
    for step in drafts[1:] or drafts:
        role = library.info.roles.get(step.actor)
        if role is not None and role.unit in library.info.units:
            tally[role.unit] = tally.get(role.unit, 0) + 1
    if tally:
        return max(tally, key=lambda unit: tally[unit])
    return next(iter(library.info.units), None)


def _check(library: Library, number: str, title: str, roles: dict[str, str | None],
           steps: list[StepDraft], owner: str | None) -> None:
    if not number.strip() or "\n" in number:
        raise ScaffoldError("nomor dokumen wajib diisi", "a document number is required")
    if not title.strip():
        raise ScaffoldError("judul wajib diisi", "a title is required")
    if len(title) > MAX_TEXT or any(len(s.action) > MAX_TEXT for s in steps):
        raise ScaffoldError(f"judul dan kegiatan paling panjang {MAX_TEXT} karakter",
                            f"titles and actions are at most {MAX_TEXT} characters")
    if len(steps) < 2:
        raise ScaffoldError("prosedur memerlukan paling sedikit dua langkah (mulai dan selesai)",
                            "a procedure needs at least two steps (a start and an end)")
    bad = [r for r in roles if not re.match(ID_PATTERN, r)]
    if bad:
        raise ScaffoldError(f"id peran tidak sah: {', '.join(bad)} (huruf, angka, _ . -; diawali huruf)",
                            f"invalid role ids: {', '.join(bad)} (letters, digits, _ . -; starting with a letter)")
    unknown = [r for r, name in roles.items() if name is None and r not in library.info.roles]
    if unknown:
        raise ScaffoldError(f"peran tidak ada di pustaka: {', '.join(unknown)} (tulis id=Nama untuk peran lokal)",
                            f"roles not in the library: {', '.join(unknown)} (write id=Name for a local role)")
    if owner is not None and owner not in library.info.units:
        raise ScaffoldError(f"unit '{owner}' tidak ada di pustaka", f"unit '{owner}' is not in the library")
    empty = [i + 1 for i, s in enumerate(steps) if not s.action.strip()]
    if empty:
        raise ScaffoldError(f"langkah {empty[0]} belum berisi kegiatan", f"step {empty[0]} has no action")
    for i, s in enumerate(steps):
        if s.decision and (not s.yes_label.strip() or not s.no_label.strip()):
            raise ScaffoldError(f"keputusan pada langkah {i + 1} memerlukan dua label",
                                f"the decision in step {i + 1} needs two labels")


_WORD = re.compile(r"[a-z0-9]+")
_ID_WORDS = 2  # "mengajukan-permohonan": enough to tell steps apart in a lint message, short to type


def step_ids(actions: Sequence[str]) -> list[str]:
    """Readable step ids from the activity texts ("Memeriksa kelengkapan berkas" -> "memeriksa-kelengkapan"),
    unique within the procedure (a repeat gets "-2"). An id shows in lint messages, the source and the
    editor, so "l03" would say nothing; one that would not start with a letter gets "langkah-".
    """
    out: list[str] = []
    for n, action in enumerate(actions, start=1):
        plain = unicodedata.normalize("NFKD", action).encode("ascii", "ignore").decode().lower()
        words = _WORD.findall(plain)[:_ID_WORDS]
        stem = "-".join(words)[:40].strip("-") or f"langkah-{n}"
        if not stem[0].isalpha():
            stem = f"langkah-{stem}"
        candidate, k = stem, 2
        while candidate in out:
            candidate, k = f"{stem}-{k}", k + 1
        out.append(candidate)
    return out


def scaffold_procedure(library: Library, *, number: str, title: str, purpose: str, roles: dict[str, str | None],
                       steps: Sequence[StepInput], owner: str | None = None, origin: str = "prosedur new") -> str:
    """A commented draft procedure in the source format. Sections the author must still write are left
    empty on purpose, so `prosedur lint` lists them instead of a placeholder passing for content."""
    drafts = [_draft(s) for s in steps]
    roles = dict(roles)
    for step in drafts:
        roles.setdefault(step.actor, None)
    _check(library, number, title, roles, drafts, owner)
    owner = owner or default_owner(library, drafts)
    if drafts[-1].decision:
        drafts = [*drafts, StepDraft(drafts[-1].actor, "Menyelesaikan proses")]
    ids = step_ids([d.action for d in drafts])
    lines = [
        f"# {number} {title} — draf dari `{origin}`.".replace("\n", " "),
        "# Lengkapi bagian yang masih kosong; `prosedur lint` menunjukkan apa yang belum ada.",
        "# Skema lengkap: `prosedur schema`.",
        f"number: {_q(number)}",
        f"title: {_q(title)}",
        "revision: 0",
        "status: draft  # draft -> in_review -> approved -> effective",
    ]
    if owner:
        lines.append(f"owner: {owner}  # id unit kerja pemilik (pustaka.yaml: units)")
    lines += [
        "",
        "# Tujuan: mengapa prosedur ini ada.",
        f"purpose: {_q(purpose)}",
        "",
        "# Ruang lingkup: apa yang dicakup dan, secara tegas, apa yang tidak.",
        "scope:",
        "  includes: []",
        "  excludes: []",
        "",
        "# Acuan: standar, dasar hukum, prosedur dan formulir terkait (kind: standard/law/procedure/form).",
        "references: []",
        "clauses: []  # klausul SNI ISO/IEC 20000-1:2018, mis. \"8.6.2\"",
        "",
        "# Tanggung jawab dan wewenang tiap peran (id dari pustaka.yaml: roles).",
        "roles:",
    ]
    for role_id, name in roles.items():
        lines.append(f"  - id: {role_id}")
        if name:
            lines.append(f"    name: {_q(name)}  # peran lokal, tidak ada di pustaka")
        lines += ["    responsibilities: []", "    authorities: []"]
    lines += [
        "",
        "# Masukan dan keluaran proses.",
        "inputs: []",
        "outputs: []",
        "",
        "# Uraian kegiatan. `do` diawali kata kerja aktif tanpa subjek (\"Memeriksa ...\").",
        "# Tanpa `next`/`exits` alur berlanjut ke langkah di bawahnya. Mutu baku: time dan output.",
        "steps:",
    ]
    for i, step in enumerate(drafts):
        kind = "start" if i == 0 else "end" if i == len(drafts) - 1 else "decision" if step.decision else "process"
        lines += [f"  - id: {ids[i]}", f"    kind: {kind}", f"    actor: {step.actor}", f"    do: {_q(step.action)}",
                  "    time: \"\"  # waktu, mis. 1 hari kerja", "    output: \"\""]
        if kind == "decision":
            back = ids[i - 1] if i > 0 else ids[-1]
            lines += ["    exits:", f"      - {{label: {_q(step.yes_label.strip())}, to: {ids[i + 1]}}}",
                      f"      - {{label: {_q(step.no_label.strip())}, to: {back}}}"]
    lines += [
        "",
        "# Pengukuran / indikator kinerja (name, method, target, frequency, owner).",
        "measurements: []",
        "",
        "# Rekaman: id (formulir F...), name, form, owner, storage, retention, disposition.",
        "records: []",
        "",
    ]
    return "\n".join(lines)
