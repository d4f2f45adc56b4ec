"""What a reviewer is shown around a disagreement: a few turns, never the whole clip.

A turn-level disagreement keeps the turns around it (``find_disagreements(context=...)``).
A clip-level code has no turn of its own, so the reviewer sees the turns the disagreeing
coders *cited*: the turns where they applied a turn-level code of the same codebook group
(for ``gow_grounds``: their ``legal_explanation`` turns), at most ``limit`` of them; with
none cited, a one-line summary of the clip instead. Turn numbers are shown 1-based, as
coders see them.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.codebook.book import Codebook
from workbench.model import UnitType
from workbench.review.adjudication import Disagreement, Turn
from workbench.store import Store

CITED_LIMIT = 8


@dataclass(frozen=True)
class ReviewContext:
    """The turns to show (``cited``: each turn's 0-based index → coders citing it) and a
    ``summary`` line."""

    turns: tuple[Turn, ...]
    cited: dict[int, tuple[str, ...]]
    summary: str


def review_context(store: Store, codebook: Codebook, item: Disagreement, viewer: str,
                   limit: int = CITED_LIMIT) -> ReviewContext:
    """The context of ``item`` for reviewer ``viewer`` (see the module docstring)."""
    if item.utterance_index is not None:
        return ReviewContext(item.context, {}, "")
    group = codebook.code(item.code_id).group
    related = {c.id for c in codebook.codes_in(group) if c.unit == UnitType.UTTERANCE}
    cited: dict[int, set[str]] = {}
    for a in store.annotations(clip_id=item.clip_id, viewer=viewer):
        if a.coder_id in item.values and a.code_id in related and a.utterance_index is not None:
            cited.setdefault(a.utterance_index, set()).add(a.coder_id)
    n = len(item.context)
    names = ", ".join(codebook.code(c).label for c in sorted(related)) or "none"
    if not cited:
        return ReviewContext((), {}, f"{n} turns; no coder cited a turn for this code "
                             f"(turn-level codes of its group: {names}).")
    shown = sorted(cited)[:limit]
    turns = tuple(t for t in item.context if t.index in set(shown))
    more = f"; {len(cited) - len(shown)} more not shown" if len(cited) > len(shown) else ""
    return ReviewContext(turns, {i: tuple(sorted(cited[i])) for i in shown},
                         f"{len(cited)} of {n} turns cited by the coders ({names}){more}.")
