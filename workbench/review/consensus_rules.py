"""Alternative consensus rules, by name, for sensitivity checks of the study's results.

The study reads the consensus layer built by :func:`~workbench.review.consensus
.build_consensus` (rule ``"adjudicated"``): the value all of a unit's coders agreed on, or its
only coder's, and a reviewer's decision where they disagreed; undecided disagreements are
left out. Peers build consensus in other ways, so the same coders' ratings
(:func:`~workbench.review.adjudication.coder_ratings`) can be combined by these rules too:

``majority``
    the value more than half of the unit's coders gave; no strict majority → left out.
``unanimous``
    only values every coder of the unit gave (agreed or single-coded); disagreements left
    out, no reviewer.
``any_coder``
    the most inclusive reading: a unit gets a value wherever any coder gave one other than
    "absent" (the most frequent such value; a tie goes to the codebook's first option).

A unit is a turn × code (turn-level codes) or an encounter × code. Ratings of ``"absent"``
that only stand for "no annotation" are not copied (as in ``build_consensus``), unless
"absent" is a real option of the code.
"""

from __future__ import annotations

import pandas as pd

from workbench.analysis.frames import CODE_COLUMNS
from workbench.codebook.book import Codebook
from workbench.exceptions import ParameterError
from workbench.reliability.long_table import ABSENT

UNIT = ["clip_id", "utterance_index", "code_id"]
#: The rules :func:`consensus_codes` computes, with a one-line description each.
RULES: dict[str, str] = {
    "majority": "More than half of the unit's coders gave the value; otherwise left out.",
    "unanimous": "Only values every coder of the unit gave; disagreements left out.",
    "any_coder": "A value wherever any coder gave one (the most frequent; ties: codebook "
                 "order).",
}
#: The study's own rule (the consensus layer), for tables that list every rule.
ADJUDICATED = "adjudicated"
ADJUDICATED_DESCRIPTION = ("The study's consensus layer: agreed or single-coded values, and "
                           "a reviewer's decision where coders disagreed.")


def consensus_codes(ratings: pd.DataFrame, codebook: Codebook, rule: str) -> pd.DataFrame:
    """Combine coders' ratings into one value per unit by ``rule`` (see the module docstring).

    Parameters
    ----------
    ratings : long ratings with columns clip_id, utterance_index, code_id, coder_id, value
        (:func:`~workbench.review.adjudication.coder_ratings`).
    codebook : the codebook (option order for ties; which codes have a real "absent").
    rule : one of :data:`RULES`.

    Returns
    -------
    DataFrame in the analysis contract's code columns (clip_id, utterance_index, code_id,
    value), one row per unit that gets a value.
    """
    if rule not in RULES:
        raise ParameterError(f"unknown consensus rule {rule!r}; rules: {', '.join(RULES)} "
                             f"(and {ADJUDICATED!r}, the consensus layer itself)",
                             field="rule")
    frame = ratings[[*UNIT, "value"]].copy()
    frame["utterance_index"] = frame["utterance_index"].astype("Int64")
    real_absent = {c.id for c in codebook.codes if ABSENT in c.option_keys()}
    order = {(c.id, k): i for c in codebook.codes for i, k in enumerate(c.option_keys())}
    counts = (frame.groupby([*UNIT, "value"], dropna=False, sort=False).size()
              .rename("votes").reset_index())
    raters = frame.groupby(UNIT, dropna=False, sort=False).size().rename("raters")
    counts = counts.merge(raters.reset_index(), on=UNIT)
    counts["rank"] = [order.get((c, v), len(order)) for c, v in
                      zip(counts["code_id"], counts["value"], strict=True)]
    if rule == "majority":
        chosen = counts[counts["votes"] * 2 > counts["raters"]]
    elif rule == "unanimous":
        chosen = counts[counts["votes"] == counts["raters"]]
    else:  # any_coder: prefer any value other than a stand-in "absent"
        stand_in = (counts["value"] == ABSENT) & ~counts["code_id"].isin(real_absent)
        ranked = counts.assign(stand_in=stand_in).sort_values(
            ["stand_in", "votes", "rank"], ascending=[True, False, True], kind="stable")
        chosen = ranked.drop_duplicates(UNIT, keep="first")
    keep = (chosen["value"] != ABSENT) | chosen["code_id"].isin(real_absent)
    out = chosen.loc[keep, list(CODE_COLUMNS)]
    return out.sort_values(UNIT, kind="stable").reset_index(drop=True)
