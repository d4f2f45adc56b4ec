"""The state a coding session keeps per turn, and what an action changed (for the views)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from workbench.codebook.book import Codebook
from workbench.codebook.schema import Code, Group


@dataclass
class TurnState:
    """The coder's own work on one utterance: code id → value, note, review flag."""

    codes: dict[str, str] = field(default_factory=dict)
    note: str = ""
    flagged: bool = False


@dataclass(frozen=True)
class Change:
    """What an action changed, so a view re-renders only that.

    ``turns``: utterances whose codes, note or flag changed; ``clip_codes``: the clip-level
    form; ``moved``: the current position; ``clip``: another clip is open (re-render all);
    ``queue``: statuses in the queue; ``help``: a code whose definition to show;
    ``keymap``: show the key map; ``media``: a player command (see :mod:`.keys`); ``form``:
    the keyboard's item on the clip-level form moved;
    ``message``: a line for the coder, in words (labels, never ids).
    """

    turns: frozenset[int] = frozenset()
    clip_codes: bool = False
    moved: bool = False
    clip: bool = False
    queue: bool = False
    help: str | None = None
    keymap: bool = False
    media: str | None = None
    form: bool = False
    message: str = ""


def grouped(codebook: Codebook, codes: Iterable[Code]) -> list[tuple[Group, list[Code]]]:
    """Codes grouped as in the codebook (group order, then code order); empty groups left out."""
    wanted = {c.id for c in codes}
    panel = [(g, [c for c in codebook.codes_in(g.id) if c.id in wanted]) for g in codebook.groups]
    return [(g, cs) for g, cs in panel if cs]
