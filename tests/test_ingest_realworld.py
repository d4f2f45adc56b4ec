"""Files written by other tools (shared/realworld-transcripts) behave as its README table says.

The folder sits beside the repository clone (CI copies ``shared/`` there); if it is missing the
tests fail rather than skip, so the check cannot silently disappear.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.exceptions import IngestError
from workbench.ingest import SpeakerRoles, assemble, ingest_paths, read_transcript
from workbench.store import Store

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld-transcripts"
WEBVTT = REALWORLD / "webvtt-py"

# file -> number of utterances (the README table's count)
LOADS = {
    "captions_with_bom.vtt": 4, "cue_tags.vtt": 3, "metadata_headers_multiline.vtt": 2,
    "sample.vtt": 16, "styles.vtt": 1, "using_identifiers.vtt": 6, "youtube_dl.vtt": 3,
    "one_caption.vtt": 1, "one_caption.srt": 1, "sample.srt": 5, "teams_timeframe.vtt": 2,
}
# file -> (line named in the error, fragment of the message)
REFUSED = {
    "empty.vtt": (1, "empty"),
    "no_captions.vtt": (1, "no utterances"),
    "invalid.vtt": (1, "no WEBVTT header"),
    "invalid_timeframe.vtt": (6, "malformed timestamp"),
    "invalid_timeframe.srt": (6, "malformed timestamp"),
    "missing_timeframe.vtt": (6, "without its timing line"),
    "missing_timeframe.srt": (6, "has no timing line"),
    "invalid_format1.srt": (1, "not SRT"),
    "invalid_format3.srt": (2, "not SRT"),
}


def test_the_realworld_folder_is_there_and_every_file_in_it_is_covered() -> None:
    assert REALWORLD.is_dir(), f"missing {REALWORLD}: shared/ must sit beside the repository"
    table = (REALWORLD / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"([\w.]+\.(?:vtt|srt))", table))
    covered = set(LOADS) | set(REFUSED) | {"comments.vtt", "netflix_chicas_del_cable.vtt",
                                           "missing_caption_text.srt"}
    assert named == covered
    assert {p.name for p in WEBVTT.iterdir() if p.suffix in (".vtt", ".srt")} == covered


@pytest.mark.parametrize(("name", "n"), sorted(LOADS.items()))
def test_file_loads_with_the_readme_number_of_utterances(name: str, n: int) -> None:
    [clip] = read_transcript(WEBVTT / name)
    assert len(clip.turns) == n
    for turn in clip.turns:
        assert turn.text and "<" not in turn.text and "\ufeff" not in turn.text
        assert 0 <= turn.start <= turn.end


@pytest.mark.parametrize(("name", "texts"), [
    ("captions_with_bom.vtt", ["Caption text #1", "Caption text #2", "Caption text #3",
                               "Caption text #4"]),
    ("cue_tags.vtt", ["When the moon hits your eye", "Like a big-a pizza pie",
                      "That's amore"]),
    # rolling captions: every spoken line once (it used to be stored twice)
    ("youtube_dl.vtt", ["yeah", "what", "this will happen is I'm telling"]),
    ("styles.vtt", ["Hello world."]),
])
def test_tags_bom_and_dialogue_dash_are_stripped_from_the_text(name: str, texts: list[str]) -> None:
    [clip] = read_transcript(WEBVTT / name)
    assert [t.text for t in clip.turns] == texts


def test_teams_transcript_gives_two_overlapping_speakers() -> None:
    [clip] = read_transcript(WEBVTT / "teams_timeframe.vtt")
    assert [(t.start, t.end, t.speaker) for t in clip.turns] == [
        (0.0, 0.57, "Yuri Bakulin"), (0.21, 1.13, "Adrian Petrescu")]
    assert clip.turns[1].start < clip.turns[0].end  # overlapping, and accepted


def test_comments_file_has_three_cues_and_no_note_text() -> None:
    # The README counts 3 utterances; its cues hold "- " dialogue lines, which the brief's
    # two-speakers-in-one-cue rule splits: 3 cues -> 2 + 2 + 1 utterances sharing cue timings.
    [clip] = read_transcript(WEBVTT / "comments.vtt")
    assert len({(t.start, t.end) for t in clip.turns}) == 3
    assert [t.text for t in clip.turns] == [
        "Ta en kopp varmt te.", "Det är inte varmt.", "Har en kopp te.", "Det smakar som te.",
        "Ta en kopp"]
    assert not any("NOTE" in t.text or "Kyle" in t.text for t in clip.turns)


def test_netflix_file_has_865_cues_and_bracketed_names_as_speakers() -> None:
    [clip] = read_transcript(WEBVTT / "netflix_chicas_del_cable.vtt")
    assert len({(t.start, t.end) for t in clip.turns}) == 865
    first = clip.turns[0]
    assert (first.start, first.speaker, first.text) == (7.96, "Alba", "En 1928,")
    two = [t for t in clip.turns if t.start == 59.64]
    assert [(t.speaker, t.text) for t in two] == [
        ("", "Déjala."), ("", "Tú no te metas. ¡No te metas!")]
    sounds = [t for t in clip.turns if t.text == "[ríen emocionadas]"]
    assert len(sounds) == 1 and sounds[0].speaker == ""  # a sound description, not a speaker
    assert {"Alba", "Sara", "Carlota", "Marga"} <= {t.speaker for t in clip.turns}


def test_missing_caption_text_loads_the_other_cues_and_reports_the_empty_one() -> None:
    [clip] = read_transcript(WEBVTT / "missing_caption_text.srt")
    assert [t.text for t in clip.turns] == [f"Caption text #{i}" for i in (1, 3, 4, 5)]
    assert any(w.startswith("line 5:") and "no text" in w for w in clip.warnings)


@pytest.mark.parametrize(("name", "line", "fragment"),
                         [(n, *v) for n, v in sorted(REFUSED.items())])
def test_file_is_refused_naming_file_and_line_and_nothing_is_stored(
        store: Store, name: str, line: int, fragment: str) -> None:
    before = store.table_counts()
    with pytest.raises(IngestError) as info:
        ingest_paths(store, [WEBVTT / "sample.vtt", WEBVTT / name], progress=False)
    assert info.value.path == WEBVTT / name
    assert info.value.line == line
    assert fragment in info.value.message
    assert store.table_counts() == before


def test_elan_sample_loads_independent_tiers_only_with_unvalued_slots_present() -> None:
    from pympi.Elan import Eaf
    eaf = Eaf(str(REALWORLD / "pympi" / "elan_sample_3.0.eaf"))
    assert any(v is None for v in eaf.timeslots.values())  # the file does have unvalued slots
    [clip] = read_transcript(REALWORLD / "pympi" / "elan_sample_3.0.eaf")
    # 'text' is the speech (399 turns); 'gestures' (1197 gesture labels from a controlled
    # vocabulary) is not speech and is no longer turned into turns
    assert len(clip.turns) == 399 and {t.speaker for t in clip.turns} == {"text"}
    choices = {t.tier_id: (t.used, t.reason) for t in clip.tiers}
    assert choices["text"] == (True, "speech")
    assert choices["gestures"][0] is False and "controlled vocabulary" in choices["gestures"][1]
    assert len(choices) == 6 and sum(used for used, _ in choices.values()) == 1
    utterances = assemble(clip, SpeakerRoles.from_config())
    assert (utterances[0].start, utterances[0].text) == (2.0, "The quick brown fox 001")
    assert all(u.end >= u.start for u in utterances)
    starts = [u.start for u in utterances]
    assert starts == sorted(starts)
