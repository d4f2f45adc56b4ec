"""GOWISELY compliance: element shares, full compliance, timing of the explanation."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_analysis_frames import make_frames
from workbench.analysis.gowisely import (
    explanation_timing,
    gowisely_elements,
    gowisely_full_compliance,
    gowisely_timing,
    grounds_quality_by_group,
)
from workbench.exceptions import ParameterError

ALL_CLEAR = {"gow_grounds": "specific", "gow_object": "clear", "gow_identity": "clear",
             "gow_entitlement": "clear", "gow_legal_power": "clear", "gow_detained": "clear"}

OFFICER, SUBJECT = "officer", "subject"
GROUNDS = {"legal_explanation": "grounds"}
POWER = {"legal_explanation": "legal_power"}
SEARCH = {"evt_search_begins": "present"}
CUFFS = {"evt_handcuffs": "present"}

SPEC = {
    # grounds before the search; handcuffed later
    "g1": {"meta": {"gender": "male"}, "clip": ALL_CLEAR,
           "turns": [(OFFICER, "You match the description.", GROUNDS),
                     (OFFICER, "I'll search you now.", SEARCH),
                     (OFFICER, "Hands behind your back.", CUFFS)]},
    # grounds in the very turn the search begins (counts as before); no handcuffs
    "g2": {"meta": {"gender": "male"},
           "clip": {**ALL_CLEAR, "gow_identity": "partial", "gow_detained": "not_applicable"},
           "turns": [(OFFICER, "Searching you because of the smell.", {**GROUNDS, **SEARCH})]},
    # only the legal power, after the search began; then handcuffs
    "g3": {"meta": {"gender": "female"},
           "clip": {**ALL_CLEAR, "gow_grounds": "label_only", "gow_object": "absent"},
           "turns": [(OFFICER, "Stand still.", SEARCH),
                     (OFFICER, "Under section 23.", POWER),
                     (OFFICER, "Cuffs on.", CUFFS)]},
    # no search at all, some elements not coded
    "g4": {"meta": {"gender": "female"}, "clip": {"gow_grounds": "none"},
           "turns": [(OFFICER, "Have a good night.", {})]},
}


def _row(table, **where):
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        mask &= table[column] == value
    assert mask.sum() == 1
    return table[mask].iloc[0]


@pytest.mark.parametrize(
    ("element", "value", "clips", "count"),
    [
        ("gow_grounds", "specific", 4, 2),
        ("gow_grounds", "label_only", 4, 1),
        ("gow_grounds", "none", 4, 1),
        ("gow_grounds", "not_applicable", 4, 0),
        ("gow_identity", "partial", 3, 1),     # g4 has no identity code
        ("gow_detained", "clear", 3, 2),       # g2 not applicable: a level of its own
        ("gow_detained", "not_applicable", 3, 1),
        ("gow_object", "absent", 3, 1),
    ],
)
def test_element_shares(element, value, clips, count) -> None:
    clips_f, _, codes = make_frames(SPEC)
    table = gowisely_elements(clips_f, codes)
    row = _row(table, element=element, value=value)
    assert (row["clips"], row["count"]) == (clips, count)
    assert row["pct"] == pytest.approx(100 * count / clips)
    assert row["pct_low"] <= row["pct"] <= row["pct_high"]


def test_each_elements_counts_add_up_to_its_base() -> None:
    clips_f, _, codes = make_frames(SPEC)
    table = gowisely_elements(clips_f, codes)
    sums = table.groupby("element").agg(total=("count", "sum"), clips=("clips", "first"))
    assert (sums["total"] == sums["clips"]).all()


def test_full_compliance_needs_every_applicable_element_complete() -> None:
    clips_f, _, codes = make_frames(SPEC)
    table = gowisely_full_compliance(clips_f, codes, group="gender")
    overall = _row(table, group="all")
    # g1 compliant; g2 identity only partial; g3 grounds/object short; g4 not assessed
    assert (overall["clips"], overall["not_assessed"], overall["compliant"]) == (3, 1, 1)
    assert _row(table, group="male")["compliant"] == 1
    assert _row(table, group="female")["clips"] == 1


def test_full_compliance_rule_can_accept_generic_grounds_and_partial_identity() -> None:
    clips_f, _, codes = make_frames(SPEC)
    rule = {"gow_grounds": frozenset({"generic", "specific"}),
            "gow_identity": frozenset({"partial", "clear"})}
    table = gowisely_full_compliance(clips_f, codes, complete=rule)
    assert _row(table, group="all")["compliant"] == 2
    with pytest.raises(ParameterError, match=r"unknown GOWISELY element.*gow_warrant"):
        gowisely_full_compliance(clips_f, codes, complete={"gow_warrant": frozenset()})


def test_explanation_timing_per_encounter() -> None:
    _, utts, codes = make_frames(SPEC)
    timing = explanation_timing(utts, codes)
    expected = {  # grounds<search, any<search, grounds<cuffs, any<cuffs
        "g1": [True, True, True, True],
        "g2": [True, True, pd.NA, pd.NA],
        "g3": [False, False, False, True],
        "g4": [pd.NA, pd.NA, pd.NA, pd.NA],
    }
    measures = ["grounds_before_search", "explanation_before_search",
                "grounds_before_handcuffs", "explanation_before_handcuffs"]
    for clip_id, values in expected.items():
        got = timing.loc[clip_id, measures].tolist()
        assert [pd.isna(g) if pd.isna(v) else g == v for g, v in zip(got, values, strict=True)] \
            == [True] * 4, (clip_id, got)
    assert timing.loc["g3", "first_explanation"] == 1.0


def test_timing_shares_count_only_encounters_with_the_event() -> None:
    table = gowisely_timing(*make_frames(SPEC))
    search = _row(table, group="all", measure="grounds_before_search")
    cuffs = _row(table, group="all", measure="explanation_before_handcuffs")
    assert (search["clips"], search["count"]) == (3, 2)
    assert (cuffs["clips"], cuffs["count"]) == (2, 2)


def test_grounds_quality_by_group_lists_each_level() -> None:
    clips_f, _, codes = make_frames(SPEC)
    table = grounds_quality_by_group(clips_f, codes, "gender")
    assert set(table["element"]) == {"gow_grounds"}
    female = table[table["group"] == "female"].set_index("value")["count"].to_dict()
    assert female == {"none": 1, "label_only": 1, "generic": 0, "specific": 0,
                      "not_applicable": 0}


def test_timing_reads_a_set_of_elements_per_turn_as_codebook_1_2_0_stores_it() -> None:
    both = {"legal_explanation": "grounds+object"}        # grounds given with the object
    spec = {"s1": {"meta": {"gender": "male"}, "clip": ALL_CLEAR,
                   "turns": [(OFFICER, "Searching you for drugs, I smelt cannabis.", both),
                             (OFFICER, "Arms out.", SEARCH)]},
            "s2": {"meta": {"gender": "male"}, "clip": ALL_CLEAR,
                   "turns": [(OFFICER, "Arms out.", SEARCH),
                             (OFFICER, "For drugs, under section 23.",
                              {"legal_explanation": "legal_power+object"})]}}
    timing = explanation_timing(*make_frames(spec)[1:])
    assert timing.loc["s1", "first_grounds"] == 0.0 and bool(timing.loc["s1",
                                                                  "grounds_before_search"])
    assert pd.isna(timing.loc["s2", "first_grounds"])
    assert timing.loc["s2", "first_explanation"] == 1.0
