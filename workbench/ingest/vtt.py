"""WebVTT reader: webvtt-py parses; our own scan of the raw lines checks that nothing was lost.

webvtt-py (non-strict) silently drops a cue whose timestamp is malformed and a block of text
without a timing line. So the file is first scanned here, block by block with webvtt-py's own
block rules: every block must be the header, a NOTE, STYLE or REGION block, or a cue with a
valid timing line (see :mod:`workbench.ingest.timecode`); then the cues webvtt-py returns must
be exactly the cues found by the scan — same number, same timings, same text. Anything else is
refused with the line of the offending block. Speaker labels: :mod:`workbench.ingest.speakers`.
The clip id is the file's stem.

One tolerance, as in the WebVTT parsing rules: a single stray line directly above a cue's
timing line, after another line (e.g. white space then a cue number, as Netflix writes), is
taken as that cue's identifier, not as lost text.
"""

from __future__ import annotations

import re
from pathlib import Path

import webvtt

from workbench.exceptions import IngestError
from workbench.ingest.cues import Cue, cues_to_clip
from workbench.ingest.records import ParsedClip
from workbench.ingest.source import read_lines
from workbench.ingest.timecode import TEAMS_CLASSIC, VTT_EXPECTED, parse_timing, vtt_dialect

_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_SPECIAL = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t].*)?$")


def _blocks(lines: list[str]) -> list[tuple[int, list[str], bool]]:
    """(first line index, lines, ended by an arrow line) per block, as webvtt-py splits them.

    A block ends at an empty line; a line with "-->" that cannot be the block's timing line
    (it is past the second line, or the block is the header) starts a new block.
    """
    blocks: list[tuple[int, list[str], bool]] = []
    block: list[str] = []
    first, in_header = 0, True
    for i, line in enumerate(lines):
        starts_new = bool(block) and "-->" in line and (
            in_header or len(block) > 1 or "-->" in block[0])
        if (not line or starts_new) and block:
            blocks.append((first, block, starts_new))
            block, in_header = [], False
        if line:
            if not block:
                first = i
            block.append(line)
    if block:
        blocks.append((first, block, False))
    return blocks


def scan(lines: list[str], path: Path, dialect: str = "") -> list[Cue]:
    """The cues of a WebVTT file, found strictly; raises on any block that is not understood.

    ``dialect`` is passed to :func:`~workbench.ingest.timecode.parse_timing`.
    """
    if not _HEADER.match(lines[0]):
        raise IngestError(f"no WEBVTT header: the first line is {lines[0][:40]!r}; expected "
                          "'WEBVTT' (is this an SRT file named .vtt?)", path=path, line=1)
    cues: list[Cue] = []
    for first, block, ended_by_arrow in _blocks(lines)[1:]:
        timing_at = next((k for k, text in enumerate(block) if "-->" in text), None)
        if timing_at is None:
            if _SPECIAL.match(block[0]) or not any(text.strip() for text in block):
                continue
            stray = [text for text in block[:-1] if text.strip()]
            if ended_by_arrow and not stray:
                continue  # a cue identifier separated from its timing line by another line
            raise IngestError(
                f"cue without its timing line: {block[0].strip()[:60]!r}; expected "
                f"{VTT_EXPECTED} before the cue text (a blank line must separate cues)",
                path=path, line=first + 1)
        if timing_at > 1 or _SPECIAL.match(block[0]):
            raise IngestError(f"unexpected '-->' in {block[timing_at].strip()[:60]!r}; expected "
                              "an optional cue identifier, then the timing line",
                              path=path, line=first + timing_at + 1)
        line_no = first + timing_at + 1
        start, end = parse_timing(block[timing_at], srt=False, path=path, line_no=line_no,
                                  dialect=dialect)
        cues.append(Cue(first + 1, line_no, start, end, block[timing_at + 1:]))
    return cues


def _check_against_library(cues: list[Cue], text: str, path: Path,
                           times: bool = True) -> list[list[str]]:
    """webvtt-py's cue lines, after checking they are exactly the scanned cues.

    ``times=False`` (classic Teams files, whose fractions webvtt-py reads as decimals) compares
    the number of cues and their text only.
    """
    try:
        captions = webvtt.from_string(text).captions
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as exc:
        raise IngestError(f"webvtt-py cannot read the file: {exc}; expected valid WebVTT",
                          path=path, line=1) from None
    for k, cue in enumerate(cues):
        if k >= len(captions):
            raise IngestError("webvtt-py dropped this cue; refusing rather than losing it",
                              path=path, line=cue.line)
        got = captions[k]
        moved = times and (round(got.start_time.in_milliseconds() / 1000, 3) != cue.start
                           or round(got.end_time.in_milliseconds() / 1000, 3) != cue.end)
        if (moved or [ln.rstrip() for ln in got.lines] != [ln.rstrip() for ln in cue.lines]):
            raise IngestError(
                f"webvtt-py read this cue differently ({got.start} --> {got.end}, "
                f"{got.raw_text[:40]!r}); refusing rather than losing or merging text",
                path=path, line=cue.line)
    if len(captions) != len(cues):
        raise IngestError(f"webvtt-py found {len(captions)} cues where the scan found "
                          f"{len(cues)}; refusing rather than guessing", path=path,
                          line=len(text.splitlines()))
    return [caption.lines for caption in captions]


def read_vtt(path: Path, options: object = None) -> list[ParsedClip]:
    """Read one WebVTT file as one clip (clip id = file stem).

    Raises
    ------
    IngestError
        for an empty file, a missing header, a malformed timestamp, a cue without its timing
        line, or any cue webvtt-py would drop or read differently.
    """
    lines = read_lines(path)
    dialect = vtt_dialect([line for line in lines if "-->" in line])
    cues = scan(lines, path, dialect)
    cue_lines = _check_against_library(cues, "\n".join(lines), path,
                                       times=dialect != TEAMS_CLASSIC)
    return [cues_to_clip(cues, cue_lines, path, len(lines), fmt="webvtt", dialect=dialect)]
