"""Each transcript reader turns its (synthetic) fixtures into exactly the hand-checked turns."""

from __future__ import annotations

from pathlib import Path

import pympi
import pytest
import webvtt

from workbench.exceptions import ParameterError
from workbench.ingest import READERS, SpeakerRoles, assemble, read_transcript
from workbench.ingest.speakers import cue_pieces, cue_turns
from workbench.model import Role

DATA = Path(__file__).parent / "data" / "transcripts"
OFF, S, T, U = Role.OFFICER, Role.SUBJECT, Role.THIRD_PARTY, Role.UNKNOWN

# (file, clip id) -> [(start, end, speaker, role with the default rules, text)], by start time
EXPECTED = {
    ("stop_0001.vtt", "stop_0001"): [
        (1.0, 4.5, "PC Smith", OFF, "Evening. I'm PC Smith from Brixton station."),
        (4.0, 6.0, "Subject", S, "What's this about?"),
        (6.2, 9.8, "PC Smith", OFF,
         "I'm stopping you under section 1 PACE, I'm looking for stolen property."),
        (10.0, 12.0, "Bystander", T, "Leave him alone!"),
        (10.0, 12.0, "Subject", S, "It's fine, mate."),
        (12.5, 14.0, "Subject", S, "Fine & quick, yeah?"),
        (13.8, 15.0, "PC Smith", OFF, "Yes. Thank you."),
    ],
    ("stop_0002.srt", "stop_0002"): [
        (0.5, 2.0, "SPEAKER_00", U, "Stop there a second, please."),
        (2.1, 4.0, "SPEAKER_01", U, "Why, what have I done?"),
        (3.9, 7.25, "SPEAKER_00", U,
         "You match a description. I'm going to search you for drugs."),
        (7.3, 8.0, "SPEAKER_01", U, "Whatever."),
    ],
    ("stop_0004.srt", "stop_0004"): [
        (0.0, 2.0, "PS Jones", OFF, "Can you take your hands out of your pockets?"),
        (2.0, 3.5, "Detained person", S, "Why?"),
        (3.5, 6.0, "PS Jones", OFF, "For my safety and yours."),
        (3.5, 6.0, "Witness", T, "He's done nothing!"),
    ],
    ("stop_0003.eaf", "stop_0003"): [  # a3 ends on an unvalued slot: 4000 + (6000-4000)/2 ms
        (1.0, 3.0, "PC Ahmed", OFF, "Stop there, please."),
        (2.5, 4.0, "Subject", S, "Why me?"),
        (4.0, 5.0, "PC Ahmed", OFF, "I'm detaining you for a search."),
        (6.0, 8.0, "Subject", S, "This is harassment."),
    ],
    ("stops_batch.csv", "stop_0005"): [
        (0.0, 2.5, "Officer 1", OFF, "Hello, can I have a word?"),
        (2.0, 4.0, "Male", S, "What for?"),  # role column given
        (4.5, 6.0, "Officer 1", OFF, "You were seen running from the shop."),
    ],
    ("stops_batch.csv", "stop_0006"): [
        (0.0, 1.5, "PCSO Lee", OFF, "Evening, all."),
        (1.5, 3.0, "Friend", T, "He's with me."),
    ],
    ("stops_batch.jsonl", "stop_0007"): [
        (0.25, 1.75, "Sgt Patel", OFF, "Hands where I can see them."),
        (1.5, 3.0, "Suspect", S, "Alright, alright."),
    ],
    ("stops_batch.jsonl", "stop_0008"): [
        (0.0, 2.0, "Officer 2", OFF, "Is this your bag?"),
        (2.0, 2.8, "Passer-by", T, "It's his."),
    ],
    ("stop_0009.json", "stop_0009"): [  # segment 2 has no speaker: its words agree on one
        (0.031, 2.5, "SPEAKER_01", U, "Stop there for me, mate."),
        (2.6, 4.0, "SPEAKER_00", U, "What for?"),
        (4.1, 7.25, "SPEAKER_01", U, "You fit the description of someone seen nearby."),
    ],
    ("stop_0010.tsv", "stop_0010"): [  # Whisper's TSV: whole milliseconds, no speaker column
        (0.5, 2.0, "", U, "PC Khan, Met Police. Can I have a word?"),
        (2.1, 3.05, "", U, "What have I done?"),
    ],
}


def _rows(utterances):
    return [(u.start, u.end, u.speaker, u.role, u.text) for u in utterances]


@pytest.mark.parametrize(("name", "clip_id"), sorted(EXPECTED))
def test_fixture_reads_as_the_hand_checked_utterances(name: str, clip_id: str) -> None:
    clips = {c.clip_id: c for c in read_transcript(DATA / name)}
    utterances = assemble(clips[clip_id], SpeakerRoles.from_config())
    assert _rows(utterances) == EXPECTED[(name, clip_id)]
    assert [u.index for u in utterances] == list(range(len(utterances)))
    assert {u.clip_id for u in utterances} == {clip_id}


def test_every_fixture_clip_is_covered_and_every_format_has_a_fixture() -> None:
    found = {(p.name, c.clip_id) for p in DATA.iterdir() if p.name.startswith("stop")
             for c in read_transcript(p)}
    assert found == set(EXPECTED)
    assert {Path(name).suffix[1:] for name, _ in EXPECTED} == set(READERS.names())


def test_diarised_labels_map_through_explicit_label_rules() -> None:
    roles = SpeakerRoles.from_config(
        [{"label": "speaker_00", "role": "officer"}, {"label": "SPEAKER_01", "role": "subject"}])
    [clip] = read_transcript(DATA / "stop_0002.srt")
    assert [u.role for u in assemble(clip, roles)] == [OFF, S, OFF, S]


def test_vtt_written_by_webvtt_py_round_trips(tmp_path: Path) -> None:
    doc = webvtt.WebVTT()
    turns = [(0.0, 2.0, "PC Green", "Stop, please."), (1.5, 3.25, "Subject", "What now?"),
             (3.5, 5.0, "PC Green", "Just a quick search & a chat.")]
    for start, end, speaker, text in turns:
        doc.captions.append(webvtt.Caption(
            f"00:00:{start:06.3f}", f"00:00:{end:06.3f}",
            f"<v {speaker}>{text.replace('&', '&amp;')}</v>"))
    doc.save(str(tmp_path / "rt.vtt"))
    [clip] = read_transcript(tmp_path / "rt.vtt")
    assert [(t.start, t.end, t.speaker, t.text) for t in clip.turns] == turns


def test_srt_written_by_webvtt_py_round_trips(tmp_path: Path) -> None:
    doc = webvtt.WebVTT(captions=[
        webvtt.Caption("00:00:00.500", "00:00:02.000", "PC Green: Stop, please."),
        webvtt.Caption("00:00:02.000", "01:00:03.250", "Subject: What now?")])
    doc.save_as_srt(str(tmp_path / "rt.srt"))
    [clip] = read_transcript(tmp_path / "rt.srt")
    assert [(t.start, t.end, t.speaker, t.text) for t in clip.turns] == [
        (0.5, 2.0, "PC Green", "Stop, please."), (2.0, 3603.25, "Subject", "What now?")]


def test_eaf_written_by_pympi_round_trips_and_ignores_dependent_tiers(tmp_path: Path) -> None:
    eaf = pympi.Elan.Eaf(author="synthetic test")
    eaf.add_tier("PC Green")
    eaf.add_tier("Subject")
    eaf.add_linguistic_type("gloss", "Symbolic_Association", timealignable=False)
    eaf.add_tier("PC Green-gloss", ling="gloss", parent="PC Green")
    eaf.add_annotation("PC Green", 0, 2000, "Stop, please.")
    eaf.add_annotation("Subject", 1500, 3250, "What now?")
    eaf.add_ref_annotation("PC Green-gloss", "PC Green", 1000, "command")
    eaf.remove_tier("default")
    eaf.to_file(str(tmp_path / "rt.eaf"))
    [clip] = read_transcript(tmp_path / "rt.eaf")
    assert sorted((t.start, t.end, t.speaker, t.text) for t in clip.turns) == [
        (0.0, 2.0, "PC Green", "Stop, please."), (1.5, 3.25, "Subject", "What now?")]


@pytest.mark.parametrize(("lines", "turns"), [
    (["<v PC Smith>Hello.</v>", "Second line."], [("PC Smith", "Hello. Second line.")]),
    (["<v A>One</v> <v B>Two</v>"], [("A", "One"), ("B", "Two")]),
    (["[Alba] <i>En 1928,</i>"], [("Alba", "En 1928,")]),
    (["[laughs]"], [("", "[laughs]")]),  # a sound description, not a speaker
    (["[Inaudible] get off"], [("", "[Inaudible] get off")]),
    (["[ríen emocionadas] ya"], [("", "[ríen emocionadas] ya")]),
    (["SPEAKER_00: Hello."], [("SPEAKER_00", "Hello.")]),
    (["[SPEAKER_01]: Hi."], [("SPEAKER_01", "Hi.")]),
    (["- Déjala.", "- Tú no te metas."], [("", "Déjala."), ("", "Tú no te metas.")]),
    (["- [Pedro] Sí.", "- SPEAKER_02: No."], [("Pedro", "Sí."), ("SPEAKER_02", "No.")]),
    (["- Hello <b>world</b>."], [("", "Hello world.")]),
    (["That's <00:00:21.000><c.colorE5E5E5>amore</c>"], [("", "That's amore")]),
    (["{\\an8}Up top", "&lt;3 &amp; more"], [("", "Up top <3 & more")]),
    (["Digo: hola"], [("", "Digo: hola")]),  # Name: prefixes off unless most cues use them
])
def test_cue_text_gives_speaker_turns(lines: list[str], turns: list[tuple[str, str]]) -> None:
    assert cue_turns(cue_pieces(lines), name_prefixes=False) == turns


def test_name_prefixes_are_speakers_only_when_the_file_uses_them(tmp_path: Path) -> None:
    cues = ["PC Jones: Stop.", "Subject: Why?", "PC Jones: Because.", "Note: this is text"]
    body = "\n\n".join(f"00:00:0{i}.000 --> 00:00:0{i}.900\n{c}" for i, c in enumerate(cues))
    (tmp_path / "named.vtt").write_text(f"WEBVTT\n\n{body}\n", encoding="utf-8")
    [clip] = read_transcript(tmp_path / "named.vtt")
    assert [t.speaker for t in clip.turns] == ["PC Jones", "Subject", "PC Jones", "Note"]
    (tmp_path / "sub.vtt").write_text(
        "WEBVTT\n\n00:01.000 --> 00:02.000\nDigo: hola\n\n00:02.000 --> 00:03.000\nbien\n\n"
        "00:03.000 --> 00:04.000\nvale\n", encoding="utf-8")
    [clip] = read_transcript(tmp_path / "sub.vtt")
    assert [t.speaker for t in clip.turns] == ["", "", ""]


@pytest.mark.parametrize(("label", "role"), [
    ("PC 1234 Smith", OFF), ("pcso lee", OFF), ("Sgt. Patel", OFF), ("Officer 2", OFF),
    ("Subject", S), ("Detained person", S), ("DP", S), ("Bystander 1", T), ("Passer-by", T),
    ("Witness", T), ("SPEAKER_00", U), ("", U), ("PCs", U), ("Mum", U),
])
def test_default_rules_map_speaker_labels_to_roles(label: str, role: Role) -> None:
    assert SpeakerRoles.from_config().role(label) is role


def test_explicit_labels_win_over_patterns_and_rules_are_tried_in_order() -> None:
    roles = SpeakerRoles.from_config(
        [{"pattern": "^PC", "role": "officer"}, {"pattern": "Smith", "role": "subject"}],
        labels={"PC Smith": "third_party"})
    assert roles.role("pc smith") is T
    assert roles.role("PC Jones Smith") is OFF
    assert roles.role("Mr Smith") is S


@pytest.mark.parametrize(("rules", "field"), [
    ([{"pattern": "(", "role": "officer"}], "speakers[0].pattern"),
    ([{"pattern": "^PC"}], "speakers[0]"),
    ([{"pattern": "^PC", "role": "officer"}, {"label": "X", "role": "boss"}],
     "speakers[1].role"),
])
def test_bad_speaker_rules_are_refused_naming_the_rule(rules, field: str) -> None:
    with pytest.raises(ParameterError) as info:
        SpeakerRoles.from_config(rules)
    assert info.value.field == field
