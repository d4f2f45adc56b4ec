"""What a key press does in a coding session (the rules of :mod:`.keys`, applied).

Kept apart from :mod:`.session` so that the session's module holds the coding rules and this
one the keyboard: pending choices (a set code waiting for its element, a ``?`` waiting for a
code), the clip-level form by keyboard (→ ← between items, 1–9 a value, Enter: Clip done),
media keys and clearing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.codebook.sets import split_set
from workbench.coding.keys import KeyAction, interpret
from workbench.coding.state import Change

if TYPE_CHECKING:
    from workbench.coding.session import CodingSession

FORM_KEYS = {"ArrowRight": 1, "ArrowLeft": -1}


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
    if session.at_clip_form and not session.help_pending:
        if key in FORM_KEYS:
            return session.form_move(FORM_KEYS[key])
        if _digit(key) and session.form_code is not None:
            return session.form_choose(_digit(key))
        if key == "Enter":
            return session.finish_clip()
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
