"""One report renderer for the workbench: build a :class:`Document`, render it as HTML
(:func:`write_html`) and print it to PDF with Chromium (:func:`write_pdf`).

Used by the study report (:mod:`workbench.study.report`); the quality review and the panels'
learning report are meant to use it the same way: sections of paragraphs, tables (with
footnotes, optionally split into collapsible groups) and figures (SVG), and an appendix.
"""

from workbench.report.document import (
    Cell,
    Document,
    Figure,
    Footnote,
    Paragraph,
    RowGroup,
    Section,
    Table,
    title_problems,
)
from workbench.report.html import render_html, write_html
from workbench.report.pdf import PdfUnavailable, find_chromium, write_pdf

__all__ = [
    "Cell",
    "Document",
    "Figure",
    "Footnote",
    "Paragraph",
    "PdfUnavailable",
    "RowGroup",
    "Section",
    "Table",
    "find_chromium",
    "render_html",
    "title_problems",
    "write_html",
    "write_pdf",
]
