"""Redline of two procedures: every field that differs, named in words a reviewer reads.

A reviewer agrees to the content a signature binds, so the redline shows exactly that content:
every field of the model except the lifecycle state (`integrity.LIFECYCLE_FIELDS`, i.e. `status`,
which changes at every transition and is not signed). For any two procedures the redline is empty
exactly when their content hashes are equal (tested field by field).

How it compares
---------------
* **Generic walk.** The comparison walks `model_fields` of each model it meets, dispatching on the
  values (model, list, mapping, scalar), so a field added to `model.py` later is compared without
  touching this file. Its label comes from `FIELD_LABELS`; a field missing there is named from its
  Indonesian `description` (English: its name in words), never by its raw path.
* **Printed text.** Every text is compared as it is printed, with `{{parameter}}` substituted by each
  side's own parameters. A parameter change is listed itself (`Parameter: Ukuran lampiran ... —
  Nilai`, `5 MB` → `10 MB`) *and* each text citing it shows its printed change, with a note naming
  the parameter. A source edit that prints the same (a literal `5 MB` replaced by
  `{{batas_lampiran}}`) is still listed, as source text, with a note saying the print is unchanged.
* **Matching.** Steps are matched by id; records, roles by id; references by number (or title);
  definitions by term; measurements by name; attachments by title; history rows by revision;
  reviewers by name; exits by label. An item whose identity changed but nothing else is a rename
  (one "Id" row, not a removal and an addition). A changed relative order is shown: for steps as
  moved steps (the fewest steps that explain the new order) and "Urutan langkah"; for other lists
  as an "Urutan" row. Steps whose number changed only because others were added or removed are
  "renumbered". Lists of texts are aligned item by item ("Ketentuan umum — butir 2"). Lists of
  models without an identity are aligned by position and likeness. The order of a mapping's keys
  (`parameters`) is not content: the content hash sorts them too.
* **Added and removed items** list each of their fields that is not the field's default, so a new
  step shows its actor and activity but not the default symbol.

The result is plain data: segments `(op, text)` with op "eq", "del" or "ins", which the web template
writes inside `<del>`/`<ins>` as escaped text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .i18n import long_date
from .integrity import LIFECYCLE_FIELDS
from .load import load_procedure_text
from .model import (
    Attachment,
    Change,
    Classification,
    Definition,
    Exit,
    Measurement,
    Parameter,
    Person,
    Procedure,
    ProcedureRole,
    Record,
    Reference,
    ReferenceKind,
    Step,
    StepKind,
)
from .text import PARAM_RE, substitute

__all__ = [
    "EXCLUDED_FIELDS",
    "FIELD_LABELS",
    "FieldDiff",
    "Redline",
    "Segment",
    "StepDiff",
    "field_label",
    "redline",
    "redline_sources",
    "text_diff",
]

Segment = tuple[str, str]

EXCLUDED_FIELDS: frozenset[str] = LIFECYCLE_FIELDS
"""Procedure fields left out: lifecycle state (`status`), not content; a signature does not bind it
either, and the web app keeps the real state on the revision, not in the source."""

_TOKEN = re.compile(r"\s+|[^\s\w]|\w+")


def text_diff(old: str, new: str) -> list[Segment]:
    """Word-level diff: equal runs, deletions and insertions in reading order."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("eq", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", "".join(b[j1:j2])))
    return out


# -- words -------------------------------------------------------------------------------------------
FIELD_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    # document control
    ("Procedure", "number"): ("No. Dok.", "Document number"),
    ("Procedure", "title"): ("Judul", "Title"),
    ("Procedure", "title_en"): ("Judul (Inggris)", "Title (English)"),
    ("Procedure", "revision"): ("Nomor revisi", "Revision number"),
    ("Procedure", "issued"): ("Tanggal terbit", "Issue date"),
    ("Procedure", "effective"): ("Tanggal efektif", "Effective date"),
    ("Procedure", "review_due"): ("Rencana tanggal tinjauan", "Planned review date"),
    ("Procedure", "status"): ("Status dokumen", "Document status"),
    ("Procedure", "owner"): ("Unit pemilik", "Owner unit"),
    ("Procedure", "classification"): ("Klasifikasi", "Classification"),
    ("Procedure", "language"): ("Bahasa dokumen", "Document language"),
    ("Procedure", "approval"): ("Pengesahan", "Approval"),
    ("Procedure", "history"): ("Riwayat perubahan", "Change history"),
    # ISO/TR 10013 sections
    ("Procedure", "purpose"): ("Tujuan", "Purpose"),
    ("Procedure", "purpose_en"): ("Tujuan (Inggris)", "Purpose (English)"),
    ("Procedure", "scope"): ("Ruang lingkup", "Scope"),
    ("Procedure", "definitions"): ("Definisi", "Definition"),
    ("Procedure", "references"): ("Acuan", "Reference"),
    ("Procedure", "legal_basis"): ("Dasar hukum", "Legal basis"),
    ("Procedure", "clauses"): ("Klausul ISO/IEC 20000-1:2018", "ISO/IEC 20000-1:2018 clauses"),
    ("Procedure", "related"): ("Prosedur terkait", "Related procedures"),
    ("Procedure", "roles"): ("Peran", "Role"),
    ("Procedure", "parameters"): ("Parameter", "Parameter"),
    ("Procedure", "resources"): ("Sumber daya", "Resources"),
    ("Procedure", "warnings"): ("Peringatan", "Warnings"),
    ("Procedure", "inputs"): ("Masukan", "Inputs"),
    ("Procedure", "outputs"): ("Keluaran", "Outputs"),
    ("Procedure", "controls"): ("Pengendalian", "Controls"),
    ("Procedure", "provisions"): ("Ketentuan umum", "General provisions"),
    ("Procedure", "steps"): ("Langkah", "Step"),
    ("Procedure", "measurements"): ("Pengukuran", "Measurement"),
    ("Procedure", "records"): ("Rekaman", "Record"),
    ("Procedure", "attachments"): ("Lampiran", "Attachment"),
    ("Procedure", "unread"): ("Belum terbaca saat impor", "Not read on import"),
    # approval block
    ("Approval", "prepared"): ("Disusun oleh", "Prepared by"),
    ("Approval", "reviewed"): ("Diperiksa oleh", "Reviewed by"),
    ("Approval", "approved"): ("Disahkan oleh", "Approved by"),
    ("Person", "name"): ("Nama", "Name"),
    ("Person", "position"): ("Jabatan", "Position"),
    ("Person", "nip"): ("NIP", "NIP (civil servant number)"),
    ("Person", "date"): ("Tanggal tanda tangan", "Date signed"),
    ("Change", "revision"): ("Nomor revisi", "Revision number"),
    ("Change", "date"): ("Tanggal revisi", "Revision date"),
    ("Change", "change"): ("Uraian perubahan", "Description of change"),
    ("Change", "reason"): ("Alasan perubahan", "Reason for change"),
    ("Change", "by"): ("Oleh", "By"),
    # sections' items
    ("Scope", "includes"): ("Mencakup", "Includes"),
    ("Scope", "excludes"): ("Tidak mencakup", "Excludes"),
    ("Scope", "includes_en"): ("Mencakup (Inggris)", "Includes (English)"),
    ("Scope", "excludes_en"): ("Tidak mencakup (Inggris)", "Excludes (English)"),
    ("Definition", "term"): ("Istilah", "Term"),
    ("Definition", "meaning"): ("Pengertian", "Meaning"),
    ("Reference", "kind"): ("Jenis acuan", "Kind of reference"),
    ("Reference", "id"): ("Nomor dokumen/peraturan", "Document/regulation number"),
    ("Reference", "title"): ("Judul", "Title"),
    ("Reference", "clause"): ("Klausul/pasal", "Clause/article"),
    ("ProcedureRole", "id"): ("Id peran", "Role id"),
    ("ProcedureRole", "name"): ("Nama peran", "Role name"),
    ("ProcedureRole", "unit"): ("Unit kerja", "Unit"),
    ("ProcedureRole", "responsibilities"): ("Tanggung jawab", "Responsibilities"),
    ("ProcedureRole", "authorities"): ("Wewenang", "Authorities"),
    ("Parameter", "value"): ("Nilai", "Value"),
    ("Parameter", "unit"): ("Satuan", "Unit"),
    ("Parameter", "label"): ("Keterangan", "Description"),
    ("Resources", "people"): ("Kualifikasi pelaksana", "Performer qualifications"),
    ("Resources", "training"): ("Pelatihan", "Training"),
    ("Resources", "equipment"): ("Peralatan/perlengkapan", "Equipment"),
    ("Resources", "materials"): ("Bahan", "Materials"),
    ("Measurement", "name"): ("Nama indikator", "Indicator"),
    ("Measurement", "method"): ("Cara mengukur", "Method"),
    ("Measurement", "target"): ("Target", "Target"),
    ("Measurement", "frequency"): ("Frekuensi", "Frequency"),
    ("Measurement", "owner"): ("Penanggung jawab", "Responsible role"),
    ("Record", "id"): ("Nomor formulir/rekaman", "Form/record number"),
    ("Record", "name"): ("Nama rekaman", "Record name"),
    ("Record", "form"): ("Formulir bernomor", "Numbered form"),
    ("Record", "owner"): ("Pemilik", "Owner"),
    ("Record", "storage"): ("Penyimpanan", "Storage"),
    ("Record", "retention"): ("Masa retensi", "Retention period"),
    ("Record", "disposition"): ("Tindakan setelah retensi", "Disposition after retention"),
    ("Attachment", "title"): ("Judul lampiran", "Title"),
    ("Attachment", "file"): ("Berkas", "File"),
    ("Attachment", "description"): ("Keterangan", "Description"),
    # the flow
    ("Step", "id"): ("Id langkah", "Step id"),
    ("Step", "kind"): ("Simbol", "Symbol"),
    ("Step", "actor"): ("Pelaksana", "Actor"),
    ("Step", "do"): ("Kegiatan", "Activity"),
    ("Step", "why"): ("Mengapa", "Why"),
    ("Step", "when"): ("Kapan", "When"),
    ("Step", "where"): ("Di mana", "Where"),
    ("Step", "how"): ("Bagaimana", "How"),
    ("Step", "requirements"): ("Kelengkapan", "Requirements"),
    ("Step", "input"): ("Input", "Input"),
    ("Step", "time"): ("Waktu", "Time"),
    ("Step", "output"): ("Output", "Output"),
    ("Step", "records"): ("Rekaman", "Records"),
    ("Step", "resources"): ("Sumber daya", "Resources"),
    ("Step", "controls"): ("Pengendalian", "Controls"),
    ("Step", "notes"): ("Keterangan", "Notes"),
    ("Step", "unread"): ("Belum terbaca saat impor", "Not read on import"),
    ("Step", "do_en"): ("Kegiatan (Inggris)", "Activity (English)"),
    ("Step", "requirements_en"): ("Kelengkapan (Inggris)", "Requirements (English)"),
    ("Step", "time_en"): ("Waktu (Inggris)", "Time (English)"),
    ("Step", "output_en"): ("Output (Inggris)", "Output (English)"),
    ("Step", "notes_en"): ("Keterangan (Inggris)", "Notes (English)"),
    ("Step", "next_label_en"): ("Label panah (Inggris)", "Arrow label (English)"),
    ("Step", "next"): ("Langkah berikutnya", "Next step"),
    ("Step", "next_label"): ("Label panah berikutnya", "Next arrow label"),
    ("Step", "parts"): ("Bagian (pelaksana berurutan)", "Part (actors in order)"),
    ("Part", "kind"): ("Simbol", "Symbol"),
    ("Part", "actor"): ("Pelaksana", "Actor"),
    ("Part", "do"): ("Kegiatan", "Activity"),
    ("Part", "do_en"): ("Kegiatan (Inggris)", "Activity (English)"),
    ("Step", "exits"): ("Cabang", "Exit"),
    ("Exit", "label"): ("Label cabang", "Exit label"),
    ("Exit", "label_en"): ("Label cabang (Inggris)", "Exit label (English)"),
    ("Exit", "to"): ("Langkah tujuan", "Target step"),
}
"""(model class name, field) -> (Indonesian, English). Lists of items are named in the singular:
the item's identity follows ("Rekaman F.SMLTI 19-01", "Acuan Perpres 95/2018")."""

_ENUM_WORDS: dict[Enum, tuple[str, str]] = {
    StepKind.START: ("Mulai", "Start"),
    StepKind.END: ("Selesai", "End"),
    StepKind.PROCESS: ("Proses", "Process"),
    StepKind.DECISION: ("Keputusan", "Decision"),
    StepKind.IO: ("Dokumen/masukan-keluaran", "Document / input-output"),
    StepKind.CONNECTOR: ("Penghubung", "Connector"),
    Classification.BIASA: ("Biasa", "Unclassified"),
    Classification.TERBATAS: ("Terbatas", "Restricted"),
    Classification.RAHASIA: ("Rahasia", "Confidential"),
    ReferenceKind.STANDARD: ("Standar", "Standard"),
    ReferenceKind.LAW: ("Peraturan", "Regulation"),
    ReferenceKind.PROCEDURE: ("Prosedur", "Procedure"),
    ReferenceKind.WORK_INSTRUCTION: ("Instruksi kerja", "Work instruction"),
    ReferenceKind.FORM: ("Formulir", "Form"),
    ReferenceKind.OTHER: ("Lainnya", "Other"),
}

_WORDS: dict[str, tuple[str, str]] = {
    "step_n": ("Langkah {n}", "Step {n}"),
    "item_n": ("butir {n}", "item {n}"),
    "order": ("Urutan", "Order"),
    "step_order": ("Urutan langkah", "Order of steps"),
    "yes": ("Ya", "Yes"),
    "no": ("Tidak", "No"),
    "note_param": ("Teks tercetak; berubah karena parameter {names} berubah",
                   "Printed text; it changes because parameter {names} changed"),
    "note_source": ("Hanya teks sumber yang berubah; teks tercetak tetap sama",
                    "Only the source text changed; the printed text stays the same"),
    "state_added": ("ditambahkan", "added"),
    "state_removed": ("dihapus", "removed"),
    "state_changed": ("diubah", "changed"),
    "state_moved": ("dipindah", "moved"),
    "state_renumbered": ("nomor berubah", "renumbered"),
    "state_same": ("tetap", "unchanged"),
    "renumbered": ("Nomor langkah berubah (isi tetap):", "Step numbers changed (content unchanged):"),
    "renamed_from": ("semula", "was"),
}


def _word(key: str, lang: str, **params: Any) -> str:
    pair = _WORDS[key]
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text


def _humanize(name: str) -> str:
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def field_label(cls: type[BaseModel], name: str, lang: str = "id") -> str:
    """A field in words: the label table, else (Indonesian) the field's description, else its name in words."""
    for klass in cls.__mro__:  # a subclass keeps its base's labels
        pair = FIELD_LABELS.get((klass.__name__, name))
        if pair is not None:
            return pair[1] if lang == "en" else pair[0]
    info = cls.model_fields.get(name)
    if lang != "en" and info is not None and info.description:
        head = re.split(r",\s*mis\.|;|\s\(|:", info.description, maxsplit=1)[0].strip()
        if head:
            return head
    return _humanize(name)


# -- result ------------------------------------------------------------------------------------------
@dataclass
class FieldDiff:
    """One field that differs. `old`/`new` are the printed texts ("" when absent)."""

    path: tuple[str, ...]
    """Where, with list items named by identity: ("steps", "buat", "how"), ("parameters", "batas_lampiran", "value")."""
    parts: tuple[str, ...]
    """The label in words, outermost first: ("Langkah 3", "Bagaimana")."""
    state: str
    """"added", "removed" or "changed"."""
    old: str
    new: str
    segments: list[Segment]
    note: str = ""

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def label(self) -> str:
        """"Langkah 3 — Bagaimana", "Parameter: Ukuran lampiran maksimal dalam 1 kali pengiriman — Nilai"."""
        return " — ".join(self.parts)

    @property
    def local(self) -> str:
        """The label inside its group (a step's row): "Bagaimana"."""
        return " — ".join(self.parts[1:]) or self.label


@dataclass
class StepDiff:
    step_id: str
    state: str
    """added, removed, changed, moved, renumbered, same."""
    number_a: int | None
    number_b: int | None
    fields: list[FieldDiff] = field(default_factory=list)
    moved: bool = False
    renamed_from: str | None = None
    state_label: str = ""


@dataclass
class Redline:
    fields: list[FieldDiff]
    """Everything outside the steps, in model order."""
    steps: list[StepDiff]
    """Every step (unchanged ones too) in the new order, removed ones where they stood."""
    lang: str = "id"
    step_order: FieldDiff | None = None
    words: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.fields and self.step_order is None and all(s.state == "same" for s in self.steps)

    @property
    def renumbered(self) -> list[StepDiff]:
        return [s for s in self.steps if s.state == "renumbered"]

    @property
    def changes(self) -> list[FieldDiff]:
        """Every difference as one flat list, steps included, in document order."""
        out = list(self.fields)
        for step in self.steps:
            out.extend(step.fields)
        if self.step_order is not None:
            out.append(self.step_order)
        return out

    def text(self) -> str:
        """Plain text, one line per difference: for logs, messages and e-mail."""
        lines = [f"{d.label}: {d.old or '—'} → {d.new or '—'}" for d in self.changes]
        lines += [f"{_word('renumbered', self.lang)} {s.step_id} {s.number_a} → {s.number_b}"
                  for s in self.renumbered]
        return "\n".join(lines)


# -- the walk ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Identity:
    fields: tuple[str, ...]
    """The first non-empty of these names the item."""
    show: str = "{}"


_IDENTITY: dict[type[BaseModel], _Identity] = {
    Step: _Identity(("id",)),
    Record: _Identity(("id",)),
    ProcedureRole: _Identity(("id",)),
    Reference: _Identity(("id", "title")),
    Definition: _Identity(("term",), "“{}”"),
    Measurement: _Identity(("name",), "“{}”"),
    Attachment: _Identity(("title",), "“{}”"),
    Change: _Identity(("revision",), "Rev. {}"),
    Person: _Identity(("name",)),
    Exit: _Identity(("label", "to"), "“{}”"),
}

_Pair = tuple[int | None, int | None]


def _default(info: FieldInfo) -> Any:
    if info.default is not PydanticUndefined:
        return info.default
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    return None


def _identity(item: BaseModel, ident: _Identity) -> str:
    for name in ident.fields:
        value = getattr(item, name, None)
        if value not in (None, ""):
            return str(value)
    return ""


def _keys(items: Sequence[BaseModel], ident: _Identity) -> list[str]:
    """Identities, duplicates told apart (`buat`, `buat#2`) so that every item is matched once."""
    seen: dict[str, int] = {}
    out = []
    for item in items:
        key = _identity(item, ident)
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out


def _match(a: Sequence[BaseModel], b: Sequence[BaseModel], ident: _Identity) -> list[_Pair]:
    """Items paired by identity, renames detected; in the new order, removed items where they stood."""
    ka, kb = _keys(a, ident), _keys(b, ident)
    index_a = {k: i for i, k in enumerate(ka)}
    partner: dict[int, int] = {j: index_a[k] for j, k in enumerate(kb) if k in index_a}
    keys_b = set(kb)
    lone_a = [i for i, k in enumerate(ka) if k not in keys_b]
    lone_b = [j for j, k in enumerate(kb) if k not in index_a]
    for i in lone_a:
        rest = a[i].model_dump(exclude=set(ident.fields))
        for j in lone_b:
            if j not in partner and b[j].model_dump(exclude=set(ident.fields)) == rest:
                partner[j] = i
                break
    pairs: list[_Pair] = [(partner.get(j), j) for j in range(len(b))]
    matched = set(partner.values())
    for i in range(len(a)):
        if i in matched:
            continue
        at = next((n for n, (x, _y) in enumerate(pairs) if x is not None and x > i), len(pairs))
        pairs.insert(at, (i, None))
    return pairs


def _moved(pairs: Iterable[_Pair]) -> set[int]:
    """Old indices of the fewest matched items whose moving explains the new order."""
    order = [i for i, j in pairs if i is not None and j is not None]
    keep: set[int] = set()
    for block in difflib.SequenceMatcher(None, sorted(order), order, autojunk=False).get_matching_blocks():
        keep.update(order[block.b:block.b + block.size])
    return set(order) - keep


def _pair_block(xs: Sequence[str], ys: Sequence[str]) -> list[_Pair]:
    """Align a replaced run of items: by position when the counts agree, else by likeness in order."""
    if len(xs) == len(ys):
        return [(i, i) for i in range(len(xs))]
    out: list[_Pair] = []
    j0 = 0
    for i, x in enumerate(xs):
        best, best_j = 0.5, None
        for j in range(j0, len(ys)):
            ratio = difflib.SequenceMatcher(None, x, ys[j], autojunk=False).ratio()
            if ratio > best:
                best, best_j = ratio, j
        if best_j is None:
            out.append((i, None))
            continue
        out.extend((None, j) for j in range(j0, best_j))
        out.append((i, best_j))
        j0 = best_j + 1
    out.extend((None, j) for j in range(j0, len(ys)))
    return out


def _align(xs: Sequence[str], ys: Sequence[str]) -> list[_Pair]:
    out: list[_Pair] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, xs, ys, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        for i, j in _pair_block(xs[i1:i2], ys[j1:j2]):
            out.append((None if i is None else i + i1, None if j is None else j + j1))
    return out


def _state(old: str, new: str) -> str:
    return "added" if not old else "removed" if not new else "changed"


class _Walk:
    def __init__(self, old: Procedure, new: Procedure, lang: str) -> None:
        self.old, self.new, self.lang = old, new, lang
        names = set(old.parameters) | set(new.parameters)
        self.changed_params = {
            name: self._param_name(name) for name in sorted(names)
            if _display(old.parameters.get(name)) != _display(new.parameters.get(name))
        }

    def _param_name(self, name: str) -> str:
        param = self.new.parameters.get(name) or self.old.parameters.get(name)
        return param.label if param is not None and param.label else name

    # values
    def fmt(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return _word("yes" if value else "no", self.lang)
        if isinstance(value, Enum):
            pair = _ENUM_WORDS.get(value)
            return (pair[1] if self.lang == "en" else pair[0]) if pair else str(value.value)
        if isinstance(value, dt.date):
            return long_date(value, self.lang)
        return str(value)

    def leaf(self, a: Any, b: Any, path: tuple[str, ...], parts: tuple[str, ...], out: list[FieldDiff]) -> None:
        raw_a, raw_b = self.fmt(a), self.fmt(b)
        shown_a = substitute(raw_a, self.old) if isinstance(a, str) else raw_a
        shown_b = substitute(raw_b, self.new) if isinstance(b, str) else raw_b
        if shown_a != shown_b:
            cited = [self.changed_params[n] for n in dict.fromkeys(
                [*PARAM_RE.findall(raw_a), *PARAM_RE.findall(raw_b)]) if n in self.changed_params]
            note = _word("note_param", self.lang, names=", ".join(f"“{c}”" for c in cited)) if cited else ""
            out.append(FieldDiff(path, parts, _state(shown_a, shown_b), shown_a, shown_b,
                                 text_diff(shown_a, shown_b), note))
        elif raw_a != raw_b:
            out.append(FieldDiff(path, parts, _state(raw_a, raw_b), raw_a, raw_b, text_diff(raw_a, raw_b),
                                 _word("note_source", self.lang)))

    # structure
    def model(self, cls: type[BaseModel], a: BaseModel | None, b: BaseModel | None, path: tuple[str, ...],
              parts: tuple[str, ...], out: list[FieldDiff], skip: Iterable[str] = ()) -> None:
        skipped = set(skip)
        classes = [type(x) for x in (b, a) if x is not None] or [cls]  # the instances' own fields, if subclassed
        names = dict.fromkeys(name for klass in classes for name in klass.model_fields)
        for name in names:
            if name in skipped or (issubclass(cls, Procedure) and name in EXCLUDED_FIELDS):
                continue
            owner = next(klass for klass in classes if name in klass.model_fields)
            default = _default(owner.model_fields[name])
            has_a = a is not None and name in type(a).model_fields
            has_b = b is not None and name in type(b).model_fields
            va = getattr(a, name) if has_a else None
            vb = getattr(b, name) if has_b else None
            if (not has_a and vb == default) or (not has_b and va == default):
                continue  # an added (removed) item's default value is not news
            if va == vb and not self.changed_params:
                continue
            self.value(va, vb, path + (name,), parts + (field_label(owner, name, self.lang),), out)

    def value(self, a: Any, b: Any, path: tuple[str, ...], parts: tuple[str, ...], out: list[FieldDiff]) -> None:
        if isinstance(a, BaseModel) or isinstance(b, BaseModel):
            cls = type(a) if isinstance(a, BaseModel) else type(b)
            self.model(cls, a if isinstance(a, BaseModel) else None, b if isinstance(b, BaseModel) else None,
                       path, parts, out)
        elif isinstance(a, dict) or isinstance(b, dict):
            self.mapping(a or {}, b or {}, path, parts, out)
        elif isinstance(a, list | tuple) or isinstance(b, list | tuple):
            la, lb = list(a or []), list(b or [])
            if any(isinstance(x, BaseModel) for x in la + lb):
                self.models(la, lb, path, parts, out)
            else:
                self.texts(la, lb, path, parts, out)
        else:
            self.leaf(a, b, path, parts, out)

    def texts(self, a: list[Any], b: list[Any], path: tuple[str, ...], parts: tuple[str, ...],
              out: list[FieldDiff]) -> None:
        ra, rb = [self.fmt(x) for x in a], [self.fmt(x) for x in b]
        for i, j in _align(ra, rb):
            n = (j if j is not None else i or 0) + 1
            self.leaf(a[i] if i is not None else None, b[j] if j is not None else None,
                      path + (str(n),), parts + (_word("item_n", self.lang, n=n),), out)

    def models(self, a: list[BaseModel], b: list[BaseModel], path: tuple[str, ...], parts: tuple[str, ...],
               out: list[FieldDiff]) -> None:
        cls = type((a or b)[0])
        ident = _IDENTITY.get(cls)
        container, outer = parts[-1], parts[:-1]
        if ident is None:  # a list of a model without identity: by position and likeness
            pairs = _align([repr(x.model_dump()) for x in a], [repr(y.model_dump()) for y in b])
            for i, j in pairs:
                n = (j if j is not None else i or 0) + 1
                self.model(cls, a[i] if i is not None else None, b[j] if j is not None else None,
                           path + (str(n),), outer + (f"{container} {n}",), out)
            return
        pairs = _match(a, b, ident)
        ka, kb = _keys(a, ident), _keys(b, ident)
        for i, j in pairs:
            x, y = (a[i] if i is not None else None), (b[j] if j is not None else None)
            key = kb[j] if j is not None else ka[i or 0]
            item = y if y is not None else x
            assert item is not None
            name = _identity(item, ident)
            self.model(cls, x, y, path + (key,), outer + (f"{container} {ident.show.format(name)}",), out)
        if _moved(pairs):
            common = [(i, j) for i, j in pairs if i is not None and j is not None]  # in the new order
            new = "\n".join(ident.show.format(_identity(b[j], ident)) for _i, j in common)
            old = "\n".join(ident.show.format(_identity(a[i], ident)) for i, _j in sorted(common))
            out.append(FieldDiff(path + ("order",), parts + (_word("order", self.lang),), "changed", old, new,
                                 text_diff(old, new)))

    def mapping(self, a: dict[Any, Any], b: dict[Any, Any], path: tuple[str, ...], parts: tuple[str, ...],
                out: list[FieldDiff]) -> None:
        container, outer = parts[-1], parts[:-1]
        for key in [*b, *(k for k in a if k not in b)]:
            x, y = a.get(key), b.get(key)
            sub = path + (str(key),)
            if isinstance(x, Parameter) or isinstance(y, Parameter):
                self.parameter(x, y, sub, outer + (f"{container}: {self._param_name(str(key))}",), out)
            elif isinstance(x, BaseModel) or isinstance(y, BaseModel):
                self.value(x, y, sub, outer + (f"{container} {key}",), out)
            else:
                self.value(x, y, sub, parts + (str(key),), out)

    def parameter(self, a: Parameter | None, b: Parameter | None, path: tuple[str, ...], parts: tuple[str, ...],
                  out: list[FieldDiff]) -> None:
        """Value and unit as one printed value (`5 MB` → `10 MB`); the other fields generically."""
        da, db = _display(a), _display(b)
        if da != db:
            value_changed = (a.value if a else None) != (b.value if b else None)
            name = "value" if value_changed else "unit"
            out.append(FieldDiff(path + (name,), parts + (field_label(Parameter, name, self.lang),),
                                 _state(da, db), da, db, text_diff(da, db)))
        self.model(Parameter, a, b, path, parts, out, skip=("value", "unit"))

    def steps(self) -> tuple[list[StepDiff], FieldDiff | None]:
        a, b = self.old.steps, self.new.steps
        pairs = _match(a, b, _IDENTITY[Step])
        ka, kb = _keys(a, _IDENTITY[Step]), _keys(b, _IDENTITY[Step])
        moved = _moved(pairs)
        out: list[StepDiff] = []
        for i, j in pairs:
            x, y = (a[i] if i is not None else None), (b[j] if j is not None else None)
            number_a, number_b = (None if i is None else i + 1), (None if j is None else j + 1)
            number = number_b or number_a or 0
            step = y if y is not None else x
            assert step is not None
            key = kb[j] if j is not None else ka[i or 0]
            fields: list[FieldDiff] = []
            self.model(Step, x, y, ("steps", key), (_word("step_n", self.lang, n=number),), fields)
            is_moved = i in moved
            state = ("added" if x is None else "removed" if y is None else "changed" if fields
                     else "moved" if is_moved else "renumbered" if number_a != number_b else "same")
            renamed = x.id if x is not None and y is not None and x.id != y.id else None
            out.append(StepDiff(step.id, state, number_a, number_b, fields, is_moved, renamed,
                                _word(f"state_{state}", self.lang)))
        order = None
        if moved:
            old, new = ", ".join(s.id for s in a), ", ".join(s.id for s in b)
            order = FieldDiff(("steps", "order"), (_word("step_order", self.lang),), "changed", old, new,
                              text_diff(old, new))
        return out, order


def _display(param: Parameter | None) -> str:
    return param.display() if param is not None else ""


def redline(old: Procedure, new: Procedure, lang: str = "id") -> Redline:
    """Every difference from `old` to `new` (see the module docstring), labelled in `lang`."""
    lang = "en" if lang == "en" else "id"
    walk = _Walk(old, new, lang)
    fields: list[FieldDiff] = []
    walk.model(Procedure, old, new, (), (), fields, skip=("steps",))
    steps, order = walk.steps()
    words = {key: _word(key, lang) for key in ("renumbered", "renamed_from", "state_moved")}
    return Redline(fields, steps, lang, order, words)


def redline_sources(old_yaml: str, new_yaml: str, lang: str = "id") -> Redline:
    """The redline between two YAML source texts; raises `SourceError` if either cannot be read."""
    return redline(load_procedure_text(old_yaml, "<lama>"), load_procedure_text(new_yaml, "<baru>"), lang)
