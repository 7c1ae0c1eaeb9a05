"""Document-control registers, always derived from the procedures (never kept by hand).

ISO/IEC 20000-1 7.5.3 and ISO/TR 10013 ask for a master list showing each document's revision status,
for records to be identified with their storage, retention and disposition, and for documents to be
distributed where they are needed. Kept by hand, such lists drift from the documents within months;
computed from the sources they cannot. Four registers:

* *Daftar Induk Dokumen* (master list): every revision in the library with its status and dates, and
  when it is next due for review;
* *Daftar Rekaman* (records register): every record the procedures in force define;
* the forms register: numbered forms only, with every procedure that cites them;
* the distribution list: per procedure in force, the units whose roles act in it, plus its owner.

Each register is a list of typed rows plus bilingual column headings; `cells(lang)` turns a row into
what a table or a spreadsheet shows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from ..model import Library, Procedure, ReferenceKind, Status
from ..text import plain
from ..workflow import ENDED
from ..workflow import STATUS_LABELS as _WORKFLOW_STATUS_LABELS

__all__ = [
    "Column",
    "DistributionRow",
    "DocumentRow",
    "FormRow",
    "RecordRow",
    "Register",
    "RegisterKind",
    "add_months",
    "distribution_list",
    "document_register",
    "forms_register",
    "in_force",
    "natural_key",
    "record_register",
    "register",
]

Cell = str | int | float | bool | dt.date | None

STATUS_LABELS = _WORKFLOW_STATUS_LABELS  # one home: the lifecycle's own labels


def status_label(status: Status, lang: str = "id") -> str:
    pair = STATUS_LABELS[status]
    return pair[1] if lang == "en" else pair[0]


def _yes_no(value: bool, lang: str) -> str:
    if lang == "en":
        return "Yes" if value else "No"
    return "Ya" if value else "Tidak"


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """'P.SMLTI 9' before 'P.SMLTI 10'. Parts are tagged so numbers and text never compare."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


def add_months(date: dt.date, months: int) -> dt.date:
    """`date` plus whole months, clamping the day (31 Jan + 1 month = 28/29 Feb)."""
    index = date.month - 1 + months
    year, month = date.year + index // 12, index % 12 + 1
    return date.replace(year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    id: str
    en: str

    def heading(self, lang: str = "id") -> str:
        return self.en if lang == "en" else self.id


class _Row(Protocol):
    def cells(self, lang: str = "id") -> list[Cell]: ...


RowT = TypeVar("RowT", bound=_Row)


class RegisterKind(StrEnum):
    DOCUMENTS = "documents"
    RECORDS = "records"
    FORMS = "forms"
    DISTRIBUTION = "distribution"


@dataclass(frozen=True)
class Register(Generic[RowT]):
    """A register: its kind, bilingual title, columns and typed rows."""

    kind: RegisterKind
    title_id: str
    title_en: str
    columns: tuple[Column, ...]
    rows: tuple[RowT, ...]

    def title(self, lang: str = "id") -> str:
        return self.title_en if lang == "en" else self.title_id

    def headings(self, lang: str = "id") -> list[str]:
        return [c.heading(lang) for c in self.columns]

    def cells(self, lang: str = "id") -> list[list[Cell]]:
        return [row.cells(lang) for row in self.rows]


# -- which revisions are "in force" -------------------------------------------------------------
def in_force(library: Library, include_pending: bool = False) -> list[Procedure]:
    """One revision per document number: the effective one (highest revision if several).

    With `include_pending`, a number that has no effective revision is represented by its newest
    draft / in-review / approved revision, so a library still being written shows something.
    """
    best: dict[str, Procedure] = {}
    for proc in library.procedures:
        if proc.status in ENDED:
            continue
        if proc.status is not Status.EFFECTIVE and not include_pending:
            continue
        current = best.get(proc.number)
        if current is None or _rank(proc) > _rank(current):
            best[proc.number] = proc
    return sorted(best.values(), key=lambda p: natural_key(p.number))


def _rank(proc: Procedure) -> tuple[int, int]:
    return (1 if proc.status is Status.EFFECTIVE else 0, proc.revision)


def _pick(id_text: str, en_text: str | None, lang: str) -> str:
    """The text in `lang`, without inline emphasis markers (registers are plain cells: CSV, XLSX)."""
    return plain((en_text or id_text) if lang == "en" else id_text)


def _unit_name(library: Library, unit_id: str | None, lang: str) -> str:
    if not unit_id:
        return ""
    unit = library.info.units.get(unit_id)
    if unit is None:
        return unit_id
    return _pick(unit.name, unit.name_en, lang)


# -- Daftar Induk Dokumen -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DocumentRow:
    number: str
    title: str
    title_en: str | None
    revision: int
    status: Status
    issued: dt.date | None
    effective: dt.date | None
    next_review: dt.date | None
    owner: str | None
    owner_name: str
    owner_name_en: str

    def cells(self, lang: str = "id") -> list[Cell]:
        return [
            self.number,
            _pick(self.title, self.title_en, lang),
            self.revision,
            status_label(self.status, lang),
            self.issued,
            self.effective,
            self.next_review,
            self.owner_name_en if lang == "en" else self.owner_name,
        ]


DOCUMENT_COLUMNS = (
    Column("number", "Nomor Dokumen", "Document number"),
    Column("title", "Judul", "Title"),
    Column("revision", "Revisi", "Revision"),
    Column("status", "Status", "Status"),
    Column("issued", "Tanggal Terbit", "Issue date"),
    Column("effective", "Tanggal Efektif", "Effective date"),
    Column("next_review", "Tinjauan Berikutnya", "Next review"),
    Column("owner", "Unit Pemilik", "Owner unit"),
)


def next_review(proc: Procedure, interval_months: int) -> dt.date | None:
    """When the revision is next due for review: `review_due`, else effective/issued + the interval.

    Obsolete revisions are never reviewed again, so they have none.
    """
    if proc.status in ENDED:
        return None
    if proc.review_due is not None:
        return proc.review_due
    start = proc.effective or proc.issued
    return add_months(start, interval_months) if start is not None else None


def document_register(library: Library) -> Register[DocumentRow]:
    """Every revision in the library (obsolete ones included, marked so), by number then revision."""
    months = library.info.review_interval_months
    rows = [
        DocumentRow(
            number=p.number,
            title=p.title,
            title_en=p.title_en,
            revision=p.revision,
            status=p.status,
            issued=p.issued,
            effective=p.effective,
            next_review=next_review(p, months),
            owner=p.owner,
            owner_name=_unit_name(library, p.owner, "id"),
            owner_name_en=_unit_name(library, p.owner, "en"),
        )
        for p in sorted(library.procedures, key=lambda p: (natural_key(p.number), p.revision))
    ]
    return Register(RegisterKind.DOCUMENTS, "Daftar Induk Dokumen", "Master list of documents",
                    DOCUMENT_COLUMNS, tuple(rows))


# -- Daftar Rekaman -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RecordRow:
    id: str
    name: str
    form: bool
    procedure: str
    procedure_status: Status
    owner: str | None
    owner_name: str
    owner_name_en: str
    storage: str | None
    retention: str | None
    disposition: str | None

    def cells(self, lang: str = "id") -> list[Cell]:
        return [
            self.id,
            self.name,
            _yes_no(self.form, lang),
            self.procedure,
            self.owner_name_en if lang == "en" else self.owner_name,
            self.storage,
            self.retention,
            self.disposition,
        ]


RECORD_COLUMNS = (
    Column("id", "Nomor Rekaman", "Record number"),
    Column("name", "Nama Rekaman", "Record name"),
    Column("form", "Formulir", "Form"),
    Column("procedure", "Prosedur", "Procedure"),
    Column("owner", "Pemilik", "Owner"),
    Column("storage", "Penyimpanan", "Storage"),
    Column("retention", "Masa Retensi", "Retention"),
    Column("disposition", "Tindakan setelah Retensi", "Disposition"),
)


def record_register(library: Library, include_pending: bool = False) -> Register[RecordRow]:
    """Every record defined by a procedure in force, by record number."""
    rows: list[RecordRow] = []
    for proc in in_force(library, include_pending):
        for rec in proc.records:
            rows.append(
                RecordRow(
                    id=rec.id or "",
                    name=rec.name,
                    form=rec.form,
                    procedure=proc.number,
                    procedure_status=proc.status,
                    owner=rec.owner,
                    owner_name=library.role_name(rec.owner, proc, "id") if rec.owner else "",
                    owner_name_en=library.role_name(rec.owner, proc, "en") if rec.owner else "",
                    storage=rec.storage,
                    retention=rec.retention,
                    disposition=rec.disposition,
                )
            )
    rows.sort(key=lambda r: (natural_key(r.id), natural_key(r.procedure)))
    return Register(RegisterKind.RECORDS, "Daftar Rekaman", "Records register", RECORD_COLUMNS, tuple(rows))


# -- Formulir -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FormRow:
    id: str
    name: str
    defined_by: tuple[str, ...]  # procedures whose records section defines the form
    cited_by: tuple[str, ...]  # every procedure that defines, produces (step records) or references it

    def cells(self, lang: str = "id") -> list[Cell]:
        return [self.id, self.name, ", ".join(self.defined_by), ", ".join(self.cited_by)]


FORM_COLUMNS = (
    Column("id", "Nomor Formulir", "Form number"),
    Column("name", "Nama Formulir", "Form name"),
    Column("defined_by", "Didefinisikan di", "Defined in"),
    Column("cited_by", "Digunakan oleh Prosedur", "Used by procedures"),
)


def forms_register(library: Library, include_pending: bool = False) -> Register[FormRow]:
    """Numbered forms only: records marked `form: true` and references of kind `form`.

    A form defined in one procedure and cited in another's references lists both, so retiring a
    form shows every procedure that has to change with it.
    """
    procs = in_force(library, include_pending)
    names: dict[str, str] = {}
    defined: dict[str, list[str]] = {}
    for proc in procs:
        for rec in proc.records:
            if rec.form and rec.id is not None:
                names.setdefault(rec.id, rec.name)
                defined.setdefault(rec.id, []).append(proc.number)
        for ref in proc.references:
            if ref.kind is ReferenceKind.FORM and ref.id:
                names.setdefault(ref.id, ref.title)
    cited: dict[str, list[str]] = {form_id: [] for form_id in names}
    for proc in procs:
        mentioned = {rec.id for rec in proc.records if rec.form and rec.id is not None}
        mentioned.update(ref.id for ref in proc.references if ref.kind is ReferenceKind.FORM and ref.id)
        mentioned.update(r for step in proc.steps for r in step.records if r in names)
        for form_id in mentioned:
            cited[form_id].append(proc.number)
    rows = [
        FormRow(form_id, names[form_id], tuple(defined.get(form_id, ())), tuple(_unique(cited[form_id])))
        for form_id in sorted(names, key=natural_key)
    ]
    return Register(RegisterKind.FORMS, "Daftar Formulir", "Forms register", FORM_COLUMNS, tuple(rows))


def _unique(items: Iterable[str]) -> list[str]:
    return sorted(dict.fromkeys(items), key=natural_key)


# -- Daftar Distribusi ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DistributionRow:
    procedure: str
    title: str
    title_en: str | None
    unit: str | None  # None: a role acts in the procedure but no unit is known for it
    unit_name: str
    unit_name_en: str
    owner: bool
    roles: tuple[str, ...]  # display names (Indonesian) of the roles of this unit acting in it
    roles_en: tuple[str, ...]

    def cells(self, lang: str = "id") -> list[Cell]:
        unit = self.unit_name_en if lang == "en" else self.unit_name
        if self.unit is None:
            unit = "(unit not set)" if lang == "en" else "(unit belum ditetapkan)"
        return [
            self.procedure,
            _pick(self.title, self.title_en, lang),
            unit,
            _yes_no(self.owner, lang),
            ", ".join(self.roles_en if lang == "en" else self.roles),
        ]


DISTRIBUTION_COLUMNS = (
    Column("procedure", "Nomor Dokumen", "Document number"),
    Column("title", "Judul", "Title"),
    Column("unit", "Unit Penerima", "Receiving unit"),
    Column("owner", "Unit Pemilik", "Owner unit"),
    Column("roles", "Peran yang Terlibat", "Roles involved"),
)


def _role_unit(library: Library, proc: Procedure, role_id: str) -> str | None:
    for role in proc.roles:
        if role.id == role_id and role.unit:
            return role.unit
    lib_role = library.info.roles.get(role_id)
    return lib_role.unit if lib_role is not None else None


def distribution_list(library: Library, include_pending: bool = False) -> Register[DistributionRow]:
    """Per procedure in force: the owner unit first, then each unit whose roles act in the steps."""
    rows: list[DistributionRow] = []
    for proc in in_force(library, include_pending):
        by_unit: dict[str | None, list[str]] = {}
        if proc.owner:
            by_unit[proc.owner] = []
        for role_id in proc.actors():
            by_unit.setdefault(_role_unit(library, proc, role_id), []).append(role_id)
        for unit_id, role_ids in by_unit.items():
            rows.append(
                DistributionRow(
                    procedure=proc.number,
                    title=proc.title,
                    title_en=proc.title_en,
                    unit=unit_id,
                    unit_name=_unit_name(library, unit_id, "id"),
                    unit_name_en=_unit_name(library, unit_id, "en"),
                    owner=unit_id is not None and unit_id == proc.owner,
                    roles=tuple(library.role_name(r, proc, "id") for r in role_ids),
                    roles_en=tuple(library.role_name(r, proc, "en") for r in role_ids),
                )
            )
    return Register(RegisterKind.DISTRIBUTION, "Daftar Distribusi", "Distribution list",
                    DISTRIBUTION_COLUMNS, tuple(rows))


def register(
    library: Library, kind: RegisterKind | str, include_pending: bool = False
) -> Register[DocumentRow] | Register[RecordRow] | Register[FormRow] | Register[DistributionRow]:
    """The register of `kind` (documents, records, forms, distribution)."""
    kind = RegisterKind(kind)
    if kind is RegisterKind.DOCUMENTS:
        return document_register(library)
    if kind is RegisterKind.RECORDS:
        return record_register(library, include_pending)
    if kind is RegisterKind.FORMS:
        return forms_register(library, include_pending)
    return distribution_list(library, include_pending)
