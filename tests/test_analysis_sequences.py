"""Lag-1 sequential analysis: adjusted residuals, Yule's Q, permutation test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats.contingency import expected_freq
from statsmodels.stats.contingency_tables import Table, Table2x2

from tests.test_analysis_frames import RANKS, make_frames
from workbench.analysis.sequences import (
    adjusted_residuals,
    expected_counts,
    lag1_transitions,
    yules_q,
)
from workbench.exceptions import ParameterError

# Officer (rows: escalating, de-escalating, neutral) → subject (columns: resisting,
# participating, compliant); N = 30, every row total 10, column totals 9, 5, 16.
HAND = pd.DataFrame([[6, 1, 3], [1, 2, 7], [2, 2, 6]],
                    index=["escalating", "de_escalating", "neutral"],
                    columns=["resisting", "participating", "compliant"])


def test_adjusted_residuals_match_the_hand_worked_example() -> None:
    z = adjusted_residuals(HAND)
    # (escalating, resisting): e = 10·9/30 = 3.0
    #   var = e·(1 − 10/30)·(1 − 9/30) = 3.0 × 0.666667 × 0.7 = 1.4
    #   z = (6 − 3.0)/√1.4 = 3/1.183216 = 2.535463
    assert z.loc["escalating", "resisting"] == pytest.approx(2.535463, abs=1e-6)
    # (de_escalating, compliant): e = 10·16/30 = 5.333333
    #   var = 5.333333 × 0.666667 × (1 − 16/30 = 0.466667) = 1.659259
    #   z = (7 − 5.333333)/√1.659259 = 1.666667/1.288123 = 1.293873
    assert z.loc["de_escalating", "compliant"] == pytest.approx(1.293873, abs=1e-6)
    # (escalating, participating): e = 10·5/30 = 1.666667
    #   var = 1.666667 × 0.666667 × (1 − 5/30 = 0.833333) = 0.925926
    #   z = (1 − 1.666667)/√0.925926 = −0.666667/0.962250 = −0.692820
    assert z.loc["escalating", "participating"] == pytest.approx(-0.692820, abs=1e-6)


def test_expected_counts_and_residuals_agree_with_scipy_and_statsmodels() -> None:
    rng = np.random.default_rng(7)
    for _ in range(5):
        counts = pd.DataFrame(rng.integers(1, 40, size=(3, 4)))
        np.testing.assert_allclose(expected_counts(counts), expected_freq(counts.to_numpy()))
        reference = Table(counts.to_numpy(), shift_zeros=False).standardized_resids
        np.testing.assert_allclose(adjusted_residuals(counts), reference, rtol=1e-10)


def test_yules_q_of_the_two_by_two_collapse() -> None:
    q = yules_q(HAND)
    # (escalating, resisting): a = 6, b = 10 − 6 = 4, c = 9 − 6 = 3, d = 30 − 10 − 9 + 6 = 17
    # Q = (6·17 − 4·3)/(6·17 + 4·3) = 90/114 = 0.789474
    assert q.loc["escalating", "resisting"] == pytest.approx(90 / 114)
    # independent: Q = (OR − 1)/(OR + 1) with the odds ratio from statsmodels
    # (de_escalating, participating): a = 2, b = 10 − 2 = 8, c = 5 − 2 = 3, d = 30 − 10 − 5 + 2
    odds = Table2x2(np.array([[2, 8], [3, 17]])).oddsratio
    assert q.loc["de_escalating", "participating"] == pytest.approx((odds - 1) / (odds + 1))


def test_undefined_cells_are_nan() -> None:
    counts = pd.DataFrame([[4, 0], [0, 0]])
    assert adjusted_residuals(counts).isna().all().all()  # one row holds all N
    assert yules_q(counts).isna().all().all()  # a·d = b·c = 0 in every collapse


OFF, SUB, BY = "officer", "subject", "third_party"
SEQ = {
    "s1": {"turns": [(OFF, "Stop now.", {"esc_command": "bare_order"}),
                     (SUB, "No.", {"subj_resistance": "verbal_refusal"}),
                     (OFF, "I can see you're upset.", {"deesc_empathy": "present"}),
                     (SUB, "Fine.", {"subj_resistance": "compliant"}),
                     (OFF, "Would you mind waiting?", {"esc_command": "softened_request"}),
                     (SUB, "Why me?", {"subj_participation": "question"})]},
    "s2": {"turns": [(OFF, "Or you're nicked.", {"esc_threat": "present"}),
                     (SUB, "Won't.", {"subj_resistance": "passive"}),
                     (OFF, "Oi!", {"esc_hostility": "raised_voice"}),
                     (SUB, "Get off.", {"subj_resistance": "active"}),
                     (OFF, "You're not under arrest.", {"deesc_reassurance": "present"}),
                     (BY, "What's happening?", {}),
                     (SUB, "OK.", {"subj_resistance": "compliant"})]},
}


def _cells(table: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(a, c): n for a, c, n in zip(table["antecedent"], table["consequent"],
                                         table["count"], strict=True) if n}


def test_officer_to_subject_pairs_skip_bystanders() -> None:
    table = lag1_transitions(*make_frames(SEQ)[1:], RANKS, n_permutations=0)
    # s1: esc→resisting, de-esc→compliant, neutral (softened request)→participating
    # s2: esc→resisting twice, de-esc→(bystander skipped)→compliant
    assert _cells(table) == {("escalating", "resisting"): 3, ("de_escalating", "compliant"): 2,
                             ("neutral", "participating"): 1}
    assert len(table) == 9 and table["p_permutation"].isna().all()
    kept = lag1_transitions(*make_frames(SEQ)[1:], RANKS, n_permutations=0, skip_roles=())
    assert _cells(kept)[("de_escalating", "compliant")] == 1


def test_subject_to_officer_pairs() -> None:
    table = lag1_transitions(*make_frames(SEQ)[1:], RANKS, direction="subject_to_officer",
                             n_permutations=0)
    assert _cells(table) == {("resisting", "de_escalating"): 2, ("compliant", "neutral"): 1,
                             ("resisting", "escalating"): 1}
    assert table.loc[0, "row_total"] == 3  # resisting


def _pairs_clip(pairs: list[tuple[str, str]]) -> dict:
    codes = {"escalating": {"esc_threat": "present"}, "neutral": {},
             "resisting": {"subj_resistance": "active"},
             "compliant": {"subj_resistance": "compliant"}}
    turns = []
    for officer, subject in pairs:
        turns += [(OFF, "…", codes[officer]), (SUB, "…", codes[subject])]
    return {"turns": turns}


def test_permutation_keeps_each_clip_together() -> None:
    # Between-clip confound only: clip A always escalating→resisting, clip B always
    # neutral→compliant. Shuffling within clips changes nothing, so p = 1, however big z is.
    spec = {"A": _pairs_clip([("escalating", "resisting")] * 5),
            "B": _pairs_clip([("neutral", "compliant")] * 5)}
    table = lag1_transitions(*make_frames(spec)[1:], RANKS, n_permutations=200, seed=3)
    cell = table[(table["antecedent"] == "escalating") & (table["consequent"] == "resisting")]
    assert cell["adjusted_residual"].iloc[0] == pytest.approx(math.sqrt(10))
    assert cell["p_permutation"].iloc[0] == 1.0


def test_permutation_detects_a_within_clip_association_reproducibly() -> None:
    # One clip, 5 escalating→resisting and 5 neutral→compliant pairs: under shuffling the
    # chance of 5 (or 0) overlaps is 2/C(10,5) = 2/252.
    spec = {"A": _pairs_clip([("escalating", "resisting"), ("neutral", "compliant")] * 5)}
    frames = make_frames(spec)[1:]
    first = lag1_transitions(*frames, RANKS, n_permutations=999, seed=11)
    again = lag1_transitions(*frames, RANKS, n_permutations=999, seed=11)
    pd.testing.assert_frame_equal(first, again)
    cell = first[(first["antecedent"] == "escalating") & (first["consequent"] == "resisting")]
    assert 1 / 1000 <= cell["p_permutation"].iloc[0] < 0.03


@pytest.mark.parametrize(("kwargs", "field"), [({"direction": "sideways"}, "direction"),
                                                ({"n_permutations": -1}, "n_permutations")])
def test_bad_parameters_are_refused(kwargs, field) -> None:
    with pytest.raises(ParameterError) as caught:
        lag1_transitions(*make_frames(SEQ)[1:], RANKS, **kwargs)
    assert caught.value.field == field


def test_the_batched_shuffle_is_lexsort_within_clips_ties_included() -> None:
    """The permutation test sorts each row of draws within clips with one float sort; it must
    give exactly ``np.lexsort((draws, clip))``, also where rounding ties two keys."""
    from workbench.analysis.sequences import _sort_within

    rng = np.random.default_rng(7)
    clip = np.sort(rng.integers(0, 400, size=3000))
    draws = rng.random((20, clip.size))
    draws[3, 10:12] = 0.25  # an exact tie inside one row
    draws[5, :] = np.round(draws[5, :], 2)  # many ties
    expected = np.stack([np.lexsort((row, clip)) for row in draws])
    assert np.array_equal(_sort_within(clip, draws), expected)
