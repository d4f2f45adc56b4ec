"""Cue timing lines (WebVTT and SRT) and numeric times, parsed strictly into seconds.

WebVTT timestamps are ``[h:]mm:ss.ttt``. SRT timestamps are ``hh:mm:ss,mmm`` with a comma
(SubRip); a dot in an SRT file is refused. Minutes and seconds must be < 60. Times are kept to
the millisecond.

**Classic Microsoft Teams** transcripts write every field unpadded and the milliseconds as an
integer: ``0:4:6.80`` is 4 min 6.080 s (its neighbour ``0:4:6.530`` shows it), not 6.800 s.
That dialect is recognised from the file as a whole — some timestamp has a one-digit minutes or
seconds field — and then every fraction is read as whole milliseconds. In any other file a
fraction must have exactly three digits; a shorter one is ambiguous and refused.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from workbench.exceptions import IngestError

_VTT_TS = r"(?:(\d{1,10}):)?(\d{1,2}):(\d{1,2})\.(\d{1,3})"
_SRT_TS = r"(\d{1,10}):(\d{2}):(\d{2}),(\d{3})"
VTT_TIMING = re.compile(rf"^\s*{_VTT_TS}[ \t]*-->[ \t]*{_VTT_TS}(?:[ \t]+.*)?\s*$")
SRT_TIMING = re.compile(rf"^\s*{_SRT_TS}[ \t]*-->[ \t]*{_SRT_TS}(?:[ \t]+.*)?\s*$")
VTT_EXPECTED = "a timing line 'hh:mm:ss.ttt --> hh:mm:ss.ttt' (hours optional)"
_NEGATIVE = re.compile(r"(^|\s)-\s*\d")
SRT_EXPECTED = "a timing line 'hh:mm:ss,mmm --> hh:mm:ss,mmm' (SubRip, comma before milliseconds)"


_UNPADDED = re.compile(r"(?<![\d:])\d{1,10}:(?:\d:\d{1,2}|\d{1,2}:\d)\.\d{1,3}\b")
TEAMS_CLASSIC = "teams-classic"


def vtt_dialect(timing_lines: list[str]) -> str:
    """``"teams-classic"`` if any timing line has an unpadded minutes or seconds field, else ""."""
    return TEAMS_CLASSIC if any(_UNPADDED.search(line) for line in timing_lines) else ""


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str, *,
             integer_ms: bool) -> float | None:
    if int(minutes) > 59 or int(seconds) > 59:
        return None
    millis = int(fraction) if integer_ms else int(fraction.ljust(3, "0"))
    return (int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)) + millis / 1000


def parse_timing(line: str, *, srt: bool, path: Path, line_no: int,
                 dialect: str = "") -> tuple[float, float]:
    """(start, end) in seconds from a cue timing line; cue settings after it are ignored.

    ``dialect`` ``"teams-classic"`` reads fractions as whole milliseconds (see the module).

    Raises
    ------
    IngestError
        on a malformed or negative timestamp, a WebVTT fraction of fewer than three digits
        outside the Teams dialect, or an end before the start.
    """
    pattern, expected = (SRT_TIMING, SRT_EXPECTED) if srt else (VTT_TIMING, VTT_EXPECTED)
    match = pattern.match(line)
    if match is None:
        what = "negative time" if _NEGATIVE.search(line) else "malformed timestamp"
        raise IngestError(f"{what} in {line.strip()!r}; expected {expected}",
                          path=path, line=line_no)
    groups = match.groups()
    teams = dialect == TEAMS_CLASSIC
    if not srt and not teams and (len(groups[3]) < 3 or len(groups[7]) < 3):
        raise IngestError(f"ambiguous timestamp in {line.strip()!r}: a fraction of fewer than "
                          "three digits (is '.5' 500 ms, or 5 ms as classic Teams writes it?); "
                          f"expected {expected} with three-digit milliseconds", path=path,
                          line=line_no)
    start = _seconds(*groups[0:4], integer_ms=teams)
    end = _seconds(*groups[4:8], integer_ms=teams)
    if start is None or end is None:
        raise IngestError(f"malformed timestamp in {line.strip()!r}: minutes and seconds must "
                          f"be 00–59; expected {expected}", path=path, line=line_no)
    if end < start:
        raise IngestError(f"end {end:.3f} s is before start {start:.3f} s in {line.strip()!r}; "
                          "expected end ≥ start", path=path, line=line_no)
    return round(start, 3), round(end, 3)


def parse_seconds(value: object, path: Path, *, line: int | None, field: str) -> float:
    """A time in seconds from a table cell or JSON value (a number, or a numeric string).

    Raises
    ------
    IngestError
        if the value is missing, not a number, not finite, or negative.
    """
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise IngestError(f"missing time {value!r}; expected seconds as a number, e.g. 12.5",
                          path=path, line=line, field=field)
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise IngestError(f"non-numeric time {value!r}; expected seconds as a number, e.g. 12.5",
                          path=path, line=line, field=field) from None
    if not math.isfinite(seconds):
        raise IngestError(f"time {value!r} is not finite; expected seconds, e.g. 12.5",
                          path=path, line=line, field=field)
    if seconds < 0:
        raise IngestError(f"negative time {value!r}; expected seconds ≥ 0 from the start of "
                          "the clip", path=path, line=line, field=field)
    return round(seconds, 3)
