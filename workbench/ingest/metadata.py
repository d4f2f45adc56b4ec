"""Clip metadata CSV: one row per clip, joined to transcripts by ``clip_id``.

Standard columns (all optional): borough, bcu, date (ISO ``YYYY-MM-DD``), power, outcome,
ethnicity (the subject's self-defined ethnicity), age_band, gender, n_officers (integer ≥ 0),
media_path, duration (seconds ≥ 0), synthetic (true/false). Any other column is kept in the
clip's ``extra`` metadata, never dropped. Empty cells are stored as missing (None).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from workbench.exceptions import IngestError
from workbench.ingest.records import check_clip_id
from workbench.ingest.source import read_text
from workbench.model import CLIP_METADATA_FIELDS
from workbench.store import limits, schema

STANDARD = (*CLIP_METADATA_FIELDS, "media_path", "duration", "synthetic")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True)
class MetadataRow:
    """The metadata of one clip; ``line`` is the row's 1-based line in ``path``."""

    clip_id: str
    fields: dict[str, Any]
    path: Path
    line: int


def _value(name: str, cell: str, path: Path, line: int) -> Any:
    cell = cell.strip()
    if not cell:
        return None
    try:
        if name == "date":
            return date.fromisoformat(cell)
        if name == "n_officers":
            number = int(cell)
            if number < 0:
                raise ValueError
            return number
        if name == "duration":
            seconds = float(cell)
            if not math.isfinite(seconds) or seconds < 0:
                raise ValueError
            return seconds
    except ValueError:
        expected = {"date": "an ISO date YYYY-MM-DD, e.g. 2022-03-01",
                    "n_officers": "a whole number ≥ 0",
                    "duration": "seconds as a number ≥ 0"}[name]
        raise IngestError(f"{cell!r} is not valid; expected {expected}", path=path,
                          line=line, field=name) from None
    if name == "synthetic":
        if cell.lower() in _TRUE | _FALSE:
            return cell.lower() in _TRUE
        raise IngestError(f"{cell!r} is not valid; expected true or false", path=path,
                          line=line, field=name)
    return cell


def _check_limits(fields: dict[str, Any], path: Path, line: int) -> None:
    """The store's limits (the same on SQLite and PostgreSQL), checked with file and line."""
    for name, value in fields.items():
        column = schema.clips.c.get(name)
        problem = (limits.value_problem(column, value) if column is not None
                   else limits.text_problem(value, limits.MAX_EXTRA_CHARS)
                   if isinstance(value, str) else None)
        if problem is None and column is None:
            problem = limits.text_problem(name, limits.MAX_EXTRA_CHARS)
        if problem is not None:
            raise IngestError(f"{problem}; the store cannot hold it", path=path, line=line,
                              field=name)


def read_clip_metadata(path: Path) -> dict[str, MetadataRow]:
    """clip id → its metadata row.

    Raises
    ------
    IngestError
        for a missing ``clip_id`` column, an empty or repeated clip id, a row with the wrong
        number of cells, or a value that does not parse (naming line and column).
    """
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: dict[str, MetadataRow] = {}
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise IngestError("the file is empty; expected a header row starting with clip_id",
                              path=path, line=1)
        columns = [h.strip() for h in header]
        if "clip_id" not in columns:
            raise IngestError("missing column clip_id; expected a header with clip_id and "
                              "metadata columns such as " + ", ".join(STANDARD[:4]),
                              path=path, line=1)
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated or "" in columns:
            raise IngestError(f"repeated or empty column name(s) {repeated or ['']}; expected "
                              "each column named once", path=path, line=1)
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) != len(columns):
                    raise IngestError(f"{len(row)} cells; expected {len(columns)}, one per "
                                      "column of the header", path=path, line=line)
                cells = dict(zip(columns, row, strict=True))
                clip_id = check_clip_id(cells.pop("clip_id"), path, line=line, field="clip_id")
                if clip_id in rows:
                    raise IngestError(f"clip {clip_id!r} appears twice (first at line "
                                      f"{rows[clip_id].line}); expected one row per clip",
                                      path=path, line=line, field="clip_id")
                fields = {name: _value(name, cell, path, line) if name in STANDARD
                          else (cell.strip() or None) for name, cell in cells.items()}
                _check_limits(fields, path, line)
                rows[clip_id] = MetadataRow(clip_id, fields, path, line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(f"not valid CSV ({exc}); expected comma-separated values with a "
                          "header row", path=path, line=reader.line_num) from None
    return rows
