"""One coder's coding session: every rule of coding, with no UI.

The widgets in ``widgets/`` only render a :class:`CodingSession` and forward events to it.
Every action is written to the store at once (autosave), and each returns a :class:`Change`
naming what a view must re-render. Reading goes through ``Store.annotations(viewer=...)``, so a
coder never sees another coder's work on a clip in the reliability sample (blind coding).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.codebook.book import Codebook
from workbench.codebook.identity import register_codebook
from workbench.codebook.schema import Code, Group
from workbench.codebook.sets import toggle
from workbench.coding.hints import (
    Hint,
    HintSource,
    accept_hint,
    open_hints,
    pending,
    session_refusal,
)
from workbench.coding.keys import KeyMap, form_letters, next_value
from workbench.coding.navigation import TurnNavigation
from workbench.coding.notes import NotesAndFlags
from workbench.coding.pressing import press
from workbench.coding.queue import Progress, QueueEntry, ordered, progress_of, resume_clip
from workbench.coding.state import Change, TurnState, grouped
from workbench.coding.status import ClipStatus
from workbench.coding.visibility import visible_metadata
from workbench.exceptions import CodingError
from workbench.model import (
    PRESENT,
    AssignmentKind,
    AssignmentStatus,
    Clip,
    Layer,
    Role,
    ScopeKind,
    UnitType,
    Utterance,
)
from workbench.store import Store


class CodingSession(TurnNavigation, NotesAndFlags):
    """A coder working through their queue with one codebook.

    Parameters
    ----------
    store : the project's store.
    codebook : the codebook to code with; it is recorded in the store as in use (a different
        content under the same version is refused with :class:`CodebookError`).
    coder_id : a coder known to the store.
    visible_extra : keys of ``Clip.extra`` coders may see (see :mod:`.visibility`).
    audit_id : a reviewer re-coding an audit sample blind: the queue is that audit's clips and
        every code goes to the ``review:<audit id>`` layer (the original coding is neither
        shown nor changed; the store enforces it, :mod:`workbench.store.access`), with hints
        off (:mod:`.hints` refuses review re-coding; so does the store). Without it,
        review assignments stay out of the queue.
    hints : suggestion models (e.g. :class:`workbench.assist.suggest.SuggestionModels`) whose
        suggestions are shown as hints where :mod:`.hints` allows them; never applied unless
        the coder accepts one (:meth:`accept_hint`).
    """

    def __init__(self, store: Store, codebook: Codebook, coder_id: str, *,
                 visible_extra: Iterable[str] = (), audit_id: str | None = None,
                 hints: HintSource | None = None) -> None:
        store.coder(coder_id)  # StoreError naming the coder if unknown
        register_codebook(store, codebook)
        self.store = store
        self.codebook = codebook
        self.coder_id = coder_id
        self.visible_extra = tuple(visible_extra)
        self.audit_id = audit_id
        self._layer: dict[str, Any] = ({"layer": Layer.REVIEW, "audit_id": audit_id}
                                       if audit_id else {})
        self.keymap = KeyMap.for_codebook(codebook)
        self._panels: dict[str, list[tuple[Group, list[Code]]]] = {
            role.value: grouped(codebook, codebook.codes_for(UnitType.UTTERANCE, role))
            for role in Role}
        self._clip_form = grouped(codebook, codebook.codes_for(UnitType.CLIP))
        self._entries: list[QueueEntry] = []
        self.clip: Clip | None = None
        self.utterances: list[Utterance] = []
        self.turns: list[TurnState] = []
        self.clip_codes: dict[str, str] = {}
        self.index = 0
        self.active_group: str | None = None
        self.help_pending = False
        self.choosing: str | None = None   # a set code waiting for its element's number
        self.last_code: str | None = None  # the code Backspace clears
        self.form_item = 0                  # the keyboard's item on the clip-level form
        self.checked = False                # "I checked every turn", for Clip done
        #: the clip-level items' letters at the clip form: key → code id
        self.form_keys = {k: c for c, k in form_letters(self.form_codes, self.keymap).items()}
        self.status: ClipStatus | None = None
        self.hint_source = hints
        self._hints: dict[int, list[Hint]] = {}
        self.hints_off: str | None = None  # why the open clip shows no hints
        self.refresh_queue()

    # ---- queue -----------------------------------------------------------------------------
    def refresh_queue(self) -> list[QueueEntry]:
        """Re-read this coder's assignments from the store."""
        found = self.store.assignments(coder_id=self.coder_id)
        if self.audit_id:
            sample = frozenset().union(*(
                sc.clip_ids for sc in self.store.scopes(self.coder_id)
                if sc.kind == ScopeKind.AUDIT_SAMPLE and sc.ref == self.audit_id))
            found = [a for a in found if a.kind == AssignmentKind.REVIEW
                     and a.clip_id in sample]
        else:
            found = [a for a in found if a.kind != AssignmentKind.REVIEW]
        self._entries = ordered(found)
        return self._entries

    @property
    def queue(self) -> list[QueueEntry]:
        """Assigned clips in queue order, with their status."""
        return list(self._entries)

    @property
    def progress(self) -> Progress:
        return progress_of(self._entries)

    def _entry(self, clip_id: str) -> QueueEntry:
        for entry in self._entries:
            if entry.clip_id == clip_id:
                return entry
        raise CodingError(f"clip {clip_id!r} is not assigned to coder {self.coder_id!r}; "
                          f"their queue has {len(self._entries)} clips")

    def _remember(self, clip_id: str, status: AssignmentStatus | None = None) -> None:
        """Keep the cached queue entry in step with what was just stored."""
        self._entries = [QueueEntry(e.clip_id, status or e.status, e.position, self.index)
                         if e.clip_id == clip_id else e for e in self._entries]

    # ---- opening a clip --------------------------------------------------------------------
    def open(self, clip_id: str | None = None) -> Change:
        """Open ``clip_id`` (default: resume where the coder stopped) at its last position.

        A clip still to do becomes in progress. With nothing left to code, no clip is open.
        """
        if clip_id is None:
            clip_id = resume_clip(self._entries)
            if clip_id is None:
                self.clip, self.utterances, self.turns, self.clip_codes = None, [], [], {}
                self.index, self._hints = 0, {}
                return Change(clip=True, queue=True, message="All assigned clips are done.")
        entry = self._entry(clip_id)
        utterances = self.store.utterances(clip_id)
        turns = [TurnState() for _ in utterances]
        clip_codes: dict[str, str] = {}
        mine = (self.store.annotations(clip_id=clip_id, coder_id=self.coder_id,
                                       layer=Layer.REVIEW) if self.audit_id else
                self.store.annotations(clip_id=clip_id, coder_id=self.coder_id,
                                       viewer=self.coder_id))
        for a in mine:
            if self.audit_id and a.audit_id != self.audit_id:
                continue
            if a.utterance_index is None:
                clip_codes[a.code_id] = a.value
            elif 0 <= a.utterance_index < len(turns):
                turns[a.utterance_index].codes[a.code_id] = a.value
        for n in self.store.notes(clip_id=clip_id, coder_id=self.coder_id):
            if 0 <= n.utterance_index < len(turns):
                turns[n.utterance_index].note = n.note
                turns[n.utterance_index].flagged = n.flagged
        self.clip = self.store.clip(clip_id)
        self.utterances, self.turns, self.clip_codes = utterances, turns, clip_codes
        self.index = max(0, min(entry.last_utterance, len(utterances)))
        self.active_group = None
        self.help_pending = False
        self.choosing = self.last_code = None
        self.checked = False
        self._enter_form()
        self.status = ClipStatus(self.store, self.coder_id, clip_id, entry.status,
                                 len(utterances))
        self.status.visit(self.index)
        self._hints, self.hints_off = open_hints(self)
        return Change(clip=True, moved=True)

    def _edited(self, **what: object) -> bool:
        """Status rules before an edit (see :mod:`.status`); True if the queue changed."""
        assert self.status is not None and self.clip is not None
        changed = self.status.edited(**what)
        if changed:
            self._remember(self.clip.clip_id, self.status.status)
        return changed

    def _require_clip(self) -> str:
        if self.clip is None:
            raise CodingError("no clip is open: open one from the queue first")
        return self.clip.clip_id

    # ---- where the coder is ----------------------------------------------------------------
    @property
    def at_clip_form(self) -> bool:
        """True past the last utterance, where the clip-level form is."""
        return self.clip is not None and self.index >= len(self.utterances)

    @property
    def current(self) -> Utterance | None:
        """The current utterance (None at the clip-level form or with no clip open)."""
        return None if self.clip is None or self.at_clip_form else self.utterances[self.index]

    @property
    def metadata(self) -> dict[str, str]:
        """The clip metadata this coder may see (never the outcome or subject demographics)."""
        return {} if self.clip is None else visible_metadata(self.clip, self.visible_extra)

    def panel_for(self, role: Role | str) -> list[tuple[Group, list[Code]]]:
        """Utterance-level codes for a speaker role, grouped as in the codebook."""
        return self._panels[str(role)]

    @property
    def clip_form(self) -> list[tuple[Group, list[Code]]]:
        """Clip-level codes, grouped as in the codebook."""
        return self._clip_form

    def panel(self) -> list[tuple[Group, list[Code]]]:
        """The codes that apply where the coder is: the turn's role, or the clip form."""
        current = self.current
        return self._clip_form if current is None else self._panels[str(current.role)]

    def value(self, code_id: str, index: int | None = None) -> str | None:
        """The coder's value of a code at an utterance (default: current) or on the clip."""
        if self.codebook.code(code_id).unit == UnitType.CLIP:
            return self.clip_codes.get(code_id)
        i = self.index if index is None else index
        return self.turns[i].codes.get(code_id) if 0 <= i < len(self.turns) else None

    @property
    def hints(self) -> dict[int, list[Hint]]:
        """Dimmed hints per turn of the open clip, for codes the coder has not set there
        (empty where hints are off: :attr:`hints_off` says why)."""
        out = {i: pending(hs, self.turns[i].codes, self.codebook)
               for i, hs in self._hints.items() if 0 <= i < len(self.turns)}
        return {i: hs for i, hs in out.items() if hs}

    def accept_hint(self, index: int | None = None) -> Change:
        """Accept the first hint of the current turn (or ``index``): see :mod:`.hints`."""
        return accept_hint(self, index)

    # ---- applying and removing codes -------------------------------------------------------
    def _unit_for(self, code: Code, index: int | None) -> int | None:
        """The utterance index a code goes on (None for clip-level codes), checked."""
        clip_id = self._require_clip()
        if code.unit == UnitType.CLIP:
            return None
        i = self.index if index is None else index
        if not 0 <= i < len(self.utterances):
            where = "the clip-level form" if i == len(self.utterances) else f"position {i + 1}"
            raise CodingError(f"{code.label} is coded on turns, but clip {clip_id} is at "
                              f"{where} (turns 1–{len(self.utterances)})")
        role = self.utterances[i].role
        if not code.applies_to_role(role):
            said = str(role).replace("_", " ")
            raise CodingError(f"{code.label} applies to {code.applies_to} turns; turn {i + 1} "
                              f"is {'an' if said[0] in 'aeiou' else 'a'} {said} turn")
        return i

    def apply(self, code_id: str, value: str | None = None, *,
              index: int | None = None, from_hint: bool = False) -> Change:
        """Set a code on the current utterance (or ``index``), or on the clip for clip codes.

        ``value``: an option key for categorical/ordinal codes, a decimal for interval ones;
        nominal codes take ``"present"`` (the default). Checked against the codebook.
        ``from_hint``: an accepted hint (refused where hints are off, :mod:`.hints`).
        """
        refusal = session_refusal(self) if from_hint else None
        if refusal is not None:
            raise CodingError(f"a hint cannot be recorded here: {refusal}")
        code = self.codebook.code(code_id)
        utterance = self._unit_for(code, index)
        if value is None:
            if code.level != "nominal":
                labels = [code.option(k).label for k in code.option_keys()]
                raise CodingError(f"{code.label} needs a value: "
                                  f"{', '.join(labels) or 'a decimal number'}")
            value = PRESENT
        code.validate_value(value)
        clip_id = self._require_clip()
        if self.value(code_id, index) == value:
            return Change()
        queue = self._edited(code_id=code_id, utterance_index=utterance, value=value)
        self.store.apply_code(self.coder_id, clip_id, utterance, code_id, value,
                              self.codebook.ref, from_hint=from_hint, **self._layer)
        self.last_code = code_id
        shown = code.label if value == PRESENT else \
            f"{code.label}: {' + '.join(code.value_labels(value))}"
        if utterance is None:
            self.clip_codes[code_id] = value
            return Change(clip_codes=True, queue=queue, message=f"{shown} (clip)")
        self.turns[utterance].codes[code_id] = value
        return Change(turns=frozenset({utterance}), queue=queue,
                      message=f"{shown} · turn {utterance + 1}")

    def remove(self, code_id: str, *, index: int | None = None) -> Change:
        """Take a code off the current utterance (or ``index``), or off the clip."""
        code = self.codebook.code(code_id)
        utterance = self._unit_for(code, index)
        clip_id = self._require_clip()
        if self.value(code_id, index) is None:
            return Change(message=f"{code.label} is not set here")
        queue = self._edited(code_id=code_id, utterance_index=utterance, value=None)
        self.store.remove_code(self.coder_id, clip_id, utterance, code_id, **self._layer)
        if utterance is None:
            self.clip_codes.pop(code_id, None)
            return Change(clip_codes=True, queue=queue, message=f"{code.label} cleared (clip)")
        self.turns[utterance].codes.pop(code_id, None)
        return Change(turns=frozenset({utterance}), queue=queue,
                      message=f"{code.label} cleared · turn {utterance + 1}")

    def toggle(self, code_id: str, value: str | None = None, *,
               index: int | None = None) -> Change:
        """Click rule: a code already set to this value comes off; otherwise it is set.

        For a set code (``multiple``) ``value`` is one element, toggled in the unit's set.
        """
        code = self.codebook.code(code_id)
        if code.multiple and value is not None:
            code.validate_value(value)
            new = toggle(self.value(code_id, index), value)
            return self.apply(code_id, new, index=index) if new else \
                self.remove(code_id, index=index)
        wanted = PRESENT if value is None and code.level == "nominal" else value
        if wanted is not None and self.value(code_id, index) == wanted:
            return self.remove(code_id, index=index)
        return self.apply(code_id, wanted, index=index)

    def step(self, code_id: str) -> Change:
        """Shortcut rule: move a code to its next value here (see :func:`.keys.next_value`)."""
        code = self.codebook.code(code_id)
        if code.level == "interval":
            return Change(message=f"{code.label} takes a number: type it in the form")
        if code.multiple:
            self.choosing = code_id
            choices = " · ".join(f"{n} {o.label}" for n, o in enumerate(code.options, 1))
            return Change(message=f"{code.label}: press {choices} (Esc cancels)")
        new = next_value(code, self.value(code_id))
        return self.remove(code_id) if new is None else self.apply(code_id, new)

    # ---- finishing a clip ------------------------------------------------------------------
    def missing_clip_codes(self) -> list[str]:
        """Clip-level codes without a value yet (each needs one, or not_applicable)."""
        return [c.id for _, codes in self._clip_form for c in codes
                if c.id not in self.clip_codes]

    def missing_clip_labels(self) -> list[str]:
        """Labels of :meth:`missing_clip_codes`, as the coder reads them."""
        return [self.codebook.code(c).label for c in self.missing_clip_codes()]

    def unvisited(self) -> list[int]:
        """Turns (0-based) of the open clip the coder has never been on."""
        return [] if self.status is None else self.status.unvisited()

    def finish_clip(self, *, checked: bool = False) -> Change:
        """Mark the open clip done and open the next one in the queue.

        Refused (:class:`CodingError`, in words) while a clip-level item has no value, or
        while some turn was never visited unless ``checked`` (the coder confirms they checked
        every turn). See :mod:`.status`.
        """
        clip_id = self._require_clip()
        assert self.status is not None
        self.status.check_done(self.missing_clip_labels(), checked=checked)
        self.status.finish(self.index, checked=checked)
        self._remember(clip_id, AssignmentStatus.DONE)
        change = self.open()
        message = f"clip {clip_id} done" + (f"; {change.message}" if change.message else "")
        return Change(clip=True, queue=True, moved=True, message=message)

    # ---- keys ------------------------------------------------------------------------------
    def press(self, key: str, pointed_code: str | None = None) -> Change:
        """Act on a key press (see :mod:`.keys` and :mod:`.pressing`); ``pointed_code``: the
        code under the pointer."""
        return press(self, key, pointed_code)

    def clear(self) -> Change:
        """Backspace rule: clear the code last set here (or the only code on the turn)."""
        here = self.clip_codes if self.current is None else self.turns[self.index].codes
        code_id = self.last_code if self.last_code in here else (
            next(iter(here)) if len(here) == 1 else None)
        if code_id is None:
            what = "no code is set here" if not here else \
                "set or click the code to clear first (several codes are set here)"
            return Change(message=f"nothing cleared: {what}")
        self.last_code = None
        return self.remove(code_id)
