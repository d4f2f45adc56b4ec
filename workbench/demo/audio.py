"""Short SYNTHETIC spoken audio for a few demo clips, so media sync can be tried and tested.

Each turn's text is voiced by Debian's ``espeak-ng`` (one voice per speaker of the clip) at a
speaking rate that fits the turn's own [start, end] window, and placed at its start time in
one WAV (Python's :mod:`wave`; mono, 8-bit, 11,025 Hz — 0.66 MB a minute, enough for
synthetic speech): the recording's timings are the transcript's.
Anything still longer than its window is cut at the window's end, so turn ``i`` is heard
exactly while turn ``i`` is current.

espeak-ng is optional: without it, :func:`add_demo_media` says what was skipped and how to
get it (``apt-get install espeak-ng``); nothing else of the demo depends on it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.model import Utterance
from workbench.store import Store

RATE_HZ = 22050          # espeak-ng's output rate
OUT_HZ = RATE_HZ // 2    # the demo files' rate (every other sample, after a 2-tap average)
WPM_MIN, WPM_MAX = 110, 380  # espeak-ng words per minute
#: Voices handed out to a clip's speakers in order of first appearance (espeak-ng names).
VOICES: tuple[str, ...] = ("en-gb+m3", "en-gb-x-gbclan+m1", "en-gb-x-rp+f3",
                           "en-gb-scotland+m5", "en-029+f2", "en-us+m2")
INSTALL_HINT = "apt-get install espeak-ng (Debian/Ubuntu), then rebuild the demo"


@dataclass(frozen=True)
class MediaReport:
    """What :func:`add_demo_media` did, in one sentence (``str``)."""

    clips: tuple[str, ...]
    skipped: str = ""

    def __str__(self) -> str:
        if self.skipped:
            return f"demo media skipped: {self.skipped}"
        return (f"synthetic spoken audio (espeak-ng) for {len(self.clips)} demo clips: "
                f"{', '.join(self.clips)}")


def espeak() -> str | None:
    """The espeak-ng executable, or None."""
    return shutil.which("espeak-ng")


def _speak(exe: str, text: str, voice: str, seconds: float, work: Path) -> np.ndarray:
    words = max(1, len(text.split()))
    # the rate that fills 90% of the window, within what stays intelligible
    wpm = int(min(WPM_MAX, max(WPM_MIN, words / max(seconds, 0.3) * 60 / 0.9)))
    out = work / "turn.wav"
    subprocess.run([exe, "-v", voice, "-s", str(wpm), "-w", str(out), text], check=True,
                   capture_output=True, timeout=30)
    with wave.open(str(out), "rb") as w:
        if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, RATE_HZ):
            raise RuntimeError(f"espeak-ng wrote {w.getnchannels()} channel(s), "
                               f"{8 * w.getsampwidth()} bit, {w.getframerate()} Hz; expected "
                               f"mono 16-bit {RATE_HZ} Hz")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def clip_audio(utterances: Sequence[Utterance], path: Path, exe: str) -> float:
    """Write the voiced turns of one clip to ``path`` (WAV); returns its length in seconds."""
    voices: dict[str, str] = {}
    end = max(u.end for u in utterances) + 0.5
    track = np.zeros(int(end * RATE_HZ), dtype=np.int32)
    with tempfile.TemporaryDirectory() as tmp:
        for u in utterances:
            voice = voices.setdefault(u.speaker, VOICES[len(voices) % len(VOICES)])
            samples = _speak(exe, u.text, voice, u.end - u.start, Path(tmp))
            first = int(u.start * RATE_HZ)
            room = max(0, int(u.end * RATE_HZ) - first)
            piece = samples[:room]
            track[first:first + len(piece)] = piece
    halved = (track[: len(track) // 2 * 2].reshape(-1, 2).sum(axis=1) // 2)
    unsigned = ((halved >> 8) + 128).clip(0, 255).astype(np.uint8)   # 8-bit WAV is unsigned
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(OUT_HZ)
        w.writeframes(unsigned.tobytes())
    return end


def add_demo_media(store: Store, root: Path, clip_ids: Sequence[str]) -> MediaReport:
    """Voice ``clip_ids`` into ``root/media/<clip>.wav`` and set each clip's ``media_path``.

    Without espeak-ng nothing is written and the report says so, with how to install it.
    """
    exe = espeak()
    if exe is None:
        return MediaReport((), f"espeak-ng is not installed ({INSTALL_HINT}); the demo clips "
                           "have no media, everything else works")
    done = []
    for clip_id in clip_ids:
        relative = f"media/{clip_id}.wav"
        clip_audio(store.utterances(clip_id), root / relative, exe)
        store.update_clip_metadata(clip_id, {"media_path": relative})
        done.append(clip_id)
    return MediaReport(tuple(done))
