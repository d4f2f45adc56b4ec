"""SubRip (.srt) reader: a strict parser of our own (webvtt-py's SRT reading merges broken cues).

Each cue is a block of lines separated by blank lines: a cue number (optional: some tools
write none), a timing line ``hh:mm:ss,mmm --> hh:mm:ss,mmm`` and the text. A block without
its timing line, a malformed timestamp (a dot instead of the comma included) or a file that
is not SRT is refused with its line; a cue with no text is skipped and reported. Speaker
labels as for WebVTT (:mod:`workbench.ingest.speakers`). The clip id is the file's stem.
"""

from __future__ import annotations

from pathlib import Path

from workbench.exceptions import IngestError
from workbench.ingest.cues import Cue, cues_to_clip
from workbench.ingest.records import ParsedClip
from workbench.ingest.source import read_lines
from workbench.ingest.timecode import SRT_EXPECTED, parse_timing


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(first line index, lines) per block; blank or white-space-only lines separate blocks."""
    blocks: list[tuple[int, list[str]]] = []
    block: list[str] = []
    first = 0
    for i, line in enumerate(lines):
        if line.strip():
            if not block:
                first = i
            block.append(line)
        elif block:
            blocks.append((first, block))
            block = []
    if block:
        blocks.append((first, block))
    return blocks


def scan(lines: list[str], path: Path) -> list[Cue]:
    """The cues of an SRT file; raises on the first block that is not a valid cue.

    A cue may start with its number or directly with its timing line (SRT written without cue
    numbers, as some speech-to-text tools do); text lines are never taken for a timing line.
    """
    cues: list[Cue] = []
    for first, block in _blocks(lines):
        head = block[0].strip()
        prefix = "" if cues else "not SRT: "
        if head.startswith("WEBVTT"):
            raise IngestError("not SRT: this is a WebVTT file; expected a cue number on the "
                              "first line (rename it to .vtt)", path=path, line=first + 1)
        if "-->" in head:
            start, end = parse_timing(block[0], srt=True, path=path, line_no=first + 1)
            cues.append(Cue(first + 1, first + 1, start, end, block[1:]))
            continue
        if not head.isdigit():
            raise IngestError(f"{prefix}cue without its timing line: {head[:60]!r}; expected a cue "
                              f"number followed by {SRT_EXPECTED} (a blank line must separate "
                              "cues, and cue text must not contain blank lines)",
                              path=path, line=first + 1)
        if len(block) < 2 or "-->" not in block[1]:
            found = repr(block[1].strip()[:60]) if len(block) > 1 else "the end of the cue"
            raise IngestError(f"{prefix}cue {head} has no timing line: found {found}; expected "
                              f"{SRT_EXPECTED}", path=path,
                              line=first + min(len(block), 2))
        start, end = parse_timing(block[1], srt=True, path=path, line_no=first + 2)
        cues.append(Cue(first + 1, first + 2, start, end, block[2:]))
    return cues


def read_srt(path: Path, options: object = None) -> list[ParsedClip]:
    """Read one SRT file as one clip (clip id = file stem).

    Raises
    ------
    IngestError
        for an empty file, a block that is not a numbered, timed cue, or a malformed timestamp.
    """
    lines = read_lines(path)
    cues = scan(lines, path)
    return [cues_to_clip(cues, [cue.lines for cue in cues], path, len(lines), fmt="srt")]
