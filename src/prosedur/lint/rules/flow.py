"""P1xx: the flow of steps is a sound graph (one start, ends reachable, decisions branch, no trap loops)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ...flow import graph
from ...model import StepKind
from ..core import Finding, ProcContext, Severity, rule

_SINGLE_SUCCESSOR = (StepKind.PROCESS, StepKind.IO, StepKind.START, StepKind.CONNECTOR)


@rule(
    "P101", "single-start", Severity.ERROR,
    explain_id="Alur memiliki tepat satu langkah mulai (kind: start, simbol oval). Tanpa titik mulai, "
    "pembaca dan diagram alir tidak tahu dari mana kegiatan berawal; dua titik mulai berarti dua prosedur.",
    explain_en="The flow has exactly one start step (kind: start, the oval). Without it readers and the "
    "flowchart cannot tell where the work begins; two starts mean two procedures.",
)
def check_single_start(ctx: ProcContext) -> Iterator[Finding]:
    steps = ctx.proc.steps
    if not steps:
        return
    if not ctx.starts:
        yield ctx.finding("P101", ("steps",), "no_start")
        return
    first = steps[ctx.starts[0]].id
    for i in ctx.starts[1:]:
        yield ctx.finding("P101", ("steps", i, "kind"), "extra_start", step=steps[i].id, first=first)


@rule(
    "P102", "needs-end", Severity.ERROR,
    explain_id="Alur memiliki paling sedikit satu langkah selesai (kind: end). Setiap jalur kegiatan harus "
    "berakhir dengan hasil yang jelas.",
    explain_en="The flow has at least one end step (kind: end). Every path through the work must finish "
    "with a clear result.",
)
def check_needs_end(ctx: ProcContext) -> Iterator[Finding]:
    if ctx.proc.steps and not ctx.ends:
        yield ctx.finding("P102", ("steps",), "no_end")


@rule(
    "P103", "dangling-target", Severity.ERROR,
    explain_id="Setiap 'next' dan 'exits[].to' menunjuk id langkah yang ada di prosedur ini.",
    explain_en="Every 'next' and 'exits[].to' names a step id that exists in this procedure.",
)
def check_dangling_target(ctx: ProcContext) -> Iterator[Finding]:
    ids = ctx.step_ids
    for i, step in enumerate(ctx.proc.steps):
        targets: list[tuple[tuple[str | int, ...], str]] = []
        if step.next:
            targets.append((("steps", i, "next"), step.next))
        for j, ex in enumerate(step.exits):
            targets.append((("steps", i, "exits", j, "to"), ex.to))
        for path, target in targets:
            if target not in ids:
                match = difflib.get_close_matches(target, list(ids), n=1, cutoff=0.6)
                yield ctx.finding(
                    "P103", path, "dangling_target", step=step.id, target=target,
                    suggestion=match[0] if match else "",
                )


@rule(
    "P104", "decision-needs-two-exits", Severity.ERROR,
    explain_id="Keputusan (belah ketupat) memiliki paling sedikit dua cabang di 'exits', mis. Ya/Tidak. "
    "Keputusan dengan satu cabang bukan keputusan; 'next' pada keputusan tidak dipakai.",
    explain_en="A decision (diamond) has at least two exits under 'exits', e.g. Ya/Tidak. A decision "
    "with one way out is no decision; 'next' on a decision is not used.",
)
def check_decision_needs_two_exits(ctx: ProcContext) -> Iterator[Finding]:
    for i, step in enumerate(ctx.proc.steps):
        if step.exit_kind != StepKind.DECISION:
            continue
        if step.next and not step.exits:
            yield ctx.finding("P104", ("steps", i, "next"), "decision_next", step=step.id)
        elif len(step.exits) < 2:
            yield ctx.finding("P104", ("steps", i), "decision_exits", step=step.id, count=len(step.exits))


@rule(
    "P105", "duplicate-step-id", Severity.ERROR,
    explain_id="Id langkah unik dalam satu prosedur, karena 'next' dan 'exits' merujuk langkah dengan id-nya.",
    explain_en="Step ids are unique within a procedure, because 'next' and 'exits' refer to steps by id.",
)
def check_duplicate_step_id(ctx: ProcContext) -> Iterator[Finding]:
    first = ctx.first_index
    for i, step in enumerate(ctx.proc.steps):
        j = first[step.id]
        if j != i:
            line = ctx.proc.position("steps", j, "id")[0]
            yield ctx.finding("P105", ("steps", i, "id"), "duplicate_step", step=step.id, first=line)


@rule(
    "P106", "unreachable-step", Severity.ERROR,
    explain_id="Setiap langkah dapat dicapai dari langkah mulai. Langkah yang tidak tersambung tidak akan "
    "pernah dikerjakan dan biasanya menandakan 'next' atau cabang yang terlupa.",
    explain_en="Every step can be reached from the start. A step nothing leads to is never carried out and "
    "usually means a forgotten 'next' or branch.",
)
def check_unreachable_step(ctx: ProcContext) -> Iterator[Finding]:
    if len(ctx.starts) != 1:
        return  # P101 already says why reachability is undefined
    start = ctx.proc.steps[ctx.starts[0]].id
    seen = graph.reachable(start, ctx.successors)
    reported: set[str] = set()
    for i, step in enumerate(ctx.proc.steps):
        if step.id not in seen and step.id not in reported:
            reported.add(step.id)
            yield ctx.finding("P106", ("steps", i), "unreachable", step=step.id)


@rule(
    "P107", "reaches-end", Severity.ERROR,
    explain_id="Dari setiap langkah alur dapat sampai ke langkah selesai. Bila tidak, pekerjaan terjebak "
    "(putaran tanpa jalan keluar atau cabang yang buntu).",
    explain_en="From every step the flow can get to an end step. Otherwise the work gets stuck (a loop "
    "with no way out, or a dead-end branch).",
)
def check_reaches_end(ctx: ProcContext) -> Iterator[Finding]:
    if not ctx.ends:
        return  # P102 covers a flow with no end at all
    ok = graph.can_reach_end(ctx.proc, ctx.successors)
    stuck = [(i, s.id) for i, s in enumerate(ctx.proc.steps) if s.id not in ok]
    if stuck:
        names = ", ".join(f"'{sid}'" for _, sid in stuck[:8]) + (" …" if len(stuck) > 8 else "")
        yield ctx.finding("P107", ("steps", stuck[0][0]), "no_way_to_end", steps=names)


@rule(
    "P108", "one-successor", Severity.ERROR,
    explain_id="Langkah proses, masukan/keluaran (io), mulai dan penghubung memiliki tepat satu langkah "
    "berikutnya: langkah di bawahnya, atau yang disebut di 'next'. Percabangan hanya lewat keputusan.",
    explain_en="Process, input/output (io), start and connector steps have exactly one next step: the one "
    "written below, or the one named in 'next'. Only decisions branch.",
)
def check_one_successor(ctx: ProcContext) -> Iterator[Finding]:
    steps = ctx.proc.steps
    for i, step in enumerate(steps):
        if step.exit_kind not in _SINGLE_SUCCESSOR:
            continue
        if step.exits:
            yield ctx.finding("P108", ("steps", i, "exits"), "process_exits", kind=str(step.exit_kind), step=step.id)
        elif not step.next and i + 1 == len(steps):
            yield ctx.finding("P108", ("steps", i), "flow_stops", step=step.id)


@rule(
    "P109", "distinct-exit-labels", Severity.ERROR,
    explain_id="Label cabang sebuah keputusan berbeda satu sama lain (Ya/Tidak, Lengkap/Tidak lengkap), "
    "agar pembaca tahu cabang mana yang diambil.",
    explain_en="The exit labels of a decision differ from each other (Ya/Tidak, Lengkap/Tidak lengkap), "
    "so the reader knows which branch to take.",
)
def check_distinct_exit_labels(ctx: ProcContext) -> Iterator[Finding]:
    for i, step in enumerate(ctx.proc.steps):
        seen: set[str] = set()
        for j, ex in enumerate(step.exits):
            if not ex.label:
                continue  # P113
            key = ex.label.casefold()
            if key in seen:
                yield ctx.finding("P109", ("steps", i, "exits", j, "label"), "exit_labels", step=step.id,
                                  label=ex.label)
            seen.add(key)


@rule(
    "P110", "loop-needs-decision", Severity.ERROR,
    explain_id="Setiap putaran (langkah yang kembali ke langkah sebelumnya) melewati sebuah keputusan; "
    "tanpa keputusan putaran tidak pernah berhenti.",
    explain_en="Every loop (steps that lead back to an earlier one) passes a decision; without one the loop "
    "never stops.",
)
def check_loop_needs_decision(ctx: ProcContext) -> Iterator[Finding]:
    if not ctx.has_loop_without_decision_candidate:
        return
    kinds = {s.id: s.exit_kind for s in ctx.proc.steps}
    for component in graph.strongly_connected(ctx.proc, ctx.successors):
        if not any(kinds.get(sid) == StepKind.DECISION for sid in component):
            ordered = sorted(component, key=lambda sid: ctx.first_index.get(sid, 0))
            yield ctx.finding(
                "P110", ("steps", ctx.first_index[ordered[0]]), "loop_no_decision",
                steps=", ".join(f"'{sid}'" for sid in ordered),
            )


@rule(
    "P111", "end-has-no-successor", Severity.ERROR,
    explain_id="Langkah selesai (kind: end) mengakhiri alur: tidak memiliki 'next' maupun 'exits'.",
    explain_en="An end step (kind: end) finishes the flow: it has neither 'next' nor 'exits'.",
)
def check_end_has_no_successor(ctx: ProcContext) -> Iterator[Finding]:
    for i in ctx.ends:
        step = ctx.proc.steps[i]
        if step.next or step.exits:
            yield ctx.finding("P111", ("steps", i, "next" if step.next else "exits"), "end_has_next", step=step.id)


@rule(
    "P112", "parts-in-order", Severity.ERROR,
    explain_id="Kegiatan dengan beberapa pelaksana (parts) adalah simbol-simbol dalam satu baris yang disambung "
    "berurutan: simbol mulai hanya pada bagian pertama, simbol selesai atau keputusan hanya pada bagian "
    "terakhir (next/exits berlaku untuk bagian terakhir), tanpa penghubung; actor dan kind ditulis di setiap "
    "bagian, bukan di langkahnya.",
    explain_en="An activity with several actors (parts) is a row of symbols linked in order: a start only as "
    "the first part, an end or decision only as the last (next/exits leave from the last part), no "
    "connector; actor and kind are written on each part, not on the step.",
)
def check_parts_in_order(ctx: ProcContext) -> Iterator[Finding]:
    for i, step in enumerate(ctx.proc.steps):
        if not step.parts:
            continue
        written = {"actor": step.actor is not None, "kind": step.kind != StepKind.PROCESS}
        for field, wrong in written.items():
            if wrong:
                yield ctx.finding("P112", ("steps", i, field), "parts_and_field", step=step.id, field=field)
        last = len(step.parts) - 1
        for k, part in enumerate(step.parts):
            path = ("steps", i, "parts", k, "kind")
            if part.kind == StepKind.CONNECTOR:
                yield ctx.finding("P112", path, "part_connector", step=step.id)
            elif part.kind == StepKind.START and k > 0:
                yield ctx.finding("P112", path, "part_start_not_first", step=step.id, part=k + 1)
            elif part.kind in (StepKind.END, StepKind.DECISION) and k < last:
                yield ctx.finding("P112", path, "part_not_last", step=step.id, kind=str(part.kind), part=k + 1)


@rule(
    "P113", "exit-labelled", Severity.WARNING, profiles={"permenpan": None},
    explain_id="Setiap cabang keputusan diberi label (Ya/Tidak, Lengkap/Tidak lengkap), agar pembaca tahu "
    "cabang mana yang diambil. Profil permenpan tidak memeriksanya: SOP yang ditandatangani sering "
    "menggambar cabang tanpa label.",
    explain_en="Every exit of a decision has a label (Ya/Tidak, Lengkap/Tidak lengkap), so the reader knows "
    "which branch to take. Profile permenpan does not check it: signed SOPs often draw unlabelled branches.",
)
def check_exit_labelled(ctx: ProcContext) -> Iterator[Finding]:
    for i, step in enumerate(ctx.proc.steps):
        for j, ex in enumerate(step.exits):
            if not ex.label:
                yield ctx.finding("P113", ("steps", i, "exits", j), "exit_unlabelled", step=step.id, target=ex.to)


@rule(
    "P120", "import-unread", Severity.ERROR,
    explain_id="Sumber hasil `prosedur import` menandai di 'unread' apa yang tidak terbaca dari SOP asli "
    "(pelaksana, tujuan panah keputusan, tabel berupa gambar). Periksa SOP asli, lengkapi sumbernya, lalu "
    "hapus catatan 'unread'.",
    explain_en="A source written by `prosedur import` marks in 'unread' what could not be read from the original "
    "SOP (an actor, the target of a decision's arrow, a table that is only a picture). Check the original, "
    "complete the source, then remove the 'unread' note.",
)
def check_import_unread(ctx: ProcContext) -> Iterator[Finding]:
    for k, text in enumerate(ctx.proc.unread):
        yield ctx.finding("P120", ("unread", k), "import_unread", where="prosedur", text=text)
    for i, step in enumerate(ctx.proc.steps):
        for k, text in enumerate(step.unread):
            yield ctx.finding("P120", ("steps", i, "unread", k), "import_unread", where=step.id, text=text)
