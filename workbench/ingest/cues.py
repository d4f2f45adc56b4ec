"""Cues (WebVTT and SRT) → turns: the part both caption readers share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.exceptions import IngestError
from workbench.ingest.records import ParsedClip, Turn, check_clip_id
from workbench.ingest.speakers import cue_pieces, cue_turns, uses_name_prefixes


@dataclass(frozen=True)
class Cue:
    """A cue found by the scan: first line (1-based), timing line, times, raw text lines."""

    line: int
    timing_line: int
    start: float
    end: float
    lines: list[str]


def cues_to_clip(cues: list[Cue], cue_lines: list[list[str]], path: Path,
                 n_lines: int) -> ParsedClip:
    """Turns from cues (shared by the WebVTT and SRT readers); empty cues are reported."""
    clip_id = check_clip_id(path.stem, path, field="file name")
    pieces = [cue_pieces(lines) for lines in cue_lines]
    name_prefixes = uses_name_prefixes(pieces)
    turns: list[Turn] = []
    warnings: list[str] = []
    for cue, cue_piece in zip(cues, pieces, strict=True):
        found = cue_turns(cue_piece, name_prefixes=name_prefixes)
        if not found:
            warnings.append(f"line {cue.line}: cue {cue.start:.3f}–{cue.end:.3f} s has no "
                            "text; skipped")
        turns.extend(Turn(cue.start, cue.end, speaker, text, line=cue.line)
                     for speaker, text in found)
    if not turns:
        detail = "only empty cues" if cues else "no cues"
        raise IngestError(f"no utterances: the file has {detail}; expected at least one cue "
                          "with text", path=path, line=n_lines)
    unlabelled = sum(1 for turn in turns if not turn.speaker)
    if unlabelled:
        warnings.append(f"{unlabelled} of {len(turns)} utterances have no speaker label "
                        "(role unknown)")
    return ParsedClip(clip_id, path, turns, warnings)
