"""Agreement between the reviewers of an audit, where more than one re-coded the same clips.

An audit may give its clips to several reviewers (:func:`workbench.review.audit_sample.
open_review` assigns every clip to each). The quality comparison uses one review per clip
(the lead's first); this module asks how far the reviewers agree with each other, which
bounds how much of the original-vs-review disagreement the review itself may carry.

Units and values are those of :mod:`workbench.review.quality` (every applicable turn or the
clip, "absent" where a reviewer who finished the clip left it uncoded, set codes per
element). Per variable: Krippendorff's alpha over all the reviewers who finished a clip
(any number, missing ratings allowed; Krippendorff 2011), with a percentile interval
resampling clips (:mod:`workbench.reliability.clustered`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from workbench.model import AssignmentKind, AssignmentStatus, Layer
from workbench.reliability.verdicts import alpha_verdict
from workbench.review.audit_sample import audit_record
from workbench.review.quality import (
    UNIT_KEYS,
    coincidences_of,
    rated_long,
    variable_levels,
    variables,
)

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.store import Store

COLUMNS = ["code_id", "label", "alpha", "ci_low", "ci_high", "n_units", "n_clips",
           "n_reviewers", "verdict"]


def reviewers_done(store: Store, audit_id: str) -> pd.DataFrame:
    """(clip_id, rater) for each of the audit's reviewers who finished a sample clip; only
    clips finished by two or more of them."""
    record = audit_record(store, audit_id)
    assert record is not None
    sample = {c["clip_id"] for c in record["clips"]}
    reviewers = set(record["reviewers"])
    done = pd.DataFrame([(a.clip_id, a.coder_id) for a in store.assignments(
        kind=AssignmentKind.REVIEW) if a.status == AssignmentStatus.DONE
        and a.clip_id in sample and a.coder_id in reviewers], columns=["clip_id", "rater"])
    shared = done.groupby("clip_id")["rater"].transform("size") >= 2
    return done.loc[shared].sort_values(["clip_id", "rater"], ignore_index=True)


def reviewer_ratings(store: Store, codebook: Codebook, audit_id: str) -> pd.DataFrame:
    """The review layer of every reviewer on the clips two or more of them finished, long
    (unit, clip_id, utterance_index, code_id, rater = the reviewer, value)."""
    done = reviewers_done(store, audit_id)
    rows = pd.DataFrame([(a.clip_id, a.utterance_index, a.code_id, a.value, a.coder_id)
                         for a in store.annotations(layer=Layer.REVIEW)
                         if a.audit_id == audit_id],
                        columns=[*UNIT_KEYS, "value", "rater"])
    if done.empty:
        return pd.DataFrame(columns=["unit", *UNIT_KEYS, "rater", "value"])
    return rated_long(store, codebook, rows, done)


def reviewer_agreement(store: Store, codebook: Codebook, audit_id: str, *,
                       n_resamples: int = 1000, seed: int = 0,
                       confidence: float = 0.95) -> pd.DataFrame:
    """Alpha per variable among the audit's reviewers, with a clip-resampled interval.

    Columns code_id, label, alpha, ci_low, ci_high, n_units, n_clips, n_reviewers, verdict;
    worst first. Empty when no clip was finished by two reviewers.
    """
    return agreement_among(reviewer_ratings(store, codebook, audit_id), codebook,
                           n_resamples=n_resamples, seed=seed, confidence=confidence)


def agreement_among(long: pd.DataFrame, codebook: Codebook, *, n_resamples: int = 1000,
                    seed: int = 0, confidence: float = 0.95) -> pd.DataFrame:
    """:func:`reviewer_agreement` of a given long table (unit, code_id, rater, value)."""
    levels, scales = variable_levels(codebook)
    rows = []
    for v in variables(codebook):
        sub = long.loc[long["code_id"] == v.variable_id]
        sub = sub.loc[sub.groupby("unit")["rater"].transform("nunique") >= 2]
        if sub.empty:
            continue
        cc = coincidences_of(sub, v.variable_id, levels, scales)
        estimate = cc.alpha()
        low, high, _ = cc.interval(n_resamples, seed, confidence)
        rows.append({"code_id": v.variable_id, "label": v.label, "alpha": estimate,
                     "ci_low": low, "ci_high": high, "n_units": int(sub["unit"].nunique()),
                     "n_clips": cc.n_clusters, "n_reviewers": int(sub["rater"].nunique()),
                     "verdict": alpha_verdict(estimate)})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["alpha", "code_id"], na_position="first", ignore_index=True,
                             kind="stable")
