"""The rule catalogue. Importing this package registers every rule (codes by family):

P0xx source files, P1xx flow, P2xx completeness (ISO/TR 10013), P3xx names and references,
P4xx style (PermenPAN-RB 35/2012), P5xx consistency across the library.
"""

from . import completeness, flow, library, names, source, style

__all__ = ["completeness", "flow", "library", "names", "source", "style"]
