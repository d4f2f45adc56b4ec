"""The opening-words analysis (Rho et al. 2023) on hand-made frames and on the demo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from workbench.assist import hanley_mcneil, opening_words, opening_words_analysis
from workbench.exceptions import ParameterError


def test_opening_words_takes_the_first_officer_words_only() -> None:
    u = pd.DataFrame({
        "clip_id": ["a", "a", "a", "a", "b"], "utterance_index": [0, 1, 2, 3, 0],
        "role": ["subject", "officer", "subject", "officer", "subject"],
        "text": ["Leave me alone mate.", "Stop there [raises hand] please.", "Why?",
                 "Because of reports, okay?", "Hello"]})
    out = opening_words(u, n_words=5)
    assert out["clip_id"].tolist() == ["a"]  # b has no officer words
    assert out.loc[0, "opening"] == "Stop there please. Because of"
    assert out.loc[0, "n_words"] == 5
    assert out.loc[0, "first_turn"] == "Stop there [raises hand] please."
    with pytest.raises(ParameterError, match="n_words"):
        opening_words(u, n_words=0)


def _delong_se(y: np.ndarray, s: np.ndarray) -> float:
    """DeLong et al. (1988) standard error from placement values (independent of Hanley–McNeil)."""
    pos, neg = s[y == 1], s[y == 0]
    v10 = np.array([np.mean((p > neg) + 0.5 * (p == neg)) for p in pos])
    v01 = np.array([np.mean((pos > q) + 0.5 * (pos == q)) for q in neg])
    return float(np.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)))


def test_hanley_mcneil_interval_agrees_with_delong_on_exponential_scores() -> None:
    # Hanley & McNeil's SE is exact for exponentially distributed scores; DeLong is
    # nonparametric: on such data they agree closely.
    rng = np.random.default_rng(7)
    pos, neg = rng.exponential(3.0, 400), rng.exponential(1.0, 600)
    y = np.r_[np.ones(400), np.zeros(600)].astype(int)
    s = np.r_[pos, neg]
    auc = roc_auc_score(y, s)
    low, high = hanley_mcneil(auc, 400, 600)
    se = (high - low) / (2 * 1.959964)
    assert se == pytest.approx(_delong_se(y, s), rel=0.1)
    assert low < auc < high


@pytest.fixture(scope="module")
def demo_opening(demo_data):
    return opening_words_analysis(demo_data.utterances, demo_data.codes, demo_data.ranks)


def test_demo_opening_words_recover_the_planted_effect(demo_opening) -> None:
    auc = demo_opening["auc"].set_index("scheme")
    assert set(auc.index) == {"held_out", "within"}
    assert auc.loc["held_out", "auc_low"] > 0.5  # the interval excludes no effect
    assert auc.loc["held_out", "auc"] < auc.loc["held_out", "auc_high"]
    markers = demo_opening["markers"].set_index("marker")
    coef = markers["coefficient"]
    assert coef["command"] > 0 and coef["reason"] < 0  # planted: command up, reason down
    esc = markers.loc["command"]
    assert esc["pct_escalated"] == pytest.approx(100 * esc["with_escalated"] / esc["escalated"])


def test_demo_command_first_and_reason_rates_by_outcome(demo_opening) -> None:
    rates = demo_opening["rates"].set_index(["measure", "outcome"])["pct"]
    assert rates["command_first", "escalated"] > 1.5 * rates["command_first", "not_escalated"]
    assert rates["reason_given", "escalated"] < rates["reason_given", "not_escalated"]
