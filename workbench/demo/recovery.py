"""Measure the planted effects in a ground-truth table (what ``_truth/effects.json`` reports).

These are descriptive summaries of the truth, for the record and for the notebooks; the tests
re-derive the same quantities independently rather than trusting this module.
"""

from __future__ import annotations

import pandas as pd

from workbench.demo.codes import RESISTANCE_LEVELS, is_escalated_outcome


def clip_table(truth: pd.DataFrame) -> pd.DataFrame:
    """Clip codes wide: one row per clip, one column per clip-level code."""
    clip = truth[truth["utterance_index"].isna()]
    return clip.pivot(index="clip_id", columns="code_id", values="value")


def escalated(clips: pd.DataFrame) -> pd.Series:
    """The brief's escalated outcome per clip (bool)."""
    return pd.Series([is_escalated_outcome(h, d, f) for h, d, f in zip(
        clips["out_handcuffing"], clips["out_disposal"], clips["out_force"], strict=True)],
        index=clips.index)


def deescalation_drop_rates(truth: pd.DataFrame, utterances: pd.DataFrame) -> dict[str, float]:
    """P(the next subject turn is less resistant) after officer turns with and without a
    ``deesc_*`` code, over officer turns that follow a subject turn above ``compliant``."""
    coded = truth.dropna(subset=["utterance_index"])
    deesc = set(map(tuple, coded[coded["code_id"].str.startswith("deesc_")]
                    [["clip_id", "utterance_index"]].itertuples(index=False)))
    levels = {(c, int(i)): RESISTANCE_LEVELS.index(v) for c, i, v in
              coded[coded["code_id"] == "subj_resistance"][["clip_id", "utterance_index",
                                                            "value"]].itertuples(index=False)}
    counts = {"deesc": [0, 0], "other": [0, 0]}
    for clip_id, group in utterances.groupby("clip_id", sort=False):
        last: int | None = None
        waiting: list[str] = []
        for i, role in zip(group["utterance_index"], group["role"], strict=True):
            if role == "subject":
                level = levels[(clip_id, int(i))]
                for key in waiting:
                    counts[key][0] += level < (last or 0)
                    counts[key][1] += 1
                waiting, last = [], level
            elif role == "officer" and last:
                waiting.append("deesc" if (clip_id, int(i)) in deesc else "other")
    return {k: (hits / n if n else float("nan")) for k, (hits, n) in counts.items()}


def measure_effects(truth: pd.DataFrame, utterances: pd.DataFrame,
                    metadata: pd.DataFrame) -> dict[str, object]:
    """Realised effects (a)–(d) of :mod:`workbench.demo.effects` in this truth."""
    clips = clip_table(truth)
    esc = escalated(clips)
    explains = (truth[truth["code_id"] == "pj_explains_action"].groupby("clip_id").size()
                .reindex(clips.index, fill_value=0))
    ethnicity = metadata.set_index("clip_id")["ethnicity"].reindex(clips.index)
    observed = clips["esc_opening_move"].notna()
    return {
        "escalated_rate_by_opening_move": esc[observed].groupby(
            clips.loc[observed, "esc_opening_move"]).mean().round(4).to_dict(),
        "mean_explanations_by_grounds": explains.groupby(clips["gow_grounds"]).mean()
        .round(4).to_dict(),
        "resistance_drop_rate_after": {k: round(v, 4) for k, v in
                                       deescalation_drop_rates(truth, utterances).items()},
        "escalated_rate_by_ethnicity": esc.groupby(ethnicity).mean().round(4).to_dict(),
        "escalated_rate": round(float(esc.mean()), 4),
    }
