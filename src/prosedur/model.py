"""The documented procedure, as ISO/TR 10013:2001 and PermenPAN-RB 35/2012 describe it.

One `Procedure` is one source file; a `Library` is the folder that holds them together with the
shared roles, units and numbering rules. The models are the source format: field names are the YAML
keys (short, English, lower case), descriptions are Indonesian first because authors read them in
their editor through the published JSON Schema (`prosedur schema`).

Everything here is plain data. Cross-references (actors, records, parameters, other procedures) are
checked by the linter, not by validation, so that a half-written procedure still loads and the author
sees every problem at once instead of the first one.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import WithJsonSchema
from pydantic_core import ErrorDetails, InitErrorDetails

from .paper import PaperName

__all__ = [
    "Approval",
    "Attachment",
    "Change",
    "Classification",
    "Definition",
    "Exit",
    "Library",
    "LibraryInfo",
    "Measurement",
    "Numbering",
    "Parameter",
    "Part",
    "Person",
    "Procedure",
    "ProcedureRole",
    "QualityColumn",
    "Record",
    "Reference",
    "ReferenceKind",
    "Resources",
    "Role",
    "Scope",
    "SopSettings",
    "Status",
    "Step",
    "StepKind",
    "Unit",
]


# Text a reader cannot see must not change what a document says ("Trojan source"). Zero-width and
# directional marks and control characters (all but tab and line feed) are removed from every text field;
# the bidi embeddings, overrides and isolates, which reorder what is printed, are refused with the message
# `invisible_chars`. Identifiers (the document number, which also keeps its own check) are never silently
# changed: there the removable characters are refused too.
_TEXT_STRIPPED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
_TEXT_REFUSED = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_TEXT_EXACT = frozenset({"number"})
_TEXT_ANY = re.compile(f"{_TEXT_STRIPPED.pattern}|{_TEXT_REFUSED.pattern}")


def _hidden_text(data: dict[Any, Any]) -> tuple[dict[Any, Any], list[InitErrorDetails]]:
    """`data` with the removable characters removed from its texts (and lists of texts), and an error at
    the exact field and item for each text holding a refused character (removed too, so the rest of
    that field is still validated and every problem is reported at once)."""
    found = _TEXT_ANY.search
    errors: list[InitErrorDetails] = []
    cleaned: dict[Any, Any] | None = None
    for key, value in data.items():
        if type(value) is str:
            if found(value) is None:
                continue
            items, single = [value], True
        elif type(value) is list and any(type(v) is str and found(v) for v in value):
            items, single = value, False
        else:
            continue
        out = list(items)
        for i, text in enumerate(items):
            if type(text) is not str:
                continue
            if _TEXT_REFUSED.search(text) or (key in _TEXT_EXACT and _TEXT_STRIPPED.search(text)):
                errors.append(InitErrorDetails(type="value_error", loc=(key,) if single else (key, i), input=text,
                                               ctx={"error": ValueError("invisible_chars")}))
            out[i] = _TEXT_ANY.sub("", text)
        cleaned = dict(data) if cleaned is None else cleaned
        cleaned[key] = out[0] if single else out
    return (data if cleaned is None else cleaned), errors


def _error_details(error: ErrorDetails) -> InitErrorDetails:
    details = InitErrorDetails(type=error["type"], loc=error["loc"], input=error["input"])
    if "ctx" in error:
        details["ctx"] = error["ctx"]
    return details


class _Model(BaseModel):
    """Strict about keys (a typo is an error, not silently ignored), lax about scalars."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)

    @model_validator(mode="wrap")
    @classmethod
    def _no_hidden_text(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        """Every text field and list of texts, once per model (see `_hidden_text`)."""
        if not isinstance(data, dict):
            return handler(data)
        data, refused = _hidden_text(data)
        if not refused:
            return handler(data)
        try:
            handler(data)
        except ValidationError as exc:
            refused += [_error_details(e) for e in exc.errors()]
        raise ValidationError.from_exception_data(cls.__name__, refused)


def _as_list(value: Any) -> Any:
    """Let authors write a single item where a list is expected (`output: Akun email`)."""
    if value is None:
        return []
    if isinstance(value, str | dict):
        return [value]
    return value


TextList = Annotated[list[str], Field(default_factory=list)]

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"
Ident = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]


class Status(StrEnum):
    """Lifecycle status of a revision (Draf, Ditinjau, Disetujui, Berlaku, Kedaluwarsa, Dibatalkan)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    EFFECTIVE = "effective"
    OBSOLETE = "obsolete"
    CANCELLED = "cancelled"
    """A draft discarded, or an approved revision cancelled before it took effect: never in force."""


class Classification(StrEnum):
    """Klasifikasi dokumen: biasa, terbatas, rahasia."""

    BIASA = "biasa"
    TERBATAS = "terbatas"
    RAHASIA = "rahasia"


class StepKind(StrEnum):
    """Flowchart symbol of a step (seed deck: oval, rectangle, diamond, parallelogram)."""

    START = "start"
    END = "end"
    PROCESS = "process"
    DECISION = "decision"
    IO = "io"
    CONNECTOR = "connector"


class ReferenceKind(StrEnum):
    """Acuan: standar, dasar hukum, prosedur lain, instruksi kerja, formulir, lainnya."""

    STANDARD = "standard"
    LAW = "law"
    PROCEDURE = "procedure"
    WORK_INSTRUCTION = "work_instruction"
    FORM = "form"
    OTHER = "other"


class Person(_Model):
    """A signatory: printed name, position (jabatan) and NIP, with the date of signing."""

    name: str = Field(min_length=1, description="Nama lengkap")
    position: str = Field(min_length=1, description="Jabatan")
    nip: str | None = Field(None, description="NIP (Nomor Induk Pegawai)")
    date: dt.date | None = Field(None, description="Tanggal tanda tangan (YYYY-MM-DD)")


class Approval(_Model):
    """Bukti tinjauan dan pengesahan: Disusun, Diperiksa, Disahkan (ISO/TR 10013 4.5.3)."""

    prepared: Person | None = Field(None, description="Disusun oleh")
    reviewed: list[Person] = Field(default_factory=list, description="Diperiksa oleh")
    approved: Person | None = Field(None, description="Disahkan oleh")

    _v_reviewed = field_validator("reviewed", mode="before")(_as_list)


class Change(_Model):
    """One row of the change history (riwayat perubahan, ISO/TR 10013 4.5.4)."""

    revision: int = Field(ge=0, description="Nomor revisi")
    date: dt.date | None = Field(None, description="Tanggal revisi (YYYY-MM-DD); kosong: diisi saat pengesahan")
    change: str = Field("", description="Uraian perubahan (apa yang berubah)")
    reason: str | None = Field(None, description="Alasan perubahan")
    by: str | None = Field(None, description="Oleh (nama atau jabatan)")


class Scope(_Model):
    """Ruang lingkup: what the procedure covers and, explicitly, what it does not."""

    includes: TextList = Field(default_factory=list, description="Yang dicakup")
    excludes: TextList = Field(default_factory=list, description="Yang tidak dicakup")
    includes_en: TextList = Field(default_factory=list, description="Yang dicakup, dalam bahasa Inggris (urutan sama)")
    excludes_en: TextList = Field(default_factory=list,
                                  description="Yang tidak dicakup, dalam bahasa Inggris (urutan sama)")

    _v = field_validator("includes", "excludes", "includes_en", "excludes_en", mode="before")(_as_list)


class Definition(_Model):
    term: str = Field(min_length=1, description="Istilah")
    meaning: str = Field(min_length=1, description="Pengertian")


class Reference(_Model):
    """Acuan. `id` is a document number (P.SMLTI 01, F.SMLTI 19-01) or a law's short name."""

    kind: ReferenceKind = Field(ReferenceKind.OTHER, description="Jenis acuan")
    id: str | None = Field(None, description="Nomor dokumen / peraturan")
    title: str = Field(min_length=1, description="Judul")
    clause: str | None = Field(None, description="Klausul / pasal")


class Role(_Model):
    """A role in the library (jabatan/fungsi), defined once and referenced by id from procedures."""

    name: str = Field(min_length=1, description="Nama peran, mis. Kepala PUSDATIN")
    name_en: str | None = Field(None, description="Nama dalam bahasa Inggris")
    unit: str | None = Field(None, description="Id unit kerja")
    description: str | None = Field(None, description="Uraian singkat")


class ProcedureRole(_Model):
    """A role as it acts in one procedure: its responsibilities and authorities here.

    `name` may be given for a role that the library does not define (a local role); otherwise the
    library's name is used.
    """

    id: Ident = Field(description="Id peran (dari pustaka)")
    name: str | None = Field(None, description="Nama peran, bila tidak didefinisikan di pustaka")
    unit: str | None = None
    responsibilities: TextList = Field(default_factory=list, description="Tanggung jawab")
    authorities: TextList = Field(default_factory=list, description="Wewenang")

    _v = field_validator("responsibilities", "authorities", mode="before")(_as_list)


class Parameter(_Model):
    """A named value that text cites as `{{id}}`, so "5 MB" is stated once."""

    value: str = Field(min_length=1, description="Nilai")
    unit: str | None = Field(None, description="Satuan, mis. MB, hari kerja")
    label: str | None = Field(None, description="Keterangan parameter")

    @field_validator("value", mode="before")
    @classmethod
    def _numbers_are_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    def display(self) -> str:
        return f"{self.value} {self.unit}" if self.unit else self.value


class Exit(_Model):
    """One exit of a decision (Ya / Tidak, Lengkap / Tidak lengkap). Signed SOPs often leave the
    branches unlabelled; profile iso10013 warns about that (P113), permenpan does not."""

    label: str | None = Field(None, description="Label cabang (boleh kosong)")
    label_en: str | None = Field(None, description="Label cabang dalam bahasa Inggris")
    to: str = Field(min_length=1, description="Id langkah tujuan")


def _actor_value(value: Any) -> Any:
    """`actor: [a]` is `actor: a`; an empty list is no actor; two or more ids are a joint task."""
    if isinstance(value, list):
        if not value:
            return None
        if len(value) == 1:
            return value[0]
    return value


ACTOR_DESCRIPTION = (
    "Id peran pelaksana. Tugas bersama: daftar id, mis. [kabid_iki, kabid_si] (satu simbol melintasi lajur "
    "para pelaksana; lajurnya harus bersebelahan)"
)


def actor_ids(actor: str | list[str] | None) -> list[str]:
    """The role ids of an `actor` value, in the order written."""
    if not actor:
        return []
    return [actor] if isinstance(actor, str) else list(actor)


class Part(_Model):
    """One symbol of a multi-actor activity: PermenPAN-RB SOP rows often hold several symbols in one
    numbered row (a start at Pegawai, then a process at Admin, then at Teknisi), linked in order."""

    kind: StepKind = Field(StepKind.PROCESS, description="Simbol: start, end, process, decision, io")
    actor: str | list[str] | None = Field(None, description=ACTOR_DESCRIPTION)
    do: str = Field("", description="Yang dikerjakan pelaksana ini (kata kerja tanpa subjek); boleh kosong")
    do_en: str | None = Field(None, description="Teks `do` dalam bahasa Inggris")

    _v_actor = field_validator("actor", mode="before")(_actor_value)

    @property
    def actors(self) -> list[str]:
        return actor_ids(self.actor)


class Step(_Model):
    """One activity of the flow. The actor is the role; the action text has no subject."""

    id: Ident = Field(description="Id langkah, unik dalam prosedur")
    kind: StepKind = Field(StepKind.PROCESS, description="Simbol: start, end, process, decision, io, connector")
    actor: str | list[str] | None = Field(None, description=ACTOR_DESCRIPTION)
    do: str = Field("", description="Kegiatan: kata kerja aktif tanpa subjek")
    do_en: str | None = Field(None, description="Kegiatan dalam bahasa Inggris (dokumen --lang en)")
    parts: list[Part] = Field(
        default_factory=list,
        description="Beberapa pelaksana dalam satu kegiatan: simbol-simbol dalam baris yang sama, masing-masing "
        "dengan kind dan actor, disambung berurutan; next/exits berlaku untuk bagian terakhir. Bila dipakai, "
        "actor dan kind ditulis di setiap bagian, bukan di langkah",
    )
    why: str | None = Field(None, description="Mengapa")
    when: str | None = Field(None, description="Kapan")
    where: str | None = Field(None, description="Di mana")
    how: str | None = Field(None, description="Bagaimana")
    requirements: TextList = Field(default_factory=list, description="Kelengkapan / persyaratan (Mutu Baku)")
    requirements_en: TextList = Field(default_factory=list,
                                      description="Kelengkapan dalam bahasa Inggris (urutan sama dengan requirements)")
    input: TextList = Field(
        default_factory=list,
        description="Input (Mutu Baku), bila SOP instansi memakai kolom Input terpisah dari Kelengkapan; dicetak "
        "bila pustaka memilih kolom ini (sop.quality_columns)",
    )
    time: str | None = Field(None, description="Waktu (Mutu Baku), mis. 1 hari kerja")
    time_en: str | None = Field(None, description="Waktu dalam bahasa Inggris, mis. 1 working day")
    output: str | None = Field(None, description="Output (Mutu Baku)")
    output_en: str | None = Field(None, description="Output dalam bahasa Inggris")
    records: TextList = Field(default_factory=list, description="Id rekaman/formulir yang dihasilkan")
    resources: TextList = Field(default_factory=list, description="Sumber daya")
    controls: TextList = Field(default_factory=list, description="Pengendalian")
    notes: str | None = Field(None, description="Keterangan")
    notes_en: str | None = Field(None, description="Keterangan dalam bahasa Inggris")
    next: str | None = Field(None, description="Id langkah berikutnya (bawaan: langkah di bawahnya)")
    next_label: str | None = Field(None, description="Label pada panah ke langkah berikutnya, mis. Selesai")
    next_label_en: str | None = Field(None, description="Label panah dalam bahasa Inggris")
    exits: list[Exit] = Field(default_factory=list, description="Cabang keputusan")
    unread: TextList = Field(
        default_factory=list,
        description="Bagian baris SOP asli yang tidak terbaca saat impor (prosedur import); periksa dengan SOP "
        "asli, perbaiki langkahnya, lalu hapus catatan ini (lint P120)",
    )

    _v = field_validator("requirements", "requirements_en", "input", "records", "resources", "controls",
                         "unread", mode="before")(_as_list)
    _v_actor = field_validator("actor", mode="before")(_actor_value)

    def symbols(self) -> list[Part]:
        """The symbols of this row in order: its parts, or the step itself as one symbol."""
        if self.parts:
            return list(self.parts)
        return [Part.model_construct(kind=self.kind, actor=self.actor, do=self.do, do_en=self.do_en)]

    @property
    def actors(self) -> list[str]:
        """Every role acting in this row (joint actors and parts included), in the order written."""
        if not self.parts:
            return actor_ids(self.actor)
        return list(dict.fromkeys(a for part in self.parts for a in part.actors))

    @property
    def entry_kind(self) -> StepKind:
        """The symbol the row is entered by: its first part's (a start part makes the row the start)."""
        return self.parts[0].kind if self.parts else self.kind

    @property
    def exit_kind(self) -> StepKind:
        """The symbol the row leaves from: its last part's (that part carries `next`/`exits`)."""
        return self.parts[-1].kind if self.parts else self.kind

    @field_validator("time", "output", "notes", "time_en", "output_en", "notes_en", mode="before")
    @classmethod
    def _join_lists(cls, value: Any) -> Any:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return value


class Resources(_Model):
    """Sumber daya: kualifikasi pelaksana, pelatihan, peralatan/perlengkapan, bahan."""

    people: TextList = Field(default_factory=list, description="Kualifikasi pelaksana")
    training: TextList = Field(default_factory=list, description="Pelatihan")
    equipment: TextList = Field(default_factory=list, description="Peralatan/perlengkapan")
    materials: TextList = Field(default_factory=list, description="Bahan")

    _v = field_validator("people", "training", "equipment", "materials", mode="before")(_as_list)

    def is_empty(self) -> bool:
        return not (self.people or self.training or self.equipment or self.materials)


class Measurement(_Model):
    """Pengukuran / indikator kinerja (ISO/TR 10013 4.5.2.5 h)."""

    name: str = Field(min_length=1, description="Nama indikator")
    method: str | None = Field(None, description="Cara mengukur")
    target: str | None = Field(None, description="Target")
    frequency: str | None = Field(None, description="Frekuensi")
    owner: str | None = Field(None, description="Id peran penanggung jawab")


class Record(_Model):
    """Rekaman: what the activity leaves behind, and how it is kept (ISO/TR 10013 4.5.2.6)."""

    id: str | None = Field(
        None, min_length=1,
        description="Nomor formulir/rekaman, mis. F.SMLTI 19-01; boleh tidak ada (dicetak namanya saja). "
        "Langkah merujuk rekaman dengan nomor ini",
    )
    name: str = Field(min_length=1, description="Nama rekaman")
    form: bool = Field(False, description="Apakah berupa formulir bernomor")
    owner: str | None = Field(None, description="Id peran pemilik")
    storage: str | None = Field(None, description="Tempat dan cara penyimpanan")
    retention: str | None = Field(None, description="Masa retensi")
    disposition: str | None = Field(None, description="Tindakan setelah retensi")


class Attachment(_Model):
    """Lampiran: a supporting table, form or file inside the library folder."""

    title: str = Field(min_length=1, description="Judul lampiran")
    file: str | None = Field(None, description="Berkas relatif terhadap folder pustaka")
    description: str | None = None


_NUMBER_BAD_CHARS = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class Procedure(_Model):
    """A documented procedure: document control, the ISO/TR 10013 sections and the flow of steps."""

    number: str = Field(min_length=1, max_length=64, description="No. Dok., mis. P.SMLTI 19")
    title: str = Field(min_length=1, max_length=200, description="Judul prosedur")
    title_en: str | None = Field(None, description="Judul dalam bahasa Inggris")
    revision: int = Field(0, ge=0, description="Nomor revisi")
    issued: dt.date | None = Field(None, description="Tanggal terbit")
    effective: dt.date | None = Field(None, description="Tanggal efektif")
    review_due: dt.date | None = Field(None, description="Rencana tanggal tinjauan")
    status: Status = Field(Status.DRAFT, description="Status dokumen")
    owner: str | None = Field(None, description="Id unit kerja pemilik")
    classification: Classification = Field(Classification.BIASA, description="Klasifikasi")
    language: str = Field("id", pattern=r"^(id|en)$", description="Bahasa dokumen")
    approval: Approval = Field(default_factory=Approval, description="Disusun / Diperiksa / Disahkan")
    history: list[Change] = Field(default_factory=list, description="Riwayat perubahan")

    purpose: str = Field("", description="Tujuan")
    purpose_en: str | None = Field(None, description="Tujuan dalam bahasa Inggris (dokumen --lang en)")
    scope: Scope = Field(default_factory=Scope, description="Ruang lingkup")
    definitions: list[Definition] = Field(default_factory=list, description="Definisi")
    references: list[Reference] = Field(default_factory=list, description="Acuan")
    legal_basis: TextList = Field(default_factory=list, description="Dasar hukum (PermenPAN-RB)")
    clauses: TextList = Field(default_factory=list, description="Klausul ISO/IEC 20000-1:2018 yang dilayani")
    related: TextList = Field(default_factory=list, description="Keterkaitan: nomor prosedur terkait")
    roles: list[ProcedureRole] = Field(default_factory=list, description="Tanggung jawab dan wewenang")
    parameters: dict[Ident, Parameter] = Field(default_factory=dict, description="Parameter bernama")
    resources: Resources = Field(default_factory=Resources, description="Sumber daya")
    warnings: TextList = Field(default_factory=list, description="Peringatan")
    inputs: TextList = Field(default_factory=list, description="Masukan proses")
    outputs: TextList = Field(default_factory=list, description="Keluaran proses")
    controls: TextList = Field(default_factory=list, description="Pengendalian proses")
    provisions: TextList = Field(default_factory=list, description="Ketentuan umum / aturan yang berlaku")
    steps: list[Step] = Field(default_factory=list, description="Uraian kegiatan")
    measurements: list[Measurement] = Field(default_factory=list, description="Pengukuran")
    records: list[Record] = Field(default_factory=list, description="Rekaman")
    attachments: list[Attachment] = Field(default_factory=list, description="Lampiran")
    unread: TextList = Field(
        default_factory=list,
        description="Bagian SOP asli yang tidak terbaca saat impor (prosedur import); periksa, lengkapi, lalu "
        "hapus catatan ini (lint P120)",
    )

    _v = field_validator(
        "legal_basis", "clauses", "related", "warnings", "inputs", "outputs", "controls", "provisions", "unread",
        mode="before",
    )(_as_list)

    _source: Path | None = PrivateAttr(None)
    _positions: dict[tuple[str | int, ...], tuple[int, int]] | None = PrivateAttr(None)
    _text: str | None = PrivateAttr(None)

    @field_validator("number")
    @classmethod
    def _no_invisible_chars(cls, value: str) -> str:
        if _NUMBER_BAD_CHARS.search(value):
            raise ValueError("invisible_chars")
        return value

    @field_validator("clauses", mode="after")
    @classmethod
    def _clauses_as_text(cls, value: list[str]) -> list[str]:
        return [str(v) for v in value]

    # -- source positions ---------------------------------------------------------------------
    @property
    def source(self) -> Path | None:
        """The file this procedure was loaded from, if any."""
        return self._source

    @property
    def source_text(self) -> str | None:
        """The text this procedure was parsed from, if any."""
        return self._text

    def position(self, *path: str | int) -> tuple[int, int]:
        """(line, column) of the closest enclosing node of `path` in the source, or (0, 0).

        Positions are worked out from the source text on the first call: most procedures are clean
        and never need them, and holding them for a large library costs more than the model itself.
        """
        positions = self._positions
        if positions is None:
            positions = {}
            if self._text is not None:
                from .load import positions_of

                positions = positions_of(self._text)
            self._positions = positions
        key: tuple[str | int, ...] = tuple(path)
        while key:
            if key in positions:
                return positions[key]
            key = key[:-1]
        return positions.get((), (0, 0))

    # -- lookups --------------------------------------------------------------------------------
    def step(self, step_id: str) -> Step | None:
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    def record(self, record_id: str) -> Record | None:
        for record in self.records:
            if record.id == record_id:
                return record
        return None

    def actors(self) -> list[str]:
        """Role ids in the order they first act: the lane order of the flowchart."""
        seen: dict[str, None] = {}
        for step in self.steps:
            for actor in step.actors:
                seen.setdefault(actor, None)
        return list(seen)


class Unit(_Model):
    """Unit kerja."""

    name: str = Field(min_length=1, description="Nama unit kerja")
    name_en: str | None = None
    parent: str | None = Field(None, description="Id unit induk")


class Numbering(_Model):
    """Numbering patterns. `{nn}` stands for two digits, `{n}` for any number of digits."""

    procedure: str = Field("P.SMLTI {nn}", description="Pola nomor prosedur")
    form: str = Field("F.SMLTI {nn}-{nn}", description="Pola nomor formulir")

    @staticmethod
    def to_regex(pattern: str) -> re.Pattern[str]:
        parts = re.split(r"(\{nn\}|\{n\})", pattern)
        regex = "".join(
            r"\d{2}" if part == "{nn}" else r"\d+" if part == "{n}" else re.escape(part) for part in parts
        )
        return re.compile(f"^{regex}$")


QualityField = Literal["requirements", "input", "time", "output"]
QUALITY_FIELDS: tuple[str, ...] = ("requirements", "input", "time", "output")


class QualityColumn(_Model):
    """One Mutu Baku column of the SOP table: the step field it prints and its heading."""

    field: QualityField = Field(description="Kolom langkah yang dicetak: requirements, input, time, output")
    heading: str | None = Field(
        None, min_length=1,
        description="Judul kolom, mis. Persyaratan/Kelengkapan (bawaan: Kelengkapan, Input, Waktu, Output)",
    )
    heading_en: str | None = Field(None, min_length=1, description="Judul kolom dalam bahasa Inggris")


def _quality_columns(value: Any) -> Any:
    """The short form `[requirements, time, output]`: a bare field name is a column with its default heading."""
    if isinstance(value, list):
        return [{"field": v} if isinstance(v, str) else v for v in value]
    return value


def _default_columns() -> list[QualityColumn]:
    return [QualityColumn(field="requirements"), QualityColumn(field="time"), QualityColumn(field="output")]


class SopSettings(_Model):
    """How this agency prints its PermenPAN-RB SOP: Mutu Baku columns, Keterangan, the number, empty cells."""

    quality_columns: list[QualityColumn] = Field(
        default_factory=_default_columns, min_length=1, max_length=4,
        description="Kolom Mutu Baku berurutan: daftar field (requirements, input, time, output), masing-masing "
        "boleh dengan heading/heading_en, mis. [{field: requirements, heading: Persyaratan/Kelengkapan}, time, "
        "output]. Bawaan: Kelengkapan, Waktu, Output",
    )
    notes_column: bool = Field(True, description="Cetak kolom Keterangan (steps[].notes dan rekaman langkah)")
    notes_heading: str | None = Field(None, min_length=1, description="Judul kolom Keterangan, mis. Ket.")
    notes_heading_en: str | None = Field(None, min_length=1, description="Judul kolom Keterangan (Inggris)")
    revision_suffix: bool = Field(
        True, description="Tambahkan \"(Revisi n)\" di belakang Nomor SOP bila revisi > 0; false: nomor apa adanya",
    )
    empty_cell: Literal["-", ""] = Field(
        "-", description="Isi sel identitas SOP yang kosong: \"-\" atau \"\" (kosong)",
    )

    _v = field_validator("quality_columns", mode="before")(_quality_columns)

    @field_validator("quality_columns")
    @classmethod
    def _columns_once(cls, value: list[QualityColumn]) -> list[QualityColumn]:
        fields = [c.field for c in value]
        for f in fields:
            if fields.count(f) > 1:
                raise ValueError(f"kolom Mutu Baku '{f}' tertulis dua kali / column '{f}' is listed twice")
        return value

    @property
    def quality_fields(self) -> list[str]:
        return [c.field for c in self.quality_columns]


def _text_lines(value: Any) -> Any:
    """A name printed on several lines: a list of lines, or text with line breaks; stored as text with
    one line per line break (printers that want one line join them)."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(v.strip() for v in value if v.strip())
    return value


_LINES_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
MultiLine = Annotated[str, BeforeValidator(_text_lines), WithJsonSchema(_LINES_SCHEMA)]


class Reminders(_Model):
    """When the web app reminds people by e-mail and in the app (`manage.py send_reminders`, run daily)."""

    acknowledge_days: int = Field(
        7, ge=1, le=365,
        description="Hari setelah distribusi sampai pembaca yang belum menyatakan telah membaca diingatkan "
        "(lalu setiap sekian hari)")
    review_days: int = Field(
        5, ge=1, le=365,
        description="Hari setelah permintaan tinjauan sampai peninjau yang belum memutuskan diingatkan (lalu "
        "setiap sekian hari)")


class LibraryInfo(_Model):
    """The library file (`pustaka.yaml`): organisation, numbering, shared roles and units."""

    organisation: MultiLine = Field(
        min_length=1,
        description="Nama organisasi / instansi; beberapa baris: daftar baris atau teks berbaris, mis. "
        "[Badan Pusat Statistik, Provinsi Bengkulu]",
    )
    organisation_en: MultiLine | None = None
    unit: MultiLine | None = Field(
        None, description="Nama unit penyelenggara, mis. Pusat Data dan Informasi (boleh beberapa baris)")
    logo: str | None = Field(None, description="Berkas logo relatif terhadap folder pustaka (SVG/PNG)")
    language: str = Field("id", pattern=r"^(id|en)$", description="Bahasa bawaan")
    languages: list[Annotated[str, Field(pattern=r"^(id|en)$")]] = Field(
        default_factory=lambda: ["id"],
        description="Bahasa terbitan pustaka, mis. [id, en]: dengan en, lint menghitung teks yang belum "
        "punya terjemahan bahasa Inggris (P409)",
    )
    numbering: Numbering = Field(default_factory=Numbering)
    review_interval_months: int = Field(12, ge=1, le=60, description="Interval tinjauan (bulan)")
    units: dict[Ident, Unit] = Field(default_factory=dict, description="Unit kerja")
    roles: dict[Ident, Role] = Field(default_factory=dict, description="Peran")
    procedures_dir: str = Field("prosedur", description="Folder berkas prosedur")
    profile: str = Field(
        "iso10013", pattern=r"^(iso10013|permenpan)$",
        description="Profil pemeriksaan (lint): iso10013 (prosedur ISO/TR 10013 lengkap) atau permenpan "
        "(SOP AP PermenPAN-RB 35/2012: identitas dan tabel kegiatan; bagian khusus ISO opsional)",
    )
    paper: PaperName = Field(
        "A4",
        description="Ukuran kertas PDF dan DOCX: A4 (bawaan), F4 (Folio 215 x 330 mm), Letter, Legal. SOP mendatar, "
        "dokumen tegak",
    )
    sop: SopSettings = Field(
        default_factory=SopSettings,
        description="Tampilan SOP PermenPAN-RB instansi: kolom Mutu Baku, kolom Keterangan, akhiran revisi pada "
        "Nomor SOP, isi sel kosong",
    )
    reminders: Reminders = Field(
        default_factory=Reminders,
        description="Pengingat aplikasi web: acknowledge_days (pembaca), review_days (peninjau), dalam hari",
    )


class Library(BaseModel):
    """A loaded library: its info, its folder and its procedures (sorted by number)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    root: Path
    info: LibraryInfo
    procedures: list[Procedure] = Field(default_factory=list)
    info_positions: dict[tuple[str | int, ...], tuple[int, int]] = Field(default_factory=dict)

    @property
    def info_file(self) -> Path:
        return self.root / LIBRARY_FILE

    _index: dict[str, int] | None = PrivateAttr(None)

    def procedure(self, number: str) -> Procedure | None:
        """The procedure with this number (the first, if a library wrongly holds two).

        Builds and renderers look numbers up thousands of times per library, so positions are
        indexed; a hit is verified against the list and a miss re-indexes once, so a list changed
        in place (tests, the CLI adding a file) is never answered from a stale index.
        """
        for attempt in (0, 1):
            if self._index is None or attempt:
                index: dict[str, int] = {}
                for i, proc in enumerate(self.procedures):
                    index.setdefault(proc.number, i)
                self._index = index
            found = self._index.get(number)
            if found is not None and found < len(self.procedures) and self.procedures[found].number == number:
                return self.procedures[found]
        return None

    def role_name(self, role_id: str, proc: Procedure | None = None, lang: str = "id") -> str:
        """Display name of a role: the procedure's local name, the library's, or the id itself."""
        if proc is not None:
            for local in proc.roles:
                if local.id == role_id and local.name:
                    return local.name
        role = self.info.roles.get(role_id)
        if role is None:
            return role_id
        return (role.name_en or role.name) if lang == "en" else role.name


LIBRARY_FILE = "pustaka.yaml"
