"""Renderers: one module per output (svg, html, pdf, docx, sop table); templates/ inside."""
