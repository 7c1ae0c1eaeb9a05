"""P2xx: the procedure says everything ISO/TR 10013:2001 (4.5) asks of a documented procedure.

Under the `permenpan` profile the ISO-only sections (purpose, scope, inputs/outputs, measurements,
records' keeping, the preparer) are not asked for; P212-P215 ask instead for what a signed
PermenPAN-RB 35/2012 SOP AP carries: its identity block and the activity table.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import QUALITY_FIELDS, Status, StepKind
from ..core import Finding, ProcContext, Severity, rule

_SIGNED = (Status.APPROVED, Status.EFFECTIVE)


@rule(
    "P201", "required-sections", Severity.ERROR,
    explain_id="Bagian wajib ISO/TR 10013 terisi: judul, unit pemilik, tujuan, ruang lingkup (yang dicakup), "
    "tanggung jawab dan wewenang (roles), uraian kegiatan (steps), rekaman (records) dan acuan (references).",
    explain_en="The ISO/TR 10013 sections are filled in: title, owning unit, purpose, scope (what is "
    "included), responsibilities and authorities (roles), activities (steps), records and references.",
    profiles={"permenpan": None},
)
def check_required_sections(ctx: ProcContext) -> Iterator[Finding]:
    proc = ctx.proc
    present = {
        "title": bool(proc.title.strip()),
        "owner": bool(proc.owner),
        "purpose": bool(proc.purpose.strip()),
        "scope.includes": bool(proc.scope.includes),
        "roles": bool(proc.roles),
        "steps": bool(proc.steps),
        "records": bool(proc.records),
        "references": bool(proc.references),
    }
    for section, ok in present.items():
        if not ok:
            yield ctx.finding("P201", tuple(section.split(".")), "section_missing", section=section)


@rule(
    "P202", "scope-exclusions", Severity.WARNING,
    explain_id="Ruang lingkup juga menyatakan apa yang tidak dicakup (scope.excludes), agar batas prosedur "
    "dengan prosedur lain jelas.",
    explain_en="The scope also says what is excluded (scope.excludes), so the boundary with other "
    "procedures is clear.",
    profiles={"permenpan": None},
)
def check_scope_exclusions(ctx: ProcContext) -> Iterator[Finding]:
    if not ctx.proc.scope.excludes:
        yield ctx.finding("P202", ("scope",), "scope_no_excludes")


@rule(
    "P203", "step-has-actor", Severity.ERROR,
    explain_id="Setiap langkah, kecuali penghubung (connector), menyebut pelaksananya (actor): siapa "
    "mengerjakan apa adalah inti SOP dan menentukan lajur diagram alir.",
    explain_en="Every step except connectors names its actor: who does what is the heart of an SOP and "
    "decides the flowchart lane.",
)
def check_step_has_actor(ctx: ProcContext) -> Iterator[Finding]:
    for i, step in enumerate(ctx.proc.steps):
        if not step.parts:
            if step.kind != StepKind.CONNECTOR and not step.actor:
                yield ctx.finding("P203", ("steps", i), "step_no_actor", step=step.id)
            continue
        for k, part in enumerate(step.parts):
            if part.kind != StepKind.CONNECTOR and not part.actor:
                yield ctx.finding("P203", ("steps", i, "parts", k), "step_no_actor", step=f"{step.id} ({k + 1})")


@rule(
    "P204", "step-has-action", Severity.ERROR,
    explain_id="Setiap langkah, kecuali penghubung, berisi uraian kegiatan (do).",
    explain_en="Every step except connectors has its action text (do).",
)
def check_step_has_action(ctx: ProcContext) -> Iterator[Finding]:
    for i, step in enumerate(ctx.proc.steps):
        if step.kind != StepKind.CONNECTOR and not step.do.strip():
            yield ctx.finding("P204", ("steps", i), "step_no_action", step=step.id)


@rule(
    "P205", "process-inputs-outputs", Severity.WARNING,
    explain_id="Masukan (inputs) dan keluaran (outputs) proses dinyatakan (ISO/TR 10013 4.5.2.5), agar "
    "keterkaitan dengan proses lain terlihat.",
    explain_en="The process inputs and outputs are stated (ISO/TR 10013 4.5.2.5), so links to other "
    "processes are visible.",
    profiles={"permenpan": None},
)
def check_process_inputs_outputs(ctx: ProcContext) -> Iterator[Finding]:
    if not ctx.proc.inputs:
        yield ctx.finding("P205", ("inputs",), "io_missing", what="io_inputs")
    if not ctx.proc.outputs:
        yield ctx.finding("P205", ("outputs",), "io_missing", what="io_outputs")


@rule(
    "P206", "has-measurement", Severity.WARNING,
    explain_id="Paling sedikit satu pengukuran/indikator kinerja (measurements) dengan target, agar efektivitas "
    "prosedur dapat dipantau (ISO/TR 10013 4.5.2.5 h; SNI ISO/IEC 20000-1 9.1).",
    explain_en="At least one measurement / performance indicator with a target, so the procedure's "
    "effectiveness can be monitored (ISO/TR 10013 4.5.2.5 h; ISO/IEC 20000-1 9.1).",
    profiles={"permenpan": None},
)
def check_has_measurement(ctx: ProcContext) -> Iterator[Finding]:
    if not ctx.proc.measurements:
        yield ctx.finding("P206", ("measurements",), "no_measurement")


@rule(
    "P207", "record-keeping", Severity.ERROR,
    explain_id="Setiap rekaman menyebut tempat/cara penyimpanan (storage) dan masa retensi (retention), "
    "sebagaimana disyaratkan pengendalian informasi terdokumentasi (SNI ISO/IEC 20000-1 7.5.4).",
    explain_en="Every record states where and how it is kept (storage) and for how long (retention), as "
    "control of documented information requires (ISO/IEC 20000-1 7.5.4).",
    profiles={"permenpan": Severity.INFO},
)
def check_record_keeping(ctx: ProcContext) -> Iterator[Finding]:
    for i, record in enumerate(ctx.proc.records):
        for key in ("storage", "retention"):
            if not getattr(record, key):
                yield ctx.finding("P207", ("records", i), "record_keeping", record=record.id or record.name,
                                  what=key)


@rule(
    "P208", "approval-evidence", Severity.ERROR,
    explain_id="Prosedur berstatus disetujui atau berlaku memiliki bukti pengesahan: penyusun (prepared) dan "
    "pengesah (approved), masing-masing dengan nama dan tanggal (ISO/TR 10013 4.5.3).",
    explain_en="An approved or effective procedure carries approval evidence: who prepared and who approved "
    "it, each with name and date (ISO/TR 10013 4.5.3).",
    profiles={"permenpan": None},
)
def check_approval_evidence(ctx: ProcContext) -> Iterator[Finding]:
    proc = ctx.proc
    if proc.status not in _SIGNED:
        return
    for key in ("prepared", "approved"):
        person = getattr(proc.approval, key)
        if person is None or person.date is None:
            yield ctx.finding("P208", ctx.located(("approval", key), ("status",)), "approval_missing", status=str(proc.status), what=key)


@rule(
    "P209", "history-current-revision", Severity.ERROR,
    explain_id="Prosedur berstatus disetujui atau berlaku memuat baris riwayat perubahan untuk revisinya "
    "saat ini (ISO/TR 10013 4.5.4).",
    explain_en="An approved or effective procedure has a change-history row for its current revision "
    "(ISO/TR 10013 4.5.4).",
    profiles={"permenpan": Severity.INFO},
)
def check_history_current_revision(ctx: ProcContext) -> Iterator[Finding]:
    proc = ctx.proc
    if proc.status in _SIGNED and not any(c.revision == proc.revision for c in proc.history):
        yield ctx.finding("P209", ctx.located(("history",), ("revision",), ("status",)), "history_missing",
                          revision=proc.revision)


@rule(
    "P211", "history-described", Severity.ERROR,
    explain_id="Setiap baris riwayat perubahan menguraikan apa yang berubah (change); baris revisi baru "
    "dibuat kosong saat revisi dimulai dan diisi penyusun (ISO/TR 10013 4.5.4).",
    explain_en="Every change-history row says what changed (change); a new revision's row is created empty "
    "when the revision starts and the author fills it in (ISO/TR 10013 4.5.4).",
    # a signed SOP AP prints its Tanggal Revisi, never what changed
    profiles={"permenpan": Severity.INFO},
)
def check_history_described(ctx: ProcContext) -> Iterator[Finding]:
    for i, entry in enumerate(ctx.proc.history):
        if not entry.change.strip():
            yield ctx.finding("P211", ("history", i), "history_undescribed", revision=entry.revision)


@rule(
    "P210", "effective-dates", Severity.ERROR,
    explain_id="Prosedur berstatus berlaku menyebut tanggal terbit (issued) dan tanggal efektif (effective).",
    explain_en="An effective procedure states its issue date (issued) and its effective date (effective).",
)
def check_effective_dates(ctx: ProcContext) -> Iterator[Finding]:
    proc = ctx.proc
    if proc.status != Status.EFFECTIVE:
        return
    for key in ("issued", "effective"):
        if getattr(proc, key) is None:
            yield ctx.finding("P210", ("status",), "dates_missing", what=key)


# -- the PermenPAN-RB 35/2012 SOP AP (profile `permenpan`) ------------------------------------------------
# Which identity cells signed SOPs always fill was read off the agency SOPs in ../shared/reference (BPS
# Provinsi Bengkulu, 40 SOPs): Nomor, Nama, the unit, Disahkan oleh and Dasar Hukum always; Kualifikasi
# Pelaksana and Peralatan/Perlengkapan nearly always; Peringatan and Pencatatan dan Pendataan are often
# left empty (SOP-053 prints no Peringatan), so they are only noted.


@rule(
    "P212", "sop-identity", Severity.ERROR, profiles={"iso10013": None},
    explain_id="SOP AP (PermenPAN-RB 35/2012): bagian identitas dan tabel kegiatan terisi: Nama SOP (title), unit "
    "pemilik (owner), Dasar Hukum (legal_basis) dan kegiatan (steps). Hanya profil permenpan.",
    explain_en="SOP AP (PermenPAN-RB 35/2012): the identity block and the activity table are filled in: Nama SOP "
    "(title), owning unit (owner), Dasar Hukum (legal_basis) and the activities (steps). Profile permenpan only.",
)
def check_sop_identity(ctx: ProcContext) -> Iterator[Finding]:
    proc = ctx.proc
    present = {
        "title": bool(proc.title.strip()),
        "owner": bool(proc.owner),
        "legal_basis": bool(proc.legal_basis),
        "steps": bool(proc.steps),
    }
    for section, ok in present.items():
        if not ok:
            yield ctx.finding("P212", (section,), "sop_cell_missing", section=section, cell=f"cell_{section}")


@rule(
    "P213", "sop-resources", Severity.WARNING, profiles={"iso10013": None},
    explain_id="SOP AP: Kualifikasi Pelaksana (resources.people) dan Peralatan/Perlengkapan (resources.equipment) "
    "diisi; hampir setiap SOP yang disahkan memuatnya. Hanya profil permenpan.",
    explain_en="SOP AP: Kualifikasi Pelaksana (resources.people) and Peralatan/Perlengkapan (resources.equipment) "
    "are filled in; nearly every signed SOP carries them. Profile permenpan only.",
)
def check_sop_resources(ctx: ProcContext) -> Iterator[Finding]:
    resources = ctx.proc.resources
    for key, ok in (("people", bool(resources.people)), ("equipment", bool(resources.equipment or resources.materials))):
        if not ok:
            yield ctx.finding("P213", ctx.located(("resources", key), ("resources",)), "sop_cell_missing",
                              section=f"resources.{key}", cell=f"cell_{key}")


@rule(
    "P214", "sop-warnings-records", Severity.INFO, profiles={"iso10013": None},
    explain_id="SOP AP: Peringatan (warnings) dan Pencatatan dan Pendataan (records) diisi bila ada; banyak SOP "
    "yang disahkan membiarkannya kosong, maka hanya dicatat sebagai info. Hanya profil permenpan.",
    explain_en="SOP AP: Peringatan (warnings) and Pencatatan dan Pendataan (records) are filled in where there are "
    "any; many signed SOPs leave them empty, so this is only info. Profile permenpan only.",
)
def check_sop_warnings_records(ctx: ProcContext) -> Iterator[Finding]:
    proc = ctx.proc
    for key, ok in (("warnings", bool(proc.warnings)), ("records", bool(proc.records))):
        if not ok:
            yield ctx.finding("P214", (key,), "sop_cell_missing", section=key, cell=f"cell_{key}")


@rule(
    "P215", "sop-approved-by", Severity.ERROR, profiles={"iso10013": None},
    explain_id="SOP AP berstatus disetujui atau berlaku menyebut Disahkan oleh (approval.approved: nama dan "
    "jabatan; NIP bila ada). Penyusun dan tanggal tanda tangan tidak diminta: tanggal pengesahan adalah Tanggal "
    "Efektif. Hanya profil permenpan (profil iso10013: P208).",
    explain_en="An approved or effective SOP AP names who approved it (approval.approved: name and position; NIP "
    "where there is one). The preparer and the signing date are not asked for: the approval date is the "
    "Tanggal Efektif. Profile permenpan only (profile iso10013: P208).",
)
def check_sop_approved_by(ctx: ProcContext) -> Iterator[Finding]:
    proc = ctx.proc
    if proc.status in _SIGNED and proc.approval.approved is None:
        yield ctx.finding("P215", ctx.located(("approval", "approved"), ("approval",), ("status",)),
                          "sop_cell_missing", section="approval.approved", cell="cell_approved")


@rule(
    "P216", "mutu-baku-columns", Severity.WARNING, profiles={"iso10013": None},
    explain_id="Kolom Mutu Baku yang dicetak SOP pustaka (sop.quality_columns; bawaan Kelengkapan, Waktu, Output) "
    "diisi pada setiap kegiatan: bila satu langkah menulis kolom itu (requirements, input, time, output), langkah "
    "lain (selain penghubung) juga menulisnya. Kolom yang tidak dipakai sama sekali tidak dilaporkan. Sel yang "
    "memang kosong, seperti pada SOP asli yang ditandatangani, ditulis kosong (`output: \"\"`, "
    "`requirements: []`) dan tidak dilaporkan. Hanya profil permenpan.",
    explain_en="The Mutu Baku columns the library's SOP prints (sop.quality_columns; by default Kelengkapan, "
    "Waktu, Output) are filled in on every activity: when one step fills such a column (requirements, input, "
    "time, output), the other steps (connectors aside) do too. A column no step uses is not reported. A cell "
    "left empty on purpose, as in the signed original, is written empty (`output: \"\"`, `requirements: []`) "
    "and not reported. Profile permenpan only.",
)
def check_mutu_baku_columns(ctx: ProcContext) -> Iterator[Finding]:
    steps = [(i, s) for i, s in enumerate(ctx.proc.steps) if s.kind != StepKind.CONNECTOR]
    # a field written empty (`output: ""`) says the cell is empty on purpose: only a missing one is reported
    columns = {key: [bool(getattr(s, key)) or key in s.model_fields_set for _, s in steps]
               for key in ctx.lib.info.sop.quality_fields}
    for key, filled in columns.items():
        if not any(filled):
            continue
        for (i, step), ok in zip(steps, filled, strict=True):
            if not ok:
                yield ctx.finding("P216", ("steps", i), "mutu_baku_column", step=step.id, what=f"what_{key}")


@rule(
    "P217", "sop-column-not-printed", Severity.WARNING,
    explain_id="Yang ditulis di langkah tercetak di SOP: langkah yang mengisi kolom Mutu Baku yang tidak dipilih "
    "pustaka (sop.quality_columns: requirements, input, time, output) atau keterangan (notes) padahal pustaka "
    "tidak mencetak kolom Keterangan (sop.notes_column: false) dilaporkan, supaya tidak ada isi yang hilang "
    "diam-diam dari SOP.",
    explain_en="What a step says is printed on the SOP: a step that fills a Mutu Baku field the library does not "
    "print (sop.quality_columns: requirements, input, time, output), or notes while the library prints no "
    "Keterangan column (sop.notes_column: false), is reported, so that nothing written is silently lost from the "
    "SOP.",
)
def check_sop_column_printed(ctx: ProcContext) -> Iterator[Finding]:
    sop = ctx.lib.info.sop
    printed = set(sop.quality_fields)
    hidden = [key for key in QUALITY_FIELDS if key not in printed]
    for i, step in enumerate(ctx.proc.steps):
        for key in hidden:
            if getattr(step, key):
                yield ctx.finding("P217", ("steps", i, key), "sop_column_not_printed", step=step.id, field=key,
                                  setting="quality_columns")
        if not sop.notes_column and step.notes:
            yield ctx.finding("P217", ("steps", i, "notes"), "sop_column_not_printed", step=step.id, field="notes",
                              setting="notes_column")
