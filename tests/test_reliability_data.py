"""Building reliability data from long tables and CSV files, and refusing bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.exceptions import ParameterError, ReliabilityDataError
from workbench.reliability import ReliabilityData, read_reliability_csv

DATA = Path(__file__).parent / "data" / "reliability"
BAD = DATA / "bad"


def long(rows: list[tuple[str, str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "coder", "value"])


def test_matrix_is_units_by_coders_with_nan_for_missing() -> None:
    data = read_reliability_csv(DATA / "krippendorff_2011.csv", "interval")
    assert data.matrix.shape == (12, 4)
    assert data.coders == ("A", "B", "C", "D")
    assert data.units[:2] == ("u01", "u02")
    assert np.isnan(data.matrix[0, 2])  # coder C did not rate unit 1
    assert data.matrix[5].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert data.domain.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert data.ratings_per_unit.tolist() == [3, 4, 4, 4, 4, 4, 4, 4, 4, 3, 2, 1]


def test_nominal_labels_map_to_codes_in_category_order() -> None:
    table = long([("u1", "a", "present"), ("u1", "b", "absent"), ("u2", "a", "absent"),
                  ("u2", "b", "absent")])
    data = ReliabilityData.from_long(table, "nominal", categories=["absent", "present", "odd"])
    assert data.labels == ("absent", "present", "odd")
    assert data.matrix.tolist() == [[1.0, 0.0], [0.0, 0.0]]
    assert data.value_counts.tolist() == [[1, 1, 0], [2, 0, 0]]


def test_ordinal_option_keys_become_ranks_of_the_scale() -> None:
    scale = ["none", "softened_request", "bare_order", "repeated_or_shouted"]
    table = long([("u1", "a", "bare_order"), ("u1", "b", "none"), ("u2", "a", "none"),
                  ("u2", "b", "repeated_or_shouted")])
    data = ReliabilityData.from_long(table, "ordinal", categories=scale)
    assert data.matrix.tolist() == [[2.0, 0.0], [0.0, 3.0]]
    assert data.domain.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_numeric_nominal_labels_sort_numerically() -> None:
    table = long([("u1", "a", "10"), ("u1", "b", "9"), ("u2", "a", "2"), ("u2", "b", "10")])
    assert ReliabilityData.from_long(table, "nominal").labels == ("2", "9", "10")


def test_empty_value_is_a_missing_rating() -> None:
    table = long([("u1", "a", "1"), ("u1", "b", ""), ("u2", "a", "2"), ("u2", "b", "2")])
    data = ReliabilityData.from_long(table, "interval")
    assert np.isnan(data.matrix[0, 1])
    assert data.ratings_per_unit.tolist() == [1, 2]


@pytest.mark.parametrize(
    ("name", "level", "line", "field", "words"),
    [
        ("missing_column.csv", "nominal", 1, "value", "missing column 'value'"),
        ("one_coder.csv", "nominal", None, "coder", "only one coder (ann)"),
        ("non_numeric.csv", "interval", 4, "value", "'high' is not a number"),
        ("non_numeric.csv", "ordinal", 4, "value", "'high' is not a number"),
        ("non_numeric.csv", "ratio", 4, "value", "'high' is not a number"),
        ("duplicate.csv", "nominal", 6, "coder", "'u1' is rated twice by coder 'ann'"),
        ("short_line.csv", "nominal", 3, None, "expected 3 fields"),
        ("empty.csv", "nominal", 1, None, "empty file"),
        ("empty_coder.csv", "nominal", 4, "coder", "empty coder id"),
        ("negative_ratio.csv", "ratio", 3, "value", "negative"),
    ],
)
def test_bad_file_error_names_file_line_and_field(name: str, level: str, line: int | None,
                                                  field: str | None, words: str) -> None:
    with pytest.raises(ReliabilityDataError) as caught:
        read_reliability_csv(BAD / name, level)
    error = caught.value
    assert error.path == BAD / name
    assert error.line == line
    assert error.field == field
    assert words in str(error)
    assert str(error).startswith(str(BAD / name))


def test_duplicate_rating_error_points_at_the_first_rating_too() -> None:
    with pytest.raises(ReliabilityDataError, match="first at line 2"):
        read_reliability_csv(BAD / "duplicate.csv", "nominal")


def test_non_numeric_values_are_fine_at_the_nominal_level() -> None:
    data = read_reliability_csv(BAD / "non_numeric.csv", "nominal")
    assert set(data.labels) == {"1", "2", "3", "high"}


def test_label_outside_the_categories_is_refused_with_the_allowed_ones() -> None:
    table = long([("u1", "a", "present"), ("u1", "b", "maybe")])
    with pytest.raises(ReliabilityDataError, match=r"'maybe' is not a category.*absent, present"):
        ReliabilityData.from_long(table, "nominal", categories=["absent", "present"])


def test_data_frame_errors_name_the_table_row_when_there_is_no_file() -> None:
    table = long([("u1", "a", "1"), ("u1", "b", "x")])
    with pytest.raises(ReliabilityDataError, match=r"table row 1") as caught:
        ReliabilityData.from_long(table, "interval")
    assert caught.value.line is None
    assert caught.value.field == "value"


def test_unknown_level_lists_the_levels() -> None:
    with pytest.raises(ParameterError, match="nominal, ordinal, interval, ratio"):
        ReliabilityData.from_long(long([("u1", "a", "1")]), "binary")


def test_missing_file_is_a_reliability_data_error() -> None:
    with pytest.raises(ReliabilityDataError, match="file not found"):
        read_reliability_csv(DATA / "nope.csv", "nominal")


def test_take_resamples_units_with_repeats() -> None:
    data = read_reliability_csv(DATA / "krippendorff_2011.csv", "nominal")
    picked = data.take(np.array([0, 0, 5]))
    assert picked.units == ("u01", "u01", "u06")
    assert picked.value_counts.sum(axis=1).tolist() == [3, 3, 4]


def test_select_coders_refuses_an_unknown_coder() -> None:
    data = read_reliability_csv(DATA / "krippendorff_2011.csv", "nominal")
    with pytest.raises(ReliabilityDataError, match=r"unknown coder.*Z"):
        data.select_coders(["A", "Z"])
