"""The synthetic corpus in memory: sizes, distributions, and ground truth consistent with the
dialogue it was read from."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from workbench.codebook.loading import load_codebook
from workbench.demo import generate_encounters, metadata_frame, truth_frame, utterance_frame
from workbench.demo.codes import CODE_SPECS, RESISTANCE_LEVELS
from workbench.demo.encounter import classify_trajectory
from workbench.demo.metadata import BCU_BOROUGHS
from workbench.exceptions import ParameterError
from workbench.model import CLIP_METADATA_FIELDS, Role

BRIEF_CODE_IDS = {
    "pj_invites_account", "pj_responds_to_question", "pj_explains_action", "pj_courtesy",
    "pj_disrespect", "pj_safety_motive", "pj_protects_dignity", "esc_command", "esc_threat",
    "esc_accusation", "esc_hostility", "deesc_calm_after_provocation", "deesc_humanises",
    "deesc_empathy", "deesc_reassurance", "deesc_offers_options", "deesc_creates_space",
    "legal_explanation", "subj_resistance", "subj_participation", "subj_disrespect",
    "subj_distress", "evt_search_begins", "evt_handcuffs", "esc_opening_move", "gow_grounds",
    "gow_object", "gow_identity", "gow_entitlement", "gow_legal_power", "gow_detained",
    "bwv_coverage", "out_find", "out_disposal", "out_handcuffing", "out_force", "out_trajectory",
}


@pytest.fixture(scope="module")
def corpus() -> tuple[list, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    encounters = generate_encounters(500, 20211)
    return (encounters, utterance_frame(encounters), truth_frame(encounters),
            metadata_frame(encounters))


@pytest.fixture(scope="module")
def clips(corpus) -> pd.DataFrame:
    truth = corpus[2]
    clip = truth[truth["utterance_index"].isna()]
    return clip.pivot(index="clip_id", columns="code_id", values="value")


@pytest.fixture(scope="module")
def turn_codes(corpus) -> dict[tuple[str, int], dict[str, str]]:
    truth = corpus[2].dropna(subset=["utterance_index"])
    out: dict[tuple[str, int], dict[str, str]] = {}
    for c, i, code, value in truth.itertuples(index=False):
        out.setdefault((c, int(i)), {})[code] = value
    return out


def test_500_clips_each_with_20_to_150_utterances(corpus):
    sizes = corpus[1].groupby("clip_id").size()
    assert len(sizes) == 500
    assert sizes.between(20, 150).all()
    assert sizes.std() > 15  # real variety, not a fixed length


def test_the_code_ids_are_exactly_the_briefs_and_the_codebooks():
    assert set(CODE_SPECS) == BRIEF_CODE_IDS
    book = load_codebook("codebooks/stop-search/1.0.0.yaml")
    assert set(book.code_ids) == BRIEF_CODE_IDS
    for code_id, spec in CODE_SPECS.items():
        code = book.code(code_id)
        assert str(code.unit) == spec.unit
        assert code.applies_to == spec.applies_to
        if spec.level != "nominal":
            assert code.option_keys() == list(spec.options + spec.extra), code_id


def test_every_code_id_appears_in_the_truth(corpus):
    assert set(corpus[2]["code_id"]) == BRIEF_CODE_IDS


def test_truth_has_the_agreed_shape_and_valid_values(corpus):
    truth = corpus[2]
    assert list(truth.columns) == ["clip_id", "utterance_index", "code_id", "value"]
    assert str(truth["utterance_index"].dtype) == "Int64"
    assert not truth.duplicated(["clip_id", "utterance_index", "code_id"]).any()
    for code_id, values in truth.groupby("code_id")["value"]:
        spec = CODE_SPECS[code_id]
        allowed = {"present"} if spec.level == "nominal" else set(spec.options + spec.extra)
        assert set(values) <= allowed, code_id
        assert spec.floor not in set(values), f"{code_id}: the floor is stored as no row"
    clip_rows = truth[truth["utterance_index"].isna()]
    assert {CODE_SPECS[c].unit for c in clip_rows["code_id"]} == {"clip"}


def test_utterance_codes_sit_on_turns_of_the_right_role(corpus):
    utterances, truth = corpus[1], corpus[2]
    merged = truth.dropna(subset=["utterance_index"]).merge(
        utterances.astype({"utterance_index": "Int64"}), on=["clip_id", "utterance_index"])
    assert len(merged) == truth["utterance_index"].notna().sum()
    for code_id, roles in merged.groupby("code_id")["role"]:
        applies = CODE_SPECS[code_id].applies_to
        if applies != "any":
            assert set(roles) == {applies}, code_id
    subject_turns = (utterances["role"] == "subject").sum()
    assert (truth["code_id"] == "subj_resistance").sum() == subject_turns


@pytest.mark.parametrize(("move", "check"), [
    ("reason", lambda c: c.get("legal_explanation") in ("grounds", "legal_power")),
    ("greeting", lambda c: "pj_courtesy" in c),
    ("question", lambda c: "pj_invites_account" in c),
    ("command", lambda c: c.get("esc_command") in ("bare_order", "repeated_or_shouted")),
    ("accusation", lambda c: "esc_accusation" in c),
])
def test_first_officer_turn_matches_the_opening_move(corpus, clips, turn_codes, move, check):
    utterances = corpus[1]
    first = utterances[utterances["role"] == "officer"].groupby("clip_id")["utterance_index"].min()
    ids = clips.index[clips["esc_opening_move"] == move]
    assert len(ids) >= 20
    for clip_id in ids:
        assert check(turn_codes.get((clip_id, int(first[clip_id])), {})), clip_id


def test_opening_move_is_coded_only_when_recording_began_before_contact(clips):
    coded = clips["esc_opening_move"].notna()
    assert (coded == (clips["bwv_coverage"] == "before_first_contact")).all()


def test_gowisely_clip_codes_match_the_legal_explanation_turns(corpus, clips):
    truth = corpus[2]
    legal = truth[truth["code_id"] == "legal_explanation"].groupby("clip_id")["value"].agg(set)
    for clip_id, row in clips.iterrows():
        given = legal.get(clip_id, set())
        for element in ("object", "entitlement", "legal_power", "detained"):
            assert (row[f"gow_{element}"] == "absent") == (element not in given), clip_id
        assert row["gow_identity"] == ["absent", "partial", "clear"][
            len(given & {"identity", "station"})]
        if row["gow_grounds"] == "none":
            assert "grounds" not in given
        elif row["gow_grounds"] != "not_applicable":
            assert "grounds" in given


def test_events_and_outcomes_are_visible_in_the_dialogue(corpus, clips):
    utterances, truth = corpus[1], corpus[2]
    events = truth[truth["code_id"].str.startswith("evt_")].groupby("code_id")["clip_id"].agg(set)
    notes = utterances[utterances["text"].str.contains(r"\[(?:takes hold|guides|both officers|"
                                                       r".* taken to the ground|officer delivers|"
                                                       r"draws Taser|Taser discharged)")]
    with_force = set(notes["clip_id"])
    for clip_id, row in clips.iterrows():
        late = row["bwv_coverage"] == "after_search_began"
        assert (clip_id in events["evt_search_begins"]) == (not late), clip_id
        assert (clip_id in events["evt_handcuffs"]) == (row["out_handcuffing"] != "none"), clip_id
        assert (clip_id in with_force) == (row["out_force"] != "none"), clip_id
    caution = utterances[utterances["text"].str.contains("You do not have to say anything")]
    assert set(caution["clip_id"]) == set(clips.index[clips["out_disposal"] == "arrest"])


def test_trajectory_follows_the_subjects_resistance_arc(corpus, clips):
    truth = corpus[2]
    res = truth[truth["code_id"] == "subj_resistance"].sort_values(["clip_id",
                                                                     "utterance_index"])
    levels = res.groupby("clip_id")["value"].agg(lambda v: [RESISTANCE_LEVELS.index(x)
                                                            for x in v])
    for clip_id, series in levels.items():
        first, last, peak = series[0], series[-1], max(series)
        kind = clips.loc[clip_id, "out_trajectory"]
        if kind == "calm":
            assert peak <= 1, clip_id
        elif kind == "de_escalated":
            assert first == peak > last, clip_id
        elif kind == "escalated_then_resolved":
            assert peak > first and last <= 1, clip_id
        elif kind == "escalated":
            assert last > first or last >= 2, clip_id
        else:
            assert peak >= 2, clip_id
    assert set(clips["out_trajectory"]) == set(CODE_SPECS["out_trajectory"].options)


@pytest.mark.parametrize(("levels", "expected"), [
    ([0, 0, 0, 0], "calm"),
    ([0, 1, 0, 0], "calm"),
    ([0, 1, 2, 3, 3], "escalated"),
    ([0, 0, 1, 1, 1, 1], "escalated"),
    ([2, 2, 1, 0, 0], "de_escalated"),
    ([0, 1, 2, 1, 0], "escalated_then_resolved"),
    ([0, 2, 0, 0, 3, 1], "volatile"),
    ([2, 1, 0, 2, 0], "volatile"),
])
def test_trajectory_classification(levels, expected):
    assert classify_trajectory(levels) == expected


def test_times_are_ordered_plausible_and_sometimes_overlap(corpus):
    utterances = corpus[1]
    assert (utterances["end"] > utterances["start"]).all()
    overlaps = 0
    for _, g in utterances.groupby("clip_id"):
        starts = g["start"].to_numpy()
        assert (starts[1:] > starts[:-1]).all()
        overlaps += int((starts[1:] < g["end"].to_numpy()[:-1]).sum())
        for _, s in g.groupby("speaker"):
            assert (s["start"].to_numpy()[1:] >= s["end"].to_numpy()[:-1]).all()
    assert overlaps > 200
    words = utterances["text"].str.replace(r"\[[^\]]*\]", "", regex=True).str.split().str.len()
    rate = words.sum() / (utterances["end"] - utterances["start"]).sum()
    assert 1.5 < rate < 3.5  # words per second of speech


def test_speakers_and_roles(corpus, clips):
    utterances, metadata = corpus[1], corpus[3].set_index("clip_id")
    labels = {r: set(g) for r, g in utterances.groupby("role")["speaker"]}
    assert set(labels) == {"officer", "subject", "third_party"}
    assert all(re.fullmatch(r"P[CS] \d{3,4}", s) for s in labels["officer"])
    assert labels["subject"] == {"Subject"}
    assert all(re.fullmatch(r"Bystander \d", s) for s in labels["third_party"])
    officers = utterances[utterances["role"] == "officer"].groupby("clip_id")["speaker"].nunique()
    assert (officers <= metadata.loc[officers.index, "n_officers"]).all()
    assert {str(r) for r in Role} >= set(utterances["role"])


def test_metadata_columns_and_distributions(corpus):
    metadata = corpus[3]
    assert set(CLIP_METADATA_FIELDS) <= set(metadata.columns)
    assert {"object_sought", "audio_quality", "synthetic"} <= set(metadata.columns)
    assert (metadata["synthetic"] == "true").all()
    assert set(metadata["bcu"]) == set(BCU_BOROUGHS)
    assert all(b in BCU_BOROUGHS[bcu] for b, bcu in zip(metadata["borough"], metadata["bcu"],
                                                         strict=True))
    dates = pd.to_datetime(metadata["date"])
    assert dates.min().year == 2021 and dates.max().year == 2022
    shares = metadata["ethnicity"].value_counts(normalize=True)
    assert set(shares.index) == {"Black or Black British", "White", "Asian or Asian British",
                                 "Mixed", "Other", "Not stated"}
    assert 0.25 < shares["Black or Black British"] < 0.45
    assert set(metadata["age_band"]) == {"10-17", "18-24", "25-34", "35+"}
    assert metadata["gender"].value_counts(normalize=True)["Male"] > 0.8
    assert Counter(metadata["power"]).most_common(1)[0][0] == "Misuse of Drugs Act 1971 s23"
    assert set(metadata["n_officers"]) == {1, 2, 3}


def test_generator_refuses_bad_parameters():
    with pytest.raises(ParameterError, match="n_clips"):
        generate_encounters(0)
    with pytest.raises(ParameterError, match="White"):
        generate_encounters(5, ethnic_disparity={"White": 0})
