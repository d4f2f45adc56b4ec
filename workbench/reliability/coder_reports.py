"""Reports on coders over time and against each other: drift and prevalence bias.

Same input as `reports`: a multi-code long table (unit, code_id, coder_id, value), plus a
timestamp or batch column for drift, and ``levels`` / ``scales`` lookups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.reliability.catalogue import value_or_nan
from workbench.reliability.coefficients import krippendorff_alpha, percent_agreement
from workbench.reliability.long_table import ABSENT, baseline, check_columns, variables
from workbench.reliability.verdicts import ALPHA_TENTATIVE, alpha_verdict

PERIODS = {"day": "D", "week": "W-SUN", "month": "M"}


def unit_periods(long: pd.DataFrame, by: str = "week", time: str = "timestamp") -> pd.Series:
    """The period of each unit: the day/week/month of its latest rating, or its batch.

    ``by`` is "day", "week" (Monday–Sunday, labelled by the Monday), "month", or the name of
    a batch column (a unit's first value in it). Returns a Series indexed by unit.
    """
    if by in PERIODS:
        check_columns(long, ("unit", time))
        stamps = pd.to_datetime(long[time], errors="coerce")
        if stamps.isna().any():
            position = int(np.flatnonzero(stamps.isna().to_numpy())[0])
            raise ParameterError(
                f"'{long[time].iloc[position]}' is not a date/time (table row {position})",
                field=time,
            )
        latest = stamps.groupby(long["unit"]).max()
        return latest.dt.to_period(PERIODS[by]).dt.start_time.dt.date.astype(str)
    if by not in long.columns:
        raise ParameterError(
            f"drift by '{by}': expected day, week, month or a batch column; columns: "
            f"{', '.join(map(str, long.columns))}",
            field="by",
        )
    return long.groupby("unit")[by].first().astype(str)


def drift_report(
    long: pd.DataFrame,
    levels: Mapping[str, str],
    *,
    by: str = "week",
    time: str = "timestamp",
    scales: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Agreement per code and period (week or batch), to see coders drift apart over time.

    Columns: code_id, period, n_units (units with ≥ 2 ratings in the period),
    percent_agreement, krippendorff_alpha, verdict. Ordered by code, then period.
    """
    periods = unit_periods(long, by, time)
    rows = []
    for code, data in variables(long, levels, scales):
        unit_period = periods.reindex(list(data.units)).to_numpy()
        for period in sorted(set(unit_period.tolist())):
            part = data.take(unit_period == period)
            if not part.pairable().any():
                continue
            alpha = value_or_nan(krippendorff_alpha, part)
            rows.append({
                "code_id": code,
                "period": period,
                "n_units": int(part.pairable().sum()),
                "percent_agreement": value_or_nan(percent_agreement, part),
                "krippendorff_alpha": alpha,
                "verdict": alpha_verdict(alpha),
            })
    columns = ["code_id", "period", "n_units", "percent_agreement", "krippendorff_alpha",
               "verdict"]
    return pd.DataFrame(rows, columns=columns)


def drift_alerts(
    drift: pd.DataFrame, *, threshold: float = ALPHA_TENTATIVE, min_units: int = 5
) -> pd.DataFrame:
    """The codes whose agreement in their latest period falls below ``threshold``.

    ``drift`` is a `drift_report`. A code's latest period is the last one with at least
    ``min_units`` pairable units (fewer say little). Columns: code_id, period, n_units,
    krippendorff_alpha, previous (alpha of the period before, NaN if none), threshold;
    lowest alpha first. An undefined alpha (no variation) raises no alert.
    """
    columns = ["code_id", "period", "n_units", "krippendorff_alpha", "previous", "threshold"]
    rows = []
    for code, part in drift.loc[drift["n_units"] >= min_units].groupby("code_id", sort=True):
        part = part.sort_values("period")
        latest = part.iloc[-1]
        alpha = float(latest["krippendorff_alpha"])
        if np.isnan(alpha) or alpha >= threshold:
            continue
        previous = float(part.iloc[-2]["krippendorff_alpha"]) if len(part) > 1 else np.nan
        rows.append({"code_id": code, "period": latest["period"],
                     "n_units": int(latest["n_units"]), "krippendorff_alpha": alpha,
                     "previous": previous, "threshold": threshold})
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["krippendorff_alpha", "code_id"], kind="stable").reset_index(
        drop=True)


def prevalence_bias_report(
    long: pd.DataFrame,
    levels: Mapping[str, str],
    *,
    scales: Mapping[str, Sequence[str]] | None = None,
    absent: str = ABSENT,
) -> pd.DataFrame:
    """Each coder's rate of applying each category against the mean rate of the others.

    For nominal and ordinal codes: every category except the baseline ("absent", or the
    lowest ordinal level; all categories when there is none). Rates are over the units the
    coder rated. Columns: code_id, category, coder_id, n_ratings, n_applied, rate,
    others_rate (unweighted mean of the other coders' rates), difference (rate −
    others_rate); largest absolute difference first. Interval and ratio codes are skipped.
    """
    rows = []
    for code, data in variables(long, levels, scales):
        if data.level in ("interval", "ratio"):
            continue
        base = baseline(data, absent)
        rated = ~np.isnan(data.matrix)
        n_ratings = rated.sum(axis=0)
        for k, label in enumerate(data.labels):
            if k == base:
                continue
            applied = (data.matrix == data.domain[k]).sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                rates = np.where(n_ratings > 0, applied / n_ratings, np.nan)
            for j, coder in enumerate(data.coders):
                others = np.delete(rates, j)
                others_rate = float(np.nanmean(others)) if (~np.isnan(others)).any() else np.nan
                rows.append({
                    "code_id": code,
                    "category": label,
                    "coder_id": coder,
                    "n_ratings": int(n_ratings[j]),
                    "n_applied": int(applied[j]),
                    "rate": float(rates[j]),
                    "others_rate": others_rate,
                    "difference": float(rates[j]) - others_rate,
                })
    columns = ["code_id", "category", "coder_id", "n_ratings", "n_applied", "rate",
               "others_rate", "difference"]
    frame = pd.DataFrame(rows, columns=columns)
    order = frame["difference"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)
