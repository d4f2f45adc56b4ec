"""Assistance hints in a coding session: when they are allowed, what they show, accepting one.

A hint is a learned suggestion (:mod:`workbench.assist.suggest`) shown dimmed beside a turn.
It is never applied by itself: the only way a hint becomes an annotation is the coder's
accepting it (:func:`accept_hint`, the Enter key on a turn), and that annotation is stored
with ``from_hint=True``.

When hints are off (ROUND2 "Honest evaluation of assistance"; issue 16 item 3) —
:func:`hints_refusal` decides, from the coder's own assignment of the clip and the layer:

- the clip is in the **reliability (overlap) sample** (``Assignment.reliability``): shared
  hints would inflate agreement;
- **gold-standard** and **practice** clips (``AssignmentKind.GOLD`` / ``PRACTICE``): they
  measure the coder, not the model;
- **review re-coding** (a ``review:<audit id>`` layer, ``AssignmentKind.REVIEW``): the
  quality review's blind layer is the unhinted comparison;
- the models were trained on another codebook (hash differs), or the clip is not assigned.

The session asks this module at each clip it opens and again when a hint is accepted, so a
caller cannot show or accept hints where they are off; on such clips the models are not even
run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from workbench.codebook.book import Codebook
from workbench.codebook.sets import split_set, toggle
from workbench.exceptions import CodingError
from workbench.model import PRESENT, Assignment, AssignmentKind, Utterance

if TYPE_CHECKING:
    from workbench.coding.session import CodingSession
    from workbench.coding.state import Change

#: A suggestion is shown as a hint from this probability on.
HINT_THRESHOLD = 0.5
#: At most this many hints per turn (the most probable first).
MAX_HINTS = 3
#: The key that accepts the first hint of the current turn.
ACCEPT_KEY = "Enter"


class HintSource(Protocol):
    """What gives hints: :class:`workbench.assist.suggest.SuggestionModels` is one."""

    codebook_hash: str

    def suggest(self, utterances: pd.DataFrame) -> pd.DataFrame:
        """``clip_id, utterance_index, code_id, value, probability`` per turn and target."""
        ...


@dataclass(frozen=True)
class Hint:
    """One dimmed hint: ``code_id`` = ``value`` on turn ``utterance_index``."""

    utterance_index: int
    code_id: str
    value: str
    probability: float


def hints_refusal(assignment: Assignment | None, *, review_layer: bool = False,
                  source_hash: str | None = None, codebook_hash: str | None = None
                  ) -> str | None:
    """Why hints are off for this assignment (in words), or None when they are allowed."""
    if review_layer:
        return "review re-coding (the blind layer is coded without hints)"
    if assignment is None:
        return "the clip is not assigned to this coder"
    if assignment.kind == AssignmentKind.REVIEW:
        return "review re-coding (the blind layer is coded without hints)"
    if assignment.kind in (AssignmentKind.GOLD, AssignmentKind.PRACTICE):
        return f"a {'gold-standard' if assignment.kind == AssignmentKind.GOLD else 'practice'}" \
               " clip (it measures the coder, not the model)"
    if assignment.reliability:
        return "the clip is in the reliability sample (shared hints would inflate agreement)"
    if source_hash is not None and codebook_hash is not None and source_hash != codebook_hash:
        return "the suggestion models were trained on another codebook version"
    return None


def session_refusal(session: CodingSession) -> str | None:
    """:func:`hints_refusal` for the session's open clip (re-read from the store)."""
    if session.hint_source is None:
        return "no suggestion models are loaded"
    if session.clip is None:
        return "no clip is open"
    found = session.store.assignments(coder_id=session.coder_id, clip_id=session.clip.clip_id)
    wanted = AssignmentKind.REVIEW if session.audit_id else None
    mine = [a for a in found if (a.kind == wanted) or (wanted is None
                                                       and a.kind != AssignmentKind.REVIEW)]
    return hints_refusal(mine[0] if mine else None, review_layer=session.audit_id is not None,
                         source_hash=session.hint_source.codebook_hash,
                         codebook_hash=session.codebook.hash)


def utterance_frame(utterances: Sequence[Utterance]) -> pd.DataFrame:
    """The turns as the suggestion models read them."""
    return pd.DataFrame([{"clip_id": u.clip_id, "utterance_index": u.index,
                          "role": str(u.role), "text": u.text, "start": u.start}
                         for u in utterances],
                        columns=["clip_id", "utterance_index", "role", "text", "start"])


def clip_hints(source: HintSource, utterances: Sequence[Utterance], codebook: Codebook,
               threshold: float = HINT_THRESHOLD) -> dict[int, list[Hint]]:
    """Hints per turn index: per code its most probable value at ≥ ``threshold``, most
    probable first, at most :data:`MAX_HINTS`; codes or values not in ``codebook`` dropped."""
    if not utterances:
        return {}
    table = source.suggest(utterance_frame(utterances))
    table = table[table["probability"] >= threshold]
    out: dict[int, list[Hint]] = {}
    best = table.sort_values("probability", ascending=False, kind="stable").drop_duplicates(
        ["utterance_index", "code_id"])
    for row in best.itertuples(index=False):
        code_id, value = str(row.code_id), str(row.value)
        if code_id not in codebook or value not in (*codebook.code(code_id).option_keys(),
                                                    PRESENT):
            continue
        out.setdefault(int(row.utterance_index), []).append(
            Hint(int(row.utterance_index), code_id, value, float(row.probability)))
    return {i: hs[:MAX_HINTS] for i, hs in out.items()}


def open_hints(session: CodingSession) -> tuple[dict[int, list[Hint]], str | None]:
    """(hints of the open clip, why they are off); the models run only where allowed."""
    refusal = session_refusal(session)
    if refusal is not None or session.hint_source is None:
        return {}, refusal
    return clip_hints(session.hint_source, session.utterances, session.codebook), None


def pending(hints: Iterable[Hint], codes: dict[str, str], codebook: Codebook) -> list[Hint]:
    """The hints of a turn the coder has not coded yet (a set code: element not in the set)."""
    out = []
    for h in hints:
        current = codes.get(h.code_id)
        if codebook.code(h.code_id).multiple:
            if h.value not in split_set(current):
                out.append(h)
        elif current is None:
            out.append(h)
    return out


def accept_hint(session: CodingSession, index: int | None = None) -> Change:
    """Apply the first pending hint of turn ``index`` (default: current) as the coder's own
    code, recorded ``from_hint=True``. Refused (:class:`CodingError`) where hints are off."""
    from workbench.coding.state import Change

    session._require_clip()
    refusal = session_refusal(session)
    if refusal is not None:
        raise CodingError(f"no hints on this clip: {refusal}")
    i = session.index if index is None else index
    if not 0 <= i < len(session.turns):
        return Change(message="hints are per turn; there is none to accept here")
    shown = session.hints.get(i, [])
    if not shown:
        return Change(message=f"no hint to accept on turn {i + 1}")
    hint = shown[0]
    code = session.codebook.code(hint.code_id)
    value = toggle(session.value(hint.code_id, i), hint.value) if code.multiple else hint.value
    change = session.apply(hint.code_id, value, index=i, from_hint=True)
    return Change(turns=change.turns, queue=change.queue,
                  message=f"hint accepted: {change.message}")
