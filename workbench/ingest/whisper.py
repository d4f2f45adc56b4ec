"""Whisper-family JSON (``.json``): OpenAI Whisper, faster-whisper, stable-ts and WhisperX.

Accepted shapes: the result object ``{"text": …, "segments": [...], "language": …}`` that
``whisper --output_format json`` writes, WhisperX's ``{"segments": [...], "word_segments":
[...]}``, or a bare list of segments. Each segment needs ``start`` and ``end`` (seconds) and
``text``; ``speaker`` (a diarisation label such as ``SPEAKER_00``) is optional, and when a
WhisperX segment has none but all its ``words`` that carry a speaker agree, that speaker is
used. The clip id is the file's stem; errors name the segment (``segments[i]``).

Nothing is lost or doubled silently: a JSON object with a repeated key, a segment repeated
exactly (same times and text), or segment ``id`` values that do not count up by one from 0
(OpenAI Whisper, WhisperX) or from 1 (faster-whisper, whisper-ctranslate2) — a segment missing
or repeated — are refused; the top-level ``text``, when present, is checked
against the segments' text joined (a second, independent count of what was said).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from workbench.exceptions import IngestError
from workbench.ingest.records import ParsedClip, Turn, check_clip_id, check_times
from workbench.ingest.source import read_text
from workbench.ingest.speakers import normalise_text
from workbench.ingest.tabular import _unique_keys
from workbench.ingest.timecode import parse_seconds
from workbench.textfiles import parse_json

_EXPECTED = ("a Whisper result object with a 'segments' list (whisper --output_format json, "
             "WhisperX), or a list of segments with start, end and text")


def _load(path: Path) -> Any:
    text = read_text(path)
    if not text.strip():
        raise IngestError(f"the file is empty; expected {_EXPECTED}", path=path, line=1)
    return parse_json(text, path, error=IngestError, expected=_EXPECTED,  # depth, integers
                      object_pairs_hook=_unique_keys)


def _segments(data: Any, path: Path) -> tuple[list[Any], str]:
    if isinstance(data, list):
        return data, "whisper-json (segment list)"
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise IngestError(f"no 'segments' list; expected {_EXPECTED}", path=path,
                          field="segments")
    segments = data["segments"]
    whisperx = "word_segments" in data or any(
        isinstance(s, dict) and ("speaker" in s or any(
            isinstance(w, dict) and "score" in w for w in s.get("words") or []))
        for s in segments)
    return segments, "whisperx-json" if whisperx else "whisper-json"


def _speaker(segment: dict[str, Any], where: str, notes: list[str]) -> str:
    if segment.get("speaker") is not None:
        return " ".join(str(segment["speaker"]).split())
    labels = Counter(str(w["speaker"]) for w in segment.get("words") or []
                     if isinstance(w, dict) and w.get("speaker") is not None)
    if len(labels) == 1:
        return " ".join(next(iter(labels)).split())
    if len(labels) > 1:
        notes.append(f"{where}: no segment speaker and its words have {len(labels)} speakers "
                     f"({', '.join(sorted(labels))}); left unlabelled")
    return ""


def _first_id(segments: list[Any]) -> int:
    """Where the segment ids start: 1 when the first segment's id is 1 (faster-whisper), else 0."""
    first = segments[0] if segments else None
    return 1 if isinstance(first, dict) and first.get("id") == 1 else 0


def read_whisper_json(path: Path, options: object = None) -> list[ParsedClip]:
    """Read one Whisper/WhisperX JSON file as one clip (clip id = file stem).

    Raises
    ------
    IngestError
        for malformed or truncated JSON, a repeated key, no segments list, a segment without
        start/end/text, a negative time or an end before a start, a repeated segment, ids out of
        sequence, or no segment with text.
    """
    clip_id = check_clip_id(path.stem, path, field="file name")
    data = _load(path)
    segments, dialect = _segments(data, path)
    turns: list[Turn] = []
    notes: list[str] = []
    seen: dict[tuple[float, float, str], int] = {}
    base = _first_id(segments)
    for i, segment in enumerate(segments):
        where = f"segments[{i}]"
        if not isinstance(segment, dict):
            raise IngestError(f"a JSON {type(segment).__name__}; expected a segment object with "
                              "start, end and text", path=path, field=where)
        if "id" in segment and segment["id"] != base + i:
            raise IngestError(f"segment id {segment['id']!r} at position {i}; expected ids "
                              f"{base}, {base + 1}, {base + 2}, … in order (a segment is missing "
                              "or repeated)", path=path, field=where)
        if "text" not in segment:
            raise IngestError("segment without 'text'; expected start, end and text", path=path,
                              field=where)
        start = parse_seconds(segment.get("start"), path, line=None, field=f"{where}.start")
        end = parse_seconds(segment.get("end"), path, line=None, field=f"{where}.end")
        check_times(start, end, path, field=where)
        text = normalise_text(str(segment.get("text") or ""))
        if not text:
            notes.append(f"{where} ({start:.3f}–{end:.3f} s) has no text; skipped")
            continue
        key = (start, end, text)
        if key in seen:
            raise IngestError(f"this segment repeats segments[{seen[key]}] exactly ({start:.3f}–"
                              f"{end:.3f} s, same text); expected each segment once",
                              path=path, field=where)
        seen[key] = i
        turns.append(Turn(start, end, _speaker(segment, where, notes), text))
    if not turns:
        raise IngestError(f"no utterances: {len(segments)} segments, none with text; expected "
                          "at least one segment with text", path=path, field="segments")
    if isinstance(data, dict) and isinstance(data.get("text"), str):
        joined = normalise_text(" ".join(str(s.get("text") or "") for s in segments))
        if normalise_text(data["text"]).replace(" ", "") != joined.replace(" ", ""):
            raise IngestError("the top-level 'text' differs from the segments' text joined; "
                              "expected the same words (a segment may be missing or edited)",
                              path=path, field="text")
    unlabelled = sum(1 for t in turns if not t.speaker)
    if unlabelled and unlabelled < len(turns):
        notes.append(f"{unlabelled} of {len(turns)} segments have no speaker label (role "
                     "unknown)")
    return [ParsedClip(clip_id, path, turns, notes, dialect=dialect)]
