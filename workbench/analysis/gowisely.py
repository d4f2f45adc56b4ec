"""GOWISELY compliance (study output 3): PACE Code A, para 3.8 — what a searched person is told.

Elements are clip-level ordinal codes (grounds: none < label_only < generic < specific; the rest:
absent < partial < clear; any may be ``not_applicable``). Timing uses the utterance code
``legal_explanation`` (one element per turn up to codebook 1.1.0, a set from 1.2.0) against
the first ``evt_search_begins`` and ``evt_handcuffs`` turns.
Intervals are Wilson 95%.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from workbench.analysis.codes import (
    GOWISELY_ELEMENTS,
    GROUNDS,
    HANDCUFFS_EVENT,
    LEGAL_EXPLANATION,
    SEARCH_BEGINS,
    STOP_SEARCH,
)
from workbench.analysis.frames import (
    CLIP_ID,
    CODE_ID,
    UTTERANCE_INDEX,
    VALUE,
    clip_values,
    validate_frames,
)
from workbench.analysis.grouping import group_members
from workbench.analysis.proportions import add_rate_columns
from workbench.codebook.sets import split_set
from workbench.exceptions import ParameterError

NOT_APPLICABLE = "not_applicable"
#: Values that count as complete, per element, for full compliance (the default).
FULL_COMPLIANCE: dict[str, frozenset[str]] = {
    element: frozenset({"specific"} if element == GROUNDS else {"clear"})
    for element in GOWISELY_ELEMENTS
}
TIMING_MEASURES: tuple[str, ...] = (
    "grounds_before_search", "explanation_before_search",
    "grounds_before_handcuffs", "explanation_before_handcuffs",
)

#: ``suppress_rows(table, **spec)`` specifications for publishing each table.
ELEMENTS_DISCLOSURE: dict[str, object] = {
    "count_column": "count", "base_column": "clips",
    "value_columns": ("pct", "pct_low", "pct_high"),
    "count_lines": (("group_var", "group", "element"), ("element", "value")),
    "base_lines": (("element", "value"),),
}
COMPLIANCE_DISCLOSURE: dict[str, object] = {
    "count_column": "compliant", "base_column": "clips", "other_count_columns": ("not_assessed",),
    "value_columns": ("pct", "pct_low", "pct_high"), "count_lines": ((),), "base_lines": ((),),
}
TIMING_DISCLOSURE: dict[str, object] = {
    "count_column": "count", "base_column": "clips",
    "value_columns": ("pct", "pct_low", "pct_high"),
    "count_lines": (("measure",),), "base_lines": (("measure",),),
}


def gowisely_elements(
    clips: pd.DataFrame, codes: pd.DataFrame, *, group: str | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of encounters at each level of each GOWISELY element, overall and by ``group``.

    ``not_applicable`` (e.g. grounds of a section 60 search) is a level of its own, so that
    every count shares one published base and no count hides as "base minus the rest".

    Returns
    -------
    DataFrame ``group_var, group, element, value, clips, count, pct, pct_low, pct_high``:
    ``clips`` counts encounters with the element coded; ``pct`` is ``count`` of them (%).
    """
    frames = validate_frames(clips, codes=codes)
    rows = []
    for group_var, level, members in group_members(frames.clips, group):
        for element in GOWISELY_ELEMENTS:
            values = clip_values(frames.codes, element).reindex(members).dropna()
            options = [v for v in STOP_SEARCH[element].options if v != NOT_APPLICABLE]
            options += [*sorted(set(values) - {*options, NOT_APPLICABLE}), NOT_APPLICABLE]
            for value in options:
                rows.append({"group_var": group_var, "group": level, "element": element,
                             "value": value, "clips": len(values),
                             "count": int((values == value).sum())})
    table = add_rate_columns(pd.DataFrame(rows), "count", "clips", confidence=confidence)
    return table[["group_var", "group", "element", "value", "clips", "count", "pct", "pct_low",
                  "pct_high"]]


def grounds_quality_by_group(
    clips: pd.DataFrame, codes: pd.DataFrame, group: str, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Quality of the grounds given (none / label only / generic / specific) by ``group``.

    The ``gow_grounds`` rows of :func:`gowisely_elements` (overall rows first).
    """
    table = gowisely_elements(clips, codes, group=group, confidence=confidence)
    return table[table["element"] == GROUNDS].reset_index(drop=True)


def gowisely_full_compliance(
    clips: pd.DataFrame, codes: pd.DataFrame, *, group: str | None = None,
    complete: Mapping[str, frozenset[str]] | None = None, confidence: float = 0.95,
) -> pd.DataFrame:
    """Full-compliance rate: every applicable element complete.

    ``complete`` maps each element to the values that count as complete (default
    :data:`FULL_COMPLIANCE`: grounds specific, the others clear). An encounter with an element
    not coded at all is not assessed; an element coded ``not_applicable`` is skipped.

    Returns
    -------
    DataFrame ``group_var, group, clips, not_assessed, compliant, pct, pct_low, pct_high``.
    """
    rule = dict(complete if complete is not None else FULL_COMPLIANCE)
    unknown = sorted(set(rule) - set(GOWISELY_ELEMENTS))
    if unknown:
        raise ParameterError(f"unknown GOWISELY element(s) {', '.join(unknown)}; expected "
                             f"{', '.join(GOWISELY_ELEMENTS)}", field="complete")
    frames = validate_frames(clips, codes=codes)
    values = pd.DataFrame({element: clip_values(frames.codes, element)
                           for element in GOWISELY_ELEMENTS}).reindex(frames.clips[CLIP_ID])
    assessed = values.notna().all(axis=1)
    ok = pd.Series(True, index=values.index)
    for element in GOWISELY_ELEMENTS:
        good = rule.get(element, FULL_COMPLIANCE[element]) | {NOT_APPLICABLE}
        ok &= values[element].isin(good)
    rows = []
    for group_var, level, members in group_members(frames.clips, group):
        member_assessed = assessed.reindex(members)
        rows.append({"group_var": group_var, "group": level,
                     "clips": int(member_assessed.sum()),
                     "not_assessed": int((~member_assessed).sum()),
                     "compliant": int((ok.reindex(members) & member_assessed).sum())})
    return add_rate_columns(pd.DataFrame(rows), "compliant", "clips", confidence=confidence)


def explanation_timing(utterances: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Per encounter: the first turn giving grounds / any legal explanation vs the events.

    "Before" means at or before the event's turn (an explanation in the turn where the search
    begins counts as given before it). Measures are NA where the event did not happen; an
    explanation never given before an event that happened is False.

    Returns
    -------
    DataFrame indexed by ``clip_id``: ``first_grounds``, ``first_explanation``,
    ``first_search``, ``first_handcuffs`` (utterance index, NaN if none) and the boolean
    measures of :data:`TIMING_MEASURES`.
    """
    frames = validate_frames(utterances=utterances, codes=codes)
    rows = frames.codes[frames.codes[UTTERANCE_INDEX].notna()]
    index = pd.Index(sorted(set(frames.utterances[CLIP_ID])), name=CLIP_ID)

    def first(mask: pd.Series) -> pd.Series:
        hits = rows[mask]
        turn = hits[UTTERANCE_INDEX].astype("float64")
        return turn.groupby(hits[CLIP_ID]).min().reindex(index)

    explanation = rows[CODE_ID] == LEGAL_EXPLANATION
    table = pd.DataFrame({
        # one element (≤ 1.1.0) or a set of them (1.2.0, "grounds+object"): the same test
        "first_grounds": first(explanation & rows[VALUE].map(
            lambda v: "grounds" in split_set(v))),
        "first_explanation": first(explanation),
        "first_search": first(rows[CODE_ID] == SEARCH_BEGINS),
        "first_handcuffs": first(rows[CODE_ID] == HANDCUFFS_EVENT),
    }, index=index)
    for given, event, name in (("first_grounds", "first_search", TIMING_MEASURES[0]),
                               ("first_explanation", "first_search", TIMING_MEASURES[1]),
                               ("first_grounds", "first_handcuffs", TIMING_MEASURES[2]),
                               ("first_explanation", "first_handcuffs", TIMING_MEASURES[3])):
        before = (table[given] <= table[event]).fillna(False).astype(bool)
        flag = pd.Series(before, index=index).astype("boolean")
        flag[table[event].isna().to_numpy()] = pd.NA
        table[name] = flag
    return table


def gowisely_timing(
    clips: pd.DataFrame, utterances: pd.DataFrame, codes: pd.DataFrame, *,
    group: str | None = None, confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of searches (handcuffings) preceded by the grounds / any legal explanation.

    Returns
    -------
    DataFrame ``group_var, group, measure, clips, count, pct, pct_low, pct_high``; ``clips``
    counts encounters where the event happened (see :func:`explanation_timing`).
    """
    frames = validate_frames(clips, utterances, codes)
    timing = explanation_timing(frames.utterances, frames.codes)
    rows = []
    for group_var, level, members in group_members(frames.clips, group):
        subset = timing.reindex(members)
        for measure in TIMING_MEASURES:
            known = subset[measure].dropna()
            rows.append({"group_var": group_var, "group": level, "measure": measure,
                         "clips": len(known), "count": int(known.astype(bool).sum())})
    return add_rate_columns(pd.DataFrame(rows), "count", "clips", confidence=confidence)
