"""The headline results under each consensus rule (the study's sensitivity table).

:func:`headline_shares` and :func:`headline_scores` compute the same few results the report
leads with — full GOWISELY compliance, grounds before the search, escalated outcomes, and
the four procedural-justice scores — from one codes frame; :func:`sensitivity_tables` does it
for the consensus layer (``adjudicated``) and for every rule of
:mod:`workbench.review.consensus_rules` on the same encounters. Counts stay raw: the tables
are published through the registry (disclosure control).
"""

from __future__ import annotations

import pandas as pd

from workbench.analysis import gowisely_full_compliance, gowisely_timing, opening_move_table
from workbench.codebook import compute_derived
from workbench.review.consensus_rules import (
    ADJUDICATED,
    ADJUDICATED_DESCRIPTION,
    RULES,
    UNIT,
    consensus_codes,
)
from workbench.study.data import StudyData
from workbench.study.summaries import NAWAZ_TANKEBE_2018

SHARES: tuple[str, ...] = ("Full GOWISELY compliance", "Grounds given before the search",
                           "Escalated outcome")


def _pct(count: float, base: float) -> float:
    return float("nan") if not base else 100.0 * count / base


def headline_shares(data: StudyData, codes: pd.DataFrame) -> pd.DataFrame:
    """``measure, clips, count, pct``: the headline shares from ``codes``."""
    clips, utterances = data.clips, data.utterances
    full = gowisely_full_compliance(clips, codes).iloc[0]
    assessed = int(full["clips"]) - int(full["not_assessed"])
    timing = gowisely_timing(clips, utterances, codes)
    grounds = timing[timing["measure"] == "grounds_before_search"].iloc[0]
    moves = opening_move_table(clips, codes, data.ranks)
    escalated = moves[moves["opening_move"] == "all"].iloc[0]
    rows = [(SHARES[0], assessed, int(full["compliant"])),
            (SHARES[1], int(grounds["clips"]), int(grounds["count"])),
            (SHARES[2], int(escalated["clips"]), int(escalated["escalated"]))]
    return pd.DataFrame([{"measure": m, "clips": b, "count": c, "pct": _pct(c, b)}
                         for m, b, c in rows])


def headline_scores(data: StudyData, codes: pd.DataFrame) -> pd.DataFrame:
    """``measure, n, mean``: the procedural-justice scores (0–100) from ``codes``."""
    derived = compute_derived(data.codebook, codes, data.utterances)
    rows = []
    for measure in NAWAZ_TANKEBE_2018:
        if measure in derived.columns:
            values = pd.to_numeric(derived[measure], errors="coerce").dropna()
            rows.append({"measure": measure, "n": len(values),
                         "mean": float(values.mean()) if len(values) else float("nan")})
    return pd.DataFrame(rows, columns=["measure", "n", "mean"])


def sensitivity_tables(data: StudyData, ratings: pd.DataFrame
                       ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(shares, scores, rules): the headline results under each rule, on the analysed
    encounters, and a table naming and describing the rules.

    ``ratings``: the coders' ratings (:func:`~workbench.review.adjudication.coder_ratings`).
    """
    analysed = set(data.clips["clip_id"])
    ratings = ratings[ratings["clip_id"].isin(analysed)]
    layers = {ADJUDICATED: data.codes}
    for rule in RULES:
        layers[rule] = consensus_codes(ratings, data.codebook, rule)
    done: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
    share_parts, score_parts = [], []
    for rule, codes in layers.items():
        codes = codes.sort_values(UNIT, kind="stable").reset_index(drop=True)
        # rules that give the same codes (majority = unanimous with two coders a unit) are
        # computed once
        same = next(((a, b) for c, a, b in done if c.equals(codes)), None)
        share, score = same or (headline_shares(data, codes), headline_scores(data, codes))
        done.append((codes, share, score))
        share_parts.append(share.assign(rule=rule))
        score_parts.append(score.assign(rule=rule))
    shares = pd.concat(share_parts, ignore_index=True)
    scores = pd.concat(score_parts, ignore_index=True)
    described = pd.DataFrame({"rule": [ADJUDICATED, *RULES],
                              "description": [ADJUDICATED_DESCRIPTION, *RULES.values()]})
    front = ["rule", "measure"]
    return (shares[front + [c for c in shares.columns if c not in front]],
            scores[front + [c for c in scores.columns if c not in front]], described)
