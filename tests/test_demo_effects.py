"""The planted effects are present in the ground truth, with the right sign and a clear margin.

Each quantity is re-derived here from the truth table with plain pandas (not with
``workbench.demo.recovery``), and then compared with what ``recovery`` reports.
"""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from workbench.demo import (
    effects,
    generate_encounters,
    metadata_frame,
    truth_frame,
    utterance_frame,
)
from workbench.demo.recovery import measure_effects

ESCALATING_FORCE = {"restraint", "unarmed_strikes", "weapon_drawn", "weapon_used"}
LEVEL = {"compliant": 0, "verbal_refusal": 1, "passive": 2, "active": 3, "assaultive": 4}


def _frames(**kwargs) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    encounters = generate_encounters(500, 20211, **kwargs)
    return truth_frame(encounters), utterance_frame(encounters), metadata_frame(encounters)


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return _frames()


def _clips(truth: pd.DataFrame) -> pd.DataFrame:
    rows = truth[truth["utterance_index"].isna()]
    clips = rows.pivot(index="clip_id", columns="code_id", values="value")
    clips["escalated"] = ((clips["out_handcuffing"] != "none")
                          | (clips["out_disposal"] == "arrest")
                          | clips["out_force"].isin(ESCALATING_FORCE))
    return clips


def test_command_openings_escalate_far_more_often_than_reason_openings(frames):
    clips = _clips(frames[0])
    rate = clips.dropna(subset=["esc_opening_move"]).groupby("esc_opening_move")[
        "escalated"].mean()
    assert rate["command"] - rate["reason"] >= effects.ESCALATION_MARGIN
    assert rate["command"] == pytest.approx(effects.ESCALATION_BY_OPENING["command"], abs=0.15)
    assert rate["reason"] == pytest.approx(effects.ESCALATION_BY_OPENING["reason"], abs=0.10)
    assert rate["accusation"] > rate["greeting"]
    realised = measure_effects(*frames)["escalated_rate_by_opening_move"]
    assert realised["command"] == pytest.approx(rate["command"], abs=1e-4)


def test_specific_grounds_come_with_more_explanations(frames):
    truth = frames[0]
    clips = _clips(truth)
    explained = truth[truth["code_id"] == "pj_explains_action"]["clip_id"].value_counts()
    per_clip = explained.reindex(clips.index, fill_value=0)
    mean = per_clip.groupby(clips["gow_grounds"]).mean()
    assert mean["none"] < mean["generic"] < mean["specific"]
    assert mean["label_only"] < mean["specific"]
    assert mean["specific"] >= effects.EXPLANATION_RATIO * mean["none"]
    realised = measure_effects(*frames)["mean_explanations_by_grounds"]
    assert realised["specific"] == pytest.approx(mean["specific"], abs=1e-4)


def _drop_rates(truth: pd.DataFrame, utterances: pd.DataFrame) -> dict[bool, float]:
    """P(next subject turn less resistant | officer turn has a deesc code), over officer turns
    following a subject turn above compliant."""
    coded = truth.dropna(subset=["utterance_index"]).astype({"utterance_index": int})
    deesc = set(zip(*coded[coded["code_id"].str.startswith("deesc_")][
        ["clip_id", "utterance_index"]].T.to_numpy(), strict=True))
    level = {(c, i): LEVEL[v] for c, i, v in coded[coded["code_id"] == "subj_resistance"][
        ["clip_id", "utterance_index", "value"]].itertuples(index=False)}
    hits = {True: [0, 0], False: [0, 0]}
    for clip_id, g in utterances.groupby("clip_id"):
        previous, waiting = 0, []
        for i, role in zip(g["utterance_index"], g["role"], strict=True):
            if role == "subject":
                for is_deesc in waiting:
                    hits[is_deesc][0] += level[(clip_id, i)] < previous
                    hits[is_deesc][1] += 1
                previous, waiting = level[(clip_id, i)], []
            elif role == "officer" and previous > 0:
                waiting.append((clip_id, i) in deesc)
    return {k: a / n for k, (a, n) in hits.items()}


def test_deescalation_is_followed_by_a_drop_in_resistance(frames):
    truth, utterances, _ = frames
    rate = _drop_rates(truth, utterances)
    assert rate[True] - rate[False] >= effects.DEESCALATION_DROP_MARGIN
    assert rate[True] > 0.5 > 0.25 > rate[False]
    realised = measure_effects(*frames)["resistance_drop_rate_after"]
    assert realised["deesc"] == pytest.approx(rate[True], abs=1e-4)


def test_no_ethnic_disparity_is_planted_by_default(frames):
    truth, _, metadata = frames
    clips = _clips(truth).join(metadata.set_index("clip_id")["ethnicity"])
    table = pd.crosstab(clips["ethnicity"], clips["escalated"])
    assert chi2_contingency(table).pvalue > 0.05
    assert effects.ETHNIC_DISPARITY_DEFAULT == {}


def test_an_explicit_disparity_parameter_plants_one():
    truth, _, metadata = _frames(ethnic_disparity={"White": 6.0})
    clips = _clips(truth).join(metadata.set_index("clip_id")["ethnicity"])
    rate = clips.groupby(clips["ethnicity"] == "White")["escalated"].mean()
    assert rate[True] - rate[False] > 0.2
