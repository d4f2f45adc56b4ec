"""HTML rendering of a :class:`~workbench.report.document.Document`: one self-contained file.

The stylesheet (``templates/report.css``) is inlined, figures are embedded as SVG data, so
the file can be mailed or archived alone. Screen: a contents list, tables that fit the page
(long ones scroll inside a box with their header fixed; grouped ones collapse by group).
Print (and :mod:`workbench.report.pdf`): A4, every group opened, headers repeated on each
page, no scroll boxes. The output depends only on the document.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from workbench.report.document import Document, Figure, Paragraph, Table

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Tables longer than this scroll inside a box (header fixed) on screen.
SCROLL_ROWS = 25
APPENDIX_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                              autoescape=jinja2.select_autoescape(["html"]),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


def _svg_data(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _views(document: Document) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    tables = figures = 0
    main, appendix = [], []
    for index, section in enumerate((*document.sections, *document.appendix)):
        in_appendix = index >= len(document.sections)
        label = (f"Appendix {APPENDIX_LETTERS[index - len(document.sections)]}"
                 if in_appendix else f"{index + 1}")
        blocks = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append({"kind": "paragraph", "text": block.text})
            elif isinstance(block, Table):
                tables += 1
                blocks.append({"kind": "table", "number": f"Table {tables}", "table": block,
                               "scrolls": block.n_rows > SCROLL_ROWS and not block.groups})
            elif isinstance(block, Figure):
                figures += 1
                blocks.append({"kind": "figure", "number": f"Figure {figures}",
                               "figure": block, "src": _svg_data(block.svg)})
        view = {"section": section, "label": label, "blocks": blocks,
                "appendix": in_appendix}
        (appendix if in_appendix else main).append(view)
    return main, appendix


def render_html(document: Document) -> str:
    """The report's HTML text (the document is validated first)."""
    document.validate()
    main, appendix = _views(document)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("report.html").render(
        doc=document, sections=main, appendix=appendix, css=css)


def write_html(document: Document, path: str | Path) -> Path:
    """Write the report's HTML to ``path`` and return it."""
    path = Path(path)
    path.write_text(render_html(document), encoding="utf-8")
    return path
