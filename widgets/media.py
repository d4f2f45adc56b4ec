"""Optional media: play a clip's video or audio and seek to the current utterance."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import anywidget
import traitlets as t

HERE = Path(__file__).parent

#: Local files up to this size are sent to the browser; larger ones need a URL.
MAX_INLINE_BYTES = 200 * 1024 * 1024


class MediaPlayer(anywidget.AnyWidget):
    """An HTML5 player (front end in ``media.js``); hidden while there is no media."""

    _esm = HERE / "media.js"

    src = t.Unicode("").tag(sync=True)
    data = t.Bytes(b"").tag(sync=True)
    mime = t.Unicode("").tag(sync=True)
    position = t.Float(0.0).tag(sync=True)
    problem = t.Unicode("")

    def load(self, media_path: str | None, root: Path | None = None) -> None:
        """Show ``media_path`` (a URL, or a file relative to ``root``); None clears it."""
        self.problem = ""
        self.position = 0.0
        if not media_path:
            self.src, self.data, self.mime = "", b"", ""
            self.layout.display = "none"
            return
        self.mime = mimetypes.guess_type(media_path)[0] or "video/mp4"
        if media_path.startswith(("http://", "https://", "/files/")):
            self.data, self.src = b"", media_path
        else:
            path = Path(media_path)
            if not path.is_absolute() and root is not None:
                path = root / path
            if not path.is_file() or path.stat().st_size > MAX_INLINE_BYTES:
                self.src, self.data = "", b""
                self.problem = (f"media {path} is missing" if not path.is_file() else
                                f"media {path} is over {MAX_INLINE_BYTES // 2**20} MB: "
                                "serve it and store a URL as media_path")
                self.layout.display = "none"
                return
            self.src, self.data = "", path.read_bytes()
        self.layout.display = ""

    def seek(self, seconds: float) -> None:
        """Move playback to ``seconds`` from the start of the clip."""
        self.position = float(seconds)
