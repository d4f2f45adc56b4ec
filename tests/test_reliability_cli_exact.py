"""``bwv irr FILE``: any numeric scale, the level from the data or the codebook, every output
format, tables readable at 80 columns, and bad or huge files refused with a clear message."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from typer.testing import CliRunner

from workbench import cli_irr

DATA = Path(__file__).parent / "data" / "reliability"
runner = CliRunner()


def write(tmp_path: Path, rows: list[tuple[str, str, str]], name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text("unit,coder,value\n" + "".join(f"{u},{c},{v}\n" for u, c, v in rows))
    return path


def invoke(*args: str, width: int = 80):
    return runner.invoke(cli_irr.app, list(args), terminal_width=width)


def run_json(*args: str) -> dict:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


HALF = [(1.5, 1.5), (2.0, 2.5), (2.5, 2.5), (3.0, 2.0), (1.5, 2.0), (3.0, 3.0), (2.5, 3.0)]


def half_point_file(tmp_path: Path) -> Path:
    rows = [(f"u{i}", coder, str(v)) for i, pair in enumerate(HALF)
            for coder, v in zip("ab", pair, strict=True)]
    return write(tmp_path, rows)


@pytest.mark.parametrize(("level", "weights"), [("ordinal", "linear"),
                                                ("interval", "quadratic")])
def test_two_coders_on_a_half_point_scale_get_cohens_kappa(tmp_path: Path, level: str,
                                                           weights: str) -> None:
    # the defect: a traceback from scikit-learn ("continuous is not supported"), no output
    summary = run_json(str(half_point_file(tmp_path)), "--level", level, "--bootstrap", "50")
    ranks = np.searchsorted([1.5, 2.0, 2.5, 3.0], np.array(HALF))
    expected = cohen_kappa_score(ranks[:, 0], ranks[:, 1], weights=weights)
    kappa = summary["coefficients"]["cohen_kappa"]
    assert kappa["estimate"] == pytest.approx(expected, abs=1e-12)
    assert kappa["n_units"] == len(HALF) and kappa["n_valid"] == 50
    assert summary["domain"] == ["1.5", "2", "2.5", "3"]


def test_numbers_equal_as_numbers_agree_at_the_nominal_level(tmp_path: Path) -> None:
    path = write(tmp_path, [("u1", "a", "1"), ("u1", "b", "1.0"), ("u2", "a", "2"),
                            ("u2", "b", "2.00"), ("u3", "a", "1"), ("u3", "b", "1")])
    summary = run_json(str(path), "--level", "nominal", "--bootstrap", "0")
    assert summary["coefficients"]["krippendorff_alpha"]["estimate"] == 1.0
    assert summary["domain"] == ["1", "2"]


def test_categories_give_an_ordinal_level_read_from_the_data(tmp_path: Path) -> None:
    scale = ["none", "mild", "severe"]
    pairs = [(0, 0), (1, 2), (2, 2), (0, 1), (1, 1), (2, 1), (0, 0)]
    rows = [(f"u{i}", c, scale[v]) for i, p in enumerate(pairs) for c, v in zip("ab", p,
                                                                                 strict=True)]
    summary = run_json(str(write(tmp_path, rows)), "--categories", ",".join(scale),
                       "--bootstrap", "0")
    assert (summary["level"], summary["level_source"]) == ("ordinal", "data")
    assert summary["domain"] == scale
    expected = krippendorff.alpha(reliability_data=np.array(pairs).T,
                                  level_of_measurement="ordinal", value_domain=[0, 1, 2])
    assert summary["coefficients"]["krippendorff_alpha"]["estimate"] == pytest.approx(expected)


def test_text_labels_are_nominal_and_bare_numbers_need_a_level(tmp_path: Path) -> None:
    summary = run_json(str(DATA / "gwet_2014_abstractors.csv"), "--bootstrap", "0")
    assert (summary["level"], summary["level_source"]) == ("nominal", "data")
    result = invoke(str(DATA / "krippendorff_2011.csv"))
    assert result.exit_code == 2
    assert "every value is a number" in result.output and "--level" in result.output


def test_the_level_and_categories_come_from_the_codebook_for_a_project_code(
        tmp_path: Path) -> None:
    from workbench.project import Project

    Project.init(tmp_path / "proj")
    values = ["none", "bare_order", "none", "softened_request", "absent", "absent"]
    rows = [(f"u{i // 2}", "ab"[i % 2], v) for i, v in enumerate(values)]
    summary = run_json(str(write(tmp_path, rows)), "--code", "esc_command", "--project",
                       str(tmp_path / "proj"), "--bootstrap", "0")
    assert (summary["level"], summary["level_source"]) == ("ordinal", "codebook")
    assert summary["domain"] == ["absent", "none", "softened_request", "bare_order",
                                 "repeated_or_shouted"]


def test_every_row_states_units_valid_resamples_and_definition(tmp_path: Path) -> None:
    summary = run_json(str(DATA / "krippendorff_2011.csv"), "--level", "nominal",
                       "--bootstrap", "100", "--fleiss", "complete", "--agreement", "pairable")
    rows = summary["coefficients"]
    assert rows["krippendorff_alpha"]["n_units"] == 11  # units with ≥ 2 ratings
    assert rows["fleiss_kappa"]["n_units"] == 8  # complete units only
    assert rows["gwet_ac1"]["n_units"] == 12
    assert "Fleiss 1971" in rows["fleiss_kappa"]["definition"]
    assert rows["percent_agreement"]["estimate"] == pytest.approx(0.8)  # 32 of 40 values
    assert all(row["n_valid"] + row["n_undefined"] == 100 for row in rows.values())


def test_csv_and_markdown_carry_the_same_numbers_as_json() -> None:
    args = [str(DATA / "fleiss_1971_diagnoses.csv"), "--level", "nominal", "--bootstrap", "50"]
    summary = run_json(*args)
    table = list(csv.DictReader(io.StringIO(invoke(*args, "--format", "csv").stdout)))
    assert [r["coefficient"] for r in table] == list(summary["coefficients"])
    for row in table:
        expected = summary["coefficients"][row["coefficient"]]
        assert float(row["estimate"]) == pytest.approx(expected["estimate"])
        assert int(row["n_valid"]) == expected["n_valid"]
    markdown = invoke(*args, "--format", "markdown").stdout
    assert "| Fleiss' kappa | 0.430 |" in markdown
    assert "Values: 1, 2, 3, 4, 5" in markdown


@pytest.mark.parametrize("width", [60, 80])
def test_the_table_is_readable_at_narrow_terminals(width: int) -> None:
    result = invoke(str(DATA / "gwet_2014_abstractors.csv"), "--bootstrap", "20",
                    width=width)
    assert result.exit_code == 0
    assert "…" not in result.output  # nothing abbreviated into ambiguity
    for word in ("tentative", "substantial", "perfect", "Gwet's AC1", "0.797"):
        assert word in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"unit,coder,value\nu1,a,1\nu1,b,\x002\n", "line 3: NUL character"),
        (b"unit,coder,value\nu1,a,caf\xe9\nu1,b,1\n", "line 2: byte 0xe9 is not valid UTF-8"),
        (b"unit,coder,value\nu1,a,1\nu1,b," + b"9" * 400 + b"\n",
         "line 3, field 'value': value '999999999999999999999999999…' is too large"),
        (b"unit,coder,value\nu1,a,0.1234567890123456789\nu1,b,0.1234567890123456788\n",
         "differ beyond double precision"),
        ("\ufeffunit;coder;value\n".encode(), "missing column 'unit'"),
    ],
)
def test_unreadable_files_get_a_clear_error(tmp_path: Path, content: bytes,
                                            expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = invoke(str(path), "--level", "interval")
    assert result.exit_code == 2
    assert expected in " ".join(result.output.split())
    assert "Traceback" not in result.output


def many_values_file(tmp_path: Path, n_units: int = 3000) -> Path:
    """A ~50 KB file: 2 coders, every rating a different number (6,000 distinct values)."""
    values = np.random.default_rng(1).permutation(2 * n_units)
    rows = [(str(i), c, str(values[2 * i + k])) for i in range(n_units)
            for k, c in enumerate("ab")]
    return write(tmp_path, rows, "many.csv")


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_six_thousand_distinct_values_stream_alpha_and_name_the_limit(
        tmp_path: Path, level: str) -> None:
    path = many_values_file(tmp_path)
    assert path.stat().st_size < 70_000
    result = invoke(str(path), "--level", level, "--bootstrap", "20", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    rows = summary["coefficients"]
    # estimates from each unit's distinct values: no units × values array
    for name in ("krippendorff_alpha", "percent_agreement", "fleiss_kappa", "gwet_ac1"):
        assert rows[name]["estimate"] is not None, name
        assert "no interval" in rows[name]["note"]  # the bootstrap would need the array
        assert "memory limit of 256.0 MiB" in rows[name]["note"]
    assert rows["percent_agreement"]["estimate"] == 0.0  # every rating differs
    if level == "ordinal":  # a 6,000 × 6,000 weight matrix is refused, with the figures
        refused = rows["cohen_kappa"]
        assert refused["verdict"] == "not computed" and "BWV_MEMORY_LIMIT" in refused["note"]


def test_the_memory_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = [str(DATA / "krippendorff_2011.csv"), "--level", "ordinal", "--bootstrap", "20"]
    result = invoke(*args, "--memory-limit", "1KiB", "--format", "json")
    assert "memory limit of 1.0 KiB" in json.dumps(json.loads(result.stdout))
    monkeypatch.setenv("BWV_MEMORY_LIMIT", "2KiB")
    assert "memory limit of 2.0 KiB" in invoke(*args, "--format", "json").stdout
    bad = invoke(*args, "--memory-limit", "lots")
    assert bad.exit_code == 2 and "is not a size" in bad.output
