"""Models of escalated outcome on early officer behaviour (study output 9).

:func:`escalation_model_frame` builds one row per encounter: the escalated outcome (0/1, see
:mod:`workbench.analysis.outcomes`), early-behaviour predictors and the clip metadata as
controls. :func:`odds_ratio_table` fits a logistic regression with the statsmodels formula API
in one of four variants:

``logit``      maximum likelihood, model-based errors;
``clustered``  the same fit with cluster-robust (sandwich) errors by ``cluster``;
``gee``        GEE, binomial family, exchangeable working correlation within ``cluster``
               (Liang & Zeger 1986) — population-averaged odds ratios;
``mixed``      random intercept per ``cluster``, ``BinomialBayesMixedGLM`` fitted by
               variational Bayes — conditional odds ratios with posterior mean ± z·sd
               (variational posteriors tend to understate uncertainty; read them beside
               ``gee``).

Data that cannot support a fit (an outcome with one value, separation, a singular design, too
few clusters) raise :class:`~workbench.exceptions.AnalysisDataError` with the reason;
:func:`escalation_models` collects the variants that fit and the reasons for those that do not.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM
from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

from workbench.analysis.codes import COURTESY, LEGAL_EXPLANATION, OPENING_MOVE
from workbench.analysis.frames import (
    CLIP_ID,
    CODE_ID,
    ROLE,
    UTTERANCE_INDEX,
    VALUE,
    Ranks,
    clip_values,
    validate_frames,
)
from workbench.analysis.outcomes import escalation_flags
from workbench.exceptions import AnalysisDataError, ParameterError

VARIANTS: tuple[str, ...] = ("logit", "clustered", "gee", "mixed")
#: Predictors defined from a clip-level code: 1 where it has one of these levels, 0 for any
#: other coded level, missing where it is not coded (the disclosure audit ties tables of the
#: predictor to tables of the code through this).
DERIVED_PREDICTORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "opening_command": (OPENING_MOVE, ("command",))}
#: Predictors from the first officer turns: 0 or 1 for every encounter.
EARLY_PREDICTORS: tuple[str, ...] = ("grounds_early", "explanation_early", "courtesy_early")
#: A default model: early officer behaviour with controls.
DEFAULT_FORMULA = ("escalated ~ opening_command + grounds_early + courtesy_early"
                   " + C(power) + n_officers")


def escalation_model_frame(
    clips: pd.DataFrame, utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks, *,
    first_n: int = 3,
) -> pd.DataFrame:
    """One row per encounter with the outcome and early-behaviour predictors (0/1 integers).

    Columns: the ``clips`` columns, ``escalated`` (NA where no outcome is coded),
    ``opening_command`` (opening move is a command), ``grounds_early`` (grounds given in the
    first ``first_n`` officer turns), ``explanation_early`` (any legal explanation there) and
    ``courtesy_early`` (``pj_courtesy`` there). Sorted by ``clip_id``.
    """
    if first_n < 1:
        raise ParameterError(f"first_n {first_n}; expected ≥ 1", field="first_n")
    frames = validate_frames(clips, utterances, codes, ranks=ranks)
    clips, utts, codes = frames.clips, frames.utterances, frames.codes
    ids = clips[CLIP_ID]
    early = utts[utts[ROLE] == "officer"].groupby(CLIP_ID).head(first_n)
    keys = pd.MultiIndex.from_frame(early[[CLIP_ID, UTTERANCE_INDEX]])
    turn_codes = codes[codes[UTTERANCE_INDEX].notna()]
    in_early = pd.MultiIndex.from_arrays(
        [turn_codes[CLIP_ID], turn_codes[UTTERANCE_INDEX].astype("int64")]).isin(keys)
    early_codes = turn_codes[in_early]

    def clips_with(mask: pd.Series) -> pd.Series:
        return ids.isin(set(early_codes.loc[mask, CLIP_ID])).astype(int).to_numpy()

    explanation = early_codes[CODE_ID] == LEGAL_EXPLANATION
    frame = clips.copy()
    frame["escalated"] = escalation_flags(codes, ranks, ids).reindex(ids).astype("Int64").to_numpy()
    for name, (code, levels) in DERIVED_PREDICTORS.items():
        values = clip_values(codes, code).reindex(ids)
        frame[name] = values.isin(levels).astype("Int64").where(values.notna()).to_numpy()
    frame["grounds_early"] = clips_with(explanation & (early_codes[VALUE] == "grounds"))
    frame["explanation_early"] = clips_with(explanation)
    frame["courtesy_early"] = clips_with(early_codes[CODE_ID] == COURTESY)
    return frame.reset_index(drop=True)


def odds_ratio_table(
    frame: pd.DataFrame, formula: str = DEFAULT_FORMULA, *, variant: str = "logit",
    cluster: str = "borough", confidence: float = 0.95, min_clusters: int = 10,
) -> pd.DataFrame:
    """Odds ratios with confidence intervals from one model variant (see the module docstring).

    Rows with a missing value in any model variable (or the cluster) are dropped.

    Returns
    -------
    DataFrame ``term, odds_ratio, ci_low, ci_high, p_value`` (``p_value`` NaN for ``mixed``);
    ``attrs`` holds ``variant, formula, n, events, clusters``.

    Raises
    ------
    AnalysisDataError
        for an outcome with one value, separation, a singular design, or fewer than
        ``min_clusters`` clusters (clustered, gee, mixed).
    """
    if variant not in VARIANTS:
        raise ParameterError(f"variant {variant!r}; expected one of {', '.join(VARIANTS)}",
                             field="variant")
    needs_cluster = variant != "logit"
    if needs_cluster and cluster not in frame.columns:
        raise ParameterError(f"cluster column {cluster!r} is not in the frame", field="cluster")
    data = _complete_rows(frame, formula, cluster if needs_cluster else None)
    model = smf.logit(formula, data)
    _check_estimable(model, formula)
    clusters = int(data[cluster].nunique()) if needs_cluster else 0
    if needs_cluster and clusters < min_clusters:
        raise AnalysisDataError(
            f"{variant} model needs at least {min_clusters} clusters of {cluster!r}; found "
            f"{clusters}. Use the plain logit variant, or a coarser design.", field=cluster)
    z = stats.norm.ppf(0.5 + confidence / 2)
    if variant == "mixed":
        estimates, errors, p_values = _fit_mixed(formula, data, cluster)
    else:
        estimates, errors, p_values = _fit_frequentist(model, formula, data, variant, cluster)
    table = pd.DataFrame({
        "term": estimates.index,
        "odds_ratio": np.exp(estimates.to_numpy()),
        "ci_low": np.exp(estimates.to_numpy() - z * errors.to_numpy()),
        "ci_high": np.exp(estimates.to_numpy() + z * errors.to_numpy()),
        "p_value": p_values.to_numpy(),
    })
    table.attrs = {"variant": variant, "formula": formula, "n": len(data),
                   "events": int(model.endog.sum()), "clusters": clusters}
    return table


def escalation_models(
    frame: pd.DataFrame, formula: str = DEFAULT_FORMULA, *, variants: Iterable[str] = VARIANTS,
    cluster: str = "borough", confidence: float = 0.95, min_clusters: int = 10,
) -> dict[str, pd.DataFrame | str]:
    """Fit each variant; a variant the data cannot support maps to the reason (a string)."""
    results: dict[str, pd.DataFrame | str] = {}
    for variant in variants:
        try:
            results[variant] = odds_ratio_table(frame, formula, variant=variant, cluster=cluster,
                                                confidence=confidence, min_clusters=min_clusters)
        except AnalysisDataError as error:
            results[variant] = str(error)
    return results


def _complete_rows(frame: pd.DataFrame, formula: str, cluster: str | None) -> pd.DataFrame:
    names = [c for c in frame.columns if _mentions(formula, c)]
    if cluster is not None:
        names.append(cluster)
    data = frame.dropna(subset=names).reset_index(drop=True)
    outcome = formula.split("~")[0].strip()
    if outcome in data:
        data[outcome] = data[outcome].astype(float)
    if data.empty:
        raise AnalysisDataError(f"no encounter has every variable of {formula!r}")
    return data


def _mentions(formula: str, column: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(column)}(?![\w])", formula) is not None


def _check_estimable(model: sm.Logit, formula: str) -> None:
    y = np.asarray(model.endog, dtype=float)
    if np.unique(y).size < 2:
        raise AnalysisDataError(f"the outcome of {formula!r} has one value only "
                                f"({int(y[0])} in all {len(y)} encounters); nothing to model")
    x = np.asarray(model.exog, dtype=float)
    for j, name in enumerate(model.exog_names):
        column = x[:, j]
        if set(np.unique(column)) <= {0.0, 1.0} and np.unique(column).size == 2:
            table = pd.crosstab(column, y).reindex(index=[0.0, 1.0], columns=[0.0, 1.0],
                                                   fill_value=0)
            if (table.to_numpy() == 0).any():
                raise AnalysisDataError(
                    f"term {name!r} separates the outcome (a zero cell in its 2×2 table with "
                    f"the outcome: {table.to_numpy().tolist()}); its odds ratio is infinite. "
                    "Drop or merge the term, or collect more encounters.", field=name)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise AnalysisDataError(f"the design of {formula!r} is singular (collinear terms or a "
                                "level with no encounters); simplify the model")


def _fit_frequentist(
    model: sm.Logit, formula: str, data: pd.DataFrame, variant: str, cluster: str,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            if variant == "logit":
                result = model.fit(disp=0)
            elif variant == "clustered":
                groups = pd.factorize(data[cluster])[0]
                result = model.fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
            else:
                gee = smf.gee(formula, groups=cluster, data=data,
                              family=sm.families.Binomial(),
                              cov_struct=sm.cov_struct.Exchangeable())
                result = gee.fit()
        except (PerfectSeparationError, PerfectSeparationWarning) as error:
            raise AnalysisDataError(f"{variant} model of {formula!r}: perfect prediction "
                                    f"({error}); drop or merge terms") from None
        except np.linalg.LinAlgError as error:
            raise AnalysisDataError(f"{variant} model of {formula!r} cannot be fitted "
                                    f"({error}); simplify the model") from None
    return (pd.Series(result.params), pd.Series(result.bse), pd.Series(result.pvalues))


def _fit_mixed(
    formula: str, data: pd.DataFrame, cluster: str
) -> tuple[pd.Series, pd.Series, pd.Series]:
    model = BinomialBayesMixedGLM.from_formula(formula, {cluster: f"0 + C({cluster})"}, data)
    result = model.fit_vb()
    names = model.exog_names
    mean = pd.Series(result.fe_mean, index=names)
    sd = pd.Series(result.fe_sd, index=names)
    return mean, sd, pd.Series(np.nan, index=names)
