"""The linter: `lint(library, problems) -> list[Finding]`, a catalogue of small, named rules.

Each rule has a stable code (`P104`), a slug (`decision-needs-two-exits`), a severity and a bilingual
explanation (`prosedur rules`). See `core` for the machinery and `rules/` for the catalogue.
"""

from . import rules as _rules  # noqa: F401  (registers the catalogue)
from .core import RULES, Finding, Rule, Severity, counts, has_errors, lint, lint_procedure, rule_by_slug
from .output import format_findings

__all__ = [
    "RULES",
    "Finding",
    "Rule",
    "Severity",
    "counts",
    "format_findings",
    "has_errors",
    "lint",
    "lint_procedure",
    "rule_by_slug",
]
