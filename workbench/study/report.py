"""``report.html``: the study report, assembled from the registered outputs (not nbconvert).

No code, a contents list, each section's tables (from the published CSVs, so exactly what
passed disclosure control) and figures (the SVGs, embedded) with titles and notes, the
disclosure-control footnote and the provenance. The HTML depends only on its inputs: apart
from the timestamps in the provenance, the same run gives the same file.
"""

from __future__ import annotations

import base64
import csv
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import jinja2

from workbench.study.outputs import Section
from workbench.study.workbook import cell_value

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Rows shown per table in the HTML; the CSV and the workbook have all of them.
MAX_ROWS = 250
DEFAULT_TITLE = "Stop and search on body-worn video: study report"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                              autoescape=jinja2.select_autoescape(["html"]),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _table_view(run_dir: Path, csv_path: str, max_rows: int) -> dict[str, Any]:
    with (run_dir / csv_path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    shown = [[{"text": v, "num": isinstance(cell_value(v), int | float)} for v in row]
             for row in body[:max_rows]]
    return {"header": header, "body": shown, "hidden_rows": max(len(body) - max_rows, 0)}


def _svg_data(run_dir: Path, svg_path: str) -> str:
    payload = base64.b64encode((run_dir / svg_path).read_bytes()).decode("ascii")
    return f"data:image/svg+xml;base64,{payload}"


def render_report(run_dir: Path, sections: Sequence[Section], *, provenance: dict[str, Any],
                  footnote: str, title: str = DEFAULT_TITLE, max_rows: int = MAX_ROWS) -> str:
    """The report's HTML text."""
    views = []
    for section in sections:
        items = []
        for item in section.items:
            view = asdict(item)
            if item.kind == "table":
                view |= _table_view(run_dir, item.files["csv"], max_rows)
            else:
                view["svg_data"] = _svg_data(run_dir, item.files["svg"])
            items.append(view)
        views.append({"section": section.section, "title": section.title,
                      "intro": section.intro, "entries": items})
    template = _environment().get_template("report.html")
    return template.render(title=title, sections=views, provenance=provenance,
                           footnote=footnote)


def write_report(run_dir: Path, sections: Sequence[Section], *, provenance: dict[str, Any],
                 footnote: str, title: str = DEFAULT_TITLE) -> Path:
    """Write ``report.html`` into ``run_dir`` and return its path."""
    path = run_dir / "report.html"
    path.write_text(render_report(run_dir, sections, provenance=provenance, footnote=footnote,
                                  title=title), encoding="utf-8")
    return path
