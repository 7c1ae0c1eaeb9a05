"""The document view: a procedure resolved for printing, shared by every output format.

Renderers (HTML, PDF, SOP table, DOCX, narrative) read this instead of the raw model so they agree on
everything a reader compares between them: step numbers, role names, parameter values, date format,
the watermark. Values here are plain text; each renderer escapes for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import shared
from ..flow.graph import Edge, successors
from ..flow.layout import lane_order, role_order
from ..i18n import long_date as long_date  # re-exported for the renderers
from ..i18n import short_date as short_date
from ..integrity import signed_at_text
from ..model import Library, Procedure, SopSettings, Status, StepKind
from ..paper import Paper, paper
from ..record import ControlRecord, Origin, Party, record_from_source, source_records_approval
from ..text import substitute
from ..translation import english, english_item, indonesian_sections
from .labels import label


@dataclass
class ExitView:
    label: str
    target_id: str
    target_number: int | None
    backwards: bool


@dataclass
class PartView:
    """One symbol of a row: its kind, the role ids acting in it (two or more: a joint task) and names."""

    kind: StepKind
    actor_ids: list[str]
    actors: list[str]
    text: str


@dataclass
class StepView:
    number: int
    id: str
    kind: StepKind
    actor_id: str | None
    """The first acting role (a joint task or a row of parts has more: `parts`)."""
    actor: str
    """Every acting role by name: "A bersama B" for a joint task, "A, B" for a row of parts."""
    text: str
    why: str
    when: str
    where: str
    how: str
    requirements: list[str]
    time: str
    output: str
    records: list[tuple[str, str]]
    resources: list[str]
    controls: list[str]
    notes: str
    exits: list[ExitView]
    next_number: int | None
    next_id: str | None
    parts: list[PartView] = field(default_factory=list)
    """The row's symbols in order (one for a plain step)."""
    next_label: str = ""
    input: list[str] = field(default_factory=list)
    """Mutu Baku Input (printed where the library chooses that column)."""
    quality_cells: list[str] = field(default_factory=list)
    """The Mutu Baku cells the library prints, in its column order, as one line each (web, narrative)."""

    def quality(self, name: str) -> list[str]:
        """A Mutu Baku field's text as lines: requirements / input one per item, time / output one."""
        value = getattr(self, name)
        if isinstance(value, list):
            return list(value)
        return [value] if value else []

    @property
    def is_decision(self) -> bool:
        return self.kind == StepKind.DECISION


def _actors_text(parts: list[PartView], lang: str) -> str:
    """Who acts in a row, by name: a joint task's names with "bersama" / "with", parts' names by commas."""
    joint = " with " if lang == "en" else " bersama "
    names = [joint.join(p.actors) for p in parts if p.actors]
    return ", ".join(dict.fromkeys(names))


@dataclass
class RoleView:
    id: str
    name: str
    unit: str
    responsibilities: list[str]
    authorities: list[str]


@dataclass
class SectionView:
    """One heading of the printed document: its place (`key`), its number ("6.3"; "" for none) and title.

    The one home of the document's outline: the HTML/PDF template and the DOCX both print these numbers
    and titles in this order, so the formats cannot drift apart."""

    key: str
    number: str
    title: str
    level: int

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title


# The outline of the ISO/TR 10013 document: (key, label key, level). Level 1 is numbered 1, 2, ...;
# level 2 under its level-1 section 1, 2, ... ("6.1"). Every heading is printed in every format, with
# "Tidak ada" under an empty one, so the numbers never depend on what a procedure happens to fill in.
OUTLINE: tuple[tuple[str, str, int], ...] = (
    ("purpose", "purpose", 1),
    ("scope", "scope", 1),
    ("definitions", "definitions", 1),
    ("references", "references", 1),
    ("legal_basis", "legal_basis", 2),
    ("responsibilities", "responsibilities", 1),
    ("activities", "activities", 1),
    ("provisions", "provisions", 2),
    ("io", "", 2),
    ("controls", "controls", 2),
    ("resources", "resources", 2),
    ("warnings", "warnings", 2),
    ("flowchart", "flowchart", 2),
    ("narrative", "narrative", 2),
    ("measurements", "measurements", 1),
    ("records", "records", 1),
    ("attachments", "attachments", 1),
    ("related", "related", 1),
    ("clauses", "clauses", 1),
    ("approval", "approval", 1),
    ("history", "history", 1),
)


def outline(lang: str) -> list[SectionView]:
    """The document's headings in order with their numbers, in `lang`."""
    out: list[SectionView] = []
    top = sub = 0
    for key, label_key, level in OUTLINE:
        if level == 1:
            top, sub = top + 1, 0
            number = str(top)
        else:
            sub += 1
            number = f"{top}.{sub}"
        title = label(label_key, lang) if label_key else f"{label('inputs', lang)} / {label('outputs', lang)}"
        out.append(SectionView(key, number, title, level))
    return out


@dataclass
class PersonView:
    """One column of the approval block, printed from the control record."""

    role: str
    name: str
    position: str
    nip: str
    date: str
    """The date (long form), or "diisi saat pengesahan" while pending."""
    meaning: str = ""
    """Disusun / Diperiksa / Disahkan."""
    when: str = ""
    """Date and time with zone for a signature of record ("2 Desember 2026 pukul 09.15.00 WIB (UTC+07:00)")."""
    signed: bool = False
    """Signed electronically in the lifecycle (the signature cell says so; Disahkan's carries the QR)."""
    signed_text: str = ""
    """"Disusun / Diperiksa / Disahkan secara elektronik" for a signed party."""
    pending: bool = False


@dataclass
class DocumentView:
    """Everything a printed procedure shows, resolved and in one language."""

    lang: str
    organisation: str
    unit: str
    logo: str | None
    number: str
    title: str
    revision: int
    issued: str
    effective: str
    review_due: str
    issued_long: str
    effective_long: str
    status: Status
    status_label: str
    classification: str
    owner: str
    watermark: str | None
    controlled: bool
    purpose: str
    scope_includes: list[str]
    scope_excludes: list[str]
    definitions: list[tuple[str, str]]
    references: list[tuple[str, str, str, str]]
    legal_basis: list[str]
    clauses: list[str]
    related: list[tuple[str, str]]
    roles: list[RoleView]
    actors: list[tuple[str, str]]
    steps: list[StepView]
    provisions: list[str]
    inputs: list[str]
    outputs: list[str]
    controls: list[str]
    qualifications: list[str]
    training: list[str]
    equipment: list[str]
    materials: list[str]
    warnings: list[str]
    measurements: list[tuple[str, str, str, str, str]]
    records: list[tuple[str, str, str, str, str, str]]
    attachments: list[tuple[str, str, str]]
    """(title, description, file) of each appendix."""
    prepared: PersonView | None
    reviewed: list[PersonView]
    approved: PersonView | None
    history: list[tuple[int, str, str, str, str]]
    content_hash: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    record: ControlRecord | None = None
    """The control record every date and signer above was printed from."""
    verify_url: str | None = None
    """The verification link (QR code); only for a record the lifecycle can back."""
    revision_date_long: str = "-"
    """Tanggal Revisi of the SOP sheet: this revision's date, '-' for revision 0."""
    esigned: bool = False
    """Signed electronically in the lifecycle: every page says so and carries the QR and hash."""
    indonesian: list[str] = field(default_factory=list)
    """English document: the sections (names in English) whose text has no English version and is
    printed in Indonesian (`translation.indonesian_sections`); empty in Indonesian."""

    @property
    def indonesian_note(self) -> str:
        """"Printed in Indonesian (no English text yet): Purpose, Procedure Narrative." or ""."""
        if not self.indonesian:
            return ""
        return f"{label('in_indonesian', self.lang)}: {', '.join(self.indonesian)}."
    organisation_lines: list[str] = field(default_factory=list)
    """The organisation's name as the library breaks it into lines (identity block, document header);
    `organisation` is the same name on one line."""
    unit_lines: list[str] = field(default_factory=list)
    paper: Paper = field(default_factory=lambda: paper("A4"))
    """The library's paper: every renderer takes its page boxes from it (`prosedur.paper`)."""
    sop: SopSettings = field(default_factory=SopSettings)
    """How the library prints its SOP: Mutu Baku columns, Keterangan, revision suffix, empty cells."""
    quality_columns: list[tuple[str, str]] = field(default_factory=list)
    """The library's Mutu Baku columns in order: (step field, heading in this language)."""
    notes_heading: str = ""
    """The Keterangan column's heading ("" when the library leaves the column out)."""
    parameters: list[tuple[str, str]] = field(default_factory=list)
    """The procedure's named values: (what it is, the value with its unit), printed under Definisi."""
    sections: list[SectionView] = field(default_factory=list)
    """The document's headings in print order with their numbers (`outline`)."""

    @property
    def heads(self) -> dict[str, SectionView]:
        """The headings by key, for the templates: `v.heads.purpose.number`."""
        return {s.key: s for s in self.sections}

    @property
    def info(self) -> list[tuple[str, str]]:
        """The line under the header on page 1: owner unit, effective date, next review (every format)."""
        lang = self.lang
        items = [(label("owner", lang), self.owner), (label("effective", lang), self.effective),
                 (label("review_due", lang), self.review_due)]
        return [(k, v) for k, v in items if v and v != "-"]

    @property
    def footer_id(self) -> str:
        """The footer's identity line: number, revision, status, classification (every format)."""
        lang = self.lang
        return (f"{self.number} · {label('revision', lang)} {self.revision} · {label('status', lang)}: "
                f"{self.status_label} · {label('classification', lang)}: {self.classification}")

    @property
    def quality_heads(self) -> list[str]:
        return [heading for _, heading in self.quality_columns]

    @property
    def prepared_reviewed_approved(self) -> list[PersonView]:
        """The approval block's columns in order: Disusun, Diperiksa (each), Disahkan."""
        return [p for p in (self.prepared, *self.reviewed, self.approved) if p is not None]


def document_view(
    proc: Procedure,
    library: Library | None = None,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    record: ControlRecord | None = None,
    verify_url: str | None = None,
) -> DocumentView:
    """Resolve `proc` for printing in `lang`.

    Dates and signers come from `record` (the lifecycle's control record) or, without one, from what
    the source records about itself. A copy is controlled only when asked (`controlled`) *and* the
    record backs it: signed in the lifecycle, or a source in force that records its own approval;
    anything else prints as an uncontrolled copy. The verification link is printed when the record
    carries it (its maker, the web app, answers for it) or for a record signed in the lifecycle: a
    link passed for a source-only record is dropped, so nothing claims a verification it cannot back.

    Inside `shared.shared_work()` (a build) a view without a caller's `record` is made once per
    procedure, library and arguments.
    """
    if record is None and shared.active():
        key = ("document_view", shared.content(proc), id(library), lang, controlled, content_hash, verify_url)
        kept, view = shared.shared(key, lambda: (library, _document_view(
            proc, library, lang=lang, controlled=controlled, content_hash=content_hash, verify_url=verify_url)))
        if kept is library:  # the id of a library that still lives (the entry keeps it alive)
            return view
    return _document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                          record=record, verify_url=verify_url)


def _document_view(
    proc: Procedure,
    library: Library | None = None,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    record: ControlRecord | None = None,
    verify_url: str | None = None,
) -> DocumentView:
    if record is None:
        record = record_from_source(
            proc, review_interval_months=library.info.review_interval_months if library else None)
    lifecycle_signed = record.origin == Origin.LIFECYCLE and record.approved is not None
    backed = lifecycle_signed or (record.origin == Origin.SOURCE and source_records_approval(proc))
    controlled = controlled and backed and proc.status == Status.EFFECTIVE
    # a link the record's maker vouches for (the web app's copies), else only a lifecycle signature's
    verify_url = record.verify_url or (verify_url if lifecycle_signed else None)
    content_hash = content_hash or record.content_hash

    def sub(text: str | None) -> str:
        return substitute(text, proc)

    def sub_en(text: str | None, text_en: str | None) -> str:
        """The field in the document's language (its `_en` sibling in English, when written)."""
        return substitute(english(text, text_en, lang), proc)

    def sub_items(items: list[str], items_en: list[str]) -> list[str]:
        return [substitute(english_item(items, items_en, i, lang), proc) for i in range(len(items))]

    def role_name(role_id: str | None) -> str:
        if not role_id:
            return ""
        return library.role_name(role_id, proc, lang) if library else _local_role_name(proc, role_id)

    def unit_name(unit_id: str | None) -> str:
        if not unit_id:
            return ""
        if library and unit_id in library.info.units:
            unit = library.info.units[unit_id]
            return (unit.name_en or unit.name) if lang == "en" else unit.name
        return unit_id

    numbers = {step.id: i + 1 for i, step in enumerate(proc.steps)}
    succ = successors(proc)
    steps: list[StepView] = []
    for i, step in enumerate(proc.steps):
        out: list[Edge] = succ.get(step.id, [])
        labels_en = {ex.to: ex.label_en for ex in step.exits}
        exits = [
            ExitView(
                label=sub_en(edge.label, labels_en.get(edge.target)),
                target_id=edge.target,
                target_number=numbers.get(edge.target),
                backwards=numbers.get(edge.target, 0) <= i + 1,
            )
            for edge in out
            if step.exits
        ]
        plain = [] if step.exits else out
        next_id = plain[0].target if plain else None
        parts = [
            PartView(part.kind, part.actors, [role_name(a) for a in part.actors], sub_en(part.do, part.do_en))
            for part in step.symbols()
        ]
        steps.append(
            StepView(
                number=i + 1,
                id=step.id,
                kind=step.exit_kind,
                actor_id=step.actors[0] if step.actors else None,
                actor=_actors_text(parts, lang),
                parts=parts,
                next_label=sub_en(step.next_label, step.next_label_en),
                text=sub_en(step.do, step.do_en),
                why=sub(step.why),
                when=sub(step.when),
                where=sub(step.where),
                how=sub(step.how),
                requirements=sub_items(step.requirements, step.requirements_en),
                time=sub_en(step.time, step.time_en),
                output=sub_en(step.output, step.output_en),
                input=[sub(r) for r in step.input],
                records=[(rid, _record_name(proc, rid)) for rid in step.records],
                resources=[sub(r) for r in step.resources],
                controls=[sub(c) for c in step.controls],
                notes=sub_en(step.notes, step.notes_en),
                exits=exits,
                next_number=numbers.get(next_id) if next_id else None,
                next_id=next_id,
            )
        )

    # one order for the responsibility section, the flowchart lanes and the SOP's Pelaksana columns;
    # every role that acts is listed, also one the procedure's `roles` does not name (alone, jointly
    # or in a part of a row: a PermenPAN-RB SOP often names its actors only in the table)
    local = {r.id: r for r in proc.roles}
    roles = []
    for role_id in role_order(proc):
        role = local.get(role_id)
        library_role = library.info.roles.get(role_id) if library else None
        unit_id = (role.unit if role else None) or (library_role.unit if library_role else None)
        roles.append(
            RoleView(
                id=role_id,
                name=role_name(role_id) or (role.name if role else None) or role_id,
                unit=unit_name(unit_id),
                responsibilities=[sub(r) for r in role.responsibilities] if role else [],
                authorities=[sub(a) for a in role.authorities] if role else [],
            )
        )

    lanes = lane_order(proc)

    pending_text = label("filled_at_signing", lang)

    def person(role_key: str, p: Party | None) -> PersonView | None:
        if p is None:
            return None
        day = p.at.date() if p.at is not None else p.on
        return PersonView(
            role=label(role_key, lang),
            name=p.name,
            position=p.position,
            nip=p.nip,
            date=long_date(day, lang) if day else (pending_text if record.origin == Origin.PENDING else "-"),
            meaning=label(f"meaning_{p.meaning.value}", lang),
            when=signed_at_text(p.at, lang) if p.at is not None else "",
            signed=p.at is not None and record.origin == Origin.LIFECYCLE,
            signed_text=label(f"esigned_{p.meaning.value}", lang),
        )

    approved_view = person("approved_by", record.approved)
    if approved_view is None and record.origin == Origin.PENDING:
        approved_view = PersonView(role=label("approved_by", lang), name=pending_text, position="", nip="",
                                   date=pending_text, meaning=label("meaning_disahkan", lang), pending=True)

    def record_date(value: object) -> str:
        if value is None and record.origin == Origin.PENDING:
            return pending_text
        return short_date(value)  # type: ignore[arg-type]

    def record_long(value: object) -> str:
        if value is None and record.origin == Origin.PENDING:
            return pending_text
        return long_date(value, lang)  # type: ignore[arg-type]

    history = []
    for h in proc.history:
        change, reason, date = h.change, h.reason or "", h.date
        if h.revision == record.revision and record.change is not None:
            change, reason = record.change.change, record.change.reason or ""
            date = record.issued if record.origin == Origin.LIFECYCLE else (record.change.date or date)
        date_text = short_date(date) if date else (pending_text if h.revision == record.revision else "-")
        history.append((h.revision, date_text, change, reason, h.by or ""))
    this_change = next((h for h in proc.history if h.revision == record.revision), None)
    if record.revision > 0:
        revised = record.issued if record.origin == Origin.LIFECYCLE else (this_change.date if this_change else None)
        revision_date_long = record_long(revised)
    else:
        revision_date_long = "-"

    watermark = None
    if proc.status in (Status.DRAFT, Status.IN_REVIEW):
        watermark = label("draft_mark", lang)
    elif proc.status == Status.OBSOLETE:
        watermark = label("obsolete_mark", lang)
    elif proc.status == Status.CANCELLED:
        watermark = label("cancelled_mark", lang)

    info = library.info if library else None
    logo = str(library.root / info.logo) if library and info and info.logo else None
    organisation = ((info.organisation_en or info.organisation) if lang == "en" else info.organisation) if info else ""
    organisation_lines = _lines(organisation)
    settings = info.sop if info else SopSettings()
    columns = quality_columns(settings, lang)
    for step_view in steps:
        step_view.quality_cells = ["; ".join(step_view.quality(name)) for name, _ in columns]
    unit_lines = _lines(info.unit if info else None)
    return DocumentView(
        lang=lang,
        organisation=" ".join(organisation_lines),
        organisation_lines=organisation_lines,
        unit=" ".join(unit_lines),
        unit_lines=unit_lines,
        paper=paper(info.paper if info else None),
        sop=settings,
        quality_columns=columns,
        notes_heading=((settings.notes_heading_en if lang == "en" else settings.notes_heading) or label("notes", lang))
        if settings.notes_column else "",
        logo=logo,
        number=proc.number,
        title=(proc.title_en or proc.title) if lang == "en" else proc.title,
        revision=record.revision,
        issued=record_date(record.issued),
        effective=record_date(record.effective),
        review_due=record_date(record.review_due),
        issued_long=record_long(record.issued),
        effective_long=record_long(record.effective),
        status=proc.status,
        status_label=label(f"status_{proc.status.value}", lang),
        classification=label(f"class_{proc.classification.value}", lang),
        owner=unit_name(proc.owner),
        watermark=watermark,
        controlled=controlled,
        purpose=sub_en(proc.purpose, proc.purpose_en),
        scope_includes=sub_items(proc.scope.includes, proc.scope.includes_en),
        scope_excludes=sub_items(proc.scope.excludes, proc.scope.excludes_en),
        definitions=[(d.term, sub(d.meaning)) for d in proc.definitions],
        references=[
            (label(f"ref_{r.kind.value}", lang), r.id or "", r.title, r.clause or "") for r in proc.references
        ],
        legal_basis=list(proc.legal_basis),
        clauses=list(proc.clauses),
        related=[(num, _procedure_title(library, num, lang)) for num in proc.related],
        roles=roles,
        actors=[(a, role_name(a)) for a in lanes],
        steps=steps,
        provisions=[sub(p) for p in proc.provisions],
        inputs=[sub(x) for x in proc.inputs],
        outputs=[sub(x) for x in proc.outputs],
        controls=[sub(x) for x in proc.controls],
        qualifications=[sub(x) for x in proc.resources.people],
        training=[sub(x) for x in proc.resources.training],
        equipment=[sub(x) for x in proc.resources.equipment],
        materials=[sub(x) for x in proc.resources.materials],
        warnings=[sub(x) for x in proc.warnings],
        measurements=[
            (sub(m.name), sub(m.method), sub(m.target), sub(m.frequency), role_name(m.owner))
            for m in proc.measurements
        ],
        records=[
            (r.id or "", r.name, role_name(r.owner), r.storage or "", r.retention or "", r.disposition or "")
            for r in proc.records
        ],
        attachments=[(sub(a.title), sub(a.description), a.file or "") for a in proc.attachments],
        parameters=[(sub(p.label) or pid, p.display()) for pid, p in proc.parameters.items()],
        sections=outline(lang),
        prepared=person("prepared_by", record.prepared),
        reviewed=[v for v in (person("reviewed_by", p) for p in record.reviewed) if v],
        approved=approved_view,
        history=history,
        content_hash=content_hash,
        record=record,
        verify_url=verify_url,
        revision_date_long=revision_date_long,
        esigned=lifecycle_signed,
        indonesian=[label(key, lang) for key in indonesian_sections(proc)] if lang == "en" else [],
    )


def quality_columns(settings: SopSettings, lang: str) -> list[tuple[str, str]]:
    """The library's Mutu Baku columns in order with their headings in `lang`: the library's heading
    (`heading_en` in English), else ours (Kelengkapan, Input, Waktu, Output)."""
    return [(c.field, (c.heading_en if lang == "en" else c.heading) or label(c.field, lang))
            for c in settings.quality_columns]


def _lines(text: str | None) -> list[str]:
    """A name as the library breaks it into lines (`organisation: [a, b]` or text with line breaks)."""
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def _local_role_name(proc: Procedure, role_id: str) -> str:
    for role in proc.roles:
        if role.id == role_id:
            return role.name or role_id
    return role_id


def _record_name(proc: Procedure, record_id: str) -> str:
    record = proc.record(record_id)
    return record.name if record else ""


def _procedure_title(library: Library | None, number: str, lang: str) -> str:
    if library is None:
        return ""
    other = library.procedure(number)
    if other is None:
        return ""
    return (other.title_en or other.title) if lang == "en" else other.title


