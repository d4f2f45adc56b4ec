"""Alternative consensus rules, checked on hand-counted ratings."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.codebook import load_ref
from workbench.exceptions import ParameterError
from workbench.project import BUNDLED_CODEBOOKS
from workbench.review.consensus_rules import RULES, consensus_codes

# clip, turn, code, coder, value — "absent" rows are a done coder's missing annotation
RATINGS = [
    ("K1", 0, "esc_command", "a", "present"), ("K1", 0, "esc_command", "b", "present"),
    ("K1", 0, "esc_command", "c", "absent"),  # 2 of 3: majority yes, unanimous no
    ("K1", 1, "esc_command", "a", "present"), ("K1", 1, "esc_command", "b", "absent"),
    ("K1", 1, "esc_command", "c", "absent"),  # 1 of 3: only any_coder
    ("K1", 2, "esc_command", "a", "present"),  # single coder: every rule keeps it
    ("K1", None, "gow_object", "a", "clear"), ("K1", None, "gow_object", "b", "partial"),
    # a tie on a real option: any_coder takes the codebook's first (absent < partial < clear)
    ("K2", None, "gow_object", "a", "absent"), ("K2", None, "gow_object", "b", "absent"),
]


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    frame = pd.DataFrame(RATINGS, columns=["clip_id", "utterance_index", "code_id",
                                           "coder_id", "value"])
    frame["utterance_index"] = frame["utterance_index"].astype("Int64")
    return frame


def _units(codes: pd.DataFrame) -> set[tuple]:
    return {(r.clip_id, None if pd.isna(r.utterance_index) else int(r.utterance_index),
             r.code_id, r.value) for r in codes.itertuples()}


@pytest.mark.parametrize(("rule", "expected"), [
    ("majority", {("K1", 0, "esc_command", "present"), ("K1", 2, "esc_command", "present"),
                  ("K2", None, "gow_object", "absent")}),
    ("unanimous", {("K1", 2, "esc_command", "present"), ("K2", None, "gow_object", "absent")}),
    ("any_coder", {("K1", 0, "esc_command", "present"), ("K1", 1, "esc_command", "present"),
                   ("K1", 2, "esc_command", "present"), ("K1", None, "gow_object", "partial"),
                   ("K2", None, "gow_object", "absent")}),
])
def test_each_rule_combines_the_ratings_as_counted_by_hand(ratings: pd.DataFrame, rule: str,
                                                          expected: set) -> None:
    codebook = load_ref("stop-search@1.0.0", BUNDLED_CODEBOOKS)
    codes = consensus_codes(ratings, codebook, rule)
    assert list(codes.columns) == ["clip_id", "utterance_index", "code_id", "value"]
    assert _units(codes) == expected


def test_an_unknown_rule_is_refused_naming_the_rules(ratings: pd.DataFrame) -> None:
    codebook = load_ref("stop-search@1.0.0", BUNDLED_CODEBOOKS)
    with pytest.raises(ParameterError, match="rules: " + ", ".join(RULES)):
        consensus_codes(ratings, codebook, "plurality")
