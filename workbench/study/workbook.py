"""``tables.xlsx``: every published table on its own sheet, with its title and notes.

The cells come from the published CSVs (already disclosure-controlled): numbers as numbers,
suppression markers and labels as text. Headers and cells carry the same codebook and metadata
labels as the report (:class:`workbench.study.labels.Labels`), never ids; the CSVs keep ids
for re-analysis. No cell is ever a formula: text a spreadsheet would
run (``=``, ``+``, ``-``, ``@``, DDE payloads; :mod:`workbench.study.spreadsheet`) is stored as
a string with Excel's quote prefix. A ``Contents`` sheet lists each sheet with its section
and title, and the disclosure-control footnote. Sheet names are at most 31 characters, free
of ``[]:*?/\\`` and unique ignoring case (Excel's rules).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from workbench.study.labels import Labels
from workbench.study.outputs import Item, Section
from workbench.study.spreadsheet import xlsx_text

MAX_SHEET_NAME = 31
CONTENTS = "Contents"
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_names(names: Sequence[str], reserved: Sequence[str] = (CONTENTS,)) -> list[str]:
    """Valid, unique Excel sheet names for ``names`` (in order).

    >>> sheet_names(["a" * 40, "a" * 35, "ok"])
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa~2', 'ok']
    """
    taken = {r.lower() for r in reserved}
    out = []
    for name in names:
        base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "table"
        candidate = base[:MAX_SHEET_NAME]
        n = 1
        while candidate.lower() in taken:
            n += 1
            suffix = f"~{n}"
            candidate = base[:MAX_SHEET_NAME - len(suffix)] + suffix
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def cell_value(text: str) -> Any:
    """CSV text → an Excel value: empty → None, numbers → int/float, else the text (a
    neutralised formula without its CSV quote: :func:`append_row` marks it as text)."""
    if text == "":
        return None
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text) or text in ("inf", "-inf"):
        return float(text)
    return xlsx_text(text)[0]


def append_row(sheet: Any, values: Sequence[Any]) -> None:
    """Append ``values`` as a row; text is always a string cell (never a formula), with the
    quote prefix where it would read as one."""
    row: list[Any] = []
    for value in values:  # cells made here: reading the row back costs a scan of the sheet
        if isinstance(value, str):
            text, quoted = xlsx_text(value)
            cell = Cell(sheet, value=text)
            cell.data_type = "s"
            if quoted:
                cell.quotePrefix = True
            value = cell
        row.append(value)
    sheet.append(row)


def write_workbook(run_dir: Path, sections: Sequence[Section], *, footnote: str,
                   path: Path | None = None, labels: Labels | None = None) -> Path:
    """Write ``tables.xlsx`` into ``run_dir`` from the registered tables of ``sections``."""
    tables = [(section, item) for section in sections for item in section.items
              if item.kind == "table"]
    names = sheet_names([item.name for _, item in tables])
    book = Workbook()
    contents = book.active
    contents.title = CONTENTS
    append_row(contents, ["Study tables"])
    contents["A1"].font = Font(bold=True, size=14)
    append_row(contents, [footnote])
    append_row(contents, [])
    append_row(contents, ["sheet", "section", "table", "title"])
    for cell in contents[4]:
        cell.font = Font(bold=True)
    for sheet_name, (section, item) in zip(names, tables, strict=True):
        append_row(contents, [sheet_name, section.title, item.name, item.title])
        _table_sheet(book.create_sheet(sheet_name), run_dir / item.files["csv"], item,
                     labels or Labels())
    contents.column_dimensions["A"].width = 34
    contents.column_dimensions["B"].width = 30
    contents.column_dimensions["D"].width = 70
    path = path or run_dir / "tables.xlsx"
    book.save(path)
    return path


def _table_sheet(sheet: Any, csv_path: Path, item: Item, labels: Labels) -> None:
    append_row(sheet, [item.title])
    sheet["A1"].font = Font(bold=True, size=12)
    append_row(sheet, [item.notes or ""])
    sheet["A2"].alignment = Alignment(wrap_text=False)
    append_row(sheet, [])
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows, [])
        append_row(sheet, labels.headers(header))
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in labels.headers(header)]
        for row in rows:
            shown = labels.row(header, row, keep=item.text_columns)
            append_row(sheet, [cell_value(v) for v in shown])
            widths = [max(w, len(v)) for w, v in zip(widths, shown, strict=False)]
    sheet.freeze_panes = "A5"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 50)
