"""Notes and review flags on the current turn (a mixin of
:class:`~workbench.coding.session.CodingSession`, which holds the state it reads)."""

from __future__ import annotations

from workbench.coding.state import Change
from workbench.exceptions import CodingError


class NotesAndFlags:
    """``set_note`` and ``set_flag``, autosaved and audited by the store; requires the
    session's ``turns``, ``index``, ``store`` and ``coder_id``."""

    def _current_index(self) -> int:
        clip_id = self._require_clip()
        if self.current is None:
            raise CodingError(f"notes and flags are per utterance; clip {clip_id!r} is at "
                              "the clip-level form")
        return self.index

    def set_note(self, text: str) -> Change:
        """Save the free-text note on the current utterance ("" clears it)."""
        i = self._current_index()
        if self.turns[i].note == text:
            return Change()
        queue = self._edited(note_on=i)
        self.store.set_note(self._require_clip(), i, self.coder_id, note=text)
        self.turns[i].note = text
        return Change(turns=frozenset({i}), queue=queue, message=f"note saved · turn {i + 1}")

    def set_flag(self, flagged: bool) -> Change:
        """Flag the current utterance for review (or clear the flag)."""
        i = self._current_index()
        if self.turns[i].flagged == flagged:
            return Change()
        queue = self._edited(flag_on=i)
        self.store.set_note(self._require_clip(), i, self.coder_id, flagged=flagged)
        self.turns[i].flagged = flagged
        what = "flagged for review" if flagged else "flag cleared"
        return Change(turns=frozenset({i}), queue=queue, message=f"turn {i + 1} {what}")
