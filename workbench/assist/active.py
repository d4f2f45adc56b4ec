"""Active learning: which uncoded clips to code next, and how many coded clips it saves.

**Uncertainty** of a clip (Settles 2012, *Active Learning*, §2.3 "entropy"): per turn, the
largest binary entropy (bits) over the trained targets whose role applies — the code decision
the models are least sure of — averaged over the clip's turns. A clip of 0.0 is one the
models are sure about; 1.0 is a coin toss on every turn.

**Diversity** (maximal marginal relevance, Carbonell & Goldstein 1998): clips are picked one
at a time by ``λ · uncertainty / max uncertainty − (1 − λ) · max cosine similarity`` to the
clips already coded or picked, where a clip is the TF-IDF vector (word 1–2-grams) of its
text, so that a batch is not twenty clips of the same kind.

**Random**: a seeded permutation — the baseline.

:func:`simulate` replays coding on data whose codes are known (the demo's consensus): it
starts from ``start`` random clips, trains on the coded clips, scores the test turns, and
adds ``batch`` clips by each strategy until the pool is used up or ``max_clips`` is reached.
The split is :func:`workbench.assist.evaluate.fold_plan`'s first fold: ``held_out`` (clips
and demo templates held out; the figure that counts) or ``within``. The figure per step is
the mean F1 over ``keys`` (a target without enough positives yet scores 0). The features
(TF-IDF vocabularies and marker scaling, which use no codes) are fitted once on the pool's
text — in active learning the uncoded pool is at hand — and only the classifiers are
refitted as clips are coded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score

from workbench.assist.evaluate import fold_plan
from workbench.assist.features import feature_frame
from workbench.assist.suggest import (
    SuggestionModels,
    Target,
    classifier,
    enough,
    feature_transformer,
    labels,
    targets,
)
from workbench.codebook.book import Codebook
from workbench.exceptions import ParameterError

STRATEGIES = ("uncertainty", "diversity", "random")
QUEUE_COLUMNS = ("rank", "clip_id", "uncertainty", "similarity")


def binary_entropy(p: np.ndarray) -> np.ndarray:
    """H(p) in bits, 0 at p ∈ {0, 1}, 1 at p = 0.5."""
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return -(p * np.log2(p) + (1 - p) * np.log2(1 - p))


def clip_uncertainty(probabilities: pd.DataFrame) -> pd.Series:
    """Mean over turns of the largest entropy over targets, per clip (``probabilities``:
    ``clip_id, utterance_index, probability``, e.g. :meth:`SuggestionModels.suggest`)."""
    if probabilities.empty:
        return pd.Series(dtype=float, name="uncertainty")
    table = probabilities.assign(h=binary_entropy(probabilities["probability"].to_numpy()))
    per_turn = table.groupby(["clip_id", "utterance_index"])["h"].max()
    return per_turn.groupby(level="clip_id").mean().rename("uncertainty")


def clip_vectors(utterances: pd.DataFrame, clip_ids: list[str]) -> np.ndarray:
    """L2-normalised TF-IDF (word 1–2-grams) of each clip's text, rows in ``clip_ids`` order."""
    text = (utterances.assign(text=utterances["text"].fillna("").astype(str))
            .groupby("clip_id")["text"].agg(" ".join).reindex(clip_ids).fillna(""))
    vectoriser = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    try:
        return vectoriser.fit_transform(text.to_numpy()).toarray()
    except ValueError:  # no term in two clips: every clip is unlike every other
        return np.eye(len(clip_ids))


def order_clips(uncertainty: pd.Series, strategy: str = "uncertainty", *,
                utterances: pd.DataFrame | None = None, coded: list[str] | tuple = (),
                balance: float = 0.5, seed: int = 0, limit: int | None = None,
                vectors: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Rank the clips of ``uncertainty`` (index: clip id) by ``strategy``: :data:`QUEUE_COLUMNS`.

    ``diversity`` needs ``utterances`` (the clips' turns, including the ``coded`` ones it keeps
    away from) or their ``vectors`` (clip id → :func:`clip_vectors` row); ``balance`` is λ
    (1: uncertainty only). ``similarity`` is the clip's largest cosine similarity to the coded
    or earlier-ranked clips (diversity only).
    """
    if strategy not in STRATEGIES:
        raise ParameterError(f"strategy '{strategy}': expected one of {', '.join(STRATEGIES)}",
                             field="strategy")
    if not 0 <= balance <= 1:
        raise ParameterError(f"balance = {balance}: expected a number from 0 to 1",
                             field="balance")
    ids = sorted(map(str, uncertainty.index))
    unc = uncertainty.reindex(ids).fillna(0.0).to_numpy(dtype=float)
    n = len(ids) if limit is None else min(limit, len(ids))
    sim = np.full(len(ids), np.nan)
    if strategy == "random":
        order = list(np.random.default_rng(seed).permutation(len(ids))[:n])
    elif strategy == "uncertainty":
        order = sorted(range(len(ids)), key=lambda i: (-unc[i], ids[i]))[:n]
    else:
        if utterances is None and vectors is None:
            raise ParameterError("the diversity strategy needs the clips' utterances",
                                 field="utterances")
        coded = [str(c) for c in coded if str(c) not in set(ids)]
        matrix = clip_vectors(utterances, ids + coded) if vectors is None else np.array(
            [vectors[c] for c in ids + coded])
        pool, known = matrix[:len(ids)], matrix[len(ids):]
        nearest = (pool @ known.T).max(axis=1) if len(known) else np.zeros(len(ids))
        scale = unc.max() if unc.max() > 0 else 1.0
        order, left = [], np.ones(len(ids), dtype=bool)
        for _ in range(n):
            score = np.where(left, balance * unc / scale - (1 - balance) * nearest, -np.inf)
            pick = int(np.argmax(score))
            order.append(pick)
            sim[pick] = nearest[pick]
            left[pick] = False
            nearest = np.maximum(nearest, pool @ pool[pick])
    return pd.DataFrame({"rank": range(1, len(order) + 1), "clip_id": [ids[i] for i in order],
                         "uncertainty": unc[order], "similarity": sim[order]},
                        columns=list(QUEUE_COLUMNS))


def queue(models: SuggestionModels, utterances: pd.DataFrame, uncoded: list[str], *,
          strategy: str = "diversity", coded: list[str] | tuple = (), balance: float = 0.5,
          seed: int = 0, limit: int | None = None) -> pd.DataFrame:
    """``bwv assist queue``: the ``uncoded`` clips ranked by the models' uncertainty (and
    diversity from the ``coded`` clips). ``utterances`` holds the turns of both."""
    wanted = utterances[utterances["clip_id"].isin(set(uncoded))]
    unc = clip_uncertainty(models.suggest(wanted)).reindex(sorted(set(uncoded))).fillna(0.0)
    return order_clips(unc, strategy, utterances=utterances, coded=coded, balance=balance,
                       seed=seed, limit=limit)


@dataclass(frozen=True)
class Simulation:
    """``curves``: strategy, n_clips, f1 (mean over keys, mean over repeats), f1_min, f1_max;
    ``needed``: strategy, target_f1, clips (the first coded-clip count whose mean F1 reaches
    it; NaN if none), pool (clips available), repeats."""

    curves: pd.DataFrame
    needed: pd.DataFrame
    keys: tuple[str, ...]
    scheme: str


def _fit_predict(x, frame: pd.DataFrame, rows: np.ndarray, want: list[Target], y: dict,
                 roles: dict, predict: np.ndarray) -> dict[str, np.ndarray | None]:
    """Train on ``rows`` of the feature matrix ``x``; per key the probabilities, full length
    (NaN outside ``predict``; None: too few positives to train)."""
    out: dict[str, np.ndarray | None] = {}
    for t in want:
        tr = rows & roles[t.key]
        if not enough(y[t.key][tr], frame.loc[tr, "clip_id"]):
            out[t.key] = None
            continue
        full = np.full(len(frame), np.nan)
        full[predict] = classifier().fit(x[tr], y[t.key][tr]).predict_proba(x[predict])[:, 1]
        out[t.key] = full
    return out


def _pool_uncertainty(frame: pd.DataFrame, probs: dict[str, np.ndarray | None],
                      pool: np.ndarray, roles: dict, left: list[str]) -> pd.Series:
    parts = [pd.DataFrame({"clip_id": frame.loc[pool & roles[k], "clip_id"].astype(str),
                           "utterance_index": frame.loc[pool & roles[k], "utterance_index"],
                           "probability": p[pool & roles[k]]})
             for k, p in probs.items() if p is not None]
    found = clip_uncertainty(pd.concat(parts, ignore_index=True)) if parts else pd.Series(
        dtype=float)
    return found.reindex(left).fillna(0.0)


def simulate(utterances: pd.DataFrame, codes: pd.DataFrame, codebook: Codebook, *,
             keys: list[str], strategies: tuple[str, ...] = STRATEGIES, start: int = 20,
             batch: int = 20, max_clips: int | None = None, target_f1: float | None = None,
             scheme: str = "held_out", folds: int = 5, balance: float = 0.5,
             repeats: int = 1, seed: int = 0) -> Simulation:
    """Coded clips needed per strategy to reach ``target_f1`` (see the module docstring).

    ``target_f1`` None: 95% of the F1 reached with the whole pool coded (one extra fit).
    ``repeats``: runs from different random start sets (and random orders); the curves are
    their mean (``f1``) with ``f1_min``/``f1_max``, and ``needed`` reads the mean curve.
    """
    if start < 1 or batch < 1 or repeats < 1:
        raise ParameterError(f"start = {start}, batch = {batch}, repeats = {repeats}: "
                             "expected whole numbers ≥ 1", field="batch")
    frame = feature_frame(utterances)
    by_key = {t.key: t for t in targets(codebook)}
    unknown = [k for k in keys if k not in by_key]
    if unknown or not keys:
        raise ParameterError(f"unknown target(s) {', '.join(unknown) or '(none given)'}; "
                             f"e.g. {', '.join(list(by_key)[:4])}", field="keys")
    want = [by_key[k] for k in keys]
    y = {t.key: labels(frame, codes, t) for t in want}
    roles = {t.key: frame["role"].isin(t.roles).to_numpy() for t in want}
    train_mask, test_mask = fold_plan(frame, scheme, folds, seed)[0]
    x = feature_transformer().fit(frame[train_mask]).transform(frame).tocsr()
    pool_ids = sorted(frame.loc[train_mask, "clip_id"].astype(str).unique())
    clip_of = frame["clip_id"].astype(str).to_numpy()
    every = sorted(set(clip_of))
    vectors = dict(zip(every, clip_vectors(utterances.assign(
        clip_id=utterances["clip_id"].astype(str)), every), strict=True)) \
        if "diversity" in strategies else None

    def score(probs: dict[str, np.ndarray | None]) -> float:
        f1s = []
        for t in want:
            te = test_mask & roles[t.key]
            p = probs[t.key]
            f1s.append(0.0 if p is None else float(f1_score(
                y[t.key][te], (p[te] >= 0.5).astype(int), zero_division=0)))
        return float(np.mean(f1s))

    budget = len(pool_ids) if max_clips is None else min(max_clips, len(pool_ids))
    if target_f1 is None:
        target_f1 = 0.95 * score(_fit_predict(x, frame, train_mask, want, y, roles, test_mask))
    rows = []
    for repeat in range(repeats):
        first = list(np.random.default_rng(seed + repeat).permutation(
            np.array(pool_ids, dtype=object))[:min(start, budget)])
        for strategy in strategies:
            coded = [str(c) for c in first]
            while True:
                coded_mask = train_mask & np.isin(clip_of, coded)
                left = [c for c in pool_ids if c not in set(coded)]
                predict = test_mask | (train_mask & np.isin(clip_of, left))
                probs = _fit_predict(x, frame, coded_mask, want, y, roles, predict)
                rows.append({"strategy": strategy, "repeat": repeat, "n_clips": len(coded),
                             "f1": score(probs)})
                if not left or len(coded) >= budget:
                    break
                unc = _pool_uncertainty(frame, probs, predict & ~test_mask, roles, left)
                ranked = order_clips(unc, strategy, vectors=vectors, coded=coded,
                                     balance=balance, seed=seed + repeat * 7919 + len(coded),
                                     limit=min(batch, budget - len(coded)))
                coded += list(ranked["clip_id"])
    curves = (pd.DataFrame(rows).groupby(["strategy", "n_clips"], sort=False)["f1"]
              .agg(f1="mean", f1_min="min", f1_max="max").reset_index())
    needed = []
    for strategy in strategies:
        curve = curves[curves["strategy"] == strategy]
        hit = curve.loc[curve["f1"] >= target_f1, "n_clips"]
        needed.append({"strategy": strategy, "target_f1": target_f1,
                       "clips": int(hit.iloc[0]) if len(hit) else np.nan,
                       "pool": len(pool_ids), "repeats": repeats})
    return Simulation(curves, pd.DataFrame(needed), tuple(keys), scheme)
