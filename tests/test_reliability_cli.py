"""``bwv irr FILE.csv``: JSON output on published examples, tables, and bad files (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from workbench import cli_irr

DATA = Path(__file__).parent / "data" / "reliability"
BAD = DATA / "bad"
runner = CliRunner()


def run_json(*args: str) -> dict:
    result = runner.invoke(cli_irr.app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_for_two_coders_matches_gwet_2014_abstractors() -> None:
    summary = run_json(str(DATA / "gwet_2014_abstractors.csv"), "--level", "nominal",
                       "--bootstrap", "200", "--seed", "3")
    assert (summary["n_units"], summary["n_coders"], summary["level"]) == (100, 2, "nominal")
    coefficients = summary["coefficients"]
    assert list(coefficients) == ["percent_agreement", "krippendorff_alpha", "fleiss_kappa",
                                  "cohen_kappa", "gwet_ac1"]
    published = {  # Gwet (2014), cont3x3abstractors; Fleiss' kappa of 2 raters = Scott's pi
        "percent_agreement": 0.89, "krippendorff_alpha": 0.7972585,
        "fleiss_kappa": 0.7962397, "cohen_kappa": 0.7964094, "gwet_ac1": 0.8493305,
    }
    for name, value in published.items():
        estimate = coefficients[name]["estimate"]
        assert estimate == pytest.approx(value, abs=5e-8), name
        low, high = coefficients[name]["ci"]
        assert low <= estimate <= high


def test_json_for_four_coders_omits_cohen_kappa_and_reproduces_krippendorff() -> None:
    summary = run_json(str(DATA / "krippendorff_2011.csv"), "--level", "interval")
    coefficients = summary["coefficients"]
    assert "cohen_kappa" not in coefficients
    assert (summary["n_units"], summary["n_coders"]) == (12, 4)
    assert round(coefficients["krippendorff_alpha"]["estimate"], 3) == 0.849
    assert round(coefficients["gwet_ac1"]["estimate"], 5) == 0.77544
    assert len(coefficients["krippendorff_alpha"]["ci"]) == 2


def test_same_seed_prints_the_same_json_and_zero_bootstrap_prints_no_interval() -> None:
    args = [str(DATA / "fleiss_1971_diagnoses.csv"), "--level", "nominal", "--bootstrap", "100"]
    assert run_json(*args, "--seed", "5") == run_json(*args, "--seed", "5")
    summary = run_json(str(DATA / "fleiss_1971_diagnoses.csv"), "--level", "nominal",
                       "--bootstrap", "0")
    assert summary["coefficients"]["fleiss_kappa"]["ci"] is None
    assert round(summary["coefficients"]["fleiss_kappa"]["estimate"], 3) == 0.430


def test_table_output_names_each_coefficient() -> None:
    result = runner.invoke(cli_irr.app, [str(DATA / "gwet_2014_ben_gerry.csv"), "--level",
                                         "nominal", "--bootstrap", "50"])
    assert result.exit_code == 0, result.output
    for words in ["Krippendorff's alpha", "Cohen's kappa", "Gwet's AC1", "0.661", "12 units"]:
        assert words in result.stdout


@pytest.mark.parametrize(
    ("name", "level", "where"),
    [
        ("missing_column.csv", "nominal", "line 1, field 'value'"),
        ("one_coder.csv", "nominal", "field 'coder'"),
        ("non_numeric.csv", "interval", "line 4, field 'value'"),
        ("duplicate.csv", "nominal", "line 6, field 'coder'"),
        ("short_line.csv", "nominal", "line 3"),
        ("empty.csv", "nominal", "line 1"),
        ("no_pairs.csv", "nominal", "field 'unit'"),
        ("empty_coder.csv", "nominal", "line 4, field 'coder'"),
        ("negative_ratio.csv", "ratio", "line 3, field 'value'"),
        ("repeated_header.csv", "nominal", "line 1, field 'coder'"),
    ],
)
def test_bad_file_exits_2_naming_file_line_and_field(name: str, level: str, where: str) -> None:
    result = runner.invoke(cli_irr.app, [str(BAD / name), "--level", level, "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    message = " ".join(result.stderr.split())  # rich may wrap long lines
    assert f"{BAD / name}, {where}" in message


def test_missing_file_exits_2() -> None:
    result = runner.invoke(cli_irr.app, [str(DATA / "absent.csv"), "--level", "nominal"])
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_unknown_level_is_a_usage_error() -> None:
    result = runner.invoke(cli_irr.app, [str(DATA / "krippendorff_2011.csv"), "--level", "rank"])
    assert result.exit_code == 2
    assert "rank" in result.output


def test_sub_app_works_when_mounted_as_bwv_irr() -> None:
    parent = typer.Typer()
    parent.add_typer(cli_irr.app, name="irr")

    @parent.command()
    def other() -> None:  # a second command, as in the real `bwv`
        """Placeholder."""

    result = runner.invoke(parent, ["irr", str(DATA / "gwet_2014_ben_gerry.csv"), "--level",
                                    "nominal", "--bootstrap", "0", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert round(summary["coefficients"]["gwet_ac1"]["estimate"], 3) == 0.661
