"""Krippendorff's alpha from per-cluster coincidence matrices: intervals by resampling clips.

Turns of one clip are not independent, so an audit's interval resamples *clips* (clusters)
with their turns, not turns one by one. Alpha is a ratio of sums of coincidences
(Krippendorff 2011, sec. 3): with ``o`` the k × k coincidence matrix summed over units,
``n_c`` its margins and ``n`` its total, ``alpha = 1 − (n − 1) Σ o_ck δ_ck / Σ n_c n_k δ_ck``
with δ the level's metric (nominal: c ≠ k; ordinal: (Σ_{g=c..k} n_g − (n_c + n_k)/2)²;
interval: (v_c − v_k)²). A resample of clips is a weighted sum of the clips' matrices, so B
resamples are one matrix product.

The same computation predicts the interval of a planned sample: draw ``n`` clips with
replacement from pilot data (e.g. the overlap sample) and take the percentile spread of alpha
(:func:`predicted_width`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError

LEVELS = ("nominal", "ordinal", "interval")


@dataclass(frozen=True)
class ClusteredCoincidences:
    """Coincidence matrices per cluster: ``matrices`` (G, k, k), ``clusters`` (G,) names,
    ``domain`` (k,) the values in order (numbers for interval), ``level``."""

    matrices: np.ndarray
    clusters: np.ndarray
    domain: np.ndarray
    level: str

    @classmethod
    def from_long(cls, long: pd.DataFrame, level: str,
                  domain: list[str] | None = None) -> ClusteredCoincidences:
        """From a long table with columns cluster, unit, rater, value (one row per rating).

        ``domain``: the values in order (ordinal: lowest first; default: sorted values seen);
        units rated fewer than twice are not pairable and are left out.
        """
        if level not in LEVELS:
            raise ParameterError(f"level {level!r}; expected one of {', '.join(LEVELS)}",
                                 field="level")
        missing = [c for c in ("cluster", "unit", "rater", "value") if c not in long.columns]
        if missing:
            raise ParameterError(f"missing column(s) {', '.join(missing)}", field="long")
        values = long["value"].astype(str)
        if domain is None:
            domain = sorted(values.unique(), key=float) if level == "interval" else \
                sorted(values.unique())
        unknown = sorted(set(values) - set(domain))
        if unknown:
            raise ParameterError(f"values {unknown[:5]} are not in the domain {domain}",
                                 field="value")
        k = len(domain)
        index = {v: i for i, v in enumerate(domain)}
        frame = pd.DataFrame({"cluster": long["cluster"].astype(str).to_numpy(),
                              "unit": long["unit"].astype(str).to_numpy(),
                              "v": values.map(index).to_numpy()})
        counts = pd.crosstab([frame["cluster"], frame["unit"]], frame["v"])
        counts = counts.reindex(columns=range(k), fill_value=0)
        n_u = counts.to_numpy(dtype=float)
        m = n_u.sum(axis=1)
        keep = m >= 2
        n_u, m = n_u[keep], m[keep]
        unit_clusters = counts.index.get_level_values(0).to_numpy()[keep]
        per_unit = (n_u[:, :, None] * n_u[:, None, :]
                    - n_u[:, :, None] * np.eye(k)[None]) / (m - 1)[:, None, None]
        clusters, which = np.unique(unit_clusters, return_inverse=True)
        matrices = np.zeros((len(clusters), k, k))
        np.add.at(matrices, which, per_unit)
        dom = np.array([float(d) for d in domain]) if level == "interval" else np.array(domain)
        return cls(matrices, clusters, dom, level)

    @property
    def n_clusters(self) -> int:
        return int(self.matrices.shape[0])

    def alpha(self) -> float:
        """Alpha of all clusters together."""
        return float(alpha_of(self.matrices.sum(axis=0)[None], self.level, self.domain)[0])

    def resampled(self, n_clusters: int, n_resamples: int, seed: int) -> np.ndarray:
        """Alpha of ``n_resamples`` samples of ``n_clusters`` clusters drawn with replacement
        (NaN where a sample's values do not vary)."""
        if self.n_clusters == 0:
            return np.full(n_resamples, np.nan)
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(n_clusters, np.full(self.n_clusters, 1 / self.n_clusters),
                                  size=n_resamples).astype(float)
        k = self.matrices.shape[1]
        summed = (weights @ self.matrices.reshape(self.n_clusters, k * k)).reshape(-1, k, k)
        return alpha_of(summed, self.level, self.domain)

    def interval(self, n_resamples: int = 1000, seed: int = 0,
                 confidence: float = 0.95) -> tuple[float, float, int]:
        """Percentile interval over clusters resampled (low, high, resamples with a value)."""
        reps = self.resampled(self.n_clusters, n_resamples, seed)
        return _percentiles(reps, confidence)


def _percentiles(reps: np.ndarray, confidence: float) -> tuple[float, float, int]:
    valid = reps[~np.isnan(reps)]
    if not valid.size:
        return float("nan"), float("nan"), 0
    tail = (1 - confidence) / 2
    low, high = np.quantile(valid, [tail, 1 - tail])
    return float(low), float(high), int(valid.size)


def alpha_of(o: np.ndarray, level: str, domain: np.ndarray) -> np.ndarray:
    """Alpha of each coincidence matrix in ``o`` (B, k, k); NaN where values do not vary."""
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    k = o.shape[1]
    if level == "nominal":
        delta = np.broadcast_to(1.0 - np.eye(k), o.shape)
    elif level == "interval":
        v = domain.astype(float)
        delta = np.broadcast_to((v[:, None] - v[None, :]) ** 2, o.shape)
    else:  # ordinal: ranks from the margins of each matrix
        cum = np.cumsum(n_c, axis=1)
        lo = np.minimum.outer(np.arange(k), np.arange(k))
        hi = np.maximum.outer(np.arange(k), np.arange(k))
        between = cum[:, hi] - np.where(lo > 0, cum[:, np.maximum(lo - 1, 0)], 0.0)
        delta = (between - (n_c[:, :, None] + n_c[:, None, :]) / 2) ** 2
    observed = (o * delta).sum(axis=(1, 2))
    expected = (n_c[:, :, None] * n_c[:, None, :] * delta).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 - (n - 1) * observed / expected
    return np.where(expected > 0, out, np.nan)


def predicted_width(pilot: ClusteredCoincidences, n_clusters: int, *,
                    n_resamples: int = 1000, seed: int = 0,
                    confidence: float = 0.95) -> float:
    """Width of the alpha interval expected from a sample of ``n_clusters`` clusters like the
    pilot's: the percentile spread of alpha over samples of that size drawn from the pilot."""
    low, high, valid = _percentiles(pilot.resampled(n_clusters, n_resamples, seed), confidence)
    return high - low if valid else float("nan")


def clusters_for_width(pilot: ClusteredCoincidences, width: float, *,
                       sizes: list[int] | None = None, n_resamples: int = 1000,
                       seed: int = 0, confidence: float = 0.95) -> pd.DataFrame:
    """Predicted interval width at each candidate sample size, and the smallest size that
    reaches ``width`` (column ``enough``). Sizes default to 10, 20, …, 300 clusters."""
    sizes = sizes or list(range(10, 301, 10))
    widths = [predicted_width(pilot, n, n_resamples=n_resamples, seed=seed,
                              confidence=confidence) for n in sizes]
    frame = pd.DataFrame({"n_clips": sizes, "predicted_width": widths})
    frame["enough"] = frame["predicted_width"] <= width
    return frame
