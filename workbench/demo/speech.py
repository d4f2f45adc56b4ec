"""Make generated turns sound and time like speech: hesitations, inaudible stretches, and
start/end times from speaking rates, pauses and overlaps.

Times are seconds from the start of the clip, rounded to milliseconds. Starts strictly
increase (so any reader that orders turns by start time recovers the generator's order), one
speaker's turns never overlap each other (one ELAN tier per speaker), and different speakers'
turns may overlap (interruptions, talking over, bystanders).
"""

from __future__ import annotations

import random
import re

from workbench.demo.turns import OFFICER, SUBJECT, Turn

FILLERS = {OFFICER: ("Erm, ", "Right, ", "OK, so ", "Look, ", "Er, "),
           SUBJECT: ("Erm, ", "Like, ", "Bro, ", "Man, ", "Er, ", "I mean, ")}
FILLER_RATE = {OFFICER: 0.12, SUBJECT: 0.18}
INAUDIBLE_RATE = {"good": 0.0, "fair": 0.02, "poor": 0.08}
#: Words per second: officers speak a little slower than subjects (≈ 150 vs 175 wpm).
SPEECH_RATE = {OFFICER: 2.5, SUBJECT: 2.9}
_KEEP_CASE = re.compile(r"^(I\b|I'|PC\b|PS\b|OK\b|[A-Z]{2,})")
_NOTE = re.compile(r"\[[^\]]*\]")


def _lower_first(text: str) -> str:
    return text if _KEEP_CASE.match(text) else text[:1].lower() + text[1:]


def roughen(turns: list[Turn], rng: random.Random, audio_quality: str) -> None:
    """Add hesitations, repeated starts and ``[inaudible]`` in place; turns that plant
    personal details are left exactly as generated."""
    for turn in turns:
        if turn.pii or turn.text.startswith("["):
            continue
        words = turn.text.split()
        u = rng.random()
        rate = FILLER_RATE.get(turn.role, 0.1)
        if u < rate:
            filler = rng.choice(FILLERS.get(turn.role, FILLERS[SUBJECT]))
            turn.text = filler + _lower_first(turn.text)
        elif u < rate + 0.04 and len(words) > 3 and words[0].isalpha():
            turn.text = f"{words[0]}- {turn.text}"
        if len(words) > 5 and rng.random() < INAUDIBLE_RATE[audio_quality]:
            words = turn.text.split()
            cut = rng.randint(2, len(words) - 2)
            turn.text = " ".join([*words[:cut], "[inaudible]", *words[cut + 2:]])


def _duration(turn: Turn, rng: random.Random) -> float:
    spoken = _NOTE.sub(" ", turn.text).split()
    notes = len(_NOTE.findall(turn.text))
    rate = SPEECH_RATE.get(turn.role, 3.0) * rng.uniform(0.85, 1.15)
    return max(0.5, len(spoken) / rate + 1.2 * notes + rng.uniform(0.15, 0.5))


def place(turns: list[Turn], rng: random.Random) -> list[tuple[float, float]]:
    """(start, end) in seconds for each turn, in order."""
    times: list[tuple[float, float]] = []
    speaker_end: dict[str, float] = {}
    clock = round(rng.uniform(1.0, 20.0), 3)  # camera running before anyone speaks
    for i, turn in enumerate(turns):
        duration = _duration(turn, rng)
        if i == 0:
            start = clock
        else:
            p_start, p_end = times[-1]
            if turn.overlap:
                start = p_start + max(0.2, rng.uniform(0.35, 0.8) * (p_end - p_start))
            else:
                start = p_end + rng.gammavariate(2.0, 0.3) + turn.pause
            start = max(start, speaker_end.get(turn.speaker, 0.0) + 0.05, p_start + 0.05)
        start = round(start, 3)
        end = round(start + duration, 3)
        times.append((start, end))
        speaker_end[turn.speaker] = end
    return times
