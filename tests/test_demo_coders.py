"""Simulated coders reproduce the truth with the error profile they were given."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from workbench.demo import (
    effects,
    generate_encounters,
    simulate_coding,
    truth_frame,
    utterance_frame,
)
from workbench.demo.codes import CODE_SPECS
from workbench.exceptions import ParameterError

CODERS = ["c1", "c2", "c3"]


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    encounters = generate_encounters(150, 5)
    return truth_frame(encounters), utterance_frame(encounters)


@pytest.fixture(scope="module")
def coded(data) -> pd.DataFrame:
    return simulate_coding(data[0], data[1], CODERS, seed=3)


def _units(frame: pd.DataFrame) -> dict[tuple[str, int], str]:
    return dict(zip(zip(frame["clip_id"], frame["utterance_index"].fillna(-1), strict=True),
                    frame["value"], strict=True))


def percent_agreement(coded: pd.DataFrame, code_id: str) -> float:
    """Mean over coder pairs of the share of units (coded by either) given the same value."""
    rows = coded[coded["code_id"] == code_id]
    shares = []
    for a, b in itertools.combinations(CODERS, 2):
        x, y = _units(rows[rows["coder_id"] == a]), _units(rows[rows["coder_id"] == b])
        units = set(x) | set(y)
        shares.append(sum(x.get(u) == y.get(u) for u in units) / len(units))
    return float(np.mean(shares))


def test_output_shape(coded):
    assert list(coded.columns) == ["clip_id", "utterance_index", "code_id", "value", "coder_id"]
    assert str(coded["utterance_index"].dtype) == "Int64"
    assert set(coded["coder_id"]) == set(CODERS)
    assert not coded.duplicated(["coder_id", "clip_id", "utterance_index", "code_id"]).any()


def test_agreement_ordering_follows_the_error_profile(coded):
    profile = effects.DEFAULT_ERROR_PROFILE
    agreement = {c: percent_agreement(coded, c) for c in profile}
    reliable = min(agreement[c] for c in effects.EXPECTED_RELIABLE)
    unreliable = max(agreement[c] for c in effects.EXPECTED_UNRELIABLE)
    assert reliable > 0.88
    assert unreliable < 0.70
    assert reliable - unreliable > 0.2
    rho = spearmanr([profile[c] for c in profile], [agreement[c] for c in profile]).statistic
    assert rho < -0.8


def test_a_perfect_profile_reproduces_the_truth(data):
    truth, utterances = data
    perfect = simulate_coding(truth, utterances, ["solo"], {}, seed=1)
    key = ["clip_id", "utterance_index", "code_id"]
    pd.testing.assert_frame_equal(
        perfect.drop(columns="coder_id").sort_values(key).reset_index(drop=True),
        truth.sort_values(key).reset_index(drop=True))


@pytest.mark.parametrize("rate", [0.05, 0.3])
def test_nominal_misses_and_false_positives_match_the_rate(data, rate):
    truth, utterances = data
    coded = simulate_coding(truth, utterances, ["a"], {"pj_courtesy": rate}, seed=2)
    true_units = set(_units(truth[truth["code_id"] == "pj_courtesy"]))
    got_units = set(_units(coded[coded["code_id"] == "pj_courtesy"]))
    n = len(true_units)
    assert len(true_units - got_units) / n == pytest.approx(rate, abs=0.04)
    assert len(got_units - true_units) / n == pytest.approx(
        rate * effects.FALSE_POSITIVE_SHARE, abs=0.04)


def test_false_positives_land_on_turns_of_the_right_role(coded, data):
    roles = data[1].astype({"utterance_index": "Int64"})
    merged = coded.dropna(subset=["utterance_index"]).merge(roles, on=["clip_id",
                                                                       "utterance_index"])
    for code_id, found in merged.groupby("code_id")["role"]:
        applies = CODE_SPECS[code_id].applies_to
        if applies != "any":
            assert set(found) == {applies}, code_id


def test_ordinal_errors_are_mostly_one_step(data):
    truth, utterances = data
    coded = simulate_coding(truth, utterances, ["a"], {"subj_resistance": 0.3}, seed=4)
    scale = CODE_SPECS["subj_resistance"].options
    key = ["clip_id", "utterance_index"]
    pairs = truth[truth["code_id"] == "subj_resistance"].merge(
        coded[coded["code_id"] == "subj_resistance"], on=key, suffixes=("_t", "_c"))
    assert len(pairs) == (truth["code_id"] == "subj_resistance").sum()  # never missed
    steps = (pairs["value_t"].map(scale.index) - pairs["value_c"].map(scale.index)).abs()
    wrong = steps[steps > 0]
    assert len(wrong) / len(pairs) == pytest.approx(0.3, abs=0.04)
    assert (wrong == 1).mean() > 0.8


def test_a_biased_coder_over_applies_the_code(data):
    truth, utterances = data
    coded = simulate_coding(truth, utterances, CODERS, seed=5,
                            coder_bias=dict(effects.EXAMPLE_CODER_BIAS))
    counts = coded[coded["code_id"] == "deesc_empathy"]["coder_id"].value_counts()
    assert counts["c3"] > 1.8 * max(counts["c1"], counts["c2"])


def test_clip_assignment_is_respected_and_results_are_deterministic(data):
    truth, utterances = data
    clip_ids = sorted(truth["clip_id"].unique())
    assignment = {c: (["c1", "c2"] if i % 5 == 0 else [CODERS[i % 3]])
                  for i, c in enumerate(clip_ids)}
    first = simulate_coding(truth, utterances, CODERS, None, assignment, 7)
    for coder, clips in first.groupby("coder_id")["clip_id"]:
        assert set(clips) == {c for c, who in assignment.items() if coder in who}
    pd.testing.assert_frame_equal(first, simulate_coding(truth, utterances, CODERS, None,
                                                         assignment, 7))
    assert not first.equals(simulate_coding(truth, utterances, CODERS, None, assignment, 8))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"error_profile": {"no_such_code": 0.1}}, "unknown code id"),
    ({"error_profile": {"pj_courtesy": 1.5}}, "expected 0–1"),
    ({"clip_assignment": {"syn-0001": ["nobody"]}}, "nobody"),
    ({"coder_bias": {"zz": {"pj_courtesy": 0.1}}}, "unknown coder"),
])
def test_bad_parameters_are_refused_with_the_parameter_named(data, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        simulate_coding(data[0], data[1], CODERS, **kwargs)


def test_missing_columns_are_refused(data):
    with pytest.raises(ParameterError, match="role"):
        simulate_coding(data[0], data[1].drop(columns="role"), CODERS)
