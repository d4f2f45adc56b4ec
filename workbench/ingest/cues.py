"""Cues (WebVTT and SRT) → turns: the part both caption readers share.

Here the file as a whole is classified and its dialect named (e.g. ``webvtt/teams-classic+voice
spans``, ``webvtt/youtube-rolling``, ``srt/word-highlight``, ``webvtt/name prefixes``): rolling
captions are merged (:mod:`workbench.ingest.rolling`), and a cue repeated exactly (same times,
same text) in a file that is not rolling is refused with both lines, never stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.exceptions import IngestError
from workbench.ingest.records import ParsedClip, Turn, check_clip_id
from workbench.ingest.rolling import TimedLines, is_rolling, merge_rolling, rolling_name
from workbench.ingest.speakers import cue_pieces, cue_turns, uses_name_prefixes


@dataclass(frozen=True)
class Cue:
    """A cue found by the scan: first line (1-based), timing line, times, raw text lines."""

    line: int
    timing_line: int
    start: float
    end: float
    lines: list[str]


def _no_repeats(cues: list[TimedLines], path: Path) -> None:
    seen: dict[tuple[float, float, str], int] = {}
    for cue in cues:
        text = " ".join(clean for clean, _ in cue.cleaned)
        if not text:
            continue
        key = (cue.start, cue.end, text)
        if key in seen:
            raise IngestError(f"this cue repeats the cue at line {seen[key]} exactly "
                              f"({cue.start:.3f}–{cue.end:.3f} s, same text); expected each cue "
                              "once (a doubled export?)", path=path, line=cue.line)
        seen[key] = cue.line


def cues_to_clip(cues: list[Cue], cue_lines: list[list[str]], path: Path, n_lines: int, *,
                 fmt: str = "webvtt", dialect: str = "") -> ParsedClip:
    """Turns from cues (shared by the WebVTT and SRT readers); empty cues are reported."""
    clip_id = check_clip_id(path.stem, path, field="file name")
    timed = [TimedLines.of(c.line, c.start, c.end, lines)
             for c, lines in zip(cues, cue_lines, strict=True)]
    warnings: list[str] = []
    names = [dialect] if dialect else []
    if is_rolling(timed):
        names.append(rolling_name(timed))
        merged = merge_rolling(timed)
        warnings.append(f"rolling captions ({names[-1]}): {len(timed)} cues hold "
                        f"{len(merged)} lines; each line stored once, with the times of the "
                        "full line")
        for cue in timed:
            if not cue.cleaned:
                warnings.append(f"line {cue.line}: cue {cue.start:.3f}–{cue.end:.3f} s has no "
                                "text; skipped")
        timed = merged
    else:
        _no_repeats(timed, path)
    pieces = [cue_pieces(cue.lines) for cue in timed]
    name_prefixes = uses_name_prefixes(pieces)
    if name_prefixes:
        names.append("name prefixes")
    if any(piece.voice for cue in pieces for piece in cue):
        names.append("voice spans")
    turns: list[Turn] = []
    for cue, cue_piece in zip(timed, pieces, strict=True):
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
    return ParsedClip(clip_id, path, turns, warnings,
                      dialect=f"{fmt}/{'+'.join(names)}" if names else fmt)
