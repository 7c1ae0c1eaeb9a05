"""The management-system view: ISO/IEC 20000-1:2018 clauses, coverage by procedures, registers, exports.

Everything here is derived from the procedures of a library, never stored: the clause catalogue is
package data, coverage and the document-control registers are computed on demand, and the exports
are flat tables (CSV/XLSX) that auditors open in a spreadsheet.
"""

from __future__ import annotations

from .catalogue import Clause, catalogue, children, clause, is_known, unknown_clauses
from .coverage import Coverage, coverage
from .registers import RegisterKind, register

__all__ = [
    "Clause",
    "Coverage",
    "RegisterKind",
    "catalogue",
    "children",
    "clause",
    "coverage",
    "is_known",
    "register",
    "unknown_clauses",
]
