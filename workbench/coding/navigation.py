"""Moving between the turns of the open clip and the clip-level form (a mixin of
:class:`~workbench.coding.session.CodingSession`, which holds the state it reads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.coding.pressing import form_prompt
from workbench.coding.state import Change

if TYPE_CHECKING:
    from workbench.codebook.schema import Code


class TurnNavigation:
    """``go``/``next``/``previous`` and the form cursor; requires the session's ``index``,
    ``utterances``, ``status``, ``store`` and form state (see ``CodingSession``)."""

    def go(self, index: int) -> Change:
        """Move to utterance ``index`` (clamped; ``len(utterances)`` is the clip form)."""
        clip_id = self._require_clip()
        index = max(0, min(index, len(self.utterances)))
        if index == self.index:
            return Change()
        self.index = index
        self.active_group = None
        self.choosing = self.last_code = None
        self.store.set_progress(clip_id, self.coder_id, last_utterance=index)
        self._remember(clip_id)
        if self.status is not None:
            self.status.visit(index)
        if self.at_clip_form:
            self._enter_form()
            return Change(moved=True, form=True, message=form_prompt(self))
        return Change(moved=True)

    def _enter_form(self) -> None:
        """Put the form cursor on the first clip-level item still without a value."""
        codes = self.form_codes
        self.form_item = next((i for i, c in enumerate(codes) if c.id not in self.clip_codes),
                              0)

    def next(self) -> Change:
        return self.go(self.index + 1)

    def previous(self) -> Change:
        return self.go(self.index - 1)

    # ---- the clip-level form by keyboard ---------------------------------------------------
    @property
    def form_codes(self) -> list[Code]:
        """The clip-level items in form order."""
        return [c for _, codes in self._clip_form for c in codes]

    @property
    def form_code(self) -> Code | None:
        """The clip-level item the keyboard is on (at the clip form only)."""
        codes = self.form_codes
        return codes[self.form_item] if self.at_clip_form and codes else None
