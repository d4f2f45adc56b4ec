"""``report.html`` (and ``report.pdf``): the study report, built with :mod:`workbench.report`.

From the registered outputs (not nbconvert): no code, a contents list, each section's tables
(read from the published CSVs, so exactly what passed disclosure control, already rounded by
the registry) and figures (the SVGs) with numbered titles and notes; then the appendices:
methods, disclosure control and provenance. Every header and cell label comes from
:class:`~workbench.study.labels.Labels` (codebook and metadata labels, never ids); each
``[c]`` carries a footnote saying which rule hid it; a long table split by group (``group``
column) shows every group as a collapsible part. Apart from the provenance's timestamps, the
same run gives the same HTML.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench import report as rp
from workbench.study.labels import Labels
from workbench.study.methods import methods_sections
from workbench.study.outputs import Item, Section
from workbench.study.workbook import cell_value

DEFAULT_TITLE = "Stop and search on body-worn video: study report"
#: Long tables with a ``group`` column are split into one collapsible part per group.
GROUP_ROWS = 25
MARKER = "[c]"
BANNER = ("SYNTHETIC DATA. Every clip in this run is synthetic (generated for "
          "demonstration); no finding here describes real encounters.")


def suppression_notes(threshold: int, rounding_base: int | None = None) -> dict[str, str]:
    """The footnote for a ``[c]`` by what the cell is (see :attr:`Item.suppression`)."""
    rounded = (f" Published counts are rounded to a multiple of {rounding_base}."
               if rounding_base else "")
    count = (f"[c] confidential: fewer than {threshold} encounters, or a cell that would "
             "reveal such a count through a total, a complement (base minus count) or "
             "another published table. Primary and secondary suppressions are not told "
             "apart: telling them apart would narrow the hidden values." + rounded)
    derived = (f"[c] confidential: computed from a suppressed count (fewer than {threshold} "
               "encounters, or a count that would reveal one).")
    return {"count": count, "base": count, "complement": count, "derived": derived}


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return (rows[0], rows[1:]) if rows else ([], [])


def table_block(run_dir: Path, item: Item, labels: Labels,
                notes_by_kind: Mapping[str, str]) -> rp.Table:
    """One registered table as a report table (labelled, footnoted, grouped if long)."""
    header, body = _read_csv(run_dir / item.files["csv"])
    keys: dict[str, str] = {}
    footnotes: list[rp.Footnote] = []

    def note_for(column: str) -> str:
        text = notes_by_kind[item.suppression.get(column, "count")]
        if text not in keys:
            keys[text] = "abcdefghij"[len(keys)]
            footnotes.append(rp.Footnote(keys[text], text))
        return keys[text]

    grouped = (len(body) > GROUP_ROWS and "group" in header and "group_var" in header)
    shown = [c for c in header if not (grouped and c in ("group_var", "group"))]
    index = [header.index(c) for c in shown]
    parts: dict[tuple[str, str], list[list[rp.Cell]]] = {}
    for raw in body:
        labelled = labels.row(header, raw, keep=item.text_columns)
        cells = []
        for i in index:
            text, column = labelled[i], header[i]
            if raw[i] == MARKER:
                cells.append(rp.Cell(MARKER, True, note_for(column)))
            else:
                cells.append(rp.Cell(text, isinstance(cell_value(raw[i]), int | float)))
        key = ((raw[header.index("group_var")], raw[header.index("group")]) if grouped
               else ("", ""))
        parts.setdefault(key, []).append(cells)
    columns = labels.headers(shown)
    common = {"id": item.name, "title": item.title, "columns": columns, "notes": item.notes,
              "footnotes": footnotes, "source": item.files["csv"]}
    if not grouped:
        return rp.Table(rows=parts.get(("", ""), []), **common)
    groups = [rp.RowGroup(_group_label(labels, var, group), rows)
              for (var, group), rows in parts.items()]
    return rp.Table(groups=groups, **common)


def _group_label(labels: Labels, var: str, group: str) -> str:
    if var == "all":
        return "All encounters"
    return f"{labels.name(var)}: {labels.value('group', group)}"


def figure_block(run_dir: Path, item: Item) -> rp.Figure:
    return rp.Figure(item.name, item.title, (run_dir / item.files["svg"]).read_bytes(),
                     alt=item.title, notes=item.notes,
                     source=f"{item.files['png']}, {item.files['svg']}")


def build_document(run_dir: Path, sections: Sequence[Section], *, provenance: dict[str, Any],
                   footnote: str, labels: Labels, title: str = DEFAULT_TITLE) -> rp.Document:
    """The study report as a :class:`workbench.report.Document`."""
    params = provenance.get("parameters", {})
    notes = suppression_notes(int(params.get("disclosure_threshold", 10)),
                              params.get("rounding_base"))
    main = []
    for section in sections:
        blocks: list[rp.Block] = []
        for item in section.items:
            blocks.append(table_block(run_dir, item, labels, notes) if item.kind == "table"
                          else figure_block(run_dir, item))
        main.append(rp.Section(section.section, section.title, section.intro, blocks))
    codebook, data = provenance["codebook"], provenance["data"]
    meta = [f"Run {provenance['run']} · finished {provenance['finished_utc']} UTC",
            f"Codebook {codebook['id']} {codebook['version']} · {data['clips']} encounters "
            f"analysed · layer: {data['layer']}"]
    return rp.Document(title, main, meta=meta,
                       banner=BANNER if data.get("synthetic") else "",
                       appendix=methods_sections(provenance, footnote=footnote))


def render_report(run_dir: Path, sections: Sequence[Section], *, provenance: dict[str, Any],
                  footnote: str, labels: Labels | None = None,
                  title: str = DEFAULT_TITLE) -> str:
    """The report's HTML text."""
    return rp.render_html(build_document(run_dir, sections, provenance=provenance,
                                         footnote=footnote, labels=labels or Labels(),
                                         title=title))


def write_report(run_dir: Path, sections: Sequence[Section], *, provenance: dict[str, Any],
                 footnote: str, labels: Labels | None = None,
                 title: str = DEFAULT_TITLE) -> Path:
    """Write ``report.html`` into ``run_dir`` and return its path."""
    document = build_document(run_dir, sections, provenance=provenance, footnote=footnote,
                              labels=labels or Labels(), title=title)
    return rp.write_html(document, run_dir / "report.html")


def write_report_pdf(report: Path) -> tuple[Path | None, str]:
    """Print ``report.pdf`` beside ``report``: (its path, "") or (None, why it was skipped)."""
    try:
        return rp.write_pdf(report), ""
    except rp.PdfUnavailable as exc:
        return None, str(exc)
