"""Import signed PermenPAN-RB SOPs (PDF) into Prosedur sources: `read_pdf` reads, `to_source` writes.

Core code (no web framework): the CLI (`prosedur import`) and, later, the web upload call the same functions.
"""
