"""A second, independent count of what a transcript file holds — it shares no code with
``workbench.ingest`` (and must never import it): regular expressions, ``csv`` and ``json``.

It answers, for one file and the dialect a person read it as: how many utterances, which
speaker labels, and the first and last (start, end, text). The rules are written from the
formats' descriptions, not from the readers:

- captions: blocks separated by empty lines (a line of spaces belongs to its cue, as in the
  WebVTT parsing rules: YouTube writes such lines inside cues); a block with ``-->`` is a cue;
  ``NOTE``, ``STYLE``, ``REGION`` and the header are not; tags ``<…>`` are removed and
  entities unescaped. A cue holds one turn per voice span (plus text outside spans), else one
  per line starting with a dialogue dash or a ``[Name]``/``SPEAKER_nn:`` label followed by
  words (a bracket alone on its line is a sound description, kept as text), else one. Classic
  Teams fractions are whole milliseconds.
- meeting-tool name prefixes (Zoom writes the participant's display name, a colon and a
  space before the words of each cue): with ``names``, a cue starting with one to six words
  that each begin with a capital letter, then ``: `` and text, has that speaker; a cue without
  such a prefix has none.
- rolling captions: the last line of each cue is the line being spoken; runs of cues with the
  same last line are one utterance from the run's first start to its last end.
- ELAN: the annotation values with text in the tiers a person chose as speech.
- Whisper JSON: segments with text; TSV: rows (milliseconds in Whisper's own TSV).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)")
_TAG = re.compile(r"<[^>]*>")
_VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]*)>(.*?)(?:</v>|$)")
_LABEL = re.compile(r"^(?:\[([A-ZÀ-Þ][^\]]*)\]|(SPEAKER_\d+):)")


@dataclass(frozen=True)
class Count:
    """What the file holds by this count."""

    n: int
    speakers: frozenset[str]
    first: tuple[float, float, str]
    last: tuple[float, float, str]


def _seconds(stamp: str, teams: bool) -> float:
    parts = stamp.replace(",", ".").split(":")
    whole, _, fraction = parts[-1].partition(".")
    millis = int(fraction) if teams else int((fraction + "000")[:3])
    minutes = int(parts[-2]) if len(parts) > 1 else 0
    hours = int(parts[-3]) if len(parts) > 2 else 0
    return round(hours * 3600 + minutes * 60 + int(whole) + millis / 1000, 3)


def _clean(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _cue_turns(lines: list[str]) -> list[tuple[str, str]]:
    joined = "\n".join(lines)
    if "<v" in joined:
        turns = []
        for line in lines:
            before = line.split("<v", 1)[0]
            if _clean(before):
                turns.append(("", _clean(before)))
            for name, text in _VOICE.findall(line):
                turns.append((" ".join(name.split()), _clean(text)))
            after = line.rsplit("</v>", 1)[1] if "</v>" in line else ""
            if _clean(after):
                turns.append(("", _clean(after)))
        return [t for t in turns if t[1]]
    turns: list[tuple[str, str]] = []
    for raw in lines:
        text = _clean(raw)
        if not text:
            continue
        dash = text[0] in "-‐–—" and len(text) > 1 and text[1] not in "-‐–—>"
        body = text[1:].strip() if dash else text
        label = _LABEL.match(body)
        if label and not body[label.end():].lstrip(": ").strip():
            label = None  # a bracket alone on its line describes a sound: it is text
        speaker = (label.group(1) or label.group(2)) if label else ""
        if label:
            body = body[label.end():].lstrip(": ").strip()
        if (dash or label or not turns) and body:
            turns.append((speaker, body))
        elif body:
            turns[-1] = (turns[-1][0], f"{turns[-1][1]} {body}")
    return turns


def _cues(text: str, teams: bool) -> list[tuple[float, float, list[str]]]:
    cues = []
    for block in re.split(r"\n\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = block.split("\n")
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timings = [k for k, line in enumerate(lines) if _TIMING.match(line)]
        for k, at in enumerate(timings):  # a timing line starts a cue, blank line or not
            match = _TIMING.match(lines[at])
            assert match is not None
            stop = timings[k + 1] if k + 1 < len(timings) else len(lines)
            cues.append((_seconds(match.group(1), teams), _seconds(match.group(2), teams),
                         lines[at + 1:stop]))
    return cues


def _summary(turns: list[tuple[float, float, str, str]]) -> Count:
    ordered = sorted(turns, key=lambda t: t[0])
    return Count(len(ordered), frozenset(t[2] for t in ordered if t[2]),
                 (ordered[0][0], ordered[0][1], ordered[0][3]),
                 (ordered[-1][0], ordered[-1][1], ordered[-1][3]))


_DISPLAY_NAME = re.compile(r"^((?:[A-Z][\w.'’-]*)(?: [A-Z][\w.'’-]*){0,5}): (\S.*)$", re.S)


def _named(speaker: str, body: str) -> tuple[str, str]:
    match = _DISPLAY_NAME.match(body)
    return (match.group(1), match.group(2).strip()) if match and not speaker else (speaker, body)


def count_captions(path: Path, *, teams: bool = False, rolling: bool = False,
                   names: bool = False) -> Count:
    """Utterances of a WebVTT or SRT file (see the module for the rules)."""
    text = path.read_text(encoding="utf-8-sig")
    turns: list[tuple[float, float, str, str]] = []
    for start, end, lines in _cues(text, teams):
        if rolling:
            kept = [_clean(line) for line in lines if _clean(line)]
            if not kept:
                continue
            if turns and turns[-1][3] == kept[-1]:
                turns[-1] = (turns[-1][0], end, "", kept[-1])
            else:
                turns.append((start, end, "", kept[-1]))
            continue
        for speaker, body in _cue_turns(lines):
            if names:
                speaker, body = _named(speaker, body)
            turns.append((start, end, speaker, body))
    return _summary(turns)


def count_eaf(path: Path, speech_tiers: list[str]) -> Count:
    """Annotation values with text in the named tiers; speaker = PARTICIPANT, else tier id."""
    text = path.read_text(encoding="utf-8")
    slots = {m.group(1): int(m.group(2)) for m in re.finditer(
        r'TIME_SLOT_ID="([^"]+)"\s+TIME_VALUE="(\d+)"', text)}
    turns = []
    for tier in re.finditer(r"<TIER\b([^>]*)>(.*?)</TIER>", text, re.S):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tier.group(1)))
        if attrs["TIER_ID"] not in speech_tiers:
            continue
        speaker = attrs.get("PARTICIPANT") or attrs["TIER_ID"]
        for ann in re.finditer(r'TIME_SLOT_REF1="([^"]+)"\s+TIME_SLOT_REF2="([^"]+)"[^>]*>\s*'
                               r"<ANNOTATION_VALUE>(.*?)</ANNOTATION_VALUE>", tier.group(2),
                               re.S):
            value = _clean(ann.group(3))
            if value:
                turns.append((slots[ann.group(1)] / 1000, slots[ann.group(2)] / 1000, speaker,
                              value))
    return _summary(turns)


def count_whisper_json(path: Path) -> Count:
    data = json.loads(path.read_text(encoding="utf-8"))
    segments = data["segments"] if isinstance(data, dict) else data
    return _summary([(round(s["start"], 3), round(s["end"], 3), str(s.get("speaker") or ""),
                      " ".join(s["text"].split())) for s in segments if s["text"].strip()])


def count_tsv(path: Path, *, milliseconds: bool) -> Count:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t"))
    unit = 0.001 if milliseconds else 1.0
    return _summary([(round(float(r["start"]) * unit, 3), round(float(r["end"]) * unit, 3),
                      r.get("speaker") or "", " ".join(r["text"].split())) for r in rows
                     if r["text"].strip()])
