"""The defects found with real-world transcripts, each reproduced on a small file of its kind.

Every case here was read wrongly before (silently lost, doubled, invented, wrongly timed or
refused) — see issue 10. The files are SYNTHETIC, written in the shape the real tools write.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.exceptions import IngestError
from workbench.ingest import ReadOptions, read_transcript

EAF_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<ANNOTATION_DOCUMENT FORMAT="3.0" '
            'VERSION="3.0">\n<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>\n')


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _eaf(slots: list[int], tiers: str, types: str = "") -> str:
    order = "".join(f'<TIME_SLOT TIME_SLOT_ID="ts{i}" TIME_VALUE="{v}"/>\n'
                    for i, v in enumerate(slots, 1))
    return (EAF_HEAD + f"<TIME_ORDER>\n{order}</TIME_ORDER>\n{tiers}"
            '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="utt" TIME_ALIGNABLE="true"/>\n'
            '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="assoc" CONSTRAINTS="Symbolic_Association" '
            'TIME_ALIGNABLE="false"/>\n' + types + "</ANNOTATION_DOCUMENT>\n")


def _tier(tier_id: str, annotations: list[tuple[str, int, int, str]], *, ltype: str = "utt",
          participant: str = "", parent: str = "") -> str:
    attrs = f'TIER_ID="{tier_id}" LINGUISTIC_TYPE_REF="{ltype}"'
    attrs += f' PARTICIPANT="{participant}"' if participant else ""
    attrs += f' PARENT_REF="{parent}"' if parent else ""
    body = "".join(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{a}" '
                   f'TIME_SLOT_REF1="ts{s}" TIME_SLOT_REF2="ts{e}"><ANNOTATION_VALUE>{v}'
                   "</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>\n"
                   for a, s, e, v in annotations)
    return f"<TIER {attrs}>\n{body}</TIER>\n"


def _refs(tier_id: str, refs: list[tuple[str, str, str]], *, parent: str,
          participant: str = "") -> str:
    who = f' PARTICIPANT="{participant}"' if participant else ""
    body = "".join(f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{a}" ANNOTATION_REF="{r}">'
                   f"<ANNOTATION_VALUE>{v}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>\n"
                   for a, r, v in refs)
    return (f'<TIER TIER_ID="{tier_id}" LINGUISTIC_TYPE_REF="assoc" PARENT_REF="{parent}"'
            f"{who}>\n{body}</TIER>\n")


# ---- ELAN: silent loss ------------------------------------------------------------------------
def test_repeated_annotation_ids_are_all_read_not_collapsed(tmp_path: Path) -> None:
    # pympi-ling keys annotations by id: 3 annotations sharing ids were read as 1
    tier = _tier("PC A", [("a1", 1, 2, "one"), ("a1", 2, 3, "two"), ("a1", 3, 4, "three")])
    [clip] = read_transcript(_write(tmp_path, "dup.eaf", _eaf([0, 1000, 2000, 3000], tier)))
    assert [t.text for t in clip.turns] == ["one", "two", "three"]
    assert any("ANNOTATION_ID" in w and "every copy read" in w for w in clip.warnings)


def test_two_tiers_sharing_a_tier_id_are_refused_naming_the_second(tmp_path: Path) -> None:
    tiers = (_tier("PC A", [("a1", 1, 2, "hello")])
             + _tier("PC A", [("a2", 2, 3, "again")]))
    path = _write(tmp_path, "twin.eaf", _eaf([0, 1000, 2000], tiers))
    with pytest.raises(IngestError) as info:
        read_transcript(path)
    assert "TIER_ID 'PC A' appears twice" in info.value.message
    starts = [n for n, line in enumerate(path.read_text().splitlines(), 1)
              if line.startswith("<TIER ")]
    assert info.value.line == starts[1]


def test_markup_inside_an_annotation_value_keeps_all_its_text(tmp_path: Path) -> None:
    tier = _tier("PC A", [("a1", 1, 2, "hello <i>quiet</i> world")])
    [clip] = read_transcript(_write(tmp_path, "markup.eaf", _eaf([0, 1500], tier)))
    assert clip.turns[0].text == "hello quiet world"  # was "hello"
    assert any("markup" in w for w in clip.warnings)


# ---- ELAN: invented speech and tier choice ----------------------------------------------------
NON_SPEECH = (
    _tier("PC A", [("a1", 1, 2, "Stop there please")], participant="PC A")
    + _tier("Subject", [("a2", 2, 3, "Why me")], participant="S1")
    + _tier("Subject overlap", [("a3", 3, 4, "not again")], participant="S1")
    + _tier("gesture PC A", [("a4", 1, 2, "points")])
    + _tier("gaze S1", [("a5", 2, 3, "down")])
    + _tier("stance", [("a6", 1, 3, "hostile")])
    + _tier("section", [("a7", 1, 4, "opening")])
    + _tier("loudness dB", [("a8", 1, 2, "62.5"), ("a9", 2, 3, "70")])
    + _tier("cv labels", [("a10", 1, 2, "nod")], ltype="gestcv")
)
CV_TYPE = ('<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="gestcv" TIME_ALIGNABLE="true" '
           'CONTROLLED_VOCABULARY_REF="Gestures"/>\n')


def test_gestures_gaze_stance_sections_and_measurements_are_not_speech(tmp_path: Path) -> None:
    [clip] = read_transcript(_write(tmp_path, "tiers.eaf",
                                    _eaf([0, 1000, 2000, 3000], NON_SPEECH, CV_TYPE)))
    assert [t.text for t in clip.turns] == ["Stop there please", "Why me", "not again"]
    used = {t.tier_id: t.reason for t in clip.tiers if t.used}
    assert set(used) == {"PC A", "Subject", "Subject overlap"}
    reasons = {t.tier_id: t.reason for t in clip.tiers if not t.used}
    assert "gesture" in reasons["gesture PC A"] and "gaze" in reasons["gaze S1"]
    assert "stance" in reasons["stance"] and "section" in reasons["section"]
    assert "number" in reasons["loudness dB"] and "controlled vocabulary" in reasons["cv labels"]


def test_tiers_sharing_a_participant_keep_their_tier_ids(tmp_path: Path) -> None:
    [clip] = read_transcript(_write(tmp_path, "tiers.eaf",
                                    _eaf([0, 1000, 2000, 3000], NON_SPEECH, CV_TYPE)))
    assert [t.speaker for t in clip.turns] == ["PC A", "S1 (Subject)", "S1 (Subject overlap)"]


def test_speech_in_dependent_orth_tiers_under_empty_ref_tiers_is_read(tmp_path: Path) -> None:
    tiers = (_tier("ref@ANM", [("r1", 1, 2, ""), ("r2", 2, 3, "")], participant="ANM")
             + _refs("orth@ANM", [("o1", "r1", "Kde jsi byl?"), ("o2", "r2", "Doma.")],
                     parent="ref@ANM")
             + _refs("ft@ANM", [("f1", "r1", "Where were you?"), ("f2", "r2", "At home.")],
                     parent="ref@ANM"))
    [clip] = read_transcript(_write(tmp_path, "field.eaf", _eaf([0, 1000, 2500], tiers)))
    assert [(t.start, t.end, t.speaker, t.text) for t in clip.turns] == [
        (0.0, 1.0, "ANM", "Kde jsi byl?"), (1.0, 2.5, "ANM", "Doma.")]
    reasons = {t.tier_id: t.reason for t in clip.tiers}
    assert reasons["ref@ANM"].startswith("reference tier") and "not speech" in reasons["ft@ANM"]


def test_undecidable_tiers_are_refused_with_the_list_and_the_setting(tmp_path: Path) -> None:
    tiers = (_tier("ref@ANM", [("r1", 1, 2, "")])
             + _refs("orth@ANM", [("o1", "r1", "Kde jsi byl?")], parent="ref@ANM")
             + _refs("tx@ANM", [("t1", "r1", "kde si byl")], parent="ref@ANM"))
    path = _write(tmp_path, "two.eaf", _eaf([0, 1000], tiers))
    with pytest.raises(IngestError) as info:
        read_transcript(path)
    assert "'orth@ANM'" in info.value.message and "'tx@ANM'" in info.value.message
    assert "speech_tiers" in info.value.message
    [clip] = read_transcript(path, ReadOptions(speech_tiers=("^orth@",)))
    assert [t.text for t in clip.turns] == ["Kde jsi byl?"]


def test_skip_tiers_and_speech_tiers_settings_choose(tmp_path: Path) -> None:
    path = _write(tmp_path, "tiers.eaf", _eaf([0, 1000, 2000, 3000], NON_SPEECH, CV_TYPE))
    [clip] = read_transcript(path, ReadOptions(skip_tiers=("overlap",)))
    assert [t.text for t in clip.turns] == ["Stop there please", "Why me"]
    [clip] = read_transcript(path, ReadOptions(speech_tiers=("^stance$",)))
    assert [t.text for t in clip.turns] == ["hostile"]  # the user said so: no guessing


# ---- Teams, YouTube, Zoom, voice spans --------------------------------------------------------
def test_classic_teams_unpadded_milliseconds_are_whole_milliseconds(tmp_path: Path) -> None:
    text = ("WEBVTT\n\n0:4:5.900 --> 0:4:6.80\n<v Ann Lee>Right.</v>\n\n"
            "0:4:6.80 --> 0:4:6.530\n<v Bo Chan>Yes.</v>\n\n"
            "0:4:6.530 --> 0:4:9.0\n<v Ann Lee>So then.</v>\n")
    [clip] = read_transcript(_write(tmp_path, "teams.vtt", text))
    assert [(t.start, t.end) for t in clip.turns] == [
        (245.9, 246.08), (246.08, 246.53), (246.53, 249.0)]  # .80 is 80 ms, not 800
    assert clip.dialect == "webvtt/teams-classic+voice spans"


def test_a_short_fraction_in_a_padded_file_is_refused_as_ambiguous(tmp_path: Path) -> None:
    path = _write(tmp_path, "short.vtt", "WEBVTT\n\n00:00:01.5 --> 00:00:02.000\nHi.\n")
    with pytest.raises(IngestError, match="ambiguous timestamp") as info:
        read_transcript(path)
    assert info.value.line == 3


YOUTUBE = """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.110 align:start position:0%
·
good<00:00:00.400><c> evening</c><00:00:00.900><c> sir</c>

00:00:02.110 --> 00:00:02.120 align:start position:0%
good evening sir
·

00:00:02.120 --> 00:00:04.500 align:start position:0%
good evening sir
can<00:00:02.600><c> I</c><00:00:02.800><c> have</c><00:00:03.000><c> a</c><c> word</c>

00:00:04.500 --> 00:00:04.510 align:start position:0%
can I have a word
·

00:00:04.510 --> 00:00:06.000 align:start position:0%
can I have a word
what<00:00:05.000><c> for</c>

00:00:06.000 --> 00:00:06.010 align:start position:0%
what for
·
""".replace("·", " ")  # YouTube writes lines holding one space


def test_youtube_rolling_captions_store_each_line_once_with_its_full_times(
        tmp_path: Path) -> None:
    [clip] = read_transcript(_write(tmp_path, "yt.vtt", YOUTUBE))
    assert [(t.start, t.end, t.text) for t in clip.turns] == [
        (0.0, 2.12, "good evening sir"), (2.12, 4.51, "can I have a word"),
        (4.51, 6.01, "what for")]  # 6 cues, 3 lines: each was stored twice
    assert clip.dialect == "webvtt/youtube-rolling"


def test_word_highlight_subtitles_store_each_sentence_once(tmp_path: Path) -> None:
    cues = [("00:00:01,000", "00:00:01,400", '<font color="#00ff00">Stop</font> right there.'),
            ("00:00:01,400", "00:00:01,800", 'Stop <font color="#00ff00">right</font> there.'),
            ("00:00:01,800", "00:00:02,300", 'Stop right <font color="#00ff00">there.</font>'),
            ("00:00:03,000", "00:00:03,500", '<font color="#00ff00">Why?</font>')]
    text = "\n".join(f"{i}\n{a} --> {b}\n{t}\n" for i, (a, b, t) in enumerate(cues, 1))
    [clip] = read_transcript(_write(tmp_path, "karaoke.srt", text))
    assert [(t.start, t.end, t.text) for t in clip.turns] == [
        (1.0, 2.3, "Stop right there."), (3.0, 3.5, "Why?")]
    assert clip.dialect == "srt/word-highlight"


def test_zoom_display_names_with_parentheses_are_speakers(tmp_path: Path) -> None:
    text = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nJane Doe (SL): Can everyone hear?\n\n"
            "2\n00:00:02.500 --> 00:00:03.000\nOmar (Host): Yes.\n\n"
            "3\n00:00:03.500 --> 00:00:05.000\nSam Roe (she/her): Loud and clear.\n")
    [clip] = read_transcript(_write(tmp_path, "zoom.vtt", text))
    assert [(t.speaker, t.text) for t in clip.turns] == [
        ("Jane Doe (SL)", "Can everyone hear?"), ("Omar (Host)", "Yes."),
        ("Sam Roe (she/her)", "Loud and clear.")]
    assert clip.dialect == "webvtt/name prefixes"


def test_text_after_a_closed_voice_span_is_not_the_previous_speaker(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:01.000 --> 00:03.000\n<v PC Ray>Stop there.</v> [shouting]\n"
    [clip] = read_transcript(_write(tmp_path, "after.vtt", text))
    assert [(t.speaker, t.text) for t in clip.turns] == [("PC Ray", "Stop there."),
                                                         ("", "[shouting]")]


# ---- files that were refused ------------------------------------------------------------------
def test_srt_without_cue_numbers_is_read(tmp_path: Path) -> None:
    text = "00:00:01,000 --> 00:00:02,000\nHello.\n\n00:00:02,500 --> 00:00:03,000\nBye.\n"
    [clip] = read_transcript(_write(tmp_path, "nonum.srt", text))
    assert [(t.start, t.text) for t in clip.turns] == [(1.0, "Hello."), (2.5, "Bye.")]


def test_jsonl_with_a_raw_line_separator_inside_a_string_is_read(tmp_path: Path) -> None:
    text = ('{"clip_id": "c1", "start": 0, "end": 1, "speaker": "PC A", '
            '"text": "first\u2028second"}\n'
            '{"clip_id": "c1", "start": 1, "end": 2, "speaker": "PC A", "text": "third"}\n')
    [clip] = read_transcript(_write(tmp_path, "sep.jsonl", text))
    assert [t.text for t in clip.turns] == ["first second", "third"]
    assert [t.line for t in clip.turns] == [1, 2]


# ---- the missing readers and the delimiter ----------------------------------------------------
def test_whisper_json_with_diarised_speakers(tmp_path: Path) -> None:
    text = ('{"text": " Stop there. Why?", "segments": [\n'
            '{"id": 0, "seek": 0, "start": 0.0, "end": 1.5, "text": " Stop there.", '
            '"speaker": "SPEAKER_00"},\n'
            '{"id": 1, "seek": 0, "start": 1.6, "end": 2.0, "text": " Why?", '
            '"speaker": "SPEAKER_01"}], "language": "en"}\n')
    [clip] = read_transcript(_write(tmp_path, "w.json", text))
    assert [(t.start, t.end, t.speaker, t.text) for t in clip.turns] == [
        (0.0, 1.5, "SPEAKER_00", "Stop there."), (1.6, 2.0, "SPEAKER_01", "Why?")]
    assert clip.dialect == "whisperx-json"


@pytest.mark.parametrize(("text", "fragment"), [
    ('{"segments": [{"id": 0, "start": 0, "end": 1, "text": "a"}, '
     '{"id": 2, "start": 1, "end": 2, "text": "b"}]}', "ids 0, 1, 2"),
    ('{"segments": [{"id": 1, "start": 0, "end": 1, "text": "a"}, '
     '{"id": 3, "start": 1, "end": 2, "text": "b"}]}', "ids 1, 2, 3"),
    ('{"segments": [{"start": 0, "end": 1, "text": "a", "text": "b"}]}', "repeated key"),
    ('{"text": "a b c", "segments": [{"start": 0, "end": 1, "text": "a b"}]}', "differs"),
    ('{"segments": [{"start": 0, "end": 1, "text": "a"}, {"start": 0, "end": 1, "text": "a"}]}',
     r"repeats segments\[0\]"),
    ('{"segments": [{"start": 0, "end": 1, "text": "a"}, {"start": 1, "end"', "truncated"),
])
def test_whisper_json_loses_nothing_silently(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(IngestError, match=fragment):
        read_transcript(_write(tmp_path, "w.json", text))


def test_whisper_tsv_times_are_milliseconds(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.tsv", "start\tend\ttext\n0\t1500\tStop there.\n1600\t2000\tWhy?\n")
    [clip] = read_transcript(path)
    assert [(t.start, t.end) for t in clip.turns] == [(0.0, 1.5), (1.6, 2.0)]
    assert clip.dialect == "whisper-tsv (times in milliseconds)"


def test_a_tab_separated_file_named_csv_is_read_and_its_delimiter_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "clip_id\tstart\tend\tspeaker\ttext\nc1\t0\t1.5\tPC A\tHi\n")
    [clip] = read_transcript(path)
    assert clip.dialect == "csv (tab-separated, not comma)" and clip.turns[0].text == "Hi"


def test_a_csv_with_no_usable_delimiter_says_what_it_found(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "clip_id:start:end:text\nc1:0:1:Hi\n")
    with pytest.raises(IngestError, match="the header has no delimiter"):
        read_transcript(path)


# ---- repeats, truncation, bad bytes -------------------------------------------------------------
@pytest.mark.parametrize(("name", "text", "line", "fragment"), [
    ("cols.csv", "clip_id,start,end,speaker,text,text\nc1,0,1,A,Hi,Ho\n", 1, "repeated column"),
    ("rows.csv", "clip_id,start,end,speaker,text\nc1,0,1,A,Hi\nc1,1,2,A,Ho\nc1,0,1,A,Hi\n", 4,
     "repeats line 2"),
    ("keys.jsonl", '{"clip_id": "c1", "start": 0, "end": 1, "text": "a", "text": "b"}\n', 1,
     "repeated key"),
    ("cues.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nHi.\n\n00:03.000 --> 00:04.000\nHo.\n\n"
     "00:01.000 --> 00:02.000\nHi.\n", 9, "repeats the cue at line 3"),
    ("cut.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:02,000 --> 00:00:0", 6,
     "malformed timestamp"),
    ("cut.eaf", EAF_HEAD + '<TIME_ORDER>\n<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VA', 5,
     "truncated"),
    ("nul.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\x00\x00.\n", 4, "NUL character"),
])
def test_repeats_truncation_and_nul_bytes_are_refused_with_the_line(
        tmp_path: Path, name: str, text: str, line: int, fragment: str) -> None:
    with pytest.raises(IngestError) as info:
        read_transcript(_write(tmp_path, name, text))
    assert fragment in info.value.message
    assert info.value.line == line
