"""Tabular transcripts: CSV / TSV (header row) and JSON Lines, one utterance per row.

Columns / keys: ``start, end, text`` required; ``clip_id`` (absent: one clip named after the
file), ``speaker`` (absent: no label, role ``unknown``) and ``role`` (empty: the speaker rules
decide) optional. Times are seconds from the start of the clip (numbers; numeric strings are
accepted in JSON Lines too) — except in **Whisper's own TSV** (``whisper --output_format tsv``:
header exactly ``start, end, text``, tab-separated, every time a whole number), whose times are
milliseconds. Rows of one clip need not be adjacent. Line numbers are 1-based physical lines
(the header is line 1).

Nothing is dropped silently: a repeated column name, a JSON object with a repeated key and a
row repeated exactly (same clip, times, speaker and text) are refused with their lines; a row
with empty text is skipped and reported; other columns are ignored and reported. The delimiter
of a ``.csv`` file is sniffed from its header (comma, tab, semicolon or bar: the one that gives
the required columns) and named in the report when it is not a comma.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from workbench.exceptions import IngestError
from workbench.ingest.records import ParsedClip, Turn, check_clip_id, check_times
from workbench.ingest.source import LINE_BREAK, read_text
from workbench.ingest.speakers import normalise_text
from workbench.ingest.timecode import parse_seconds
from workbench.model import Role
from workbench.textfiles import parse_json

REQUIRED = ("start", "end", "text")
OPTIONAL = ("clip_id", "speaker", "role")
_ROLES = ", ".join(r.value for r in Role)
_DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "bar"}
_WHOLE = re.compile(r"^\s*\d+\s*$")


def _check_columns(columns: list[str], path: Path, line: int, found: str = "") -> list[str]:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        hint = found
        if "clip_id" in columns and not set(REQUIRED) & set(columns):
            hint = " (this looks like a clip metadata file: pass it as metadata instead)"
        raise IngestError(f"missing column(s) {', '.join(missing)}; expected columns "
                          f"{', '.join(REQUIRED)} (clip_id, speaker, role optional){hint}",
                          path=path, line=line)
    return [c for c in columns if c not in REQUIRED + OPTIONAL]


def _header_cells(first_line: str, delimiter: str) -> list[str]:
    return [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter), [])]


def sniff_delimiter(text: str, path: Path, default: str) -> str:
    """The delimiter whose header split gives the required columns (``default`` first).

    Raises
    ------
    IngestError
        if no candidate gives them; the message says what each delimiter found.
    """
    first = LINE_BREAK.split(text, maxsplit=1)[0]
    order = [default, *(d for d in _DELIMITERS if d != default)]
    for delimiter in order:
        if all(c in _header_cells(first, delimiter) for c in REQUIRED):
            return delimiter
    counts = {name: first.count(d) for d, name in _DELIMITERS.items() if first.count(d)}
    found = ", ".join(f"{n} {name}s" for name, n in counts.items()) or "no delimiter"
    _check_columns(_header_cells(first, default), path, 1,
                   f" (the header has {found}; none gives these columns)")
    return default  # pragma: no cover - _check_columns raised


def _csv_rows(text: str, path: Path,
              delimiter: str) -> Iterator[tuple[int, Mapping[str, object]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    kind = _DELIMITERS[delimiter]
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise IngestError("the file is empty; expected a header row with columns "
                              + ", ".join(REQUIRED), path=path, line=1)
        columns = [h.strip() for h in header]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise IngestError(f"repeated column name(s) {', '.join(map(repr, repeated))}; "
                              "expected each column once (a second copy would be lost)",
                              path=path, line=1)
        extra = _check_columns(columns, path, 1)
        if extra:
            yield 0, {"__extra__": extra}
        start_line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) != len(columns):
                    raise IngestError(f"{len(row)} cells; expected {len(columns)}, one per "
                                      f"column of the header ({kind}-separated)", path=path,
                                      line=start_line)
                yield start_line, dict(zip(columns, row, strict=True))
            start_line = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(f"not valid CSV ({exc}); expected {kind}-separated values with a "
                          "header row", path=path, line=reader.line_num) from None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"repeated key(s) {', '.join(map(repr, repeated))} in one object; "
                         "expected each key once (a second value would be lost)")
    return dict(pairs)


def _jsonl_rows(text: str, path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    extra: set[str] = set()
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        row = parse_json(line, path, error=IngestError, line=number,  # depth, integer limits
                         expected="one JSON object per line", object_pairs_hook=_unique_keys)
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


def _rows(text: str, path: Path) -> tuple[list[tuple[int, Mapping[str, object]]], str, float]:
    """(rows, dialect name, seconds per time unit) of one tabular file."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return list(_jsonl_rows(text, path)), "jsonl", 1.0
    delimiter = sniff_delimiter(text, path, "\t" if suffix == ".tsv" else ",")
    rows = list(_csv_rows(text, path, delimiter))
    kind = _DELIMITERS[delimiter]
    header = _header_cells(LINE_BREAK.split(text, maxsplit=1)[0], delimiter)
    data = [row for line, row in rows if line]
    if (delimiter == "\t" and header == list(REQUIRED) and data
            and all(_WHOLE.match(str(row.get(k) or "")) for row in data for k in ("start", "end"))):
        return rows, "whisper-tsv (times in milliseconds)", 0.001
    name = "csv" if delimiter == "," else f"tsv ({kind}-separated)"
    if suffix == ".csv" and delimiter != ",":
        name = f"csv ({kind}-separated, not comma)"
    return rows, name, 1.0


def read_table(path: Path, options: object = None) -> list[ParsedClip]:
    """Read a CSV / TSV or JSON Lines transcript: one clip per ``clip_id`` (or the file stem).

    Raises
    ------
    IngestError
        for missing or repeated columns, a missing, non-numeric or negative time, an end before
        a start, an unknown role, an empty clip id, a repeated row, malformed CSV/JSON, or no
        utterance at all.
    """
    text = read_text(path)
    if not text.strip():
        raise IngestError("the file is empty; expected a header row with columns "
                          + ", ".join(REQUIRED), path=path, line=1)
    rows, dialect, unit = _rows(text, path)
    clips: dict[str, ParsedClip] = {}
    notes: list[str] = []
    seen: dict[tuple[object, ...], int] = {}
    for line, row in rows:
        if line == 0:
            notes.append(f"columns not used: {', '.join(row['__extra__'])}")  # type: ignore[arg-type]
            continue
        raw_id = row.get("clip_id") if "clip_id" in row else path.stem
        clip_id = check_clip_id(str(raw_id or ""), path, line=line, field="clip_id")
        start = round(parse_seconds(row.get("start"), path, line=line, field="start") * unit, 3)
        end = round(parse_seconds(row.get("end"), path, line=line, field="end") * unit, 3)
        check_times(start, end, path, line=line, field="end")
        speaker = " ".join(str(row.get("speaker") or "").split())
        role = _role(row.get("role"), path, line)
        clip = clips.setdefault(clip_id, ParsedClip(clip_id, path, [], dialect=dialect))
        words = normalise_text(str(row.get("text") or ""))
        if not words:
            clip.warnings.append(f"line {line}: row {start:.3f}–{end:.3f} s has no text; "
                                 "skipped")
            continue
        key = (clip_id, start, end, speaker, words)
        if key in seen:
            raise IngestError(f"this row repeats line {seen[key]} exactly (clip {clip_id!r}, "
                              f"{start:.3f}–{end:.3f} s, same speaker and text); expected each "
                              "utterance once (a doubled export?)", path=path, line=line)
        seen[key] = line
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
