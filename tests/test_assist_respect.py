"""The respect comparison (Voigt et al. 2017 style): scores, intervals, disclosure control.

On the demo no ethnic difference is planted (``workbench.demo.effects`` (d)): the comparison
must not find one, while it does find a difference planted into the text, and the one the
demo does plant (escalated encounters: more commands and threats).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

from workbench.assist.respect import (
    RESPECT_WEIGHTS,
    clip_measures,
    mean_interval,
    respect_comparison,
    respect_scores,
    welch_interval,
)
from workbench.exceptions import ParameterError


@pytest.fixture(scope="module")
def subset(demo_data):
    """The first 200 demo clips, their turns and their measures (markers: ~2 s)."""
    clips = demo_data.clips.sort_values("clip_id").head(200)
    u = demo_data.utterances[demo_data.utterances["clip_id"].isin(clips["clip_id"])]
    return u, clips, clip_measures(u)


def row(table: pd.DataFrame, role: str, measure: str, group: str) -> pd.Series:
    (found,) = [r for _, r in table.iterrows()
                if (r["role"], r["measure"], r["group"]) == (role, measure, group)]
    return found


def test_the_respect_score_adds_the_marker_weights_and_sentiment():
    u = pd.DataFrame({"clip_id": ["k"] * 3, "utterance_index": [0, 1, 2],
                      "role": ["officer"] * 3,
                      "text": ["Sorry to stop you, sir, thank you for waiting.",
                               "Get on the floor or you'll be cuffed.", "[pause]"]})
    s = respect_scores(u)
    expected = s[list(RESPECT_WEIGHTS)].mul(pd.Series(RESPECT_WEIGHTS)).sum(axis=1) \
        + s["sentiment"]
    assert np.allclose(s["respect"], expected)
    assert s.loc[0, ["apology", "formal_address", "gratitude"]].tolist() == [1, 1, 1]
    assert s.loc[1, ["command", "threat_of_force"]].tolist() == [1, 1]
    assert s.loc[0, "respect"] >= 2.5 and s.loc[1, "respect"] <= -1.5
    assert s.loc[2, "respect"] == 0


def test_intervals_match_statsmodels_and_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(0.2, 1, 40), rng.normal(0, 2, 25)
    m, lo, hi = mean_interval(a)
    assert np.isclose(m, a.mean())
    assert np.allclose((lo, hi), DescrStatsW(a).tconfint_mean(0.05))
    d, dlo, dhi = welch_interval(a, b)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert np.isclose(d, a.mean() - b.mean()) and np.allclose((dlo, dhi), (ci.low, ci.high))


def test_no_ethnic_difference_is_found_where_none_was_planted(subset):
    _u, clips, measures = subset
    table = respect_comparison(None, clips, measures=measures)
    ref = table.attrs["reference"]
    assert ref == clips["ethnicity"].value_counts().idxmax()
    for role in ("officer", "subject"):
        assert row(table, role, "respect", "All")["p_groups"] > 0.05
    big = [g for g, n in clips["ethnicity"].value_counts().items() if n >= 30 and g != ref]
    assert big
    for group in big:
        r = row(table, "officer", "respect", group)
        assert r["diff_low"] < 0 < r["diff_high"], group


def test_a_planted_ethnic_difference_and_the_demos_escalation_effect_are_found(subset,
                                                                              demo_data):
    u, clips, measures = subset
    white = set(clips.loc[clips["ethnicity"] == "White", "clip_id"])
    planted = u.copy()
    officer_white = planted["clip_id"].isin(white) & (planted["role"] == "officer")
    planted.loc[officer_white, "text"] = planted.loc[officer_white, "text"] + " Thank you, sir."
    table = respect_comparison(planted, clips, reference="Black or Black British")
    r = row(table, "officer", "respect", "White")
    assert r["diff_low"] > 0.5 and row(table, "officer", "respect", "All")["p_groups"] < 1e-6
    assert row(table, "subject", "respect", "White")["diff_low"] < 0  # subjects untouched

    from workbench.analysis.outcomes import escalated_outcome
    flags = escalated_outcome(demo_data.codes, demo_data.ranks, clips["clip_id"])
    by_outcome = clips.assign(escalated=clips["clip_id"].map(flags).map(
        {True: "escalated", False: "not escalated"}))
    esc = respect_comparison(None, by_outcome, by="escalated", reference="not escalated",
                             measures=measures)
    assert row(esc, "officer", "respect", "escalated")["diff_high"] < 0
    assert row(esc, "officer", "command", "escalated")["diff_low"] > 0


def test_small_groups_are_suppressed_with_one_more_of_their_line(subset):
    _u, clips, measures = subset
    tiny = clips.copy()
    tiny.loc[tiny.index[:4], "ethnicity"] = "Tiny group"
    table = respect_comparison(None, tiny, threshold=10, measures=measures)
    for (role, measure), line in table.groupby(["role", "measure"]):
        hidden = line[line["mean"] == "[c]"]
        assert "Tiny group" in set(hidden["group"]), (role, measure)
        assert len(hidden) >= 2   # else All − the others would give it away
        assert (hidden["clips"] == "[c]").all()
    open_table = respect_comparison(None, tiny, disclose=False, measures=measures)
    assert row(open_table, "officer", "respect", "Tiny group")["clips"] == 4


def test_bad_parameters_are_named(subset):
    _u, clips, measures = subset
    with pytest.raises(ParameterError, match="'religion'"):
        respect_comparison(None, clips, by="religion", measures=measures)
    with pytest.raises(ParameterError, match="reference group 'Martian'"):
        respect_comparison(None, clips, reference="Martian", measures=measures)
    with pytest.raises(ParameterError, match="utterances"):
        respect_comparison(None, clips)


def test_officers_as_units_average_each_officers_clips_first(subset):
    _u, clips, measures = subset
    table = respect_comparison(None, clips, measures=measures, cluster="lead_officer",
                               disclose=False)
    officer = measures[measures["role"] == "officer"].merge(
        clips[["clip_id", "ethnicity", "lead_officer"]], on="clip_id")
    white = officer[officer["ethnicity"] == "White"]
    per_officer = white.groupby("lead_officer")["respect"].mean()
    r = row(table, "officer", "respect", "White")
    assert r["units"] == len(per_officer) < r["clips"] == len(white)
    assert np.allclose((r["mean"], r["low"], r["high"]), mean_interval(per_officer.to_numpy()))
    with pytest.raises(ParameterError, match="'badge'"):
        respect_comparison(None, clips, measures=measures, cluster="badge")
