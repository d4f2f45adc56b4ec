"""Study parameters: defaults, validation errors naming the parameter and allowed values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from workbench.exceptions import ParameterError
from workbench.study.params import DEFAULT_GROUP_BY, StudyParams, load_params, parse_params


def test_defaults_are_the_documented_ones() -> None:
    params = load_params(None)
    assert params.layer == "consensus"
    assert params.group_by == list(DEFAULT_GROUP_BY)
    assert params.disclosure_threshold == 10
    assert params.store is None and params.codebook is None
    assert params.coder_id is None


def test_a_full_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(
        "store: sqlite:///x.sqlite\ncodebook: stop-search@1.0.0\nlayer: coder:c01\n"
        "date_from: 2021-01-01\ndate_to: 2021-06-30\nboroughs: [Lambeth]\nbcus: []\n"
        "group_by: [ethnicity]\ndisclosure_threshold: 5\nallow_small_cells: true\n"
        "small_cells_reason: internal methods check, not published\nrounding_base: 5\n"
        "bootstrap_resamples: 200\nseed: 7\noutput_dir: out\n", encoding="utf-8")
    params = load_params(path)
    assert params.coder_id == "c01"
    assert params.date_from == dt.date(2021, 1, 1)
    assert params.boroughs == ["Lambeth"]
    assert params.output_dir == (tmp_path / "out").resolve()  # relative to the file
    assert (params.disclosure_threshold, params.rounding_base, params.seed) == (5, 5, 7)


@pytest.mark.parametrize(("text", "field", "says"), [
    ("layer: consensus_v2", "layer", "'consensus' or 'coder:<id>'"),
    ('layer: "coder:"', "layer", "'consensus' or 'coder:<id>'"),
    ("codebook: stop-search", "codebook", "NAME@VERSION"),
    ("disclosure_threshold: 0", "disclosure_threshold", "whole number ≥ 10"),
    ("disclosure_threshold: ten", "disclosure_threshold", "whole number ≥ 10"),
    ("rounding_base: 0", "rounding_base", "e.g. 5"),
    ("bootstrap_resamples: -1", "bootstrap_resamples", "0 to 100000"),
    ("opening_words: 2", "opening_words", "5 to 500"),
    ("seed: -3", "seed", "whole number ≥ 0"),
    ("group_by: []", "group_by", "non-empty list"),
    ("group_by: [ethnicity, ethnicity]", "group_by", "distinct"),
    ("group_by: [age band]", "group_by", "clip metadata columns"),
    ("date_from: 2021-13-01", "date_from", "YYYY-MM-DD"),
    ("date_from: 2021-06-01\ndate_to: 2021-01-01", "date_to", "not before date_from"),
    ("boroughs: Lambeth", "boroughs", "list of borough names"),
])
def test_bad_values_name_the_parameter_and_what_is_allowed(text: str, field: str,
                                                           says: str) -> None:
    with pytest.raises(ParameterError) as info:
        parse_params(text, path="study.yaml")
    assert info.value.field == field
    assert says in str(info.value)
    assert "study.yaml" in str(info.value)


def test_unknown_keys_are_refused_with_a_suggestion_and_line() -> None:
    with pytest.raises(ParameterError) as info:
        parse_params("seed: 1\ngroupby: [ethnicity]\n", path="study.yaml")
    error = info.value
    assert (error.field, error.line) == ("groupby", 2)
    assert "did you mean 'group_by'" in str(error)
    assert "disclosure_threshold" in str(error)  # lists the allowed parameters


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n"])
def test_a_file_that_is_not_a_mapping_is_refused(text: str) -> None:
    with pytest.raises(ParameterError, match="YAML mapping"):
        parse_params(text)


def test_yaml_syntax_errors_give_the_line() -> None:
    with pytest.raises(ParameterError) as info:
        parse_params("seed: 1\nlayer: [unclosed\n")
    assert info.value.line is not None and "YAML syntax" in str(info.value)


def test_missing_file_is_a_parameter_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="cannot read"):
        load_params(tmp_path / "nope.yaml")


def test_to_yaml_round_trips() -> None:
    params = StudyParams(layer="coder:c02", date_from=dt.date(2021, 2, 3), boroughs=["Brent"])
    assert parse_params(params.to_yaml()) == params


def test_resolved_fills_store_and_codebook_but_keeps_given_ones(tmp_path: Path) -> None:
    given = StudyParams(codebook="other@2.0.0")
    resolved = given.resolved(store="sqlite:///p.sqlite", codebook="stop-search@1.0.0",
                              base=tmp_path)
    assert resolved.store == "sqlite:///p.sqlite"
    assert resolved.codebook == "other@2.0.0"
    assert resolved.output_dir == (tmp_path / "outputs").resolve()
