"""Keyboard rules of a coding session: which key does what (the one key map).

- ``j`` / ArrowDown: next utterance (past the last one: the clip-level form);
  ``k`` / ArrowUp: previous.
- ``?``: help for the code under the pointer; otherwise the key map, and the next shortcut
  pressed shows that code's help.
- ``1``–``9``: pick a code group of the panel, to settle a shortcut two groups share; while
  a set code waits for its element (see below), ``1``–``9`` pick the element instead.
- Escape: cancel a pending ``?`` or element choice.
- Backspace / Delete: clear the code last set on this turn (or the clip form).
- A code's shortcut key: nominal codes on/off; categorical and ordinal codes set their first
  real level, then step through the levels (wrapping, never off — clearing is Backspace). On
  a turn, an ordinal scale's ``none`` level is not a level to set: no code means none.
  A set code (``multiple: true``) asks for the element: its key, then the element's number
  toggles that element in the turn's set.
- Enter on a turn: accept its first dimmed hint, where hints are on (:mod:`.hints`).
- Media: Space play/pause, ``0`` replay this turn from its start, ``[`` slower, ``]`` faster.
- At the clip-level form: each item has a letter (:func:`form_letters`, shown beside it) that
  moves to it, ``1``–``9`` set the item's value, → ← move between items, ``!`` ticks (or
  unticks) "I checked every turn", Enter is Clip done.

Codebook shortcuts win over ``j``/``k`` and the media keys: when a codebook uses one of them
for a code, that key is the code's in every turn (so a key never changes meaning between
speakers), and the other key for the action remains. See :meth:`KeyMap.for_codebook`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from workbench.codebook.book import Codebook
from workbench.codebook.schema import Code, Group
from workbench.model import UnitType

HELP_KEY = "?"
CHECKED_KEY = "!"  # at the clip form: "I checked every turn" on / off
CANCEL_KEY = "Escape"
CLEAR_KEYS = frozenset({"Backspace", "Delete"})

Panel = Sequence[tuple[Group, Sequence[Code]]]
ActionKind = Literal["next", "previous", "help", "group", "code", "cancel", "clear", "media",
                     "none"]
MediaCommand = Literal["play_pause", "replay", "slower", "faster"]

#: Media keys and what they do (a key a codebook takes is dropped, see KeyMap.for_codebook).
MEDIA_KEYS: dict[str, MediaCommand] = {" ": "play_pause", "0": "replay", "[": "slower",
                                       "]": "faster"}
_MEDIA_WORDS = {"play_pause": "play / pause", "replay": "replay this turn",
                "slower": "slower", "faster": "faster"}
_KEY_NAMES = {"ArrowDown": "↓", "ArrowUp": "↑", " ": "Space", "Backspace": "Backspace",
              "Delete": "Delete", "Escape": "Esc"}


def key_name(key: str) -> str:
    """How a key is written for people: "↓", "Space", "Esc", "j"."""
    return _KEY_NAMES.get(key, key)


@dataclass(frozen=True)
class KeyMap:
    """The session keys (everything but code shortcuts)."""

    next_keys: frozenset[str] = frozenset({"j", "ArrowDown"})
    previous_keys: frozenset[str] = frozenset({"k", "ArrowUp"})
    media_keys: tuple[tuple[str, MediaCommand], ...] = tuple(MEDIA_KEYS.items())

    @classmethod
    def for_codebook(cls, codebook: Codebook) -> KeyMap:
        """Arrows always; ``j``/``k`` and media keys unless a code uses them as its shortcut."""
        taken = {c.shortcut for c in codebook.codes if c.shortcut is not None}
        lower = {k.lower() for k in taken}
        return cls(frozenset({"ArrowDown"} | ({"j"} - lower)),
                   frozenset({"ArrowUp"} | ({"k"} - lower)),
                   tuple((k, m) for k, m in MEDIA_KEYS.items() if k not in taken))

    def media(self, key: str) -> MediaCommand | None:
        return dict(self.media_keys).get(key)

    def describe(self) -> str:
        """E.g. ``"next: j or ↓ · previous: ↑"``."""
        def names(keys: frozenset[str]) -> str:
            return " or ".join(sorted(key_name(k) for k in keys))
        return f"next: {names(self.next_keys)} · previous: {names(self.previous_keys)}"

    def rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the on-screen key map and the manual, in reading order."""
        def names(keys: frozenset[str]) -> str:
            return " or ".join(sorted(key_name(k) for k in keys))
        rows = [(names(self.next_keys), "next turn (after the last: the clip-level form)"),
                (names(self.previous_keys), "previous turn"),
                ("a code's key", "nominal: on / off · ordinal and categorical: first level, "
                 "then the next (wraps)"),
                ("a set code's key, then 1–9", "toggle that element in the turn's set"),
                ("Backspace or Delete", "clear the code last set here"),
                ("Enter on a turn", "accept the first dimmed hint (where hints are on)"),
                ("1–9", "pick a code group (when two groups share a key)"),
                ("? then a code's key", "that code's definition, rules and examples"),
                ("?", "this key map"),
                ("Esc", "close help, cancel a pending choice"),
                ("an item's letter", "clip-level form: go to that item (its letter in "
                 "[brackets])"),
                ("1–9", "clip-level form: the item's value, then on to the next empty item"),
                ("→ ←", "clip-level form: next / previous item"),
                (CHECKED_KEY, "clip-level form: tick / untick 'I checked every turn' (Clip "
                 "done without opening every turn; audited)"),
                ("Enter", "clip-level form: Clip done")]
        rows += [(key_name(k), f"media: {_MEDIA_WORDS[m]}") for k, m in self.media_keys]
        return rows


def form_letters(codes: Sequence[Code], keymap: KeyMap = KeyMap()) -> dict[str, str]:
    """Letters for the clip-level items, in form order: code id → key.

    Letters a–z not used by the session keys, ``!`` or the items' own codebook shortcuts
    (an item with a codebook shortcut keeps it and gets no letter); past 26 items, none.
    """
    taken = (set(keymap.next_keys | keymap.previous_keys) | {k for k, _ in keymap.media_keys}
             | {HELP_KEY, CHECKED_KEY} | {c.shortcut for c in codes if c.shortcut})
    letters = [ch for ch in "abcdefghijklmnopqrstuvwxyz" if ch not in taken]
    free = [c.id for c in codes if not c.shortcut]
    return dict(zip(free, letters, strict=False))


@dataclass(frozen=True)
class KeyAction:
    """What a key press means in the current panel; ``message`` explains "none"."""

    kind: ActionKind
    code_id: str | None = None
    group_id: str | None = None
    media: MediaCommand | None = None
    message: str = ""


def interpret(key: str, panel: Panel, active_group: str | None = None,
              keymap: KeyMap = KeyMap()) -> KeyAction:
    """Map ``key`` (a DOM ``KeyboardEvent.key``) to an action on ``panel``.

    Parameters
    ----------
    key : the key as the browser names it ("c", "C", "ArrowDown", "?", "1", " ").
    panel : the groups and codes that apply where the coder is (see
        :meth:`workbench.coding.CodingSession.panel`).
    active_group : the group picked with a number key, used to settle shared shortcuts.
    keymap : the session keys (see :meth:`KeyMap.for_codebook`).
    """
    if key in keymap.next_keys:
        return KeyAction("next")
    if key in keymap.previous_keys:
        return KeyAction("previous")
    if key == HELP_KEY:
        return KeyAction("help")
    if key == CANCEL_KEY:
        return KeyAction("cancel")
    if key in CLEAR_KEYS:
        return KeyAction("clear")
    media = keymap.media(key)
    if media is not None:
        return KeyAction("media", media=media)
    if len(key) == 1 and key in "123456789":
        number = int(key)
        if number > len(panel):
            return KeyAction("none", message=f"there are {len(panel)} code groups here, "
                             f"not {number}")
        return KeyAction("group", group_id=panel[number - 1][0].id)
    if len(key) != 1:
        return KeyAction("none", message=f"the key {key_name(key)} does nothing here")
    with_keys = [(group, code) for group, codes in panel for code in codes
                 if code.shortcut is not None]
    matches = [(g, c) for g, c in with_keys if c.shortcut == key] or [
        (g, c) for g, c in with_keys if (c.shortcut or "").lower() == key.lower()]
    if not matches:
        return KeyAction("none", message=f"no code here has the key {key!r}")
    if len(matches) > 1:
        chosen = [m for m in matches if m[0].id == active_group]
        if len(chosen) != 1:
            numbers = [str(i + 1) for i, (g, _) in enumerate(panel)
                       if g.id in {m[0].id for m in matches}]
            names = ", ".join(f"{c.label} ({g.label})" for g, c in matches)
            return KeyAction("none", message=f"the key {key!r} is shared by {names}: press "
                             f"the group's number ({' or '.join(numbers)}) first")
        matches = chosen
    group, code = matches[0]
    return KeyAction("code", code_id=code.id, group_id=group.id)


def stepping_values(code: Code) -> list[str]:
    """The values a code's key steps through, in order.

    Every option key, except that on a turn an ordinal scale's lowest level ``none`` is
    left out (no code on the turn already means none).
    """
    keys = code.option_keys()
    if (code.level == "ordinal" and code.unit == UnitType.UTTERANCE and code.scale
            and code.scale[0].key == "none"):
        keys = keys[1:]
    return keys


def next_value(code: Code, current: str | None) -> str | None:
    """The value a shortcut press sets; None only for a nominal code that is on (off).

    Nominal: present ↔ off. Categorical and ordinal: nothing → first real level → … → last →
    first again (clearing is its own key). Interval codes have no steps (None).

    >>> from workbench.codebook.schema import Code
    >>> c = Code(id="x", label="X", group="g", unit="utterance", applies_to="any",
    ...          level="ordinal", definition="d", examples=["e"],
    ...          scale=[{"key": "none", "label": "None", "anchor": "a"},
    ...                 {"key": "soft", "label": "Soft", "anchor": "b"},
    ...                 {"key": "hard", "label": "Hard", "anchor": "c"}])
    >>> [next_value(c, v) for v in (None, "soft", "hard")]
    ['soft', 'hard', 'soft']
    """
    if code.level == "nominal":
        return None if current is not None else code.option_keys()[0]
    keys = stepping_values(code)
    if not keys:  # interval: no steps to take by key
        return None
    if current is None or current not in keys:
        return keys[0]
    return keys[(keys.index(current) + 1) % len(keys)]


def step_keys(panel: Panel, keymap: KeyMap = KeyMap()) -> dict[str, Code]:
    """Keys whose whole effect on ``panel`` is one code's :func:`next_value` step: key → code.

    What a view may show before the session confirms it. Leaves out set codes (their key
    asks for an element), interval codes and keys two groups share (settled by a number).
    """
    codes = {c.id: c for _, cs in panel for c in cs}
    found: dict[str, Code] = {}
    for code in codes.values():
        if code.shortcut is None:
            continue
        for key in sorted({code.shortcut, code.shortcut.lower(), code.shortcut.upper()}):
            action = interpret(key, panel, None, keymap)
            hit = codes.get(action.code_id or "") if action.kind == "code" else None
            if hit is not None and not hit.multiple and hit.level != "interval":
                found[key] = hit
    return found


def steps(code: Code) -> dict[str | None, str | None]:
    """Each value a code can hold here (None: not set) → the value its key sets next."""
    return {now: next_value(code, now) for now in (None, *code.option_keys())}
