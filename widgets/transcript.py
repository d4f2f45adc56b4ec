"""The transcript view: speaker turns, the current one highlighted, and the keyboard.

An anywidget (front end in ``transcript.js``) because keyboard shortcuts need a view in the
browser. It only displays state and forwards events; the session decides what they mean.
So that a code key shows at once (no round trip to the kernel), ``forecast`` tells the front
end what each step key does on a turn (:func:`key_forecast`, from the session's own rules);
the front end paints that, and each key's ``ack`` (sent after the session acted and the
marks were updated) makes it repaint the row from ``marks``, the truth — a refused key is
rolled back there, visibly, with the refusal in the status line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from workbench.codebook.schema import Code
from workbench.coding.keys import KeyMap, Panel, step_keys, steps
from workbench.model import Utterance

HERE = Path(__file__).parent

KeyHandler = Callable[[str, str | None], None]
GotoHandler = Callable[[int], None]
ChipText = Callable[[Code, str], str]


def key_forecast(panels: Mapping[str, Panel], keymap: KeyMap, chip: ChipText,
                 order: Mapping[str, int]) -> dict[str, dict[str, dict[str, Any]]]:
    """Role → key → what the key does on a turn of that role, for the front end to show:
    ``{"code": id, "order": n, "next": {value or "": next value or None}, "chips": {value:
    chip text}}`` (``order``: the code's place among a turn's chips)."""
    forecast: dict[str, dict[str, dict[str, Any]]] = {}
    for role, panel in panels.items():
        keys = {}
        for key, code in step_keys(panel, keymap).items():
            table = steps(code)
            keys[key] = {"code": code.id, "order": order.get(code.id, 10**6),
                         "next": {now or "": new for now, new in table.items()},
                         "chips": {v: chip(code, v) for v in table.values() if v is not None}}
        forecast[role] = keys
    return forecast


def turn_record(utterance: Utterance) -> dict[str, Any]:
    """What the front end shows of one utterance."""
    return {"speaker": utterance.speaker, "role": str(utterance.role), "text": utterance.text,
            "start": float(utterance.start), "end": float(utterance.end)}


class TranscriptView(anywidget.AnyWidget):
    """Turns of one clip; ``marks`` maps "index" → {"chips": [...], "codes": [[id, value,
    order], ...] (one per chip), "note": str, "flag": bool, "hints": [...]} (hints: dimmed
    suggestions, see :mod:`workbench.coding.hints`).

    ``current`` is the highlighted turn; ``len(turns)`` is the clip-form row at the end.
    Front-end messages: ``{"type": "key", "key": k, "code": id|None, "seq": n, "view": v}``
    and ``{"type": "goto", "index": i}``; each key is answered ``{"type": "ack", "seq": n,
    "view": v, "guess": bool}`` once handled (``v``: which view sent it; ``guess``: the
    forecast holds for the next key, False e.g. while ``?`` waits for a code, as
    ``can_guess`` says).
    """

    _esm = HERE / "transcript.js"
    _css = HERE / "transcript.css"

    turns = t.List(t.Dict()).tag(sync=True)
    marks = t.Dict().tag(sync=True)
    current = t.Int(0).tag(sync=True)
    end_chips = t.List(t.Unicode()).tag(sync=True)
    hint = t.Unicode("").tag(sync=True)
    #: the keys that move one turn (the front end moves the highlight at once on them)
    next_keys = t.List(t.Unicode()).tag(sync=True)
    previous_keys = t.List(t.Unicode()).tag(sync=True)
    #: what step keys do, by role (see :func:`key_forecast`)
    forecast = t.Dict().tag(sync=True)

    def __init__(self, on_key: KeyHandler, on_goto: GotoHandler, *,
                 can_guess: Callable[[], bool] = lambda: True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_key = on_key
        self._on_goto = on_goto
        self._can_guess = can_guess
        self.on_msg(self._receive)

    def _receive(self, _widget: object, content: dict[str, Any], _buffers: object) -> None:
        kind = content.get("type")
        if kind == "key" and isinstance(content.get("key"), str):
            code = content.get("code")
            try:
                self._on_key(content["key"], code if isinstance(code, str) else None)
            finally:  # after the marks it changed: the front end settles its guesses
                if isinstance(content.get("seq"), int):
                    self.send({"type": "ack", "seq": content["seq"], "view": content.get("view"),
                               "guess": bool(self._can_guess())})
        elif kind == "goto" and isinstance(content.get("index"), int):
            self._on_goto(content["index"])

    def set_mark(self, updates: dict[int, dict[str, Any]]) -> None:
        """Replace the marks of some turns (one sync message, whatever their number)."""
        marks = dict(self.marks)
        for index, mark in updates.items():
            marks[str(index)] = mark
        self.marks = marks

    def focus(self) -> None:
        """Ask the front end to take the keyboard."""
        self.send({"type": "focus"})
