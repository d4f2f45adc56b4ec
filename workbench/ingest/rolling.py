"""Rolling captions: each spoken line shown in several cues, stored once with its full times.

YouTube's automatic captions (as yt-dlp downloads them) show a line being typed word by word
(inline ``<00:00:01.230><c>`` timestamps), then repeat it alone in a 10 ms "echo" cue, then
keep it as the upper line while the next one is typed. Word-highlight ("karaoke") subtitles,
such as stable-ts writes, repeat a whole sentence once per word. Read cue by cue, both store
every sentence two or more times.

The dialect is recognised from the file as a whole: at least :data:`ROLLING_SHARE` of the pairs
of consecutive cues with text have the next cue's first line equal to the previous cue's last
line (in ordinary subtitles consecutive cues almost never share a line). Then each cue's bottom
line is the line being spoken: it extends the line before it if it is the same text, else
starts a new one (from the cue's start to the end of its last cue). Upper lines must repeat a
line already read; one that does not is new text and is kept, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from workbench.ingest.speakers import clean_text

#: Share of consecutive cue pairs that must repeat a line for the file to be "rolling".
ROLLING_SHARE = 0.6
#: Longest cue (seconds) taken for a YouTube "echo" cue when naming the dialect.
ECHO_SECONDS = 0.02


@dataclass(frozen=True)
class TimedLines:
    """A cue reduced to what rolling needs: first line, times, raw text lines and, for each
    line with text, (cleaned, raw)."""

    line: int
    start: float
    end: float
    lines: list[str]
    cleaned: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, line: int, start: float, end: float, lines: list[str]) -> TimedLines:
        return cls(line, start, end, lines,
                   tuple((text, raw) for raw in lines if (text := clean_text(raw))))


def _clean(cue: TimedLines) -> list[tuple[str, str]]:
    return list(cue.cleaned)


def is_rolling(cues: list[TimedLines]) -> bool:
    """Whether the file's cues repeat lines as rolling captions do (see the module)."""
    cleaned = [c for c in (_clean(cue) for cue in cues) if c]
    pairs = len(cleaned) - 1
    if pairs < 2:
        return False
    shared = sum(1 for a, b in pairwise(cleaned) if b[0][0] == a[-1][0])
    return shared >= ROLLING_SHARE * pairs


def rolling_name(cues: list[TimedLines]) -> str:
    """``youtube-rolling`` when echo cues or inline timestamps are present, else
    ``word-highlight``."""
    echo = any(cue.end - cue.start <= ECHO_SECONDS for cue in cues)
    inline = any("<c>" in raw or "><c" in raw for cue in cues for raw in cue.lines)
    return "youtube-rolling" if echo or inline else "word-highlight"


def merge_rolling(cues: list[TimedLines]) -> list[TimedLines]:
    """One entry per spoken line, with the start of its first cue and the end of its last."""
    merged: list[TimedLines] = []
    texts: list[str] = []
    for cue in cues:
        lines = _clean(cue)
        if not lines:
            continue
        *upper, (bottom, raw_bottom) = lines
        recent = set(texts[-len(upper) - 1:]) if upper else set()
        for text, raw in upper:
            if text not in recent:
                merged.append(TimedLines(cue.line, cue.start, cue.end, [raw], ((text, raw),)))
                texts.append(text)
        if texts and texts[-1] == bottom:
            merged[-1] = replace(merged[-1], end=max(merged[-1].end, cue.end))
        else:
            merged.append(TimedLines(cue.line, cue.start, cue.end, [raw_bottom],
                                     ((bottom, raw_bottom),)))
            texts.append(bottom)
    return merged
