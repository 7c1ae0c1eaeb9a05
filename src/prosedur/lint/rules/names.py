"""P3xx: every name points at something that exists (roles, records, parameters, documents, units)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ...model import ReferenceKind, Step, actor_ids
from ..core import Finding, LibraryContext, ProcContext, Severity, proc_file, rule


def _suggest(name: str, candidates: set[str]) -> str:
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return match[0] if match else ""


@rule(
    "P301", "actor-is-role", Severity.ERROR,
    explain_id="Pelaksana setiap langkah (actor) adalah id peran yang dinyatakan di bagian 'roles' prosedur "
    "ini, sehingga tanggung jawab dan wewenangnya tertulis. Profil permenpan: peran pustaka (pustaka.yaml) "
    "cukup, karena SOP AP menyebut pelaksana sebagai kolom dan tidak memiliki bagian tanggung jawab.",
    explain_en="Every step's actor is the id of a role declared under this procedure's 'roles', so its "
    "responsibilities and authorities are written down. Profile permenpan: a role of the library "
    "(pustaka.yaml) is enough, as an SOP AP names its Pelaksana by column and has no responsibilities section.",
)
def check_actor_is_role(ctx: ProcContext) -> Iterator[Finding]:
    roles = ctx.role_ids
    if ctx.profile == "permenpan":
        roles = roles | set(ctx.lib.info.roles)
    for i, step in enumerate(ctx.proc.steps):
        for path, actors in _actor_fields(i, step):
            for j, actor in enumerate(actors):
                if actor not in roles:
                    where = (*path, j) if len(actors) > 1 else path
                    yield ctx.finding("P301", where, "actor_not_role", actor=actor, step=step.id,
                                      suggestion=_suggest(actor, roles))


def _actor_fields(i: int, step: Step) -> list[tuple[tuple[str | int, ...], list[str]]]:
    """(field path, role ids) of every actor field of a step: the step's own, or each part's."""
    if not step.parts:
        return [(("steps", i, "actor"), actor_ids(step.actor))]
    return [(("steps", i, "parts", k, "actor"), part.actors) for k, part in enumerate(step.parts)]


@rule(
    "P114", "joint-lanes-adjacent", Severity.ERROR,
    explain_id="Tugas bersama (actor: [a, b]) digambar sebagai satu simbol yang melintasi lajur para "
    "pelaksananya, jadi lajur mereka bersebelahan dalam urutan lajur (urutan 'roles', lalu urutan pertama "
    "bertindak). Bila tidak, ubah urutan 'roles' atau tulis kegiatannya sebagai beberapa bagian (parts).",
    explain_en="A joint task (actor: [a, b]) is drawn as one symbol spanning its actors' lanes, so their "
    "lanes are adjacent in the lane order (the 'roles' order, then order of first action). If not, reorder "
    "'roles' or write the activity as several parts (parts).",
)
def check_joint_lanes_adjacent(ctx: ProcContext) -> Iterator[Finding]:
    from ...flow.layout import lane_order

    order = lane_order(ctx.proc)
    index = {role: k for k, role in enumerate(order)}
    for i, step in enumerate(ctx.proc.steps):
        for path, actors in _actor_fields(i, step):
            if len(actors) < 2:
                continue
            repeated = [a for k, a in enumerate(actors) if a in actors[:k]]
            if repeated:
                yield ctx.finding("P114", path, "joint_repeated", step=step.id, actor=repeated[0])
                continue
            lanes = sorted(index[a] for a in actors if a in index)
            if lanes and lanes[-1] - lanes[0] + 1 != len(lanes):
                yield ctx.finding("P114", path, "joint_not_adjacent", step=step.id, actors=", ".join(actors),
                                  order=", ".join(order))


@rule(
    "P302", "role-known", Severity.ERROR,
    explain_id="Setiap peran prosedur didefinisikan di pustaka (pustaka.yaml, roles) atau diberi nama lokal "
    "(name) di prosedur ini; tanpa itu dokumen tidak dapat menampilkan nama jabatannya.",
    explain_en="Every procedure role is defined in the library (pustaka.yaml, roles) or given a local name "
    "here; otherwise documents cannot show the position's name.",
)
def check_role_known(ctx: ProcContext) -> Iterator[Finding]:
    library_roles = ctx.lib.info.roles
    for i, role in enumerate(ctx.proc.roles):
        if role.id not in library_roles and not role.name:
            yield ctx.finding("P302", ("roles", i, "id"), "role_unknown", role=role.id)


@rule(
    "P303", "role-acts", Severity.WARNING,
    explain_id="Setiap peran yang dinyatakan melaksanakan paling sedikit satu langkah; peran yang tidak "
    "pernah bertindak biasanya sisa suntingan atau langkah yang terlupa.",
    explain_en="Every declared role carries out at least one step; a role that never acts is usually a "
    "leftover or a forgotten step.",
)
def check_role_acts(ctx: ProcContext) -> Iterator[Finding]:
    actors = set(ctx.proc.actors())
    for i, role in enumerate(ctx.proc.roles):
        if role.id not in actors:
            yield ctx.finding("P303", ("roles", i, "id"), "role_idle", role=role.id)


@rule(
    "P304", "owner-is-role", Severity.ERROR,
    explain_id="Penanggung jawab pengukuran dan pemilik rekaman (owner) adalah peran prosedur ini atau "
    "peran pustaka.",
    explain_en="The owner of each measurement and record is a role of this procedure or of the library.",
)
def check_owner_is_role(ctx: ProcContext) -> Iterator[Finding]:
    known = ctx.role_ids | set(ctx.lib.info.roles)
    owners: list[tuple[str, int, str | None]] = [
        *(("measurements", i, m.owner) for i, m in enumerate(ctx.proc.measurements)),
        *(("records", i, r.owner) for i, r in enumerate(ctx.proc.records)),
    ]
    for key, i, owner in owners:
        if owner and owner not in known:
            yield ctx.finding("P304", (key, i, "owner"), "owner_unknown", owner=owner, what=f"{key}[{i}]")


@rule(
    "P305", "step-record-exists", Severity.ERROR,
    explain_id="Setiap rekaman yang disebut pada langkah (steps[].records) tercantum di bagian rekaman "
    "(records) prosedur, lengkap dengan penyimpanan dan retensinya.",
    explain_en="Every record a step cites (steps[].records) is listed under the procedure's records, with "
    "its storage and retention.",
)
def check_step_record_exists(ctx: ProcContext) -> Iterator[Finding]:
    ids = ctx.record_ids
    for i, step in enumerate(ctx.proc.steps):
        for j, rec in enumerate(step.records):
            if rec not in ids:
                yield ctx.finding("P305", ("steps", i, "records", j), "step_record_unknown", step=step.id,
                                  record=rec)


@rule(
    "P306", "related-exists", Severity.WARNING, profiles={"permenpan": Severity.INFO},
    explain_id="Setiap nomor prosedur terkait (related) ada di pustaka. Rujukan ke prosedur yang belum "
    "ditulis adalah peringatan: sah saat menyusun, tetapi harus tuntas sebelum dokumen disahkan.",
    explain_en="Every related procedure number exists in the library. A link to a procedure not yet written "
    "is a warning: fine while drafting, to be resolved before approval.",
)
def check_related_exists(ctx: ProcContext) -> Iterator[Finding]:
    numbers = ctx.lib.procedure_numbers
    for i, number in enumerate(ctx.proc.related):
        if number not in numbers:
            yield ctx.finding("P306", ("related", i), "related_unknown", number=number)


@rule(
    "P307", "reference-exists", Severity.WARNING,
    explain_id="Acuan berjenis prosedur atau formulir menyebut nomor dokumen (id) yang ada di pustaka; "
    "formulir dicari di rekaman semua prosedur.",
    explain_en="References of kind procedure or form give a document number (id) that exists in the "
    "library; forms are looked up among the records of every procedure.",
)
def check_reference_exists(ctx: ProcContext) -> Iterator[Finding]:
    for i, ref in enumerate(ctx.proc.references):
        if ref.kind not in (ReferenceKind.PROCEDURE, ReferenceKind.FORM):
            continue
        if not ref.id:
            yield ctx.finding("P307", ("references", i), "reference_no_id", kind=str(ref.kind), title=ref.title)
            continue
        known = ctx.lib.procedure_numbers if ref.kind == ReferenceKind.PROCEDURE else ctx.lib.form_ids
        if ref.id not in known:
            yield ctx.finding("P307", ("references", i, "id"), "reference_unknown", kind=str(ref.kind), id=ref.id)


@rule(
    "P308", "parameter-defined", Severity.ERROR,
    explain_id="Setiap {{parameter}} yang dirujuk dalam teks didefinisikan di bagian 'parameters'; bila "
    "tidak, teks dokumen menampilkan {{nama}} apa adanya.",
    explain_en="Every {{parameter}} cited in the text is defined under 'parameters'; otherwise the document "
    "shows {{name}} literally.",
)
def check_parameter_defined(ctx: ProcContext) -> Iterator[Finding]:
    params = ctx.proc.parameters
    for path, name in ctx.citations:
        if name not in params:
            yield ctx.finding("P308", path, "param_unknown", name=name)


@rule(
    "P309", "parameter-used", Severity.WARNING,
    explain_id="Setiap parameter yang didefinisikan dirujuk paling sedikit sekali sebagai {{nama}}; "
    "parameter yang tidak dipakai tidak tampil di dokumen.",
    explain_en="Every defined parameter is cited at least once as {{name}}; an unused parameter never "
    "appears in the document.",
)
def check_parameter_used(ctx: ProcContext) -> Iterator[Finding]:
    if not ctx.proc.parameters:
        return
    cited = {name for _, name in ctx.citations}
    for name in ctx.proc.parameters:
        if name not in cited:
            yield ctx.finding("P309", ("parameters", name), "param_unused", name=name)


@rule(
    "P310", "unique-number", Severity.ERROR, scope="library",
    explain_id="Nomor dokumen prosedur unik di pustaka: dua berkas dengan nomor yang sama membuat status "
    "dan revisi dokumen tidak dapat dikendalikan.",
    explain_en="Procedure document numbers are unique in the library: two files with one number make status "
    "and revision impossible to control.",
)
def check_unique_number(lib: LibraryContext) -> Iterator[Finding]:
    first: dict[str, str] = {}
    for proc in lib.library.procedures:
        file = proc_file(proc)
        if proc.number in first:
            yield lib.finding_in("P310", proc, ("number",), "duplicate_number", number=proc.number,
                                 other=first[proc.number])
        else:
            first[proc.number] = file


@rule(
    "P311", "form-number-consistent", Severity.ERROR, scope="library",
    explain_id="Satu nomor formulir berarti satu formulir: bila nomor yang sama muncul di beberapa prosedur, "
    "namanya sama.",
    explain_en="One form number means one form: when the same number appears in several procedures, it has "
    "the same name everywhere.",
)
def check_form_number_consistent(lib: LibraryContext) -> Iterator[Finding]:
    seen: dict[str, tuple[str, str]] = {}
    for proc in lib.library.procedures:
        file = proc_file(proc)
        for i, record in enumerate(proc.records):
            if not record.form or record.id is None:
                continue
            if record.id not in seen:
                seen[record.id] = (record.name, file)
                continue
            other_name, other_file = seen[record.id]
            if other_name.casefold() != record.name.casefold():
                yield lib.finding_in("P311", proc, ("records", i, "name"), "form_conflict", form=record.id,
                                     name=record.name, other_name=other_name, other=other_file)


@rule(
    "P312", "unique-record-id", Severity.ERROR,
    explain_id="Nomor rekaman/formulir unik dalam satu prosedur.",
    explain_en="Record/form ids are unique within a procedure.",
)
def check_unique_record_id(ctx: ProcContext) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, record in enumerate(ctx.proc.records):
        if record.id is None:  # a record printed by its name only: nothing refers to it by number
            continue
        if record.id in seen:
            yield ctx.finding("P312", ("records", i, "id"), "duplicate_record", record=record.id)
        seen.add(record.id)


@rule(
    "P313", "number-pattern", Severity.ERROR,
    explain_id="Nomor prosedur dan nomor formulir (rekaman dengan form: true) mengikuti pola penomoran pustaka "
    "(numbering), mis. 'P.SMLTI {nn}' dan 'F.SMLTI {nn}-{nn}'; {nn} berarti dua angka, {n} angka berapa pun.",
    explain_en="Procedure numbers and form numbers (records with form: true) follow the library's numbering "
    "patterns, e.g. 'P.SMLTI {nn}' and 'F.SMLTI {nn}-{nn}'; {nn} means two digits, {n} any digits.",
)
def check_number_pattern(ctx: ProcContext) -> Iterator[Finding]:
    numbering = ctx.lib.info.numbering
    if not ctx.lib.procedure_regex.match(ctx.proc.number):
        yield ctx.finding("P313", ("number",), "number_pattern", what="what_procedure", number=ctx.proc.number,
                          pattern=numbering.procedure)
    form_regex = ctx.lib.form_regex
    for i, record in enumerate(ctx.proc.records):
        if record.form and record.id is None:
            yield ctx.finding("P313", ("records", i), "form_unnumbered", name=record.name, pattern=numbering.form)
        elif record.form and record.id is not None and not form_regex.match(record.id):
            yield ctx.finding("P313", ("records", i, "id"), "number_pattern", what="what_form", number=record.id,
                              pattern=numbering.form)


@rule(
    "P314", "owner-unit-exists", Severity.ERROR,
    explain_id="Unit pemilik prosedur (owner) adalah id unit kerja yang didefinisikan di pustaka (units).",
    explain_en="The procedure's owning unit (owner) is the id of a work unit defined in the library (units).",
)
def check_owner_unit_exists(ctx: ProcContext) -> Iterator[Finding]:
    owner = ctx.proc.owner
    if owner and owner not in ctx.lib.info.units:
        yield ctx.finding("P314", ("owner",), "unit_unknown", unit=owner)


@rule(
    "P315", "library-units-exist", Severity.ERROR, scope="library",
    explain_id="Di pustaka.yaml, unit setiap peran dan induk setiap unit (parent) adalah unit yang "
    "didefinisikan di 'units'.",
    explain_en="In pustaka.yaml, every role's unit and every unit's parent is a unit defined under 'units'.",
)
def check_library_units_exist(lib: LibraryContext) -> Iterator[Finding]:
    units = lib.info.units
    for role_id, role in lib.info.roles.items():
        if role.unit and role.unit not in units:
            yield lib.finding_at("P315", ("roles", role_id, "unit"), "unit_unknown", unit=role.unit)
    for unit_id, unit in units.items():
        if unit.parent and unit.parent not in units:
            yield lib.finding_at("P315", ("units", unit_id, "parent"), "unit_unknown", unit=unit.parent)

