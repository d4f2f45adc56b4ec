"""Small summaries the study sections publish, built on :mod:`workbench.analysis` results.

Pure functions; the tables hold raw counts and are published through
:meth:`~workbench.study.outputs.StudyOutputs.table` (disclosure control).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.analysis.frames import CLIP_ID, UTTERANCE_INDEX
from workbench.exceptions import ParameterError
from workbench.privacy.audit import OTHER, Derived
from workbench.study.crosstable import Axis
from workbench.study.gate import CountRule, counts

#: The escalated outcome as a two-way table's columns (``not_escalated`` / ``escalated``):
#: the yes/no event the opening-move and by-group tables count.
OUTCOME_AXIS = Axis("escalated", labels={"escalated": "yes", "not_escalated": "no"})
#: Force used (the clip-level code, as the prevalence tables count it) and the highest
#: resistance met, as the sides of the force-against-resistance table.
FORCE_AXIS = Axis("out_force")
MAX_RESISTANCE_AXIS = Axis("max_subj_resistance")

#: Procedural-justice scores (0–100) of Nawaz & Tankebe (2018), 100 GMP stop-and-search
#: encounters: the derived measure ids of ``stop-search`` 1.0.0 → published score.
NAWAZ_TANKEBE_2018: dict[str, float] = {"pj_voice": 94.0, "pj_neutrality": 65.0,
                                        "pj_respect": 71.0, "pj_trust": 47.0}


def option_lines(table: pd.DataFrame, *, unit: str = "unit", code: str = "code_id",
                 column: str = "options_line") -> pd.DataFrame:
    """Add ``column`` naming the rows whose counts add up to a total, for ``count_lines``.

    The options of a clip-level code add up to the encounters coded with it (one line per
    code); options of an utterance-level code do not (an encounter may have several), so each
    of those rows is a line of its own.
    """
    single = table[unit].ne("clip")
    lines = table[code].astype(str).where(~single, "row " + pd.Series(
        np.arange(len(table)), index=table.index).astype(str))
    return table.assign(**{column: lines})


def series_by_position(series: pd.DataFrame, columns: Sequence[str], *,
                       bins: int = 10) -> pd.DataFrame:
    """Mean of per-turn ``columns`` by relative position in the encounter.

    Position of turn *i* of a clip with *n* turns: ``i / n``, cut into ``bins`` equal bands
    (band 1 = the first tenth of the turns with the default). Each clip counts once per band
    (its mean there), so long encounters do not dominate.

    Returns
    -------
    DataFrame ``band, position`` (band midpoint, % of the encounter), ``clips`` (clips with a
    value in the band, per column the smallest) and the mean of each column.
    """
    frame = series.copy()
    length = frame.groupby(CLIP_ID)[UTTERANCE_INDEX].transform("max") + 1
    frame["band"] = np.minimum((frame[UTTERANCE_INDEX] / length * bins).astype(int), bins - 1) + 1
    per_clip = frame.groupby([CLIP_ID, "band"])[list(columns)].mean()
    means = per_clip.groupby("band").mean()
    clips = per_clip.notna().groupby("band").sum().min(axis=1).rename("clips")
    table = pd.concat([clips, means], axis=1).reindex(range(1, bins + 1)).reset_index()
    table["clips"] = table["clips"].fillna(0).astype(int)
    table.insert(1, "position", (table["band"] - 0.5) * 100 / bins)
    return table


def scores_versus_reference(scores: pd.DataFrame,
                            reference: Mapping[str, float] = NAWAZ_TANKEBE_2018,
                            name: str = "nawaz_tankebe_2018") -> pd.DataFrame:
    """Overall rows of a :func:`~workbench.analysis.scores_by_group` table beside a
    published reference score per measure (NaN where none)."""
    overall = scores[scores["group_var"] == "all"][["measure", "n", "mean", "sd"]]
    overall = overall.assign(**{name: overall["measure"].map(dict(reference))})
    return overall.reset_index(drop=True)


def model_status(results: Mapping[str, pd.DataFrame | str]) -> pd.DataFrame:
    """One row per model variant: fitted or not, n, events, clusters, and the reason.

    Numbers inside a reason (they can be small cell counts) are withheld as ``#``.
    """
    rows = []
    for variant, result in results.items():
        if isinstance(result, pd.DataFrame):
            attrs = result.attrs
            rows.append({"variant": variant, "status": "fitted", "n": attrs.get("n"),
                         "events": attrs.get("events"), "clusters": attrs.get("clusters"),
                         "formula": attrs.get("formula", ""), "reason": ""})
        else:
            rows.append({"variant": variant, "status": "not fitted", "n": np.nan,
                         "events": np.nan, "clusters": np.nan, "formula": "",
                         "reason": re.sub(r"\d+", "#", str(result))})
    return pd.DataFrame(rows)


def predictor_axis(predictor: str) -> Axis:
    """A model predictor as a two-way table's rows (``no`` / ``yes``), for the disclosure
    audit: derived from a code (``opening_command``: yes is the opening move ``command``, no
    any other coded move), or 0/1 for every encounter (the early-turn predictors)."""
    from workbench.analysis.models import DERIVED_PREDICTORS, EARLY_PREDICTORS

    if predictor in DERIVED_PREDICTORS:
        code, levels = DERIVED_PREDICTORS[predictor]
        return Axis(predictor, derived=Derived.of(predictor, code, {"yes": levels}, rest="no"))
    if predictor in EARLY_PREDICTORS:
        return Axis(predictor, complete=True)
    raise ParameterError(f"predictor {predictor!r}: expected one of "
                         f"{', '.join([*DERIVED_PREDICTORS, *EARLY_PREDICTORS])}",
                         field="predictor")


def force_factor_derived(ranks: Mapping[str, Mapping[str, int]]) -> Derived:
    """The force factor (force rank minus highest resistance rank) as the audit's derived
    variable ``force_factor`` of :data:`FORCE_AXIS` and :data:`MAX_RESISTANCE_AXIS`: a
    table of the factor is audited with the force-against-resistance table."""
    from workbench.analysis.outcomes import force_factor_pairs

    return Derived("force_factor", (FORCE_AXIS.variable, MAX_RESISTANCE_AXIS.variable),
                   {str(k): tuple(pairs) for k, pairs in force_factor_pairs(ranks).items()})


def score_counts(derived: pd.DataFrame, clips: pd.DataFrame, measures: Sequence[str], *,
                 grouping: Derived | None = None) -> CountRule:
    """The disclosure rule of a table of scores by group (``n, mean, sd`` per measure). Where
    every measure is scored for every encounter, ``n`` is the group's size, and is declared
    so: the table is audited with the other tables of its groups (and, with ``grouping``, a
    grouping made from a code, with that code's tables). Else its ``n`` is checked within the
    table only."""
    frame = derived.set_index(CLIP_ID) if CLIP_ID in derived.columns else derived
    scored = frame.reindex(clips[CLIP_ID])[list(measures)].notna().to_numpy().all()
    if not measures or not scored:
        return counts(base="n", values=["mean", "sd"], base_lines=[["measure"]])
    return counts("n", values=["mean", "sd"], count_lines=[["measure"]],
                  population=["group_var:group"], derived=[grouping] if grouping else [])


def grouping_of_code(name: str, code: str, levels: Sequence[str]) -> Derived:
    """A grouping variable ``name`` made from a clip-level ``code`` (its ``levels``; the
    "(missing)" group holds the encounters without it), for the audit."""
    from workbench.analysis.grouping import MISSING_GROUP

    mapping = {str(level): [str(level)] for level in levels}
    mapping[MISSING_GROUP] = [OTHER]
    return Derived.of(name, code, mapping, coded=False)
