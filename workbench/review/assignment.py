"""Allocating clips to coders, with a stratified overlap sample for reliability.

A share ``overlap`` of the clips not yet assigned is coded by ``overlap_coders`` coders each
(the reliability sample); every other clip by one coder. The overlap sample is drawn by
proportional stratified sampling on clip metadata columns (e.g. ``bcu``, ``outcome``): each
stratum gets its share of the sample by the largest-remainder (Hamilton) method, so the sample
mirrors the corpus (proportional allocation; Cochran 1977, *Sampling Techniques*, ch. 5).

Overlap clips go to the coder combinations in rotation (each pair shares clips when there are
at least as many overlap clips as pairs), the least-loaded combination first; single clips go
to the least-loaded coder. Loads count the coder's existing assignments, so totals end within
one clip of each other whenever there are enough new clips to even them out. Each coder's
queue interleaves the overlap clips evenly among the single ones. Equal inputs and ``seed``
give equal plans. With ``order`` (e.g. the active-learning queue of ``bwv assist queue``,
:mod:`workbench.assist.active`) the single clips are dealt in that order, the clips it does
not list after them at random; the overlap sample is still drawn at random, so the
reliability sample keeps mirroring the corpus.

>>> clips = pd.DataFrame({"clip_id": [f"k{i:02d}" for i in range(10)]})
>>> plan = plan_assignments(clips, ["c01", "c02"], overlap=0.2, seed=1)
>>> sum(a.reliability for a in plan), len(plan)
(4, 12)
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.model import Assignment, AssignmentKind
from workbench.store import Store

MISSING_STRATUM = "(missing)"


@dataclass(frozen=True)
class AssignmentSummary:
    """What an allocation looks like.

    Attributes
    ----------
    per_coder : coder, clips (total), reliability (overlap clips), single.
    per_pair : coder_a, coder_b, shared (overlap clips both code).
    strata : stratum, corpus (clips), corpus_share, overlap (clips), overlap_share; shares
        are fractions of the clips, resp. of the overlap clips.
    """

    per_coder: pd.DataFrame
    per_pair: pd.DataFrame
    strata: pd.DataFrame


def plan_assignments(
    clips: pd.DataFrame,
    coders: Sequence[str],
    *,
    overlap: float = 0.2,
    overlap_coders: int = 2,
    stratify: Sequence[str] = (),
    seed: int = 0,
    existing: Iterable[Assignment] = (),
    order: Sequence[str] = (),
) -> list[Assignment]:
    """Plan assignments of the clips that nobody is assigned yet (pure: no store).

    Parameters
    ----------
    clips : one row per clip, a ``clip_id`` column and the ``stratify`` columns.
    coders : coder ids (at least ``overlap_coders`` of them; repeats ignored).
    overlap : share of the unassigned clips to double-code, 0–1 (rounded half up).
    overlap_coders : coders per overlap clip (≥ 2).
    stratify : metadata columns whose combinations form the strata (empty: one stratum).
    seed : seed of the sampling and the tie-breaks.
    existing : assignments already made; their clips are skipped, their loads counted.
    order : clip ids in the order the single clips are dealt (first: first in the queues).

    Returns
    -------
    New assignments, sorted by coder and queue position (positions continue after the
    coder's existing ones).
    """
    coders = list(dict.fromkeys(coders))
    _check_parameters(clips, coders, overlap, overlap_coders, stratify)
    existing = list(existing)
    taken = {a.clip_id for a in existing}
    pool = clips.loc[~clips["clip_id"].isin(taken)].sort_values("clip_id")
    if pool.empty:
        return []
    rng = np.random.default_rng(seed)
    strata = stratum_labels(pool, stratify)
    n_overlap = math.floor(overlap * len(pool) + 0.5)
    quotas = proportional_quotas(strata.value_counts().sort_index(), n_overlap)
    chosen: list[str] = []
    for stratum, quota in quotas.items():
        members = pool.loc[strata == stratum, "clip_id"].to_numpy()
        chosen.extend(rng.choice(members, size=int(quota), replace=False).tolist())
    overlap_ids = [str(c) for c in rng.permutation(np.array(chosen, dtype=object))]
    singles = [str(c) for c in rng.permutation(
        pool.loc[~pool["clip_id"].isin(overlap_ids), "clip_id"].to_numpy(dtype=object))]
    if order:
        priority = {str(c): i for i, c in enumerate(dict.fromkeys(map(str, order)))}
        singles.sort(key=lambda c: priority.get(c, len(priority)))  # unlisted: stay random

    load = Counter({c: 0 for c in coders})
    load.update(a.coder_id for a in existing if a.coder_id in load)
    queues: dict[str, list[tuple[str, bool]]] = {c: [] for c in coders}
    combos = list(itertools.combinations(coders, overlap_coders))
    combos = [combos[i] for i in rng.permutation(len(combos))]
    used = [0] * len(combos)
    for clip_id in overlap_ids:
        best = min(range(len(combos)),
                   key=lambda i: (used[i], sum(load[c] for c in combos[i]), i))
        used[best] += 1
        for coder in combos[best]:
            load[coder] += 1
            queues[coder].append((clip_id, True))
    rank = {c: i for i, c in enumerate(rng.permutation(np.array(coders, dtype=object)))}
    for clip_id in singles:
        coder = min(coders, key=lambda c: (load[c], rank[c]))
        load[coder] += 1
        queues[coder].append((clip_id, False))

    start = {c: max((a.position for a in existing if a.coder_id == c), default=-1) + 1
             for c in coders}
    plan = []
    for coder in coders:
        for offset, (clip_id, reliability) in enumerate(_interleave(queues[coder])):
            plan.append(Assignment(clip_id, coder, reliability=reliability,
                                   position=start[coder] + offset))
    return plan


def assign_clips(
    store: Store,
    coders: Sequence[str],
    *,
    overlap: float = 0.2,
    overlap_coders: int = 2,
    stratify: Sequence[str] = (),
    seed: int = 0,
    actor: str = "system",
    dry_run: bool = False,
    order: Sequence[str] = (),
) -> list[Assignment]:
    """Plan assignments for the store's unassigned clips and write them (one transaction).

    The coders must exist in the store (:class:`ParameterError` names unknown ones). Writes
    an audit event "clips_assigned" with the parameters. ``dry_run``: plan only. ``order``:
    see :func:`plan_assignments` (clip ids the store does not hold: :class:`ParameterError`).
    """
    known = {c.coder_id for c in store.coders()}
    unknown = [c for c in coders if c not in known]
    if unknown:
        raise ParameterError(
            f"unknown coder(s) {', '.join(unknown)}; known: {', '.join(sorted(known)) or '(none)'}"
            " — add them with `bwv coder add ID`", field="coders")
    with store.transaction():
        existing = store.assignments(kind=AssignmentKind.ORDINARY)
        clips = store.clips_frame()
        strangers = sorted(set(map(str, order)) - set(clips["clip_id"].astype(str)))
        if strangers:
            raise ParameterError(f"the order names {len(strangers)} clip(s) not in the store, "
                                 f"e.g. {', '.join(strangers[:3])}", field="order")
        plan = plan_assignments(clips, coders, overlap=overlap,
                                overlap_coders=overlap_coders, stratify=stratify, seed=seed,
                                existing=existing, order=order)
        if not dry_run and plan:
            store.assign(plan)
            store.audit(actor, "clips_assigned", n=len(plan), coders=list(coders),
                        overlap=overlap, overlap_coders=overlap_coders,
                        stratify=list(stratify), seed=seed, ordered=bool(order),
                        n_clips=len({a.clip_id for a in plan}),
                        n_reliability_clips=len({a.clip_id for a in plan if a.reliability}))
    return plan


def summarise(assignments: Iterable[Assignment], clips: pd.DataFrame,
              stratify: Sequence[str] = ()) -> AssignmentSummary:
    """Clips per coder, overlap clips per pair of coders, and strata shares.

    ``clips`` is the corpus (``clip_id`` and the ``stratify`` columns); the strata table
    compares each stratum's share of the corpus with its share of the overlap clips.
    """
    rows = list(assignments)
    frame = pd.DataFrame(
        [(a.clip_id, a.coder_id, a.reliability) for a in rows],
        columns=["clip_id", "coder", "reliability"])
    per_coder = (frame.groupby("coder", sort=True)["reliability"]
                 .agg(clips="size", reliability="sum").reset_index())
    per_coder["reliability"] = per_coder["reliability"].astype(int)
    per_coder["single"] = per_coder["clips"] - per_coder["reliability"]
    shared: Counter[tuple[str, str]] = Counter()
    for _, group in frame.loc[frame["reliability"]].groupby("clip_id"):
        shared.update(itertools.combinations(sorted(group["coder"]), 2))
    coders = sorted(set(frame["coder"]))
    per_pair = pd.DataFrame(
        [(a, b, shared[(a, b)]) for a, b in itertools.combinations(coders, 2)],
        columns=["coder_a", "coder_b", "shared"])
    overlap_ids = set(frame.loc[frame["reliability"], "clip_id"])
    labels = stratum_labels(clips, stratify)
    in_overlap = clips["clip_id"].isin(overlap_ids).to_numpy()
    strata = pd.DataFrame({
        "corpus": labels.value_counts(),
        "overlap": labels[in_overlap].value_counts(),
    }).fillna(0).astype(int).rename_axis("stratum").reset_index()
    strata["corpus_share"] = strata["corpus"] / max(len(clips), 1)
    strata["overlap_share"] = strata["overlap"] / max(int(in_overlap.sum()), 1)
    strata = strata[["stratum", "corpus", "corpus_share", "overlap", "overlap_share"]]
    return AssignmentSummary(per_coder, per_pair, strata.sort_values("stratum",
                                                                     ignore_index=True))


def stratum_labels(clips: pd.DataFrame, stratify: Sequence[str]) -> pd.Series:
    """The stratum of each clip, e.g. ``"bcu=Central South, outcome=arrest"``.

    Missing metadata forms its own stratum (``(missing)``); no columns: one stratum "all".
    """
    if not stratify:
        return pd.Series("all", index=clips.index, dtype=object)
    parts = [
        column + "=" + clips[column].astype(object).where(clips[column].notna(), MISSING_STRATUM)
        .astype(str)
        for column in stratify
    ]
    label = parts[0]
    for part in parts[1:]:
        label = label + ", " + part
    return label.astype(object)


def proportional_quotas(sizes: pd.Series, total: int) -> pd.Series:
    """Split ``total`` over strata in proportion to their ``sizes`` (largest remainder).

    Each quota is the floor or the ceiling of its exact share ``total * size / sum(sizes)``;
    remainders go to the largest fractional parts, ties to the larger stratum, then to the
    stratum first in ``sizes`` order (Hamilton's method).

    >>> proportional_quotas(pd.Series({"a": 5, "b": 3, "c": 2}), 3).to_dict()
    {'a': 1, 'b': 1, 'c': 1}
    """
    n = int(sizes.sum())
    if n == 0 or total == 0:
        return pd.Series(0, index=sizes.index, dtype=int)
    exact = sizes.to_numpy(dtype=float) * total / n
    quotas = np.floor(exact).astype(int)
    remainder = total - int(quotas.sum())
    order = sorted(range(len(sizes)),
                   key=lambda i: (-(exact[i] - quotas[i]), -int(sizes.iloc[i]), i))
    for i in order[:remainder]:
        quotas[i] += 1
    return pd.Series(quotas, index=sizes.index)


def _interleave(queue: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Spread the overlap clips evenly through a coder's queue (order kept within kinds)."""
    overlap = [item for item in queue if item[1]]
    single = [item for item in queue if not item[1]]
    total = len(queue)
    if not overlap:
        return single
    slots = {math.floor((j + 0.5) * total / len(overlap)) for j in range(len(overlap))}
    o, s = iter(overlap), iter(single)
    return [next(o) if slot in slots else next(s) for slot in range(total)]


def _check_parameters(clips: pd.DataFrame, coders: list[str], overlap: float,
                      overlap_coders: int, stratify: Sequence[str]) -> None:
    if "clip_id" not in clips.columns:
        raise ParameterError("the clips table needs a 'clip_id' column", field="clip_id")
    if not 0 <= overlap <= 1:
        raise ParameterError(f"overlap must be a share between 0 and 1 (e.g. 0.2), got "
                             f"{overlap}", field="overlap")
    if overlap_coders < 2:
        raise ParameterError(f"overlap_coders must be 2 or more, got {overlap_coders}",
                             field="overlap_coders")
    if not coders:
        raise ParameterError("no coders given", field="coders")
    if overlap > 0 and len(coders) < overlap_coders:
        raise ParameterError(
            f"{overlap_coders} coders per overlap clip need at least {overlap_coders} coders; "
            f"got {len(coders)} ({', '.join(coders)})", field="coders")
    unknown = [c for c in stratify if c not in clips.columns]
    if unknown:
        raise ParameterError(
            f"cannot stratify by {', '.join(unknown)}: not a clip metadata column; columns: "
            + ", ".join(str(c) for c in clips.columns), field="stratify")
