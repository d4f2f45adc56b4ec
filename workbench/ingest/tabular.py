"""Tabular transcripts: CSV (header row) and JSON Lines, one utterance per row, many clips a file.

Columns / keys: ``clip_id, start, end, speaker, text`` required, ``role`` optional (empty: the
speaker rules decide). Times are seconds from the start of the clip (numbers; numeric strings
are accepted in JSON Lines too). Rows of one clip need not be adjacent. A row with empty text
is skipped and reported; other columns are ignored and reported. Line numbers are 1-based
physical lines (the header is line 1 in a CSV file).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path

from workbench.exceptions import IngestError
from workbench.ingest.records import ParsedClip, Turn, check_clip_id, check_times
from workbench.ingest.source import read_text
from workbench.ingest.speakers import normalise_text
from workbench.ingest.timecode import parse_seconds
from workbench.model import Role
from workbench.textfiles import parse_json

REQUIRED = ("clip_id", "start", "end", "speaker", "text")
OPTIONAL = ("role",)
_ROLES = ", ".join(r.value for r in Role)


def _check_columns(columns: list[str], path: Path, line: int) -> list[str]:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        hint = ""
        if "clip_id" in columns and {"start", "end", "text"} - set(columns) == {"start", "end",
                                                                              "text"}:
            hint = " (this looks like a clip metadata file: pass it as metadata instead)"
        raise IngestError(f"missing column(s) {', '.join(missing)}; expected columns "
                          f"{', '.join(REQUIRED)} (role optional){hint}", path=path, line=line)
    return [c for c in columns if c not in REQUIRED + OPTIONAL]


def _csv_rows(text: str, path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise IngestError("the file is empty; expected a header row with columns "
                              + ", ".join(REQUIRED), path=path, line=1)
        columns = [h.strip() for h in header]
        extra = _check_columns(columns, path, 1)
        if extra:
            yield 0, {"__extra__": extra}
        start_line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) != len(columns):
                    raise IngestError(f"{len(row)} cells; expected {len(columns)}, one per "
                                      "column of the header", path=path, line=start_line)
                yield start_line, dict(zip(columns, row, strict=True))
            start_line = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(f"not valid CSV ({exc}); expected comma-separated values with a "
                          "header row", path=path, line=reader.line_num) from None


def _jsonl_rows(text: str, path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    extra: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row = parse_json(line, path, error=IngestError, line=number,  # depth, integer limits
                         expected="one JSON object per line")
        if not isinstance(row, dict):
            raise IngestError(f"a JSON {type(row).__name__}; expected one JSON object per line",
                              path=path, line=number)
        new = set(_check_columns(list(row), path, number)) - extra
        if new:
            extra |= new
            yield 0, {"__extra__": sorted(new)}
        yield number, row


def _role(value: object, path: Path, line: int) -> Role | None:
    text = "" if value is None else str(value).strip().lower()
    if not text:
        return None
    try:
        return Role(text)
    except ValueError:
        raise IngestError(f"unknown role {value!r}; expected one of {_ROLES}, or empty",
                          path=path, line=line, field="role") from None


def read_table(path: Path) -> list[ParsedClip]:
    """Read a CSV (``.csv``) or JSON Lines (``.jsonl``) transcript: one clip per ``clip_id``.

    Raises
    ------
    IngestError
        for missing columns, a missing or non-numeric or negative time, an end before a start,
        an unknown role, an empty clip id, malformed CSV/JSON, or no utterance at all.
    """
    text = read_text(path)
    if not text.strip():
        raise IngestError("the file is empty; expected a header row with columns "
                          + ", ".join(REQUIRED), path=path, line=1)
    rows = _jsonl_rows(text, path) if path.suffix.lower() == ".jsonl" else _csv_rows(text, path)
    clips: dict[str, ParsedClip] = {}
    notes: list[str] = []
    for line, row in rows:
        if line == 0:
            notes.append(f"columns not used: {', '.join(row['__extra__'])}")  # type: ignore[arg-type]
            continue
        clip_id = check_clip_id(str(row.get("clip_id") or ""), path, line=line, field="clip_id")
        start = parse_seconds(row.get("start"), path, line=line, field="start")
        end = parse_seconds(row.get("end"), path, line=line, field="end")
        check_times(start, end, path, line=line, field="end")
        speaker = " ".join(str(row.get("speaker") or "").split())
        role = _role(row.get("role"), path, line)
        clip = clips.setdefault(clip_id, ParsedClip(clip_id, path, []))
        words = normalise_text(str(row.get("text") or ""))
        if not words:
            clip.warnings.append(f"line {line}: row {start:.3f}–{end:.3f} s has no text; "
                                 "skipped")
            continue
        clip.turns.append(Turn(start, end, speaker, words, role=role, line=line))
    if not clips:
        raise IngestError("no utterances: the file has a header but no rows; expected one row "
                          "per utterance", path=path, line=1)
    for k, clip in enumerate(clips.values()):
        if not clip.turns:
            raise IngestError(f"no utterances for clip {clip.clip_id!r}: every row has empty "
                              "text; expected at least one utterance with text", path=path,
                              field="text")
        if k == 0:
            clip.warnings[:0] = notes
    return list(clips.values())
