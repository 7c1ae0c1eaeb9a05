"""The linter's machinery: findings, the rule registry, the per-procedure context and `lint()`.

Rules are small functions registered with `@rule(...)`. A rule never raises on bad input and never
stops the others: validators collect everything, then the caller decides (exit code, strict mode).
Anything several rules need (the flow graph, the library's indices, compiled patterns) is computed
once per procedure or once per library in a context object, so linting 1,000 procedures stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import Problem, display_path
from ..flow import graph
from ..model import Library, Procedure, StepKind
from ..text import plain
from .messages import render


class Severity(StrEnum):
    """How much a finding matters: an error blocks approval, a warning fails only `--strict`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

# Lint profiles (`profile:` in pustaka.yaml, `prosedur lint --profile`): which rules apply and how much they
# matter. `iso10013` is the full ISO/TR 10013:2001 procedure; `permenpan` is the SOP AP of PermenPAN-RB
# 35/2012 as agencies sign it (identity block and activity table), where the ISO-only sections are optional.
PROFILES = ("iso10013", "permenpan")
DEFAULT_PROFILE = "iso10013"


@dataclass(frozen=True, slots=True)
class Finding:
    """One located observation about a source file. The message is rendered late, in the reader's language."""

    code: str
    slug: str
    severity: Severity
    msg_id: str
    params: dict[str, Any]
    file: str
    line: int = 0
    col: int = 0
    path: str = ""

    def message(self, lang: str = "id") -> str:
        # quoted source text is shown without its inline emphasis markers (a message is plain text)
        return render(self.msg_id, {k: plain(v) if isinstance(v, str) else v for k, v in self.params.items()}, lang)

    def as_dict(self, lang: str = "id") -> dict[str, Any]:
        return {
            "code": self.code,
            "slug": self.slug,
            "severity": str(self.severity),
            "message": self.message(lang),
            "message_id": self.msg_id,
            "params": {k: v if isinstance(v, str | int | float | bool) else str(v) for k, v in self.params.items()},
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "path": self.path,
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.col, self.code)


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: stable code and slug, severity, and a bilingual explanation."""

    code: str
    slug: str
    severity: Severity
    explain_id: str
    explain_en: str
    scope: str  # "procedure" or "library"
    func: Callable[[Any], Iterator[Finding]]
    # The severity in each profile; a profile missing here runs the rule at `severity`, None turns it off.
    by_profile: tuple[tuple[str, Severity | None], ...] = ()

    def explanation(self, lang: str = "id") -> str:
        return self.explain_en if lang == "en" else self.explain_id

    def severity_in(self, profile: str) -> Severity | None:
        """The severity of this rule's findings under `profile`, or None when the profile does not run it."""
        for name, severity in self.by_profile:
            if name == profile:
                return severity
        return self.severity

    def profiles(self) -> dict[str, Severity | None]:
        """Every profile with this rule's severity there (None: not checked)."""
        return {name: self.severity_in(name) for name in PROFILES}


RULES: dict[str, Rule] = {}


def rule(
    code: str, slug: str, severity: Severity, *, explain_id: str, explain_en: str, scope: str = "procedure",
    profiles: dict[str, Severity | None] | None = None,
) -> Callable[[Callable[[Any], Iterator[Finding]]], Callable[[Any], Iterator[Finding]]]:
    """Register a rule. Codes and slugs are unique: they are the stable names users silence or search.

    `profiles` overrides the severity per lint profile (None: the profile does not check this rule).
    """

    def register(func: Callable[[Any], Iterator[Finding]]) -> Callable[[Any], Iterator[Finding]]:
        if code in RULES or any(r.slug == slug for r in RULES.values()):
            raise ValueError(f"duplicate lint rule {code} {slug}")
        unknown = set(profiles or {}) - set(PROFILES)
        if unknown:
            raise ValueError(f"lint rule {code}: unknown profile {sorted(unknown)}")
        RULES[code] = Rule(code, slug, severity, explain_id, explain_en, scope, func,
                           tuple((profiles or {}).items()))
        return func

    return register


def rule_by_slug(slug: str) -> Rule:
    for r in RULES.values():
        if r.slug == slug:
            return r
    raise KeyError(slug)


def proc_file(proc: Procedure) -> str:
    """How a procedure's file is shown; in-memory procedures (web editor, tests) show their number."""
    return show_path(proc.source) if proc.source is not None else f"<{proc.number}>"


def show_path(path: Path) -> str:
    """`display_path` without resolving symlinks when the file is plainly under the working directory.

    Resolving every file costs more than the linting of a small procedure; the common case (a
    library below the current folder) needs only string work.
    """
    cwd = os.getcwd()
    absolute = os.path.abspath(path)
    if absolute.startswith(cwd + os.sep):
        return absolute[len(cwd) + 1 :]
    return str(path)


class LibraryContext:
    """Indices over the whole library, computed once per `lint()` call."""

    def __init__(self, library: Library, profile: str | None = None):
        self.library = library
        self.info = library.info
        self.file = display_path(library.info_file)
        self.profile = profile or str(library.info.profile)
        if self.profile not in PROFILES:
            raise ValueError(f"unknown lint profile {self.profile!r} (known: {', '.join(PROFILES)})")
        self.severities: dict[str, Severity | None] = {c: r.severity_in(self.profile) for c, r in RULES.items()}

    def severity(self, code: str) -> Severity:
        """The severity of `code` in this run's profile (a rule the profile turns off is never run)."""
        return self.severities.get(code) or RULES[code].severity

    @cached_property
    def procedure_numbers(self) -> set[str]:
        return {p.number for p in self.library.procedures}

    @cached_property
    def form_ids(self) -> set[str]:
        return {r.id for p in self.library.procedures for r in p.records if r.id is not None}

    @cached_property
    def procedure_regex(self) -> Any:
        from ..model import Numbering

        return Numbering.to_regex(self.info.numbering.procedure)

    @cached_property
    def form_regex(self) -> Any:
        from ..model import Numbering

        return Numbering.to_regex(self.info.numbering.form)

    def finding_at(self, code: str, path: tuple[str | int, ...], msg_id: str, **params: Any) -> Finding:
        """A finding located in the library file (`pustaka.yaml`)."""
        r = RULES[code]
        key = path
        line, col = 0, 0
        while key:
            if key in self.library.info_positions:
                line, col = self.library.info_positions[key]
                break
            key = key[:-1]
        return Finding(r.code, r.slug, self.severity(code), msg_id, params, self.file, line, col, _fmt(path))


    def finding_in(
        self, code: str, proc: Procedure, path: tuple[str | int, ...], msg_id: str, **params: Any
    ) -> Finding:
        """A finding located in a procedure, from a rule that looks across the library."""
        r = RULES[code]
        line, col = proc.position(*path)
        return Finding(r.code, r.slug, self.severity(code), msg_id, params, proc_file(proc), line, col, _fmt(path))


class ProcContext:
    """One procedure with everything rules ask of it, each computed at most once."""

    def __init__(self, proc: Procedure, lib: LibraryContext):
        self.proc = proc
        self.lib = lib
        self.library = lib.library
        self.file = proc_file(proc)
        self.profile = lib.profile

    @cached_property
    def step_ids(self) -> set[str]:
        return {s.id for s in self.proc.steps}

    @cached_property
    def role_ids(self) -> set[str]:
        return {r.id for r in self.proc.roles}

    @cached_property
    def record_ids(self) -> set[str]:
        return {r.id for r in self.proc.records if r.id is not None}

    @cached_property
    def successors(self) -> dict[str, list[graph.Edge]]:
        return graph.successors(self.proc)

    @cached_property
    def has_loop_without_decision_candidate(self) -> bool:
        """Whether a cycle avoiding every decision is possible at all, by a cheap test.

        Without decisions' edges, a cycle needs an edge that goes back up the list (to the same or
        an earlier step). Flows whose only loop-backs leave from decisions, which is nearly all of
        them, skip the strongly-connected-components pass.
        """
        index = self.first_index
        steps = self.proc.steps
        for source, out in self.successors.items():
            i = index[source]
            if steps[i].exit_kind == StepKind.DECISION:
                continue
            for edge in out:
                j = index[edge.target]
                if j <= i and steps[j].exit_kind != StepKind.DECISION:
                    return True
        return False

    @cached_property
    def starts(self) -> list[int]:
        return [i for i, s in enumerate(self.proc.steps) if s.entry_kind == StepKind.START]

    @cached_property
    def ends(self) -> list[int]:
        return [i for i, s in enumerate(self.proc.steps) if s.exit_kind == StepKind.END]

    @cached_property
    def first_index(self) -> dict[str, int]:
        """Step id -> index of its first occurrence (duplicates are a finding of their own)."""
        out: dict[str, int] = {}
        for i, s in enumerate(self.proc.steps):
            out.setdefault(s.id, i)
        return out

    @cached_property
    def citations(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(field path, parameter name) for every `{{name}}` in the procedure's text."""
        from ..text import cited_parameters, texts

        return [(path, name) for path, text in texts(self.proc) if "{{" in text for name in cited_parameters(text)]

    def located(self, *paths: tuple[str | int, ...]) -> tuple[str | int, ...]:
        """The first of `paths` written in the source (else the last): where a missing thing is reported."""
        root = self.proc.position()
        for path in paths:
            if self.proc.position(*path) != root and self.proc.position(*path[:1]) != root:
                return path
        return paths[-1]

    def finding(self, code: str, path: tuple[str | int, ...], msg_id: str, **params: Any) -> Finding:
        r = RULES[code]
        line, col = self.proc.position(*path) if path else self.proc.position()
        return Finding(r.code, r.slug, self.lib.severity(code), msg_id, params, self.file, line, col, _fmt(path))


def _fmt(path: tuple[str | int, ...]) -> str:
    from ..load import format_path

    return format_path(path)


# Loader problem keys that mean "could not read this file as YAML at all"; the rest are schema errors.
_UNREADABLE_KEYS = frozenset(
    {"file_missing", "file_too_big", "not_text", "yaml_syntax", "yaml_alias", "yaml_tag", "yaml_depth",
     "yaml_nodes", "yaml_multi_doc", "yaml_empty", "yaml_not_mapping", "yaml_complex_key", "duplicate_key",
     "library_missing"}
)


def problem_finding(problem: Problem) -> Finding:
    """A loader problem as a finding: P000 when the file is not usable YAML, P001 for schema errors."""
    code = "P000" if problem.key in _UNREADABLE_KEYS else "P001"
    r = RULES[code]
    return Finding(
        r.code, r.slug, r.severity, problem.key, dict(problem.params), problem.file, problem.line,
        problem.col, problem.path,
    )


def lint(
    library: Library,
    problems: Iterable[Problem] = (),
    *,
    only: Iterable[Path] | None = None,
    select: Iterable[str] | None = None,
    profile: str | None = None,
) -> list[Finding]:
    """Every finding for the library, sorted by file and position.

    `only` limits the report to these procedure files (the rest of the library is still the context
    that cross-references are checked against); `select` limits the rules run (codes or slugs);
    `profile` overrides the library's lint profile (`profile:` in pustaka.yaml).
    """
    from . import rules as _rules  # noqa: F401  (registers the rules)

    wanted: set[Path] | None = {Path(p).resolve() for p in only} if only is not None else None
    lib = LibraryContext(library, profile)
    chosen = [r for r in _select(select) if lib.severities.get(r.code) is not None]
    findings: list[Finding] = [problem_finding(p) for p in problems]
    if wanted is not None:
        wanted_names = {display_path(p) for p in wanted} | {show_path(p) for p in wanted}
        findings = [f for f in findings if f.file in wanted_names]
    proc_rules = [r for r in chosen if r.scope == "procedure"]
    for proc in library.procedures:
        if wanted is not None and (proc.source is None or proc.source.resolve() not in wanted):
            continue
        ctx = ProcContext(proc, lib)
        for r in proc_rules:
            findings.extend(r.func(ctx))
    lib_findings: list[Finding] = []
    for r in chosen:
        if r.scope == "library":
            lib_findings.extend(r.func(lib))
    if wanted is not None:
        names = {display_path(p) for p in wanted} | {show_path(p) for p in wanted}
        lib_findings = [f for f in lib_findings if f.file in names]
    findings.extend(lib_findings)
    findings.sort(key=Finding.sort_key)
    return findings


def lint_procedure(proc: Procedure, library: Library, *, profile: str | None = None) -> list[Finding]:
    """Findings for one procedure (e.g. an unsaved edit in the web editor) against a library."""
    from . import rules as _rules  # noqa: F401

    lib = LibraryContext(library, profile)
    ctx = ProcContext(proc, lib)
    out: list[Finding] = []
    for r in RULES.values():
        if r.scope == "procedure" and lib.severities.get(r.code) is not None:
            out.extend(r.func(ctx))
    out.sort(key=Finding.sort_key)
    return out


def _select(select: Iterable[str] | None) -> list[Rule]:
    if select is None:
        return [r for r in RULES.values() if r.code not in ("P000", "P001")]
    keys = set(select)
    return [r for r in RULES.values() if r.code in keys or r.slug in keys]


def counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    out = {s: 0 for s in Severity}
    for f in findings:
        out[f.severity] += 1
    return out


def has_errors(findings: Iterable[Finding], *, strict: bool = False) -> bool:
    bad = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in bad for f in findings)

