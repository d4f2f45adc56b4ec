"""Every malformed input is refused with the file, the line (or field) and what was expected."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import webvtt

from workbench.exceptions import IngestError
from workbench.ingest import read_clip_metadata, read_transcript

VTT_OK = "00:00:01.000 --> 00:00:02.000\nHello.\n"
SRT_OK = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n"
EAF_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<ANNOTATION_DOCUMENT AUTHOR="" '
            'FORMAT="3.0" VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">\n'
            '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>\n')
EAF_TYPE = '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="u" TIME_ALIGNABLE="true"/>\n'


def _eaf(slots: str, annotations: str) -> str:
    return (EAF_HEAD + f"<TIME_ORDER>{slots}</TIME_ORDER>\n"
            f'<TIER LINGUISTIC_TYPE_REF="u" TIER_ID="PC A">{annotations}</TIER>\n'
            + EAF_TYPE + "</ANNOTATION_DOCUMENT>\n")


def _ann(aid: str, ts1: str, ts2: str, text: str = "Hi.") -> str:
    return (f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{aid}" TIME_SLOT_REF1="{ts1}" '
            f'TIME_SLOT_REF2="{ts2}"><ANNOTATION_VALUE>{text}</ANNOTATION_VALUE>'
            "</ALIGNABLE_ANNOTATION></ANNOTATION>")


def _slot(sid: str, value: int | None) -> str:
    v = "" if value is None else f' TIME_VALUE="{value}"'
    return f'<TIME_SLOT TIME_SLOT_ID="{sid}"{v}/>'


# (file name, content, expected line, expected field, fragment of the message)
CASES = [
    # --- WebVTT
    ("empty.vtt", "", 1, None, "empty"),
    ("blank.vtt", "\n \n\n", 1, None, "empty"),
    ("no_header.vtt", VTT_OK, 1, None, "WEBVTT"),
    ("header_only.vtt", "WEBVTT\n\nNOTE nothing here\n", 3, None, "no utterances"),
    ("bad_ts.vtt", "WEBVTT\n\n" + VTT_OK + "\n00:00:03.000 --> 00:00:0x.000\nBye.\n", 6, None,
     "malformed timestamp"),
    ("minutes60.vtt", "WEBVTT\n\n00:60:00.000 --> 00:61:00.000\nHi.\n", 3, None, "00–59"),
    ("backwards.vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nHi.\n", 3, None,
     "before start"),
    ("negative.vtt", "WEBVTT\n\n-00:00:01.000 --> 00:00:02.000\nHi.\n", 3, None,
     "negative time"),
    ("no_timing.vtt", "WEBVTT\n\n" + VTT_OK + "\nLost text.\n\n" + VTT_OK, 6, None,
     "without its timing line"),
    ("id_and_text.vtt", "WEBVTT\n\n" + VTT_OK + "\n7\nLost text.\n" + VTT_OK, 6, None,
     "without its timing line"),
    ("arrow_in_text.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nsays --> go\n", 4, None,
     "malformed timestamp"),
    ("only_empty_cue.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<c> </c>\n", 4, None,
     "only empty cues"),
    ("cp1252.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nCaf\xe9 au lait\n", 4, None,
     "not valid UTF-8"),
    ("utf32.vtt", codecs.BOM_UTF32_LE + "WEBVTT\n".encode("utf-32-le"), 1, None, "UTF-32"),
    # --- SRT
    ("empty.srt", "", 1, None, "empty"),
    ("dot.srt", SRT_OK + "\n2\n00:00:03,000 --> 00:00:04.000\nBye.\n", 6, None,
     "malformed timestamp"),
    ("no_timing.srt", SRT_OK + "\n2\nLost text.\n", 6, None, "has no timing line"),
    ("text_only.srt", "Just some words\n", 1, None, "not SRT"),
    ("vtt_named.srt", "WEBVTT\n\n" + VTT_OK, 1, None, "WebVTT"),
    ("blank_in_text.srt", SRT_OK + "\nmore words\n", 5, None, "without its timing line"),
    ("backwards.srt", "1\n00:00:05,000 --> 00:00:01,000\nHi.\n", 2, None, "before start"),
    ("negative.srt", "1\n-00:00:01,000 --> 00:00:02,000\nHi.\n", 2, None, "negative time"),
    # --- CSV / JSON Lines
    ("empty.csv", "", 1, None, "empty"),
    ("no_end.csv", "clip_id,start,speaker,text\nc1,0,PC A,Hi\n", 1, None, "missing column"),
    ("metadata_like.csv", "clip_id,borough\nc1,Lambeth\n", 1, None, "metadata"),
    ("header_only.csv", "clip_id,start,end,speaker,text\n", 1, None, "no utterances"),
    ("text_time.csv", "clip_id,start,end,speaker,text\nc1,0,1,A,Hi\nc1,1:30,2,A,Hi\n", 3,
     "start", "non-numeric time"),
    ("empty_time.csv", "clip_id,start,end,speaker,text\nc1,0,,A,Hi\n", 2, "end", "missing time"),
    ("negative.csv", "clip_id,start,end,speaker,text\nc1,-1,2,A,Hi\n", 2, "start",
     "negative time"),
    ("nan.csv", "clip_id,start,end,speaker,text\nc1,nan,2,A,Hi\n", 2, "start", "not finite"),
    ("backwards.csv", "clip_id,start,end,speaker,text\nc1,5,2,A,Hi\n", 2, "end",
     "before start"),
    ("bad_role.csv", "clip_id,start,end,speaker,role,text\nc1,0,2,A,boss,Hi\n", 2, "role",
     "unknown role"),
    ("no_clip.csv", "clip_id,start,end,speaker,text\n ,0,2,A,Hi\n", 2, "clip_id",
     "empty clip id"),
    ("short_row.csv", 'clip_id,start,end,speaker,text\nc1,0,2,A,"two\nlines"\nc1,3,4\n', 4,
     None, "3 cells"),
    ("all_empty_text.csv", "clip_id,start,end,speaker,text\nc1,0,2,A,\n", None, "text",
     "no utterances"),
    ("bad_json.jsonl", '{"clip_id": "c1", "start": 0, "end": 1, "speaker": "A", "text": "x"}\n'
     '{"clip_id": "c1", "start": 0,\n', 2, None, "not valid JSON"),
    ("list.jsonl", "[1, 2]\n", 1, None, "JSON object"),
    ("no_text.jsonl", '{"clip_id": "c1", "start": 0, "end": 1, "speaker": "A"}\n', 1, None,
     "missing column(s) text"),
    ("bool_time.jsonl", '{"clip_id": "c1", "start": true, "end": 1, "speaker": "A", '
     '"text": "x"}\n', 1, "start", "missing time"),
    # --- ELAN
    ("broken.eaf", EAF_HEAD + "<TIME_ORDER>\n<oops></TIME_ORDER>\n", 5, None, "not well-formed"),
    ("no_turns.eaf", _eaf(_slot("ts1", 0), ""), None, "tiers", "no speech tier"),
    ("backwards.eaf", _eaf(_slot("ts1", 500) + _slot("ts2", 100), _ann("a1", "ts1", "ts2")),
     5, None, "before start"),
    ("unvalued_end.eaf", _eaf(_slot("ts1", 500) + _slot("ts2", None), _ann("a1", "ts1", "ts2")),
     5, None, "unvalued time slot"),
    ("negative.eaf", _eaf(_slot("ts1", -500) + _slot("ts2", 100), _ann("a1", "ts1", "ts2")),
     5, None, "negative time"),
    ("missing_slot.eaf", _eaf(_slot("ts1", 0), _ann("a1", "ts1", "ts9")), 5, None,
     "not in TIME_ORDER"),
    # --- no reader
    ("notes.txt", "hello", None, None, "no transcript reader"),
]


@pytest.mark.parametrize(("name", "content", "line", "field", "fragment"), CASES,
                         ids=[c[0] for c in CASES])
def test_malformed_file_is_refused_with_file_line_and_expectation(
        tmp_path: Path, name: str, content: str | bytes, line: int | None, field: str | None,
        fragment: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    with pytest.raises(IngestError) as info:
        read_transcript(path)
    error = info.value
    assert error.path == path
    assert (error.line, error.field) == (line, field)
    assert fragment in error.message
    assert str(error).startswith(str(path))
    assert "expected" in error.message or "not SRT" in error.message


@pytest.mark.parametrize(("encoding", "bom"), [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf8_and_bom_marked_utf16_are_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "enc.srt"
    path.write_bytes(bom + "1\r\n00:00:01,000 --> 00:00:02,000\r\nPC Ó Sé: Café.\r\n"
                     .encode(encoding))
    [clip] = read_transcript(path)
    assert [(t.speaker, t.text) for t in clip.turns] == [("PC Ó Sé", "Café.")]


@pytest.mark.parametrize(("content", "line", "field", "fragment"), [
    ("borough\nLambeth\n", 1, None, "missing column clip_id"),
    ("clip_id,date\nc1,2022-03-01\nc1,2022-03-02\n", 3, "clip_id", "appears twice"),
    ("clip_id,date\nc1,01/03/2022\n", 2, "date", "YYYY-MM-DD"),
    ("clip_id,n_officers\nc1,two\n", 2, "n_officers", "whole number"),
    ("clip_id,duration\nc1,-3\n", 2, "duration", "≥ 0"),
    ("clip_id,synthetic\nc1,maybe\n", 2, "synthetic", "true or false"),
    ("clip_id,borough,borough\nc1,a,b\n", 1, None, "repeated"),
    ("clip_id,borough\nc1,a,b\n", 2, None, "3 cells"),
])
def test_malformed_metadata_is_refused_with_line_and_column(
        tmp_path: Path, content: str, line: int, field: str | None, fragment: str) -> None:
    path = tmp_path / "meta.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read_clip_metadata(path)
    assert (info.value.path, info.value.line, info.value.field) == (path, line, field)
    assert fragment in info.value.message


@pytest.mark.parametrize(("tamper", "line", "fragment"), [
    (lambda caps: caps[:1], 6, "dropped this cue"),  # the library loses the second cue
    (lambda caps: [caps[0], webvtt.Caption(caps[1].start, caps[1].end, "Bye. Extra.")], 6,
     "read this cue differently"),  # ... or merges text into it
    (lambda caps: [*caps, caps[1]], 7, "found 3 cues where the scan found 2"),
])
def test_a_cue_webvtt_py_drops_or_changes_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tamper, line: int,
        fragment: str) -> None:
    real = webvtt.from_string

    def tampered(text: str) -> webvtt.WebVTT:
        return webvtt.WebVTT(captions=tamper(real(text).captions))

    monkeypatch.setattr(webvtt, "from_string", tampered)
    path = tmp_path / "two.vtt"
    path.write_text("WEBVTT\n\n" + VTT_OK + "\n00:00:03.000 --> 00:00:04.000\nBye.\n",
                    encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read_transcript(path)
    assert (info.value.path, info.value.line) == (path, line)
    assert fragment in info.value.message
