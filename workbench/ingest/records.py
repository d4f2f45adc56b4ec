"""What a reader returns: speaker turns as read from one file, before roles and ordering.

A reader turns one file into one or more :class:`ParsedClip` (a tabular file may hold many
clips). :func:`workbench.ingest.batch.assemble` then maps speakers to roles, orders the turns by
start time and hashes them into the store's :class:`~workbench.model.Utterance` records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.exceptions import IngestError
from workbench.model import Role
from workbench.store import schema

#: Longest clip id the store accepts (the length of ``clips.clip_id``).
MAX_CLIP_ID: int = schema.clips.c.clip_id.type.length  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Turn:
    """One speaker turn as read: times in seconds, ``line`` 1-based where the file has lines.

    ``role`` is set only when the file states it (the tabular ``role`` column); otherwise the
    speaker rules decide.
    """

    start: float
    end: float
    speaker: str
    text: str
    role: Role | None = None
    line: int | None = None


@dataclass(frozen=True)
class TierChoice:
    """What an ELAN reader did with one tier: ``used`` as speech or skipped, and why."""

    tier_id: str
    used: bool
    reason: str
    speaker: str = ""
    n_annotations: int = 0


@dataclass
class ParsedClip:
    """The turns of one clip read from ``path``, plus anything the reader wants reported.

    ``dialect`` names the variant of the format the file was recognised as (e.g.
    ``"webvtt/teams-classic"``); ``tiers`` lists every ELAN tier with what was done with it.
    """

    clip_id: str
    path: Path
    turns: list[Turn]
    warnings: list[str] = field(default_factory=list)
    dialect: str = ""
    tiers: list[TierChoice] = field(default_factory=list)


@dataclass(frozen=True)
class ReadOptions:
    """Project settings a reader may need (``bwv.yaml``).

    ``speech_tiers`` / ``skip_tiers``: regular expressions (case-insensitive, searched in the
    tier id) choosing ELAN speech tiers; a tier matching ``skip_tiers`` is never speech, and if
    ``speech_tiers`` is given only matching tiers are.
    """

    speech_tiers: tuple[str, ...] = ()
    skip_tiers: tuple[str, ...] = ()


#: A reader: one file (and the project's read options) in, its clips out; raises
#: :class:`IngestError` on malformed input.
Reader = Callable[..., list[ParsedClip]]


def check_clip_id(clip_id: str, path: Path, *, line: int | None = None,
                  field: str | None = None) -> str:
    """Return ``clip_id`` stripped, or raise if it is empty or too long for the store."""
    clip_id = clip_id.strip()
    if not clip_id:
        raise IngestError("empty clip id; expected a non-empty identifier", path=path,
                          line=line, field=field)
    if len(clip_id) > MAX_CLIP_ID:
        raise IngestError(f"clip id {clip_id[:30]!r}… is {len(clip_id)} characters; expected at "
                          f"most {MAX_CLIP_ID}", path=path, line=line, field=field)
    return clip_id


def check_times(start: float, end: float, path: Path, *, line: int | None = None,
                field: str | None = None) -> None:
    """Refuse negative times and an end before the start (equal times are allowed)."""
    if start < 0 or end < 0:
        raise IngestError(f"negative time ({start:g} s → {end:g} s); expected times ≥ 0 "
                          "seconds from the start of the clip", path=path, line=line, field=field)
    if end < start:
        raise IngestError(f"end {end:.3f} s is before start {start:.3f} s; expected end ≥ start",
                          path=path, line=line, field=field)
