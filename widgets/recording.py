"""Widgets without a browser (tests, benchmarks): record what it would receive, send what
it would send.

Inside ``with recording() as log:`` every widget created gets a comm that serialises each
message to JSON, as a kernel does, and keeps it; ``log.states(widget)`` lists the state
updates one widget sent. :func:`click`, :func:`set_from_browser` and
:func:`send_from_browser` deliver the comm messages JupyterLab sends on a click, an edit or a
custom front-end event. Nothing needs a kernel or a browser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import comm
from comm.base_comm import BaseComm


@dataclass
class Message:
    comm_id: str
    msg_type: str
    data: dict[str, Any]
    size: int


@dataclass
class MessageLog:
    """Messages in the order sent; ``size`` is the JSON length in characters."""

    messages: list[Message] = field(default_factory=list)

    def clear(self) -> None:
        self.messages.clear()

    def states(self, widget: Any) -> list[dict[str, Any]]:
        """The state updates sent for ``widget`` (each a dict of changed traits)."""
        return [m.data["state"] for m in self.messages
                if m.comm_id == widget.model_id and m.msg_type == "comm_msg"
                and m.data.get("method") == "update"]

    def updated(self) -> dict[str, set[str]]:
        """model id → names of the traits updated."""
        found: dict[str, set[str]] = {}
        for m in self.messages:
            if m.msg_type == "comm_msg" and m.data.get("method") == "update":
                found.setdefault(m.comm_id, set()).update(m.data["state"])
        return found

    def opened(self) -> int:
        """How many widget models were created."""
        return sum(m.msg_type == "comm_open" for m in self.messages)


class _RecordingComm(BaseComm):
    log: MessageLog

    def publish_msg(self, msg_type: str, data: dict[str, Any] | None = None,
                    metadata: dict[str, Any] | None = None, buffers: Any = None,
                    **keys: Any) -> None:
        data = data or {}
        size = len(json.dumps(data, default=str))
        self.log.messages.append(Message(self.comm_id, msg_type, data, size))


@contextmanager
def recording() -> Iterator[MessageLog]:
    """Give widgets created inside a comm that records what it sends."""
    log = MessageLog()
    original = comm.create_comm

    def create(*args: Any, **kwargs: Any) -> BaseComm:
        recorder = _RecordingComm.__new__(_RecordingComm)
        recorder.log = log
        _RecordingComm.__init__(recorder, *args, **kwargs)
        return recorder

    comm.create_comm = create
    try:
        yield log
    finally:
        comm.create_comm = original


# ---- what a browser sends ------------------------------------------------------------------
def _receive(widget: Any, data: dict[str, Any]) -> None:
    widget._handle_msg({"content": {"data": data}, "buffers": []})


def click(button: Any) -> None:
    """A click in the browser: the button's view sends ``{"event": "click"}``."""
    _receive(button, {"method": "custom", "content": {"event": "click"}})


def set_from_browser(widget: Any, **state: Any) -> None:
    """The browser changed traits (typing in a box, ticking a checkbox, picking a row)."""
    _receive(widget, {"method": "update", "state": state, "buffer_paths": []})


def send_from_browser(widget: Any, content: dict[str, Any]) -> None:
    """A custom message from a widget's front end (e.g. the transcript's key presses)."""
    _receive(widget, {"method": "custom", "content": content})
