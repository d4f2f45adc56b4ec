"""Labels instead of ids: codebook labels, metadata names, model terms."""

from __future__ import annotations

import pytest

from workbench.codebook import load_ref
from workbench.project import BUNDLED_CODEBOOKS
from workbench.study.labels import Labels, humanise


@pytest.fixture(scope="module")
def labels() -> Labels:
    return Labels(load_ref("stop-search@1.0.0", BUNDLED_CODEBOOKS))


@pytest.mark.parametrize(("column", "text", "row", "expected"), [
    ("code_id", "pj_invites_account", None, "Invites the person's account"),
    ("value", "specific", {"code_id": "gow_grounds"}, "Specific to this person"),
    ("value", "label_only", {"element": "gow_grounds"}, "Label only"),
    ("term", "C(power)[T.PACE 1984 s1]", None, "Power used: PACE 1984 s1"),
    ("term", "opening_command", None, "Opened with a command"),
    ("group_var", "age_band", None, "Age band"),
    ("group_var", "all", None, "All encounters"),
    ("group", "all", None, "All"),
    ("group", "Black or Black British", None, "Black or Black British"),
    ("measure", "pj_voice", None, "Voice (0–100)"),
    ("turn_role", "all", None, "All turns"),
    ("pct", "71.8", None, "71.8"),
    ("rule", "any_coder", None, "Any coder"),
])
def test_cells_show_labels(labels: Labels, column: str, text: str, row, expected: str) -> None:
    assert labels.value(column, text, row) == expected


@pytest.mark.parametrize(("column", "expected"), [
    ("group_var", "Grouping"), ("pct_low", "95% CI low (%)"), ("clips_with",
                                                              "Encounters with at least one"),
    ("bwv_coverage", "When recording started"), ("odds_ratio", "Odds ratio"),
    ("some_new_column", "Some new column"),
])
def test_headers_are_labels(labels: Labels, column: str, expected: str) -> None:
    assert labels.header(column) == expected


def test_formulas_and_phrases_use_labels(labels: Labels) -> None:
    text = labels.formula("escalated ~ opening_command + C(power) + n_officers")
    assert text == "Escalated ~ Opened with a command + Power used + Number of officers"
    assert labels.phrase("age_band") == "age band" and labels.phrase("bcu") == "BCU"
    assert humanise("not_applicable") == "Not applicable"


def test_free_text_columns_are_left_alone(labels: Labels) -> None:
    row = labels.row(["code_id", "text"], ["esc_command", "pj_voice said"], keep=["text"])
    assert row == [labels.codes["esc_command"], "pj_voice said"]
