"""Media for panels: muted over the turns whose text redaction changed (by turn times).

A panel sees redacted transcripts; the audio must not say what the text hides. The spans to
mute are the whole turns (start to end, seconds) in which
:func:`workbench.privacy.redaction.redact` changes anything, widened by ``pad`` seconds each
side for timing slack. :func:`muted_wav` writes a copy of a WAV file (8- or 16-bit PCM) with
those spans silent; anything else is refused, never passed through unmuted.
"""

from __future__ import annotations

import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from workbench.exceptions import InputError
from workbench.model import Utterance
from workbench.privacy.redaction import redact


def mute_spans(utterances: Sequence[Utterance], *, pad: float = 0.25
               ) -> list[tuple[float, float]]:
    """(start, end) seconds of every turn that redaction changes, padded, merged, sorted."""
    spans = sorted((max(0.0, u.start - pad), u.end + pad) for u in utterances
                   if redact(u.text) != u.text)
    merged: list[tuple[float, float]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def muted_wav(source: Path, target: Path, spans: Sequence[tuple[float, float]]) -> int:
    """Write ``source`` to ``target`` with ``spans`` silent; returns the samples muted."""
    try:
        with wave.open(str(source), "rb") as w:
            params = w.getparams()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, OSError) as exc:
        raise InputError(f"cannot mute: not a readable WAV file ({exc})",
                         path=source) from exc
    if params.sampwidth not in (1, 2):
        raise InputError(f"cannot mute: {8 * params.sampwidth}-bit samples, "
                         "expected 8- or 16-bit PCM", path=source)
    dtype, silence = (np.uint8, 128) if params.sampwidth == 1 else (np.dtype("<i2"), 0)
    samples = np.frombuffer(frames, dtype=dtype).copy().reshape(-1, params.nchannels)
    muted = 0
    for start, end in spans:
        first = max(0, int(start * params.framerate))
        last = min(len(samples), int(np.ceil(end * params.framerate)))
        if last > first:
            samples[first:last] = silence
            muted += last - first
    target.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(target), "wb") as w:
        w.setparams(params)
        w.writeframes(samples.tobytes())
    return muted
