"""The transcript view: speaker turns, the current one highlighted, and the keyboard.

An anywidget (front end in ``transcript.js``) because keyboard shortcuts need a view in the
browser. It only displays state and forwards events; the session decides what they mean.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from workbench.model import Utterance

HERE = Path(__file__).parent

KeyHandler = Callable[[str, str | None], None]
GotoHandler = Callable[[int], None]


def turn_record(utterance: Utterance) -> dict[str, Any]:
    """What the front end shows of one utterance."""
    return {"speaker": utterance.speaker, "role": str(utterance.role), "text": utterance.text,
            "start": float(utterance.start), "end": float(utterance.end)}


class TranscriptView(anywidget.AnyWidget):
    """Turns of one clip; ``marks`` maps "index" → {"chips": [...], "note": str, "flag": bool,
    "hints": [...]} (hints: dimmed suggestions, see :mod:`workbench.coding.hints`).

    ``current`` is the highlighted turn; ``len(turns)`` is the clip-form row at the end.
    Front-end messages: ``{"type": "key", "key": k, "code": id|None}`` and
    ``{"type": "goto", "index": i}``.
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

    def __init__(self, on_key: KeyHandler, on_goto: GotoHandler, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_key = on_key
        self._on_goto = on_goto
        self.on_msg(self._receive)

    def _receive(self, _widget: object, content: dict[str, Any], _buffers: object) -> None:
        kind = content.get("type")
        if kind == "key" and isinstance(content.get("key"), str):
            code = content.get("code")
            self._on_key(content["key"], code if isinstance(code, str) else None)
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
