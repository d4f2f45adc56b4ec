"""The clip's media, both ways: the player seeks to the current turn, and while it plays the
current turn follows it. Keys (see :mod:`workbench.coding.keys`) play/pause, replay the turn
and change the speed. A missing or unreadable file is said in words, where the player would be.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

HERE = Path(__file__).parent

#: Local files up to this size are sent to the browser; larger ones need a URL.
MAX_INLINE_BYTES = 200 * 1024 * 1024
#: Playback speeds the slower/faster keys step through.
RATES: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)

TurnHandler = Callable[[int], None]


class MediaPlayer(anywidget.AnyWidget):
    """An HTML5 player (front end in ``media.js``).

    ``turns`` holds each turn's (start, end) in seconds, so the front end can tell which turn
    is playing; it sends ``{"type": "turn", "index": i}`` when playback enters another turn,
    and ``{"type": "error", "message": ...}`` when the browser cannot play the file.
    ``problem`` is the sentence shown instead of the player ("" when all is well).
    """

    _esm = HERE / "media.js"

    src = t.Unicode("").tag(sync=True)
    data = t.Bytes(b"").tag(sync=True)
    mime = t.Unicode("").tag(sync=True)
    position = t.Float(0.0).tag(sync=True)
    rate = t.Float(1.0).tag(sync=True)
    turns = t.List(t.List(t.Float())).tag(sync=True)
    problem = t.Unicode("").tag(sync=True)

    def __init__(self, on_turn: TurnHandler | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_turn = on_turn
        self.on_msg(self._receive)

    def _receive(self, _widget: object, content: dict[str, Any], _buffers: object) -> None:
        if content.get("type") == "turn" and isinstance(content.get("index"), int):
            if self._on_turn is not None:
                self._on_turn(content["index"])
        elif content.get("type") == "error":
            self.problem = (f"The media file could not be played ({content.get('message')}). "
                            "Code from the transcript, and tell your lead which clip it is.")

    def load(self, media_path: str | None, root: Path | None = None,
             turns: Sequence[tuple[float, float]] = ()) -> None:
        """Show ``media_path`` (a URL, or a file relative to ``root``); None: no media."""
        with self.hold_sync():
            self.position, self.turns = 0.0, [[float(a), float(b)] for a, b in turns]
            self.src, self.data, self.mime, self.problem = "", b"", "", ""
            if not media_path:
                self.problem = "This clip has no media: code from the transcript."
                return
            self.mime = mimetypes.guess_type(media_path)[0] or "video/mp4"
            if media_path.startswith(("http://", "https://", "/files/")):
                self.src = media_path
                return
            path = Path(media_path)
            if not path.is_absolute() and root is not None:
                path = root / path
            if not path.is_file():
                self.problem = (f"The media file {media_path} is missing (looked for {path}). "
                                "Code from the transcript, and tell your lead.")
            elif path.stat().st_size > MAX_INLINE_BYTES:
                self.problem = (f"The media file {media_path} is over "
                                f"{MAX_INLINE_BYTES // 2**20} MB: the lead must serve it and "
                                "store its URL as the clip's media_path.")
            else:
                self.data = path.read_bytes()

    @property
    def available(self) -> bool:
        return bool(self.src or self.data) and not self.problem

    def seek(self, seconds: float) -> None:
        """Move playback to ``seconds`` from the start of the clip."""
        self.position = float(seconds)

    def command(self, what: str, turn_start: float | None = None) -> str:
        """Carry out a media key ("play_pause", "replay", "slower", "faster"); returns the
        line to show the coder."""
        if not self.available:
            return self.problem or "no media to play"
        if what in ("slower", "faster"):
            near = min(range(len(RATES)), key=lambda i: abs(RATES[i] - self.rate))
            step = -1 if what == "slower" else 1
            self.rate = RATES[max(0, min(len(RATES) - 1, near + step))]
            return f"playback speed {self.rate:g}×"
        if what == "replay":
            self.send({"type": "replay", "start": float(turn_start or 0.0)})
            return "replaying this turn"
        self.send({"type": "play_pause"})
        return "play / pause"
