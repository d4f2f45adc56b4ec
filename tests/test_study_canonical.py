"""Canonical CSV text and row order: the same table always gives the same bytes."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd
import pytest

from workbench.exceptions import ParameterError
from workbench.study.canonical import format_cell, frame_to_csv, frames_hash, sort_rows


@pytest.mark.parametrize(("value", "digits", "text"), [
    (None, 4, ""), (np.nan, 4, ""), (pd.NA, 4, ""), (pd.NaT, 4, ""),
    (True, 4, "true"), (np.bool_(False), 4, "false"),
    (7, 4, "7"), (np.int64(-3), 4, "-3"),
    (2.5, 4, "2.5000"), (2 / 3, 2, "0.67"), (-0.00001, 4, "0.0000"), (-0.0, 4, "0.0000"),
    (-1.23456, 3, "-1.235"), (float("inf"), 4, "inf"), (float("-inf"), 4, "-inf"),
    (0.1 + 0.2, None, "0.30000000000000004"), (-0.0, None, "0.0"),
    (dt.date(2021, 3, 4), 4, "2021-03-04"), (pd.Timestamp("2021-03-04 05:06"), 4,
                                             "2021-03-04T05:06:00"),
    ("[c]", 4, "[c]"),
])
def test_cells_are_written_canonically(value: object, digits: int | None, text: str) -> None:
    assert format_cell(value, digits) == text


def test_float_columns_of_whole_numbers_are_written_as_integers() -> None:
    frame = pd.DataFrame({"n": [3.0, np.nan, 12.0], "pct": [1.0, 2.5, np.nan]})
    assert frame_to_csv(frame) == "n,pct\n3,1.0000\n,2.5000\n12,\n"


def test_text_is_quoted_only_where_csv_needs_it() -> None:
    frame = pd.DataFrame({"text": ['say "hi", then', "plain"]})
    assert frame_to_csv(frame) == 'text\n"say ""hi"", then"\nplain\n'


def test_row_order_of_the_input_does_not_change_the_sorted_csv() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"group": list("bacab"), "code": ["x", "y", "x", "x", "y"],
                          "pct": rng.random(5)})
    shuffled = frame.sample(frac=1, random_state=3)
    assert frame_to_csv(sort_rows(frame)) == frame_to_csv(sort_rows(shuffled))


def test_ordered_categoricals_sort_in_scale_order_and_missing_last() -> None:
    scale = pd.CategoricalDtype(["absent", "partial", "clear"], ordered=True)
    frame = pd.DataFrame({"value": pd.Series(["clear", None, "absent", "partial"], dtype=scale)})
    assert sort_rows(frame)["value"].astype(object).tolist()[:3] == ["absent", "partial", "clear"]
    assert pd.isna(sort_rows(frame)["value"].iloc[3])


def test_numbers_sort_numerically_not_as_text() -> None:
    frame = pd.DataFrame({"n": [10, 9, 100]})
    assert sort_rows(frame)["n"].tolist() == [9, 10, 100]


def test_empty_keys_keep_the_given_order() -> None:
    frame = pd.DataFrame({"g": ["b", "a"]}, index=[5, 6])
    assert sort_rows(frame, [])["g"].tolist() == ["b", "a"]


def test_sorting_by_an_unknown_column_names_the_columns() -> None:
    with pytest.raises(ParameterError, match="columns: g"):
        sort_rows(pd.DataFrame({"g": [1]}), ["group"])


def test_frames_hash_is_sha256_of_the_named_canonical_csvs() -> None:
    a = pd.DataFrame({"x": [1, 2], "y": [0.5, 0.25]})
    expected = hashlib.sha256(b"## a\nx,y\n1,0.5\n2,0.25\n").hexdigest()
    assert frames_hash([("a", a)]) == expected


def test_frames_hash_sees_a_change_beyond_the_published_decimals() -> None:
    a = pd.DataFrame({"y": [0.123456789]})
    b = pd.DataFrame({"y": [0.123456788]})
    assert frame_to_csv(a) == frame_to_csv(b)
    assert frames_hash([("a", a)]) != frames_hash([("a", b)])


def test_whole_floats_beside_suppression_markers_are_written_as_integers() -> None:
    frame = pd.DataFrame({"turns": pd.Series([16008.0, "[c]", np.nan], dtype=object),
                          "pct": pd.Series([12.5, "[c]", 3.0], dtype=object)})
    assert frame_to_csv(frame) == "turns,pct\n16008,12.5000\n[c],[c]\n,3.0000\n"
