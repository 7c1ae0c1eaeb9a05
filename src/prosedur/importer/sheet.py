"""What was read from one SOP, before it becomes a source: plain data the report, the tests and the
source builder share (one home for each fact read)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .messages import render

__all__ = ["Issue", "ReadRow", "ReadSheet", "ReadSymbol"]


@dataclass(slots=True)
class Issue:
    """Something not read (or read with doubt), at its page and row of the original."""

    msg_id: str
    page: int = 0
    row: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        return render(self.msg_id, self.params, lang)

    def where(self, lang: str = "id") -> str:
        page, row = ("hlm.", "baris") if lang == "id" else ("p.", "row")
        parts = [f"{page} {self.page}"] if self.page else []
        if self.row is not None:
            parts.append(f"{row} {self.row}")
        return ", ".join(parts)

    def text(self, lang: str = "id") -> str:
        where = self.where(lang)
        return f"{where}: {self.message(lang)}" if where else self.message(lang)


@dataclass(slots=True)
class ReadSymbol:
    """One symbol of a row: its kind, the lanes (0-based) it stands in, where it is drawn."""

    kind: str  # start, end, process, decision, io, connector
    lanes: list[int]
    page: int
    box: tuple[float, float, float, float]
    exits: list[tuple[str | None, int]] = field(default_factory=list)  # (label, row index)


@dataclass(slots=True)
class ReadRow:
    number: str
    text: str
    page: int
    symbols: list[ReadSymbol] = field(default_factory=list)
    mutu: list[str] = field(default_factory=list)  # one cell per Mutu Baku heading
    notes: str = ""
    next_label: str | None = None
    unread: list[str] = field(default_factory=list)  # what the row's step must flag (`unread`), rendered


@dataclass(slots=True)
class ReadSheet:
    """The whole SOP as read: identity sheet, activity table, paper."""

    file: str
    pages: int = 0
    paper: str = ""
    orientation: str = ""
    organisation: list[str] = field(default_factory=list)
    unit: list[str] = field(default_factory=list)
    number: str = ""
    issued: str = ""
    revised: str = ""
    effective: str = ""
    approver_position: str = ""
    approver_name: str = ""
    approver_nip: str = ""
    title: str = ""
    legal_basis: list[str] = field(default_factory=list)
    qualifications: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    equipment: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    lanes: list[str] = field(default_factory=list)
    mutu_headings: list[str] = field(default_factory=list)
    notes_heading: str | None = None  # the Keterangan column's heading as printed; None: no such column
    rows: list[ReadRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # what the procedure must flag (`unread`), rendered
    empty_marks: list[str] = field(default_factory=list)  # how empty identity cells are printed: "-" or ""

    def as_dict(self, lang: str = "id") -> dict[str, Any]:
        data = asdict(self)
        data["issues"] = [{"page": i.page, "row": i.row, "message": i.message(lang), "id": i.msg_id}
                          for i in self.issues]
        return data
