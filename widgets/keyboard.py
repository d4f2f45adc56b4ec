"""Keys for a panel of ordinary ipywidgets: a tiny anywidget that listens on its container.

Put it inside a box with the CSS class ``container_class``; keys pressed anywhere in that box
(outside text fields) are sent to ``on_key``. In a text area, Ctrl+Enter sends "submit" and
Escape sends "escape" (and leaves the field). :meth:`focus_field` puts the cursor in the
text area with the CSS class ``field_class``. Keys it takes never reach JupyterLab's own
shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

HERE = Path(__file__).parent


class KeyListener(anywidget.AnyWidget):
    """Forwards key presses in its container; see the module docstring."""

    _esm = HERE / "keyboard.js"
    _css = """
.jp-OutputArea:has(.bwv-review) .bwv-reload-hint { display: none; }
.bwv-keys-hint { color: #666; font-size: 11px; margin-top: 4px; outline: none; }
.bwv-review:focus { outline: 1px dashed #9cc2e8; }
"""
    container_class = t.Unicode("bwv-keys-root").tag(sync=True)
    field_class = t.Unicode("").tag(sync=True)
    hint = t.Unicode("").tag(sync=True)

    def __init__(self, on_key: Callable[[str], None], *,
                 on_text: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        """``on_text``: given the text field's value as the browser had it at Ctrl+Enter,
        before ``on_key("submit")`` (the field's own sync can arrive after the key)."""
        super().__init__(**kwargs)
        self._on_key = on_key
        self._on_text = on_text
        self.on_msg(self._receive)

    def _receive(self, _widget: object, content: dict[str, Any], _buffers: object) -> None:
        if content.get("type") == "key" and isinstance(content.get("key"), str):
            if self._on_text is not None and isinstance(content.get("text"), str):
                self._on_text(content["text"])
            self._on_key(content["key"])

    def focus_field(self) -> None:
        self.send({"type": "focus_field"})

    def focus(self) -> None:
        self.send({"type": "focus"})
