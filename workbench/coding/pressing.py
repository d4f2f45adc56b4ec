"""What a key press does in a coding session (the rules of :mod:`.keys`, applied).

Kept apart from :mod:`.session` so that the session's module holds the coding rules and this
one the keyboard: pending choices (a set code waiting for its element, a ``?`` waiting for a
code), the clip-level form by keyboard (an item's letter or → ← to move between items, 1–9 a
value, ``!`` "I checked every turn", Enter: Clip done), media keys, clearing, and Enter on a
turn accepting a hint (:mod:`.hints`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.codebook.sets import split_set
from workbench.coding.hints import ACCEPT_KEY
from workbench.coding.keys import CHECKED_KEY, KeyAction, interpret
from workbench.coding.state import Change

if TYPE_CHECKING:
    from workbench.coding.session import CodingSession

FORM_KEYS = {"ArrowRight": 1, "ArrowLeft": -1}


def form_move(session: CodingSession, step: int) -> Change:
    """Move the clip-level form's cursor by ``step`` items (clamped)."""
    codes = session.form_codes
    session.form_item = max(0, min(len(codes) - 1, session.form_item + step))
    return Change(form=True, message=form_prompt(session))


def form_prompt(session: CodingSession) -> str:
    """The line that tells the coder which keys choose the current item's value."""
    code = session.form_code
    if code is None:
        return ""
    choices = " · ".join(f"{n} {label}" for n, label in enumerate(
        (code.option(k).label for k in code.option_keys()), 1) if n <= 9)
    return (f"{code.label}: {choices} (an item's [letter] or → ← other items · Enter: "
            "Clip done)")


def form_go(session: CodingSession, code_id: str) -> Change:
    """An item's letter at the clip form: move the cursor to that item."""
    target = [c.id for c in session.form_codes].index(code_id)
    return form_move(session, target - session.form_item)


def toggle_checked(session: CodingSession) -> Change:
    """``!`` at the clip form: the coder confirms (or withdraws) "I checked every turn"."""
    session.checked = not session.checked
    if not session.checked:
        return Change(form=True, message="'I checked every turn' withdrawn: Clip done needs "
                      "every turn opened")
    left = len(session.unvisited())
    skipped = f"{left} turns never opened; " if left else ""
    return Change(form=True, message=f"'I checked every turn' ticked ({skipped}audited) — "
                  "Enter for Clip done")


def keys_here(session: CodingSession) -> list[tuple[str, str]]:
    """The code keys where the coder is, for the key map: (key, "label (group)")."""
    letters = {code_id: key for key, code_id in session.form_keys.items()}
    here = session.panel()
    return [(c.shortcut or letters.get(c.id, ""), f"{c.label} ({g.label})") for g, cs in here
            for c in cs if c.shortcut or (session.at_clip_form and c.id in letters)]


def form_choose(session: CodingSession, number: int) -> Change:
    """Set the current item to its option ``number`` (1-based); the cursor moves on to the
    next item still without a value."""
    code = session.form_code
    assert code is not None
    keys = code.option_keys()
    if not 1 <= number <= len(keys):
        return Change(form=True, message=f"{code.label} has {len(keys)} values, not {number}")
    change = session.apply(code.id, keys[number - 1])
    codes = session.form_codes
    later = [i for i in range(len(codes)) if codes[i].id not in session.clip_codes]
    ahead = [i for i in later if i > session.form_item] or later
    if ahead:
        session.form_item = ahead[0]
    message = change.message + (f" — next: {form_prompt(session)}" if ahead else
                                " — every item is filled: Enter for Clip done")
    return Change(clip_codes=change.clip_codes, queue=change.queue, form=True, message=message)


def _digit(key: str) -> int:
    return int(key) if len(key) == 1 and key in "123456789" else 0


def choose_element(session: CodingSession, code_id: str, key: str) -> Change:
    """A number after a set code's key: toggle that element; stay ready for the next."""
    code = session.codebook.code(code_id)
    number = _digit(key)
    if not 1 <= number <= len(code.options):
        return Change(message=f"{code.label}: press 1–{len(code.options)} for an element "
                      "(Esc cancels)")
    session.choosing = code_id  # stay: several elements in a row
    change = session.toggle(code_id, code.options[number - 1].key)
    now = split_set(session.value(code_id))
    return Change(turns=change.turns, clip_codes=change.clip_codes, queue=change.queue,
                  message=f"{change.message} — next element, or Esc when done"
                  if now else change.message)


def press(session: CodingSession, key: str, pointed_code: str | None = None) -> Change:
    """Act on ``key`` (a DOM ``KeyboardEvent.key``); ``pointed_code``: code under the pointer."""
    session._require_clip()
    if session.choosing is not None and key != "Escape":
        if _digit(key):
            return choose_element(session, session.choosing, key)
        session.choosing = None
    if session.at_clip_form and key in session.form_keys:
        if session.help_pending:
            session.help_pending = False
            return Change(help=session.form_keys[key])
        return form_go(session, session.form_keys[key])
    if session.at_clip_form and not session.help_pending:
        if key == CHECKED_KEY:
            return toggle_checked(session)
        if key in FORM_KEYS:
            return form_move(session, FORM_KEYS[key])
        if _digit(key) and session.form_code is not None:
            return form_choose(session, _digit(key))
        if key == "Enter":
            return session.finish_clip(checked=session.checked)
    if key == ACCEPT_KEY and session.current is not None and session.hint_source is not None:
        return session.accept_hint() if session.hints_off is None else Change(
            message=f"hints are off on this clip: {session.hints_off}")
    if key == "Enter":
        return Change()
    action: KeyAction = interpret(key, session.panel(), session.active_group, session.keymap)
    if action.kind == "media":
        return Change(media=action.media)
    if action.kind == "clear":
        return session.clear()
    if action.kind == "next":
        return session.next()
    if action.kind == "previous":
        return session.previous()
    if action.kind == "help":
        if pointed_code is not None and pointed_code in session.codebook:
            session.help_pending = False
            return Change(help=pointed_code)
        session.help_pending = True
        return Change(keymap=True, message="help: the keys are shown; press a code's key "
                      "for its definition (Esc closes)")
    if action.kind == "cancel":
        session.help_pending = False
        session.choosing = None
        return Change(message="")
    if action.kind == "group":
        session.active_group = action.group_id
        label = session.codebook.group(action.group_id or "").label
        return Change(message=f"group: {label}")
    if action.kind == "code" and action.code_id is not None:
        if session.help_pending:
            session.help_pending = False
            return Change(help=action.code_id)
        return session.step(action.code_id)
    session.help_pending = False
    return Change(message=action.message)
