"""Keyboard rules of a coding session: which key does what.

- ``j`` / ArrowDown: next utterance (past the last one: the clip-level form);
  ``k`` / ArrowUp: previous.
- ``?``: help for the code under the pointer, or (if none) for the next shortcut pressed.
- ``1``–``9``: pick a code group of the panel, to settle a shortcut two groups share.
- Escape: cancel a pending ``?``.
- A code's shortcut key toggles it: nominal codes on/off; categorical and ordinal codes step
  through their options and then off. The exact key wins; otherwise case is ignored.

Codebook shortcuts win over ``j`` and ``k``: when a codebook uses ``k`` for a code (stop-search
1.0.0 does), going back is ArrowUp only — in every turn, so a key never changes meaning
between speakers. See :meth:`KeyMap.for_codebook`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from workbench.codebook.book import Codebook
from workbench.codebook.schema import Code, Group

HELP_KEY = "?"
CANCEL_KEY = "Escape"

Panel = Sequence[tuple[Group, Sequence[Code]]]
ActionKind = Literal["next", "previous", "help", "group", "code", "cancel", "none"]


@dataclass(frozen=True)
class KeyMap:
    """The navigation keys of a session."""

    next_keys: frozenset[str] = frozenset({"j", "ArrowDown"})
    previous_keys: frozenset[str] = frozenset({"k", "ArrowUp"})

    @classmethod
    def for_codebook(cls, codebook: Codebook) -> KeyMap:
        """Arrows always; ``j``/``k`` too unless a code uses them as its shortcut."""
        taken = {c.shortcut.lower() for c in codebook.codes if c.shortcut is not None}
        return cls(frozenset({"ArrowDown"} | ({"j"} - taken)),
                   frozenset({"ArrowUp"} | ({"k"} - taken)))

    def describe(self) -> str:
        """E.g. ``"next: j or ↓ · previous: ↑"``."""
        def names(keys: frozenset[str]) -> str:
            return " or ".join(sorted(k.replace("ArrowDown", "↓").replace("ArrowUp", "↑")
                                      for k in keys))
        return f"next: {names(self.next_keys)} · previous: {names(self.previous_keys)}"


@dataclass(frozen=True)
class KeyAction:
    """What a key press means in the current panel; ``message`` explains "none"."""

    kind: ActionKind
    code_id: str | None = None
    group_id: str | None = None
    message: str = ""


def interpret(key: str, panel: Panel, active_group: str | None = None,
              keymap: KeyMap = KeyMap()) -> KeyAction:
    """Map ``key`` (a DOM ``KeyboardEvent.key``) to an action on ``panel``.

    Parameters
    ----------
    key : the key as the browser names it ("c", "C", "ArrowDown", "?", "1").
    panel : the groups and codes that apply where the coder is (see
        :meth:`workbench.coding.CodingSession.panel`).
    active_group : the group picked with a number key, used to settle shared shortcuts.
    keymap : the navigation keys (see :meth:`KeyMap.for_codebook`).
    """
    if key in keymap.next_keys:
        return KeyAction("next")
    if key in keymap.previous_keys:
        return KeyAction("previous")
    if key == HELP_KEY:
        return KeyAction("help")
    if key == CANCEL_KEY:
        return KeyAction("cancel")
    if len(key) == 1 and key in "123456789":
        number = int(key)
        if number > len(panel):
            return KeyAction("none", message=f"there are {len(panel)} code groups here, "
                             f"not {number}")
        return KeyAction("group", group_id=panel[number - 1][0].id)
    if len(key) != 1:
        return KeyAction("none", message=f"key {key!r} does nothing here")
    with_keys = [(group.id, code) for group, codes in panel for code in codes
                 if code.shortcut is not None]
    matches = [(g, c.id) for g, c in with_keys if c.shortcut == key] or [
        (g, c.id) for g, c in with_keys if (c.shortcut or "").lower() == key.lower()]
    if not matches:
        return KeyAction("none", message=f"no code here has the shortcut {key!r}")
    if len(matches) > 1:
        chosen = [m for m in matches if m[0] == active_group]
        if len(chosen) != 1:
            numbers = [str(i + 1) for i, (g, _) in enumerate(panel)
                       if g.id in {m[0] for m in matches}]
            names = ", ".join(f"{c} ({g})" for g, c in matches)
            return KeyAction("none", message=f"shortcut {key!r} is shared by {names}: press "
                             f"the group's number ({' or '.join(numbers)}) first")
        matches = chosen
    group_id, code_id = matches[0]
    return KeyAction("code", code_id=code_id, group_id=group_id)


def next_value(code: Code, current: str | None) -> str | None:
    """The value a shortcut press sets: the option after ``current``; None = take it off.

    Nominal: present ↔ off. Categorical and ordinal: off → first option → … → last → off.

    >>> from workbench.codebook.schema import Code
    >>> c = Code(id="x", label="X", group="g", unit="utterance", applies_to="any",
    ...          level="categorical", definition="d", examples=["e"],
    ...          options=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}])
    >>> [next_value(c, v) for v in (None, "a", "b")]
    ['a', 'b', None]
    """
    keys = code.option_keys()
    if not keys:  # interval: no steps to take by key
        return None
    if current is None or current not in keys:
        return keys[0]
    position = keys.index(current) + 1
    return keys[position] if position < len(keys) else None
