"""Import signed PermenPAN-RB SOPs (PDF or Word) into Prosedur sources: `run.read_file` reads one (by
content: `pdf.read_pdf`, `docx.read_docx`, `ocr` for a table that is only a picture), `source` writes it.

Core code (no web framework): the CLI (`prosedur import`) and the web upload call the same functions.
"""
