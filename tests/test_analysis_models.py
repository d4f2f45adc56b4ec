"""Logistic models of escalated outcome: predictors, variants, and clear refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from tests.test_analysis_frames import RANKS, make_frames
from workbench.analysis.models import escalation_model_frame, escalation_models, odds_ratio_table
from workbench.exceptions import AnalysisDataError, ParameterError

FORMULA = "escalated ~ opening_command + grounds_early + courtesy_early + n_officers"


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    """600 synthetic encounters in 20 boroughs; true log-odds known."""
    rng = np.random.default_rng(2026)
    n = 600
    frame = pd.DataFrame({
        "borough": [f"B{i % 20:02d}" for i in range(n)],
        "power": rng.choice(["s1_pace", "s23_mda", "s60_cjpoa"], size=n),
        "opening_command": rng.binomial(1, 0.3, n),
        "grounds_early": rng.binomial(1, 0.5, n),
        "courtesy_early": rng.binomial(1, 0.6, n),
        "n_officers": rng.integers(1, 5, n),
    })
    borough_effect = dict(zip(sorted(set(frame["borough"])), rng.normal(0, 0.3, 20),
                              strict=True))
    logit = (-0.8 + 1.2 * frame["opening_command"] - 0.8 * frame["grounds_early"]
             - 0.5 * frame["courtesy_early"] + 0.2 * (frame["n_officers"] - 2)
             + frame["borough"].map(borough_effect))
    frame["escalated"] = rng.binomial(1, 1 / (1 + np.exp(-logit)))
    return frame


def test_logit_odds_ratios_match_scikit_learn(synthetic) -> None:
    table = odds_ratio_table(synthetic, FORMULA).set_index("term")
    predictors = ["opening_command", "grounds_early", "courtesy_early", "n_officers"]
    reference = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(
        synthetic[predictors], synthetic["escalated"])
    np.testing.assert_allclose(table.loc[predictors, "odds_ratio"], np.exp(reference.coef_[0]),
                               rtol=1e-4)
    assert table.loc["Intercept", "odds_ratio"] == pytest.approx(
        np.exp(reference.intercept_[0]), rel=1e-4)
    assert table.attrs["n"] == 600 and table.attrs["variant"] == "logit"
    assert (table["ci_low"] < table["odds_ratio"]).all()
    assert (table["odds_ratio"] < table["ci_high"]).all()


def test_clustered_errors_follow_the_sandwich_formula(synthetic) -> None:
    plain = odds_ratio_table(synthetic, FORMULA).set_index("term")
    clustered = odds_ratio_table(synthetic, FORMULA, variant="clustered").set_index("term")
    np.testing.assert_allclose(plain["odds_ratio"], clustered["odds_ratio"])
    # by hand (Cameron & Miller 2015): V = B⁻¹ M B⁻¹ · G/(G−1) · (N−1)/(N−K), with
    # B = X'WX, M = Σ_g (X_g'(y_g − p_g))(X_g'(y_g − p_g))'
    x = np.column_stack([np.ones(len(synthetic)), synthetic[
        ["opening_command", "grounds_early", "courtesy_early", "n_officers"]]]).astype(float)
    beta = np.log(plain["odds_ratio"].to_numpy())
    p = 1 / (1 + np.exp(-x @ beta))
    bread = np.linalg.inv(x.T @ (x * (p * (1 - p))[:, None]))
    scores = x * (synthetic["escalated"].to_numpy() - p)[:, None]
    by_group = pd.DataFrame(scores).groupby(synthetic["borough"].to_numpy()).sum().to_numpy()
    g, n, k = by_group.shape[0], len(x), x.shape[1]
    v = bread @ (by_group.T @ by_group) @ bread * g / (g - 1) * (n - 1) / (n - k)
    se = np.sqrt(np.diag(v))
    np.testing.assert_allclose(np.log(clustered["ci_high"].to_numpy()) - beta, 1.959964 * se,
                               rtol=1e-4)


@pytest.mark.parametrize("variant", ["gee", "mixed"])
def test_multilevel_variants_recover_the_direction_of_effects(synthetic, variant) -> None:
    table = odds_ratio_table(synthetic, FORMULA, variant=variant).set_index("term")
    assert table.loc["opening_command", "odds_ratio"] > 1.5   # true OR e^1.2 = 3.3
    assert table.loc["grounds_early", "odds_ratio"] < 1.0     # true OR e^−0.8 = 0.45
    assert table.attrs["clusters"] == 20
    again = odds_ratio_table(synthetic, FORMULA, variant=variant)
    pd.testing.assert_frame_equal(table.reset_index(), again)


def test_separation_is_refused_with_the_term_named(synthetic) -> None:
    data = synthetic.assign(arrest_warrant=synthetic["escalated"])  # predicts perfectly
    with pytest.raises(AnalysisDataError, match="term 'arrest_warrant' separates the outcome"):
        odds_ratio_table(data, "escalated ~ opening_command + arrest_warrant")


def test_quasi_separation_of_a_rare_level_is_refused(synthetic) -> None:
    data = synthetic.copy()
    data["taser_shown"] = 0
    data.loc[data.index[data["escalated"] == 1][:3], "taser_shown"] = 1  # only in escalated
    with pytest.raises(AnalysisDataError, match="taser_shown"):
        odds_ratio_table(data, "escalated ~ taser_shown")


def test_constant_outcome_and_too_few_clusters_are_refused(synthetic) -> None:
    with pytest.raises(AnalysisDataError, match="one value only"):
        odds_ratio_table(synthetic.assign(escalated=0), FORMULA)
    few = synthetic.assign(borough=np.where(synthetic.index % 2, "North", "South"))
    with pytest.raises(AnalysisDataError, match="at least 10 clusters of 'borough'; found 2"):
        odds_ratio_table(few, FORMULA, variant="clustered")
    results = escalation_models(few, FORMULA)
    assert isinstance(results["logit"], pd.DataFrame)
    assert all("found 2" in results[v] for v in ("clustered", "gee", "mixed"))


def test_bad_variant_and_cluster_are_parameter_errors(synthetic) -> None:
    with pytest.raises(ParameterError, match="variant 'bayes'"):
        odds_ratio_table(synthetic, FORMULA, variant="bayes")
    with pytest.raises(ParameterError, match="cluster column 'officer'"):
        odds_ratio_table(synthetic, FORMULA, variant="gee", cluster="officer")


def test_model_frame_reads_early_officer_behaviour() -> None:
    OFF, SUB = "officer", "subject"
    spec = {
        "m1": {"meta": {"n_officers": 3},
               "clip": {"esc_opening_move": "command", "out_disposal": "arrest"},
               "turns": [(OFF, "Stop.", {}), (SUB, "Why?", {}), (OFF, "Hands out.", {}),
                         (OFF, "You match a description.", {"legal_explanation": "grounds"})]},
        "m2": {"clip": {"esc_opening_move": "greeting", "out_disposal": "nfa"},
               "turns": [(OFF, "Evening, sir.", {"pj_courtesy": "present"}),
                         (OFF, "It's about a phone theft.", {"legal_explanation": "grounds"})]},
        "m3": {"turns": [(SUB, "Hello?", {})]},
    }
    frame = escalation_model_frame(*make_frames(spec), RANKS, first_n=2).set_index("clip_id")
    assert frame.loc["m1", ["escalated", "opening_command", "grounds_early", "courtesy_early"]
                     ].tolist() == [1, 1, 0, 0]  # grounds only in the 3rd officer turn
    assert frame.loc["m2", ["escalated", "opening_command", "grounds_early", "courtesy_early",
                            "explanation_early"]].tolist() == [0, 0, 1, 1, 1]
    assert pd.isna(frame.loc["m3", "escalated"]) and pd.isna(frame.loc["m3", "opening_command"])
    assert frame.loc["m1", "n_officers"] == 3
    wider = escalation_model_frame(*make_frames(spec), RANKS, first_n=3).set_index("clip_id")
    assert wider.loc["m1", "grounds_early"] == 1
