"""Good-practice excerpts (redacted) and procedural-justice scores by group (disclosed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.test_analysis_frames import RANKS, make_frames
from workbench.analysis.excerpts import good_practice_excerpts
from workbench.analysis.scores import scores_by_group
from workbench.exceptions import ParameterError
from workbench.privacy.disclosure import CONFIDENTIAL
from workbench.privacy.redaction import scan_for_pii

OFF, SUB = "officer", "subject"
PLANTED = ["Jamal Ahmed", "Jamal", "07700 900123", "AB12 CDE", "Smith", "12 Acre Lane"]


def _deescalated(prefix: str) -> list:
    return [
        (OFF, "Stop there, mate.", {"esc_command": "bare_order"}, "PC Smith"),
        (SUB, "My name is Jamal Ahmed and I've done nothing.",
         {"subj_resistance": "verbal_refusal"}),
        (OFF, f"{prefix} I understand, Jamal. You're not under arrest.",
         {"deesc_empathy": "present", "deesc_reassurance": "present"}, "PC Smith"),
        (SUB, "Fine. My number's 07700 900123, car's AB12 CDE.", {"subj_resistance": "compliant"}),
        (OFF, "Thanks. I live near 12 Acre Lane myself.", {}, "PC Jones"),
    ]


SPEC = {
    "e1": {"turns": _deescalated("Okay.")},
    "e2": {"turns": _deescalated("Alright.")},
    "e3": {"turns": [(OFF, "Evening.", {"pj_courtesy": "present"}),
                     (SUB, "Hi.", {"subj_resistance": "compliant"})]},   # nothing to de-escalate
    "e4": {"turns": _deescalated("Sure.")},                             # no score
}
SCORES = pd.Series({"e1": 80.0, "e2": 90.0, "e3": 99.0})


def test_excerpts_pick_the_best_scored_successful_encounters() -> None:
    table = good_practice_excerpts(*make_frames(SPEC)[1:], RANKS, SCORES, n=2, window=1)
    assert table.groupby("excerpt")["clip_id"].first().tolist() == ["e2", "e1"]
    first = table[table["excerpt"] == 1]
    assert first["utterance_index"].tolist() == [1, 2, 3]  # anchor 2 ± 1
    assert first["anchor"].tolist() == [False, True, False]
    assert first["tactics"].tolist() == ["", "deesc_empathy, deesc_reassurance", ""]
    assert first["speaker"].tolist() == ["Subject", "Officer 1", "Subject"]


def test_excerpts_never_carry_raw_identifying_text() -> None:
    table = good_practice_excerpts(*make_frames(SPEC)[1:], RANKS, SCORES, n=5, window=5)
    assert set(table["clip_id"]) == {"e1", "e2"}
    assert scan_for_pii(table.to_csv(index=False), PLANTED) == []
    assert "[NAME]" in " ".join(table["text"]) and "[PHONE]" in " ".join(table["text"])
    assert set(table["speaker"]) == {"Officer 1", "Officer 2", "Subject"}


def test_excerpt_parameters_are_checked() -> None:
    with pytest.raises(ParameterError, match="window -1"):
        good_practice_excerpts(*make_frames(SPEC)[1:], RANKS, SCORES, window=-1)
    empty = good_practice_excerpts(*make_frames({"e3": SPEC["e3"]})[1:], RANKS, SCORES)
    assert empty.empty and "text" in empty.columns


@pytest.fixture
def scored() -> tuple[pd.DataFrame, pd.DataFrame]:
    groups = ["A"] * 12 + ["B"] * 13 + ["C"] * 3
    spec = {f"s{i:02d}": {"meta": {"ethnicity": g}} for i, g in enumerate(groups)}
    clips = make_frames(spec)[0]
    rng = np.random.default_rng(4)
    derived = pd.DataFrame({"clip_id": clips["clip_id"],
                            "voice": rng.uniform(40, 100, len(clips)).round(1),
                            "respect": rng.uniform(30, 100, len(clips)).round(1)})
    derived.loc[0, "respect"] = np.nan
    return derived, clips


def test_scores_by_group_means_and_sds(scored) -> None:
    derived, clips = scored
    table = scores_by_group(derived, clips, "ethnicity", threshold=None)
    a = table[(table["group"] == "A") & (table["measure"] == "respect")].iloc[0]
    values = derived.loc[clips["ethnicity"] == "A", "respect"].dropna().to_numpy()
    assert a["n"] == 11
    assert a["mean"] == pytest.approx(values.mean())
    assert a["sd"] == pytest.approx(values.std(ddof=1))
    overall = table[(table["group"] == "all") & (table["measure"] == "voice")].iloc[0]
    assert overall["n"] == 28 and overall["mean"] == pytest.approx(derived["voice"].mean())
    indexed = scores_by_group(derived.set_index("clip_id"), clips, "ethnicity", threshold=None)
    pd.testing.assert_frame_equal(indexed, table)  # compute_derived's shape works too


def test_scores_by_group_hide_small_groups_and_one_more(scored) -> None:
    derived, clips = scored
    table = scores_by_group(derived, clips, "ethnicity")
    voice = table[table["measure"] == "voice"].set_index("group")
    # C has 3 clips; A (12, the smallest other group) is hidden too, else 28 − 12 − 13 = 3
    # and the overall mean would give C's mean away.
    assert voice.loc["C", ["n", "mean", "sd"]].tolist() == [CONFIDENTIAL] * 3
    assert voice.loc["A", "n"] == CONFIDENTIAL
    assert voice.loc["B", "n"] == 13 and isinstance(voice.loc["B", "mean"], float)
    assert voice.loc["all", "n"] == 28
    with pytest.raises(ParameterError, match=r"measure.*legitimacy"):
        scores_by_group(derived, clips, "ethnicity", measures=["legitimacy"])
