"""Property tests of the readers (hypothesis, fixed seed, small budget).

1. Whatever the bytes, a reader returns clips or raises :class:`IngestError` — never another
   exception (encoding, NUL bytes, truncation, junk).
2. Turns written in any format are read back exactly (count, times, text).
3. A file cut anywhere is refused, or read as a prefix of what was written: never more turns,
   never text that was not written.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workbench.exceptions import IngestError
from workbench.ingest import read_transcript

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
EXTENSIONS = ("vtt", "srt", "eaf", "json", "csv", "tsv", "jsonl")
WORDS = st.text(alphabet=st.sampled_from("abcdefghij KLMNOP'?,.é"), min_size=1, max_size=30)
TURNS = st.lists(st.tuples(st.integers(0, 3_600_000), st.integers(0, 20_000), WORDS),
                 min_size=1, max_size=6)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _ts(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{milli:03d}"


def _turns(raw: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Distinct, non-empty turns in start order (as a transcript would hold them)."""
    seen, out = set(), []
    for start, length, text in sorted(raw):
        words = _clean(text)
        if words and (start, words) not in seen and not words.startswith(("-", "'")):
            seen.add((start, words))
            out.append((start, start + length, f"T{len(out)} {words}"))
    return out


def _write(kind: str, turns: list[tuple[int, int, str]]) -> str:
    if kind == "vtt":
        return "WEBVTT\n\n" + "".join(f"{_ts(a, '.')} --> {_ts(b, '.')}\n{t}\n\n"
                                      for a, b, t in turns)
    if kind == "srt":
        return "".join(f"{i}\n{_ts(a, ',')} --> {_ts(b, ',')}\n{t}\n\n"
                       for i, (a, b, t) in enumerate(turns, 1))
    if kind == "json":
        return json.dumps({"segments": [{"start": a / 1000, "end": b / 1000, "text": t}
                                        for a, b, t in turns]})
    if kind == "tsv":
        return "start\tend\ttext\n" + "".join(f"{a}\t{b}\t{t}\n" for a, b, t in turns)
    if kind == "csv":
        return "clip_id,start,end,speaker,text\n" + "".join(
            f'c1,{a / 1000},{b / 1000},A,"{t}"\n' for a, b, t in turns)
    if kind == "jsonl":
        return "".join(json.dumps({"clip_id": "c1", "start": a / 1000, "end": b / 1000,
                                   "speaker": "A", "text": t}) + "\n" for a, b, t in turns)
    slots = "".join(f'<TIME_SLOT TIME_SLOT_ID="s{2 * i}" TIME_VALUE="{a}"/>'
                    f'<TIME_SLOT TIME_SLOT_ID="s{2 * i + 1}" TIME_VALUE="{b}"/>'
                    for i, (a, b, _) in enumerate(turns))
    anns = "".join(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{i}" '
                   f'TIME_SLOT_REF1="s{2 * i}" TIME_SLOT_REF2="s{2 * i + 1}"><ANNOTATION_VALUE>'
                   f"{t}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>"
                   for i, (_, _, t) in enumerate(turns))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ANNOTATION_DOCUMENT>\n'
            '<HEADER TIME_UNITS="milliseconds"/>\n'
            f"<TIME_ORDER>{slots}</TIME_ORDER>\n"
            f'<TIER TIER_ID="PC A" LINGUISTIC_TYPE_REF="u">{anns}</TIER>\n'
            '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="u" TIME_ALIGNABLE="true"/>\n'
            "</ANNOTATION_DOCUMENT>\n")


def _read(tmp_path: Path, kind: str, data: bytes) -> list[tuple[float, float, str]]:
    path = tmp_path / f"clip.{kind}"
    path.write_bytes(data)
    return [(t.start, t.end, t.text) for c in read_transcript(path) for t in c.turns]


@SETTINGS
@given(kind=st.sampled_from(EXTENSIONS), data=st.binary(max_size=300))
def test_any_bytes_give_clips_or_a_clear_refusal(tmp_path: Path, kind: str, data: bytes) -> None:
    try:
        _read(tmp_path, kind, data)
    except IngestError as exc:
        assert str(exc).startswith(str(tmp_path))


@SETTINGS
@given(kind=st.sampled_from(EXTENSIONS), raw=TURNS)
def test_turns_written_in_any_format_read_back_exactly(tmp_path: Path, kind: str,
                                                       raw: list[tuple[int, int, str]]) -> None:
    turns = _turns(raw)
    assume(turns)  # every generated turn may be filtered out (e.g. a lone "'")
    got = _read(tmp_path, kind, _write(kind, turns).encode("utf-8"))
    assert sorted(got) == sorted((a / 1000, b / 1000, t) for a, b, t in turns)


@SETTINGS
@given(kind=st.sampled_from(EXTENSIONS), raw=TURNS, cut=st.floats(0, 1),
       junk=st.sampled_from(["", "\x00", "\ufffd", "\r", "\u2028"]))
def test_a_cut_or_damaged_file_is_refused_or_read_as_a_prefix(
        tmp_path: Path, kind: str, raw: list[tuple[int, int, str]], cut: float,
        junk: str) -> None:
    turns = _turns(raw)
    text = _write(kind, turns)
    damaged = text[: int(len(text) * cut)] + junk
    try:
        got = _read(tmp_path, kind, damaged.encode("utf-8"))
    except IngestError:
        return
    written = {(a / 1000, b / 1000, t) for a, b, t in turns}
    assert len(got) <= len(turns)
    for start, end, words in got:  # a cut may shorten the last text, never invent one
        assert any(start == a and end == b and t.startswith(words) for a, b, t in written) \
            or any(words == t for _, _, t in written)
