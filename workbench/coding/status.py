"""What a clip's status means, for one coder: the rules, kept here and nowhere else.

- **to do** until the coder's first edit (a code, a note or a flag): opening a clip is not
  working on it.
- **in progress** from the first edit.
- **done** only when every clip-level item has a value *and* every turn was visited — or the
  coder explicitly confirms they checked the turns they skipped (``checked=True``; the
  unvisited count goes to the audit).
- Editing a **done** clip reopens it (in progress again), audited as ``clip_reopened`` with
  what was edited.

Visits are kept in the store's audit (one ``turn_visited`` event the first time a coder is on
a turn), so they survive a reload; statuses through ``Store.set_progress`` (itself audited).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbench.exceptions import CodingError
from workbench.model import AssignmentStatus
from workbench.store import Store

VISITED = "turn_visited"
REOPENED = "clip_reopened"
FINISHED_UNVISITED = "clip_done_with_unvisited_turns"


def _turn_list(indices: Sequence[int], limit: int = 8) -> str:
    """1-based turn numbers as coders see them: "3, 4, 9 … (12 in all)"."""
    shown = ", ".join(str(i + 1) for i in indices[:limit])
    return shown + (f" … ({len(indices)} in all)" if len(indices) > limit else "")


class ClipStatus:
    """The status of one open clip for one coder, and the visits behind "done".

    Parameters
    ----------
    store : the project's store.
    coder_id, clip_id : whose clip.
    status : the stored status when the clip was opened.
    n_turns : the clip's number of utterances (turn indices are 0-based).
    """

    def __init__(self, store: Store, coder_id: str, clip_id: str, status: AssignmentStatus,
                 n_turns: int) -> None:
        self.store, self.coder_id, self.clip_id = store, coder_id, clip_id
        self.status = status
        self.n_turns = n_turns
        self.visited: set[int] = {
            int(e.detail["utterance_index"]) for e in store.audit_events(clip_id, VISITED)
            if e.actor == coder_id and isinstance(e.detail.get("utterance_index"), int)}

    def visit(self, index: int) -> None:
        """The coder is on turn ``index`` (the clip form, ``n_turns``, is not a turn)."""
        if 0 <= index < self.n_turns and index not in self.visited:
            self.visited.add(index)
            self.store.audit(self.coder_id, VISITED, clip_id=self.clip_id, utterance_index=index)

    def unvisited(self) -> list[int]:
        return [i for i in range(self.n_turns) if i not in self.visited]

    def edited(self, **what: Any) -> bool:
        """Call before each edit; moves to do → in progress, done → in progress (reopened,
        audited with ``what``). True if the status changed."""
        if self.status == AssignmentStatus.IN_PROGRESS:
            return False
        if self.status == AssignmentStatus.DONE:
            self.store.audit(self.coder_id, REOPENED, clip_id=self.clip_id, **what)
        self.store.set_progress(self.clip_id, self.coder_id,
                                status=AssignmentStatus.IN_PROGRESS)
        self.status = AssignmentStatus.IN_PROGRESS
        return True

    def check_done(self, missing: Sequence[str], *, checked: bool = False) -> None:
        """Refuse "done" (:class:`CodingError`, in words) unless the rules above hold.

        ``missing``: labels of the clip-level items still without a value.
        """
        if missing:
            shown = "; ".join(missing[:3]) + (f"; and {len(missing) - 3} more"
                                              if len(missing) > 4 else
                                              "".join(f"; {m}" for m in missing[3:]))
            raise CodingError(f"not done yet: the clip-level form still needs {shown}")
        unvisited = self.unvisited()
        if unvisited and not checked:
            raise CodingError(
                f"not done yet: {len(unvisited)} of {self.n_turns} turns were never opened "
                f"(turns {_turn_list(unvisited)}). Go through them, or tick "
                "'I checked every turn' (key !) and press Clip done again.")

    def finish(self, last_utterance: int, *, checked: bool = False) -> None:
        """Store "done" (after :meth:`check_done`); a confirmed skip is audited."""
        unvisited = self.unvisited()
        if unvisited and checked:
            self.store.audit(self.coder_id, FINISHED_UNVISITED, clip_id=self.clip_id,
                             unvisited=len(unvisited), turns=self.n_turns)
        self.store.set_progress(self.clip_id, self.coder_id, status=AssignmentStatus.DONE,
                                last_utterance=last_utterance)
        self.status = AssignmentStatus.DONE
