"""Which ISO/IEC 20000-1 clauses the library's procedures cover, and what is still missing.

How coverage is counted, and why (the way an auditor walks the standard):

* Only **effective** procedures count. Drafts, revisions in review and approved-but-not-yet-effective
  revisions are shown apart (`pending`): an auditor can only be shown documents in force. Obsolete
  revisions are ignored.
* Requirements live on the most specific clause (8.6.1, 8.5.1.2, 9.2), and that is where coverage is
  judged. A clause with sub-clauses has no requirement of its own: its status is **rolled up** from the
  sub-clauses under it — covered when every one of them is, partial when some are. So a procedure that
  names only 8.5.1.2 does not make 8.5.1 covered; its siblings 8.5.1.1 and 8.5.1.3 stay open.
* A procedure that names a clause with sub-clauses (8.5.1, 7.5) claims all of them: the author says
  "this is our answer to change management", and the auditor will test each sub-clause against it.
  That coverage is counted but marked **inherited** (with the clause it came through) so the broad
  claim stays visible. Naming a whole top-level clause (4 … 10) is too broad to be evidence for any
  particular requirement: it is listed against that clause and covers nothing below it.
* A **gap** is a clause that asks for documented information, records or a documented procedure and
  is not covered. Clause 8.6.1 is checked further: it asks for a documented procedure for *major*
  incidents, so it is satisfied only by an effective procedure claiming it whose title, scope or steps
  actually mention major incidents ("mayor"/"major"). Claiming 8.6.1 for ordinary incident handling
  leaves that gap open, and the report says which procedures claimed it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..model import Library, Procedure, Status
from ..text import plain
from .catalogue import Catalogue, Clause, Requirement, RequirementKind, catalogue, normalise

__all__ = [
    "ClauseCoverage",
    "ClauseStatus",
    "Coverage",
    "Gap",
    "GapReason",
    "ProcedureRef",
    "UnknownClause",
    "coverage",
    "mentions_major_incident",
]

PENDING_STATUSES = frozenset({Status.DRAFT, Status.IN_REVIEW, Status.APPROVED})
MAJOR_INCIDENT_CLAUSE = "8.6.1"
_MAJOR_RE = re.compile(r"\b(?:mayor|major)\b", re.IGNORECASE)


class ClauseStatus(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    PENDING = "pending"
    UNCOVERED = "uncovered"


STATUS_LABELS: dict[ClauseStatus, tuple[str, str]] = {
    ClauseStatus.COVERED: ("tercakup", "covered"),
    ClauseStatus.PARTIAL: ("sebagian", "partial"),
    ClauseStatus.PENDING: ("masih draf", "draft only"),
    ClauseStatus.UNCOVERED: ("belum tercakup", "not covered"),
}


class GapReason(StrEnum):
    UNCOVERED = "uncovered"
    MAJOR_INCIDENT_NOT_ADDRESSED = "major_incident_not_addressed"


GAP_LABELS: dict[GapReason, tuple[str, str]] = {
    GapReason.UNCOVERED: (
        "tidak ada prosedur berlaku yang mencakup klausul ini",
        "no effective procedure covers this clause",
    ),
    GapReason.MAJOR_INCIDENT_NOT_ADDRESSED: (
        "prosedur terdokumentasi untuk insiden mayor belum ada: prosedur yang mengklaim 8.6.1 tidak "
        "menyebut insiden mayor pada judul, ruang lingkup, atau langkahnya",
        "no documented procedure for major incidents: the procedures claiming 8.6.1 do not mention "
        "major incidents in their title, scope or steps",
    ),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


@dataclass(frozen=True, slots=True)
class ProcedureRef:
    """A procedure as coverage names it: enough to show and link, nothing heavy."""

    number: str
    title: str
    title_en: str | None
    revision: int
    status: Status

    @classmethod
    def of(cls, proc: Procedure) -> ProcedureRef:
        return cls(proc.number, proc.title, proc.title_en, proc.revision, proc.status)

    def display_title(self, lang: str = "id") -> str:
        return plain((self.title_en or self.title) if lang == "en" else self.title)

    def label(self, lang: str = "id") -> str:
        return f"{self.number} {self.display_title(lang)}"


@dataclass(frozen=True, slots=True)
class ClauseCoverage:
    """One row of the matrix: a clause, its status and who covers it (directly, inherited, pending)."""

    clause: Clause
    status: ClauseStatus
    direct: tuple[ProcedureRef, ...] = ()
    inherited: tuple[tuple[ProcedureRef, str], ...] = ()  # (procedure, the ancestor clause it named)
    pending: tuple[ProcedureRef, ...] = ()

    @property
    def covered(self) -> bool:
        return self.status is ClauseStatus.COVERED

    def cell(self, number: str) -> str | None:
        """'direct', 'inherited:<clause>' or None for the procedure `number` (an effective one)."""
        if any(p.number == number for p in self.direct):
            return "direct"
        for proc, via in self.inherited:
            if proc.number == number:
                return f"inherited:{via}"
        return None


@dataclass(frozen=True, slots=True)
class Gap:
    """A clause that asks for something no effective procedure provides."""

    clause: Clause
    reason: GapReason
    requirements: tuple[Requirement, ...]
    pending: tuple[ProcedureRef, ...] = ()  # drafts that would cover it once effective
    claimed_by: tuple[ProcedureRef, ...] = ()  # effective procedures that claim it but fall short

    @property
    def procedure_required(self) -> bool:
        return any(r.kind is RequirementKind.DOCUMENTED_PROCEDURE for r in self.requirements)

    def message(self, lang: str = "id") -> str:
        return _pick(GAP_LABELS[self.reason], lang)


@dataclass(frozen=True, slots=True)
class UnknownClause:
    procedure: str
    index: int
    clause: str


@dataclass(frozen=True)
class Coverage:
    """Clauses × effective procedures, with the gaps, the pending drafts and unknown clause numbers."""

    rows: tuple[ClauseCoverage, ...]
    procedures: tuple[ProcedureRef, ...]  # the matrix columns: effective procedures, by number
    pending_procedures: tuple[ProcedureRef, ...]
    gaps: tuple[Gap, ...]
    unknown: tuple[UnknownClause, ...]
    major_incident: tuple[ProcedureRef, ...]  # effective procedures that satisfy 8.6.1's procedure
    _by_number: dict[str, ClauseCoverage] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when every clause that asks for something is covered (the CI check)."""
        return not self.gaps

    def row(self, number: str) -> ClauseCoverage:
        return self._by_number[normalise(number)]

    def gap(self, number: str, reason: GapReason | None = None) -> Gap | None:
        for g in self.gaps:
            if g.clause.number == normalise(number) and (reason is None or g.reason is reason):
                return g
        return None

    def counts(self) -> dict[str, int]:
        """How many clauses that ask for something are covered / not (the headline numbers)."""
        required = [r for r in self.rows if r.clause.requires]
        return {
            "clauses": len(self.rows),
            "required": len(required),
            "required_covered": sum(1 for r in required if r.covered),
            "gaps": len(self.gaps),
            "procedures": len(self.procedures),
            "pending": len(self.pending_procedures),
        }

    def as_dict(self, lang: str = "id") -> dict[str, Any]:
        """Plain data for JSON output."""

        def ref(p: ProcedureRef) -> dict[str, Any]:
            return {"number": p.number, "title": p.display_title(lang), "revision": p.revision,
                    "status": str(p.status)}

        return {
            "counts": self.counts(),
            "ok": self.ok,
            "procedures": [ref(p) for p in self.procedures],
            "pending_procedures": [ref(p) for p in self.pending_procedures],
            "clauses": [
                {
                    "number": r.clause.number,
                    "title": r.clause.title(lang),
                    "status": str(r.status),
                    "requires": [
                        {"kind": str(q.kind), "item": q.item(lang)} for q in r.clause.requires
                    ],
                    "direct": [p.number for p in r.direct],
                    "inherited": [{"procedure": p.number, "via": via} for p, via in r.inherited],
                    "pending": [p.number for p in r.pending],
                }
                for r in self.rows
            ],
            "gaps": [
                {
                    "clause": g.clause.number,
                    "title": g.clause.title(lang),
                    "reason": str(g.reason),
                    "message": g.message(lang),
                    "procedure_required": g.procedure_required,
                    "requires": [{"kind": str(q.kind), "item": q.item(lang)} for q in g.requirements],
                    "pending": [p.number for p in g.pending],
                    "claimed_by": [p.number for p in g.claimed_by],
                }
                for g in self.gaps
            ],
            "major_incident_procedures": [p.number for p in self.major_incident],
            "unknown_clauses": [
                {"procedure": u.procedure, "index": u.index, "clause": u.clause} for u in self.unknown
            ],
        }


def _step_texts(proc: Procedure) -> Iterator[str]:
    for step in proc.steps:
        yield step.do
        for text in (step.why, step.when, step.where, step.how, step.output, step.notes):
            if text:
                yield text
        yield from step.requirements
        yield from (part.do for part in step.parts if part.do)
        for exit_ in step.exits:
            if exit_.label:
                yield exit_.label


def mentions_major_incident(proc: Procedure) -> bool:
    """Does the procedure handle major incidents: "mayor"/"major" in its title, scope or steps?

    The scope's exclusions do not count: "insiden mayor tidak dicakup" is the opposite of handling it.
    """
    texts: Iterable[str] = (proc.title, proc.title_en or "", *proc.scope.includes, *_step_texts(proc))
    return any(_MAJOR_RE.search(text) for text in texts)


def _reach(proc: Procedure, cat: Catalogue) -> dict[str, str | None]:
    """Clause number -> None when `proc` names it, or the named ancestor it is inherited through."""
    named = {normalise(c) for c in proc.clauses}
    out: dict[str, str | None] = {}
    for item in cat.clauses:  # document order: an ancestor is met before its sub-clauses
        if item.number in named:
            out[item.number] = None
        elif item.parent is not None and item.parent in out:
            via = out[item.parent] or item.parent
            if via.count(".") >= 1:  # a sub-clause (7.5, 8.5.1), never a whole top-level clause
                out[item.number] = via
    return out


def coverage(library: Library, cat: Catalogue | None = None) -> Coverage:
    """The coverage of `library`'s procedures over the catalogue (see the module notes for the rules)."""
    cat = cat or catalogue()
    effective = [p for p in library.procedures if p.status is Status.EFFECTIVE]
    pending = [p for p in library.procedures if p.status in PENDING_STATUSES]
    effective_refs = {id(p): ProcedureRef.of(p) for p in effective}
    pending_refs = {id(p): ProcedureRef.of(p) for p in pending}

    direct: dict[str, list[ProcedureRef]] = {}
    inherited: dict[str, list[tuple[ProcedureRef, str]]] = {}
    pending_at: dict[str, list[ProcedureRef]] = {}
    claims_861: list[Procedure] = []
    pending_861: list[Procedure] = []

    for proc in effective:
        ref = effective_refs[id(proc)]
        reach = _reach(proc, cat)
        for number, via in reach.items():
            if via is None:
                direct.setdefault(number, []).append(ref)
            else:
                inherited.setdefault(number, []).append((ref, via))
        if MAJOR_INCIDENT_CLAUSE in reach:
            claims_861.append(proc)

    for proc in pending:
        reach = _reach(proc, cat)
        for number in reach:
            pending_at.setdefault(number, []).append(pending_refs[id(proc)])
        if MAJOR_INCIDENT_CLAUSE in reach and mentions_major_incident(proc):
            pending_861.append(proc)

    rows: dict[str, ClauseCoverage] = {}
    # Children come after their parent in the catalogue: walk backwards so leaves are decided first.
    for item in reversed(cat.clauses):
        kids = cat.children(item.number)
        has_direct = bool(direct.get(item.number)) or bool(inherited.get(item.number))
        if not kids:
            if has_direct:
                status = ClauseStatus.COVERED
            elif pending_at.get(item.number):
                status = ClauseStatus.PENDING
            else:
                status = ClauseStatus.UNCOVERED
        else:
            states = [rows[k.number].status for k in kids]
            if all(s is ClauseStatus.COVERED for s in states):
                status = ClauseStatus.COVERED
            elif any(s in (ClauseStatus.COVERED, ClauseStatus.PARTIAL) for s in states):
                status = ClauseStatus.PARTIAL
            elif any(s is ClauseStatus.PENDING for s in states) or pending_at.get(item.number):
                status = ClauseStatus.PENDING
            else:
                status = ClauseStatus.UNCOVERED
        rows[item.number] = ClauseCoverage(
            clause=item,
            status=status,
            direct=tuple(direct.get(item.number, ())),
            inherited=tuple(inherited.get(item.number, ())),
            pending=tuple(pending_at.get(item.number, ())),
        )

    major_ok = tuple(effective_refs[id(p)] for p in claims_861 if mentions_major_incident(p))
    gaps: list[Gap] = []
    for item in cat.clauses:
        if not item.requires:
            continue
        row = rows[item.number]
        if not row.covered:
            gaps.append(Gap(item, GapReason.UNCOVERED, item.requires, pending=row.pending))
        elif item.number == MAJOR_INCIDENT_CLAUSE and not major_ok:
            wanted = tuple(r for r in item.requires if r.kind is RequirementKind.DOCUMENTED_PROCEDURE)
            gaps.append(
                Gap(
                    item,
                    GapReason.MAJOR_INCIDENT_NOT_ADDRESSED,
                    wanted,
                    pending=tuple(pending_refs[id(p)] for p in pending_861),
                    claimed_by=tuple(effective_refs[id(p)] for p in claims_861),
                )
            )

    unknown = tuple(
        UnknownClause(proc.number, i, str(c))
        for proc in library.procedures
        if proc.status not in (Status.OBSOLETE, Status.CANCELLED)
        for i, c in enumerate(proc.clauses)
        if cat.get(c) is None
    )
    ordered = tuple(rows[c.number] for c in cat.clauses)
    return Coverage(
        rows=ordered,
        procedures=tuple(effective_refs[id(p)] for p in effective),
        pending_procedures=tuple(pending_refs[id(p)] for p in pending),
        gaps=tuple(gaps),
        unknown=unknown,
        major_incident=major_ok,
        _by_number={r.clause.number: r for r in ordered},
    )
