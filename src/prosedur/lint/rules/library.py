"""P5xx: consistency across the whole library — what no single procedure can see about itself.

A management system is read as one body of documents: an auditor follows a form from the procedure
that cites it to the one that defines it, and a role from one procedure to the next. These rules look
at every procedure not yet withdrawn (drafts included: a conflict is cheapest to fix while drafting).

Decisions, so that the rules stay quiet on a sound library:

* P501 — a form *reference* whose title names a different form than the record that defines the
  number. (Two *definitions* with different names are P311.) Names are compared by their words,
  ignoring case, punctuation and the words "form"/"formulir", so "Form Kesediaan …" and "Formulir
  Kesediaan …" are one form; titles that share less than half their words are two forms.
* P502 — one role id, one name: a procedure's local `name` for a role must agree with the library's
  name and with other procedures' local names for that id. Two *different* ids with the same name
  are reported only when they also belong to the same unit (or both to none); "Kepala Bidang" in
  two divisions is two real positions, the same name twice in one unit is a duplicate.
* P503 — a reference to a form that only obsolete procedures define: the form was withdrawn with
  its procedure, and readers would be sent to a form nobody maintains.
* P504 — the same activity claimed twice: an action text (normalised, at least four words) that two
  different procedures give to different roles. Short texts ("Selesai", "Mulai") and start/end steps
  are left out, and so are two revisions of one procedure.
* P505 — a clause number that ISO/IEC 20000-1:2018 does not have; coverage would silently ignore it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...iso20000.catalogue import unknown_clauses
from ...model import Procedure, ReferenceKind, Status, StepKind
from ..core import Finding, LibraryContext, ProcContext, Severity, rule
from ..messages import LINT_MESSAGES

LINT_MESSAGES.update(
    {
        "form_reference_conflict": (
            "acuan formulir '{form}' berjudul '{title}', tetapi {other} mendefinisikan nomor itu sebagai "
            "'{name}'",
            "form reference '{form}' is titled '{title}', but {other} defines that number as '{name}'",
        ),
        "role_name_conflict": (
            "peran '{role}' bernama '{name}' di sini tetapi '{other_name}' di {other}",
            "role '{role}' is named '{name}' here but '{other_name}' in {other}",
        ),
        "role_name_duplicate": (
            "peran '{role}' dan '{other_role}' sama-sama bernama '{name}' di unit yang sama",
            "roles '{role}' and '{other_role}' are both named '{name}' in the same unit",
        ),
        "form_withdrawn": (
            "formulir '{form}' hanya didefinisikan oleh prosedur yang sudah kedaluwarsa ({by})",
            "form '{form}' is defined only by obsolete procedures ({by})",
        ),
        "activity_twice": (
            "kegiatan '{text}' juga ada di {other} (langkah '{other_step}') dengan pelaksana lain: "
            "'{actor}' di sini, '{other_actor}' di sana",
            "activity '{text}' also appears in {other} (step '{other_step}') with another actor: "
            "'{actor}' here, '{other_actor}' there",
        ),
        "clause_unknown": (
            "klausul '{clause}' tidak ada di SNI ISO/IEC 20000-1:2018",
            "clause '{clause}' does not exist in ISO/IEC 20000-1:2018",
        ),
    }
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_FORM_WORDS = frozenset({"form", "formulir", "f"})
MIN_ACTIVITY_WORDS = 4


def _live(lib: LibraryContext) -> list[Procedure]:
    return [p for p in lib.library.procedures if p.status not in (Status.OBSOLETE, Status.CANCELLED)]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _same_name(a: str, b: str) -> bool:
    return " ".join(_words(a)) == " ".join(_words(b))


def same_form(a: str, b: str) -> bool:
    """Two form titles name one form when they share at least half of their significant words."""
    wa = set(_words(a)) - _FORM_WORDS
    wb = set(_words(b)) - _FORM_WORDS
    if not wa or not wb:
        return True  # nothing to compare ("Formulir"): not worth a finding
    return len(wa & wb) / len(wa | wb) >= 0.5


@rule(
    "P501", "form-reference-matches", Severity.WARNING, scope="library",
    explain_id="Acuan formulir (references, kind: form) menyebut formulir yang sama dengan yang "
    "didefinisikan nomor itu di rekaman prosedur lain: satu nomor formulir, satu formulir. Judul dibandingkan "
    "per kata, tanpa membedakan huruf besar dan kata 'form'/'formulir'.",
    explain_en="A form reference (references, kind: form) names the same form that another procedure's "
    "records define under that number: one form number, one form. Titles are compared word by word, "
    "ignoring case and the words 'form'/'formulir'.",
)
def check_form_reference_matches(lib: LibraryContext) -> Iterator[Finding]:
    defined: dict[str, tuple[str, str]] = {}
    for proc in _live(lib):
        for rec in proc.records:
            if rec.id is not None:
                defined.setdefault(rec.id, (rec.name, proc.number))
    for proc in _live(lib):
        for i, ref in enumerate(proc.references):
            if ref.kind is not ReferenceKind.FORM or not ref.id or ref.id not in defined:
                continue
            name, where = defined[ref.id]
            if where != proc.number and not same_form(ref.title, name):
                yield lib.finding_in("P501", proc, ("references", i, "title"), "form_reference_conflict",
                                     form=ref.id, title=ref.title, name=name, other=where)


@rule(
    "P502", "role-name-consistent", Severity.WARNING, scope="library",
    explain_id="Satu id peran, satu nama jabatan di seluruh pustaka: nama lokal (roles[].name) sama dengan "
    "nama di pustaka dan di prosedur lain. Dua id berbeda dengan nama yang sama di unit yang sama adalah "
    "peran ganda; nama sama di unit berbeda dibiarkan (jabatan yang memang berbeda).",
    explain_en="One role id, one position name across the library: a local name (roles[].name) matches the "
    "library's and other procedures'. Two ids with the same name in the same unit are a duplicate role; "
    "the same name in different units is allowed (genuinely different positions).",
)
def check_role_name_consistent(lib: LibraryContext) -> Iterator[Finding]:
    library_roles = lib.info.roles
    first_local: dict[str, tuple[str, str]] = {}
    for proc in _live(lib):
        for i, role in enumerate(proc.roles):
            if not role.name:
                continue
            lib_role = library_roles.get(role.id)
            if lib_role is not None and not _same_name(role.name, lib_role.name):
                yield lib.finding_in("P502", proc, ("roles", i, "name"), "role_name_conflict", role=role.id,
                                     name=role.name, other_name=lib_role.name, other="pustaka.yaml")
                continue
            seen = first_local.setdefault(role.id, (role.name, proc.number))
            if seen[1] != proc.number and not _same_name(seen[0], role.name):
                yield lib.finding_in("P502", proc, ("roles", i, "name"), "role_name_conflict", role=role.id,
                                     name=role.name, other_name=seen[0], other=seen[1])
    by_name: dict[tuple[str, str | None], str] = {}
    for role_id, defined in library_roles.items():
        key = (" ".join(_words(defined.name)), defined.unit)
        if key in by_name:
            yield lib.finding_at("P502", ("roles", role_id, "name"), "role_name_duplicate", role=role_id,
                                 other_role=by_name[key], name=defined.name)
        else:
            by_name[key] = role_id


@rule(
    "P503", "form-not-withdrawn", Severity.WARNING, scope="library",
    explain_id="Acuan formulir tidak menunjuk formulir yang hanya didefinisikan oleh prosedur kedaluwarsa: "
    "formulir itu ikut ditarik bersama prosedurnya dan tidak lagi dipelihara.",
    explain_en="A form reference does not point at a form that only obsolete procedures define: the form "
    "was withdrawn with its procedure and is no longer maintained.",
)
def check_form_not_withdrawn(lib: LibraryContext) -> Iterator[Finding]:
    live_forms = {rec.id for proc in _live(lib) for rec in proc.records if rec.id is not None}
    obsolete_by: dict[str, list[str]] = {}
    for proc in lib.library.procedures:
        if proc.status is Status.OBSOLETE:
            for form_id in (r.id for r in proc.records if r.id is not None):
                obsolete_by.setdefault(form_id, []).append(f"{proc.number} Rev. {proc.revision}")
    for proc in _live(lib):
        for i, ref in enumerate(proc.references):
            if ref.kind is ReferenceKind.FORM and ref.id and ref.id not in live_forms and ref.id in obsolete_by:
                yield lib.finding_in("P503", proc, ("references", i, "id"), "form_withdrawn", form=ref.id,
                                     by=", ".join(obsolete_by[ref.id]))


@rule(
    "P504", "activity-single-owner", Severity.WARNING, scope="library",
    explain_id="Satu kegiatan, satu pelaksana: uraian kegiatan yang sama (paling sedikit empat kata, tanpa "
    "membedakan huruf besar dan tanda baca) di dua prosedur berbeda dilaksanakan oleh peran yang sama. Bila "
    "tidak, dua prosedur mengklaim kegiatan yang sama dengan pemilik berbeda.",
    explain_en="One activity, one performer: the same action text (at least four words, ignoring case and "
    "punctuation) in two different procedures is carried out by the same role. Otherwise two procedures "
    "claim one activity with different owners.",
)
def check_activity_single_owner(lib: LibraryContext) -> Iterator[Finding]:
    first: dict[str, tuple[Procedure, str, str]] = {}
    for proc in _live(lib):
        for i, step in enumerate(proc.steps):
            if step.kind in (StepKind.START, StepKind.END, StepKind.CONNECTOR) or step.parts or not isinstance(step.actor, str):
                continue
            words = _words(step.do)
            if len(words) < MIN_ACTIVITY_WORDS:
                continue
            key = " ".join(words)
            seen = first.setdefault(key, (proc, step.id, step.actor))
            other, other_step, other_actor = seen
            if other.number == proc.number:
                continue
            mine = lib.library.role_name(step.actor, proc)
            theirs = lib.library.role_name(other_actor, other)
            if step.actor != other_actor and not _same_name(mine, theirs):
                yield lib.finding_in("P504", proc, ("steps", i, "actor"), "activity_twice", text=step.do,
                                     other=other.number, other_step=other_step, actor=mine, other_actor=theirs)


@rule(
    "P505", "clause-known", Severity.ERROR,
    explain_id="Setiap nomor klausul (clauses) ada di SNI ISO/IEC 20000-1:2018 (klausul 4–10); nomor yang "
    "salah ketik tidak dihitung dalam matriks cakupan sehingga kesenjangan tersembunyi.",
    explain_en="Every clause number (clauses) exists in ISO/IEC 20000-1:2018 (clauses 4–10); a mistyped "
    "number is not counted in the coverage matrix, which hides a gap.",
)
def check_clause_known(ctx: ProcContext) -> Iterator[Finding]:
    for i, number in unknown_clauses(ctx.proc):
        yield ctx.finding("P505", ("clauses", i), "clause_unknown", clause=number)

