"""Panel ratings beside the coders, and differences between members' self-described groups.

* Ratings 1–5 become scores 0–100 (``(r − 1) × 25``) so that the four procedural-justice
  dimensions sit on the scale of the codebook's derived scores (``pj_voice`` …).
* **Panel vs consensus**: per dimension, Krippendorff's alpha (interval) with two "coders",
  the panel (mean of its members' scores per clip) and the consensus layer's derived score
  (:func:`workbench.reliability.krippendorff_alpha`). **Member vs member**: alpha (ordinal,
  the 1–5 scale) over the members who rated each clip.
* **Individual coders** (:func:`beside_coders`): for the same clips, each coder's own
  derived score per dimension and the codes behind it (the indicator codes of the
  codebook's measure, with their values and turns), beside the panel and the consensus.
* **Groups**: each member's mean score per dimension, pooled across screenings and quarters;
  each pair of groups compared with the two-sided Mann–Whitney U test, p-values adjusted by
  Holm over every pair and dimension; a pair is *flagged* when the adjusted p is under
  ``alpha`` (default 0.05). Groups with fewer than ``threshold`` members are suppressed
  (:func:`workbench.privacy.disclosure.suppress_rows`) and never compared.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.privacy.disclosure import DEFAULT_THRESHOLD, suppress_rows
from workbench.reliability import ReliabilityData, krippendorff_alpha
from workbench.store import Store
from workbench.store.screenings import PJ_DIMENSIONS, RATING_VALUES

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook

RATING_COLUMNS = ("screening_id", "held_on", "clip_id", "member_id", "item", "rating", "score")


def to_score(rating: pd.Series) -> pd.Series:
    """A 1–5 rating as a 0–100 score."""
    return (rating.astype(float) - 1.0) * 25.0


def ratings_frame(store: Store) -> pd.DataFrame:
    """One row per rating the handle may read, with the member's group columns (``g_…``)."""
    held = {s.screening_id: s.held_on for s in store.screenings()}
    groups = {m.member_id: m.group for m in store.panel_members()}
    rows = [{"screening_id": a.screening_id, "held_on": held.get(a.screening_id),
             "clip_id": a.clip_id, "member_id": a.member_id, "item": a.item,
             "rating": int(a.value), **{f"g_{k}": v for k, v in groups[a.member_id].items()}}
            for a in store.panel_answers() if a.kind == "rating"]
    frame = pd.DataFrame(rows, columns=None if rows else list(RATING_COLUMNS[:-1]))
    frame["score"] = to_score(frame["rating"]) if len(frame) else pd.Series(dtype=float)
    return frame


def compare_with_coders(ratings: pd.DataFrame, consensus: pd.DataFrame) -> pd.DataFrame:
    """Per clip and dimension: panel mean score, members, consensus score, difference.

    ``consensus``: derived scores indexed by clip id, columns ``pj_*``
    (:func:`workbench.codebook.compute_derived` on the consensus layer).
    """
    pj = ratings[ratings["item"].isin(PJ_DIMENSIONS)]
    panel = (pj.groupby(["clip_id", "item"])["score"].agg(panel_score="mean", n_members="count")
             .reset_index())
    coders = (consensus.reindex(columns=list(PJ_DIMENSIONS)).rename_axis("clip_id")
              .reset_index().melt(id_vars="clip_id", var_name="item",
                                  value_name="consensus_score"))
    table = panel.merge(coders, on=["clip_id", "item"], how="left")
    table["difference"] = table["panel_score"] - table["consensus_score"]
    return table.sort_values(["item", "clip_id"], ignore_index=True)


def coder_codes(codebook: Codebook, annotations: pd.DataFrame, utterances: pd.DataFrame,
                clip_ids: list[str] | None = None) -> pd.DataFrame:
    """Per clip, dimension and individual coder: the coder's derived score and the codes
    behind it (``codes``: "code=value ×turns; …", codebook ids).

    ``annotations``: coder-layer rows (``coder_id``, ``clip_id``, ``utterance_index``,
    ``code_id``, ``value``), e.g. ``store.annotations_frame(layer=Layer.CODER,
    counted_only=True)``; ``utterances``: the clips' turns with ``role``.
    """
    from workbench.codebook import compute_derived

    columns = ["clip_id", "item", "coder_id", "coder_score", "codes"]
    measures = {m.id: m for m in codebook.derived if m.id in PJ_DIMENSIONS}
    if clip_ids is not None:
        annotations = annotations[annotations["clip_id"].isin(clip_ids)]
    rows = []
    for coder, mine in annotations.groupby("coder_id"):
        turns = utterances[utterances["clip_id"].isin(mine["clip_id"])]
        derived = compute_derived(codebook, mine, turns)
        for item, measure in measures.items():
            ids = {c for ind in (*measure.indicators, *measure.negative) for c in ind.code_ids}
            used = mine[mine["code_id"].isin(ids)]
            for clip in sorted(set(mine["clip_id"])):
                here = used[used["clip_id"] == clip]
                counts = here.groupby(["code_id", "value"]).size()
                rows.append({"clip_id": clip, "item": item, "coder_id": str(coder),
                             "coder_score": float(derived.loc[clip, item]),
                             "codes": "; ".join(f"{c}={v} ×{n}" for (c, v), n in
                                                counts.items()) or "none"})
    return pd.DataFrame(rows, columns=columns)


def beside_coders(ratings: pd.DataFrame, consensus: pd.DataFrame,
                  codes: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare_with_coders` with one row per individual coder of each clip
    (``coder_id``, ``coder_score``, ``codes`` from :func:`coder_codes`; a clip no coder coded
    keeps one row with those blank)."""
    side = compare_with_coders(ratings, consensus)
    table = side.merge(codes, on=["clip_id", "item"], how="left")
    return table.sort_values(["item", "clip_id", "coder_id"], ignore_index=True)


def agreement(ratings: pd.DataFrame, consensus: pd.DataFrame) -> pd.DataFrame:
    """Per dimension: alpha panel vs consensus (interval, 0–100) and member vs member
    (ordinal 1–5), with the clips each rests on."""
    side = compare_with_coders(ratings, consensus).dropna(subset=["consensus_score"])
    rows = []
    for item in PJ_DIMENSIONS:
        mine = side[side["item"] == item]
        long = pd.concat([
            pd.DataFrame({"unit": mine["clip_id"], "coder": "panel",
                          "value": mine["panel_score"]}),
            pd.DataFrame({"unit": mine["clip_id"], "coder": "consensus",
                          "value": mine["consensus_score"]})])
        vs = _alpha(long, "interval")
        members = ratings[ratings["item"] == item]
        between = _alpha(pd.DataFrame({
            "unit": members["screening_id"] + "/" + members["clip_id"],
            "coder": members["member_id"], "value": members["rating"].astype(str)}),
            "ordinal", categories=RATING_VALUES)
        rows.append({"item": item, "n_clips": int(mine["clip_id"].nunique()),
                     "alpha_panel_vs_consensus": vs, "alpha_member_vs_member": between})
    return pd.DataFrame(rows)


def _alpha(long: pd.DataFrame, level: str, categories: tuple[str, ...] | None = None) -> float:
    if long["coder"].nunique() < 2 or long["unit"].nunique() < 2:
        return float("nan")
    data = ReliabilityData.from_long(long.astype({"value": str}), level,
                                     categories=categories)
    return float(krippendorff_alpha(data))


def group_means(ratings: pd.DataFrame, group: str, *,
                threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Members and mean score per group value and item, pooled over screenings; groups with
    fewer than ``threshold`` members shown as [c]."""
    column = _group_column(ratings, group)
    per_member = _member_means(ratings, column)
    table = (per_member.groupby([column, "item"])["score"]
             .agg(n_members="count", mean_score="mean").reset_index()
             .rename(columns={column: "group"}))
    table["mean_score"] = table["mean_score"].round(1)
    return suppress_rows(table, count_column="n_members", value_columns=["mean_score"],
                         threshold=threshold)


def group_differences(ratings: pd.DataFrame, group: str, *,
                      threshold: int = DEFAULT_THRESHOLD, alpha: float = 0.05) -> pd.DataFrame:
    """Every pair of groups (both with ≥ ``threshold`` members) on every item: difference of
    mean member scores, Mann–Whitney p, Holm-adjusted p, flagged."""
    from scipy.stats import mannwhitneyu

    if not 0 < alpha < 1:
        raise ParameterError(f"alpha = {alpha}: expected between 0 and 1", field="alpha")
    column = _group_column(ratings, group)
    per_member = _member_means(ratings, column)
    sizes = per_member.groupby(column)["member_id"].nunique()
    kept = sorted(sizes[sizes >= threshold].index)
    rows = []
    for item in sorted(per_member["item"].unique()):
        mine = per_member[per_member["item"] == item]
        for a, b in combinations(kept, 2):
            x = mine.loc[mine[column] == a, "score"]
            y = mine.loc[mine[column] == b, "score"]
            if len(x) < threshold or len(y) < threshold:
                continue
            p = float(mannwhitneyu(x, y, alternative="two-sided").pvalue)
            rows.append({"item": item, "group_a": a, "group_b": b, "n_a": len(x), "n_b": len(y),
                         "difference": round(float(x.mean() - y.mean()), 1), "p": p})
    table = pd.DataFrame(rows, columns=["item", "group_a", "group_b", "n_a", "n_b",
                                        "difference", "p"])
    table["p_holm"] = holm(table["p"].to_numpy())
    table["flagged"] = table["p_holm"] < alpha
    return table


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979), in the input order."""
    m = len(p)
    order = np.argsort(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def _group_column(ratings: pd.DataFrame, group: str) -> str:
    column = f"g_{group}"
    if column not in ratings.columns:
        known = sorted(c[2:] for c in ratings.columns if c.startswith("g_"))
        raise ParameterError(f"members described no group {group!r}; known: "
                             f"{', '.join(known) or 'none'}", field="group")
    return column


def _member_means(ratings: pd.DataFrame, column: str) -> pd.DataFrame:
    rated = ratings.dropna(subset=[column])
    return (rated.groupby(["member_id", column, "item"])["score"].mean().reset_index())
