"""Media muted over the redacted turns (by turn times); unreadable media refused."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from tests.test_panels_store import _clip
from workbench.exceptions import InputError
from workbench.panels.media import mute_spans, muted_wav

RATE = 8000


def _tone(path, seconds: float, width: int) -> np.ndarray:
    t = np.arange(int(seconds * RATE))
    wavef = np.sin(2 * np.pi * 440 * t / RATE)
    samples = ((wavef * 100 + 128).astype(np.uint8) if width == 1
               else (wavef * 10000).astype("<i2"))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(width)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    return samples


@pytest.mark.parametrize("width", [1, 2])
def test_the_turn_with_a_name_and_address_is_silent_and_the_rest_untouched(tmp_path,
                                                                           width) -> None:
    _, utterances = _clip("c1")  # turn 1 (2–4 s) names a person and an address
    spans = mute_spans(utterances, pad=0.25)
    assert spans == [(1.75, 4.25)]
    before = _tone(tmp_path / "in.wav", 6.0, width)
    n = muted_wav(tmp_path / "in.wav", tmp_path / "out.wav", spans)
    with wave.open(str(tmp_path / "out.wav"), "rb") as w:
        after = np.frombuffer(w.readframes(w.getnframes()), dtype=before.dtype)
    silence = 128 if width == 1 else 0
    inside = slice(int(1.75 * RATE), int(4.25 * RATE))
    assert n == inside.stop - inside.start
    assert (after[inside] == silence).all()
    assert (after[: inside.start] == before[: inside.start]).all()
    assert (after[inside.stop:] == before[inside.stop:]).all()


def test_what_cannot_be_muted_is_refused(tmp_path) -> None:
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    with pytest.raises(InputError, match=r"clip\.mp4"):
        muted_wav(tmp_path / "clip.mp4", tmp_path / "out.wav", [(0.0, 1.0)])
    assert not (tmp_path / "out.wav").exists()
