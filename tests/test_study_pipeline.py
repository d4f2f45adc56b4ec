"""End to end with papermill on the two small fixture notebooks: the run folder, redaction,
disclosure control. (Reproducibility is tested on the real notebooks: test_study_notebooks.)"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook

from tests.data.study.mini_project import NOTEBOOKS, PLANTED, build_mini_project
from workbench.study.pii_scan import scan_outputs
from workbench.study.runner import RunResult, run_study

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    root = tmp_path_factory.mktemp("study-pipeline")
    project = build_mini_project(root / "project")
    params = root / "study.yaml"
    params.write_text("output_dir: outputs\n", encoding="utf-8")
    return run_study(params, project=project.root, run_name="first", notebooks_dir=NOTEBOOKS,
                     progress=False)


def test_the_run_folder_has_every_part(run: RunResult) -> None:
    assert run.run_dir.parent.name == "outputs"  # relative to the parameter file
    names = {p.relative_to(run.run_dir).as_posix() for p in run.run_dir.rglob("*")
             if p.is_file()}
    assert {"report.html", "tables.xlsx", "provenance.json", "manifest.json",
            "tables/arrests_by_ethnicity.csv", "tables/clips_by_borough.csv",
            "tables/ethnicity_by_borough.csv", "tables/excerpts.csv",
            "figures/clips_by_borough_bar.png", "figures/clips_by_borough_bar.svg",
            "notebooks/01_counts.ipynb", "notebooks/02_figure.ipynb"} <= names


def test_executed_notebooks_keep_their_outputs_and_injected_parameters(
        run: RunResult) -> None:
    nb = nbformat.read(run.run_dir / "notebooks" / "01_counts.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "snapshot = " in injected[0].source
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert "3 outputs" in printed


def test_no_planted_identifier_reaches_any_output(run: RunResult) -> None:
    hits = scan_outputs(run.run_dir, PLANTED)
    assert hits == [], "\n".join(map(str, hits))
    excerpts = (run.run_dir / "tables" / "excerpts.csv").read_text()
    assert "[PHONE]" in excerpts and "[POSTCODE]" in excerpts


def test_the_scan_would_catch_a_leak(run: RunResult, tmp_path: Path) -> None:
    leaked = tmp_path / "copy.csv"
    leaked.write_text("quote\nMy name is Darnell Okafor\n", encoding="utf-8")
    assert [h.planted for h in scan_outputs(tmp_path, PLANTED)] == ["Darnell Okafor"]


def test_published_counts_are_disclosure_controlled(run: RunResult) -> None:
    text = (run.run_dir / "tables" / "arrests_by_ethnicity.csv").read_text()
    # Mixed and White have 9 clips each in the fixture: under the threshold of 10
    assert "Mixed,[c],[c],[c]" in text and "White,[c],[c],[c]" in text
    book = load_workbook(run.workbook)
    assert "arrests_by_ethnicity" in book.sheetnames
    assert book["arrests_by_ethnicity"]["A2"].value == "Percent of encounters ending in arrest."


def test_the_report_and_provenance_describe_the_run(run: RunResult) -> None:
    html = run.report.read_text()
    assert "Counts by group" in html and "Encounters by borough" in html
    assert "[c] confidential" in html
    provenance = json.loads(run.provenance.read_text())
    assert provenance["codebook"]["id"] == "mini-study"
    assert set(provenance["outputs_sha256"]) == {f"tables/{n}.csv" for n in (
        "arrests_by_ethnicity", "clips_by_borough", "ethnicity_by_borough", "excerpts")}
    assert provenance["packages"]["papermill"] != "not installed"
