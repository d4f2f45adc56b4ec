"""The demo's synthetic spoken audio: each turn is heard inside its own time window, one voice
per speaker, and without espeak-ng the demo says what it skipped and how to get it."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from workbench.demo import audio
from workbench.demo.audio import OUT_HZ, add_demo_media, clip_audio
from workbench.model import Clip, Role, Utterance
from workbench.store import Store, default_sqlite_url

TURNS = [Utterance("a1", 0, 0.5, 2.5, "PC Adams", Role.OFFICER, "Evening, can I have a word?"),
         Utterance("a1", 1, 4.0, 5.0, "Subject", Role.SUBJECT, "What for?"),
         Utterance("a1", 2, 7.0, 9.5, "PC Adams", Role.OFFICER,
                   "You match a description. I'm going to search you.")]


def _loudness(path: Path) -> tuple[np.ndarray, float]:
    """Per 50 ms frame, the mean absolute deviation from silence (128), read independently."""
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 1, OUT_HZ)
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.uint8).astype(int) - 128
        seconds = w.getnframes() / w.getframerate()
    frame = OUT_HZ // 20
    n = len(data) // frame
    return np.abs(data[: n * frame].reshape(n, frame)).mean(axis=1), seconds


def test_every_turn_is_heard_inside_its_window_and_the_gaps_are_silent(tmp_path: Path):
    exe = audio.espeak()
    assert exe, "Debian's espeak-ng is needed (.ci/run installs it)"
    seconds = clip_audio(TURNS, tmp_path / "a1.wav", exe)
    loud, length = _loudness(tmp_path / "a1.wav")
    assert seconds == pytest.approx(10.0) and length == pytest.approx(10.0, abs=0.01)
    at = lambda t: loud[int(t * 20)]  # noqa: E731 - the frame at t seconds
    for u in TURNS:
        heard = loud[int(u.start * 20):int(u.end * 20)]
        assert heard.max() > 5, f"turn {u.index} is silent"
    for gap in (0.2, 3.0, 3.7, 6.0, 6.8, 9.8):   # before, between and after the turns
        assert at(gap) < 1, f"sound at {gap} s, outside every turn"


def test_the_demo_media_is_attached_to_the_clips_it_voiced(tmp_path: Path):
    store = Store(default_sqlite_url(tmp_path / "s.sqlite"))
    store.put_clip(Clip("a1", source_file="a1.vtt", synthetic=True), TURNS, source_hash="h")
    report = add_demo_media(store, tmp_path, ["a1"])
    assert report.clips == ("a1",) and store.clip("a1").media_path == "media/a1.wav"
    assert (tmp_path / "media" / "a1.wav").stat().st_size > OUT_HZ * 5
    store.close()


def test_without_espeak_ng_the_demo_says_what_was_skipped_and_how_to_get_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(audio.shutil, "which", lambda _name: None)
    store = Store(default_sqlite_url(tmp_path / "s.sqlite"))
    store.put_clip(Clip("a1", source_file="a1.vtt", synthetic=True), TURNS, source_hash="h")
    report = add_demo_media(store, tmp_path, ["a1"])
    assert str(report).startswith("demo media skipped: espeak-ng is not installed")
    assert "apt-get install espeak-ng" in str(report)
    assert store.clip("a1").media_path in (None, "") and not (tmp_path / "media").exists()
    store.close()


def test_each_speaker_keeps_one_voice_and_speakers_get_different_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    used: list[tuple[str, str]] = []

    def speak(_exe: str, text: str, voice: str, _seconds: float, _work: Path) -> np.ndarray:
        used.append((text, voice))
        return np.zeros(10, dtype="<i2")

    monkeypatch.setattr(audio, "_speak", speak)
    clip_audio(TURNS, tmp_path / "a1.wav", "espeak-ng")
    voices = [v for _, v in used]
    assert voices[0] == voices[2] != voices[1]
