"""Lag-1 sequential analysis of officer and subject turns (study output 7).

Each turn gets one behaviour category (:mod:`workbench.analysis.behaviour`); pairs of
consecutive turns (officer → subject, or subject → officer) within a clip are tallied into a
transition table. For each cell (Bakeman & Quera 2011, *Sequential Analysis and Observational
Methods for the Behavioral Sciences*, ch. 9–11):

* expected count ``e = r·c / N`` (row total r, column total c, N pairs);
* adjusted residual ``z = (x − e) / sqrt(e · (1 − r/N) · (1 − c/N))`` (Allison & Liker 1982;
  Haberman 1973), approximately standard normal under independence;
* Yule's Q of the 2×2 collapse (this antecedent or not × this consequent or not):
  ``Q = (ad − bc) / (ad + bc)``, in [−1, 1];
* a permutation p-value: consequents are shuffled among the pairs of the same clip (so each
  clip's categories are kept), two-sided on ``|x − e|``, ``p = (1 + #extreme) / (1 + n)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.behaviour import OFFICER_CATEGORIES, SUBJECT_CATEGORIES, measure_turns
from workbench.analysis.frames import CLIP_ID, ROLE, Ranks, validate_frames
from workbench.exceptions import ParameterError

DIRECTIONS: dict[str, tuple[str, str]] = {
    "officer_to_subject": ("officer", "subject"),
    "subject_to_officer": ("subject", "officer"),
}
_CATEGORIES = {"officer": OFFICER_CATEGORIES, "subject": SUBJECT_CATEGORIES}


def expected_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Expected cell counts under independence, ``r·c / N`` (same shape and labels)."""
    x = counts.to_numpy(dtype=float)
    total = x.sum()
    if total == 0:
        return counts.astype(float) * np.nan
    expected = np.outer(x.sum(axis=1), x.sum(axis=0)) / total
    return pd.DataFrame(expected, index=counts.index, columns=counts.columns)


def adjusted_residuals(counts: pd.DataFrame) -> pd.DataFrame:
    """Adjusted residuals ``(x − e) / sqrt(e (1 − r/N) (1 − c/N))`` of a two-way table.

    NaN where the variance is 0 (an empty row or column, or a row or column holding all N).
    """
    x = counts.to_numpy(dtype=float)
    total = x.sum()
    if total == 0:
        return counts.astype(float) * np.nan
    rows, cols = x.sum(axis=1, keepdims=True), x.sum(axis=0, keepdims=True)
    expected = rows * cols / total
    variance = expected * (1 - rows / total) * (1 - cols / total)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, (x - expected) / np.sqrt(variance), np.nan)
    return pd.DataFrame(z, index=counts.index, columns=counts.columns)


def yules_q(counts: pd.DataFrame) -> pd.DataFrame:
    """Yule's Q of each cell's 2×2 collapse: ``(ad − bc) / (ad + bc)``, NaN where undefined.

    ``a`` = the cell, ``b`` = rest of its row, ``c`` = rest of its column, ``d`` = the rest.
    """
    x = counts.to_numpy(dtype=float)
    total = x.sum()
    rows, cols = x.sum(axis=1, keepdims=True), x.sum(axis=0, keepdims=True)
    a, b, c = x, rows - x, cols - x
    d = total - rows - cols + x
    num, den = a * d - b * c, a * d + b * c
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    return pd.DataFrame(q, index=counts.index, columns=counts.columns)


def lag1_transitions(
    utterances: pd.DataFrame,
    codes: pd.DataFrame,
    ranks: Ranks,
    *,
    direction: str = "officer_to_subject",
    n_permutations: int = 1000,
    seed: int = 20261,
    skip_roles: tuple[str, ...] = ("third_party", "unknown"),
) -> pd.DataFrame:
    """Lag-1 transition table with adjusted residuals, Yule's Q and permutation p-values.

    Parameters
    ----------
    direction : ``officer_to_subject`` or ``subject_to_officer``.
    n_permutations : shuffles for the permutation test (0: no test, ``p_permutation`` NaN).
    seed : seed of the ``numpy`` generator (the result is reproducible).
    skip_roles : turns of these roles are removed before pairing, so an officer turn followed
        by a bystander and then the subject still pairs officer → subject. Pass ``()`` to let
        them break the sequence.

    Returns
    -------
    DataFrame, one row per cell (antecedent × consequent in category order): ``direction,
    antecedent, consequent, count, row_total, col_total, expected, adjusted_residual, yules_q,
    p_permutation``.
    """
    if direction not in DIRECTIONS:
        raise ParameterError(f"direction {direction!r}; expected one of "
                             f"{', '.join(DIRECTIONS)}", field="direction")
    if n_permutations < 0:
        raise ParameterError(f"n_permutations {n_permutations}; expected ≥ 0",
                             field="n_permutations")
    frames = validate_frames(utterances=utterances, codes=codes, ranks=ranks)
    turns = measure_turns(frames.utterances, frames.codes, ranks)
    first, second = DIRECTIONS[direction]
    row_labels, col_labels = _CATEGORIES[first], _CATEGORIES[second]
    clip, ante, cons = _pairs(turns, first, second, skip_roles, row_labels, col_labels)
    shape = (len(row_labels), len(col_labels))
    counts = pd.DataFrame(_tally(ante, cons, shape), index=pd.Index(row_labels),
                          columns=pd.Index(col_labels))
    expected = expected_counts(counts)
    p_values = _permutation_p(clip, ante, cons, shape, expected.to_numpy(), counts.to_numpy(),
                              n_permutations, seed)
    table = pd.DataFrame({
        "direction": direction,
        "antecedent": np.repeat(row_labels, len(col_labels)),
        "consequent": np.tile(col_labels, len(row_labels)),
        "count": counts.to_numpy().ravel(),
        "row_total": np.repeat(counts.sum(axis=1).to_numpy(), len(col_labels)),
        "col_total": np.tile(counts.sum(axis=0).to_numpy(), len(row_labels)),
        "expected": expected.to_numpy().ravel(),
        "adjusted_residual": adjusted_residuals(counts).to_numpy().ravel(),
        "yules_q": yules_q(counts).to_numpy().ravel(),
        "p_permutation": p_values.ravel(),
    })
    return table


def _pairs(
    turns: pd.DataFrame, first: str, second: str, skip_roles: tuple[str, ...],
    row_labels: tuple[str, ...], col_labels: tuple[str, ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(clip number, antecedent code, consequent code) of each lag-1 pair, sorted by clip."""
    kept = turns[~turns[ROLE].isin(skip_roles)].reset_index(drop=True)
    same_clip = kept[CLIP_ID].to_numpy()[:-1] == kept[CLIP_ID].to_numpy()[1:]
    roles = kept[ROLE].to_numpy()
    is_pair = same_clip & (roles[:-1] == first) & (roles[1:] == second)
    categories = kept["category"].astype("object").to_numpy()
    ante = pd.Categorical(categories[:-1][is_pair], categories=row_labels).codes
    cons = pd.Categorical(categories[1:][is_pair], categories=col_labels).codes
    clip = pd.factorize(kept[CLIP_ID].to_numpy()[:-1][is_pair])[0]
    return clip.astype(np.int64), ante.astype(np.int64), cons.astype(np.int64)


def _tally(ante: np.ndarray, cons: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    flat = np.bincount(ante * shape[1] + cons, minlength=shape[0] * shape[1])
    return flat.reshape(shape)


def _permutation_p(
    clip: np.ndarray, ante: np.ndarray, cons: np.ndarray, shape: tuple[int, int],
    expected: np.ndarray, observed: np.ndarray, n_permutations: int, seed: int,
) -> np.ndarray:
    if n_permutations == 0 or len(cons) == 0:
        return np.full(shape, np.nan)
    rng = np.random.default_rng(seed)
    observed_gap = np.abs(observed - expected) - 1e-9
    extreme = np.zeros(shape, dtype=np.int64)
    for start in range(0, n_permutations, _BATCH):
        batch = min(_BATCH, n_permutations - start)
        # each row: the pairs' consequents shuffled within clips (sort by clip, then a
        # uniform draw: the draws are those of one permutation after another)
        draws = rng.random((batch, len(cons)))
        order = _sort_within(clip, draws)
        # one table of batch × rows: permutation k's antecedents are rows k·rows …
        stacked = (ante + shape[0] * np.arange(batch)[:, None]).ravel()
        shuffled = _tally(stacked, cons[order].ravel(), (batch * shape[0], shape[1]))
        extreme += (np.abs(shuffled.reshape(batch, *shape) - expected)
                    >= observed_gap).sum(axis=0)
    return (1 + extreme) / (1 + n_permutations)


#: Permutations tallied at once by :func:`_permutation_p` (memory: 8 bytes × pairs × this).
_BATCH = 50


def _sort_within(clip: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Each row's order by clip, then by its draw: ``np.lexsort((row, clip))`` for every
    row, computed as one sort of ``clip + draw`` (draws in [0, 1); rounding keeps the order
    but may make two keys equal: rows with a tie are sorted by lexsort instead)."""
    keys = draws + clip
    order = np.argsort(keys, axis=1)
    tied = (np.diff(np.take_along_axis(keys, order, axis=1), axis=1) == 0).any(axis=1)
    for row in np.flatnonzero(tied):
        order[row] = np.lexsort((draws[row], clip))
    return order
