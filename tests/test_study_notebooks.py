"""The shipped study notebooks: thin and parameterised; and, end to end on a small synthetic
demo project, reproducible to the byte and free of every planted personal detail."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook

from workbench.project import Project
from workbench.study.data import load_study_data
from workbench.study.pii_scan import output_vocabulary, scan_outputs
from workbench.study.runner import RunResult, run_study, study_notebooks
from workbench.study.session import resolve_params

NOTEBOOKS = study_notebooks()
PARAMETERS = {"params_path": None, "project": None, "run_dir": None, "snapshot": None}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_is_valid_parameterised_and_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assigned = {t.id: ast.literal_eval(node.value) for node in ast.parse(code[0].source).body
                for t in node.targets}
    assert assigned == PARAMETERS
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_is_thin_and_opens_its_own_section(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert f'open_study(\n    "{path.stem}"' in source or f'open_study("{path.stem}"' in source
    assert len(source.splitlines()) < 90  # the work is in workbench.analysis / .study
    assert "import sqlalchemy" not in source and "ipywidgets" not in source


# ---- end to end (slow) ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_project: Path, study_params: Path,
         study_run: RunResult) -> tuple[Project, RunResult, RunResult]:
    """The shared run (notebooks in parallel) and a second run of the same study with the
    notebooks one after the other on one kernel."""
    project = Project.load(demo_project)
    again = run_study(study_params, project=project.root, run_name="sequential", jobs=1,
                      pdf=False, progress=False)
    return project, study_run, again


def _files(run: RunResult, pattern: str) -> dict[str, bytes]:
    return {p.relative_to(run.run_dir).as_posix(): p.read_bytes()
            for p in sorted(run.run_dir.glob(pattern))}


@pytest.mark.slow
def test_a_rerun_of_the_study_gives_byte_identical_csvs(demo) -> None:
    """Parallel and sequential runs of the same data and parameters: the same bytes."""
    _, first, second = demo
    csvs = _files(first, "tables/*.csv")
    assert len(csvs) > 40
    assert csvs == _files(second, "tables/*.csv")
    assert _files(first, "figures/*.svg") == _files(second, "figures/*.svg")


@pytest.mark.slow
def test_every_section_publishes_and_the_report_lists_them(demo) -> None:
    _, run, _ = demo
    manifest = json.loads((run.run_dir / "manifest.json").read_text())
    sections = {s["section"]: s for s in manifest["sections"]}
    assert list(sections) == [p.stem for p in NOTEBOOKS]
    assert all(s["items"] for s in sections.values())
    html = run.report.read_text()
    for section in sections.values():
        assert f'id="{section["section"]}"' in html
        assert section["title"].replace("&", "&amp;") in html
    assert html.count("<script") == 1 and "[c] confidential" in html  # opens groups to print
    assert len(list((run.run_dir / "notebooks").glob("*.ipynb"))) == len(NOTEBOOKS)


@pytest.mark.slow
def test_the_workbook_has_one_valid_sheet_per_table(demo) -> None:
    _, run, _ = demo
    sheets = load_workbook(run.workbook, read_only=True).sheetnames
    tables = list((run.run_dir / "tables").glob("*.csv"))
    assert len(sheets) == len(tables) + 1
    assert all(len(s) <= 31 for s in sheets)
    assert len({s.lower() for s in sheets}) == len(sheets)


@pytest.mark.slow
def test_no_planted_personal_detail_reaches_any_output(demo) -> None:
    project, run, _ = demo
    truth = json.loads((project.root / "corpus" / "_truth" / "planted_pii.json").read_text())
    planted = sorted({d["text"] for details in truth["planted"].values() for d in details})
    assert len(planted) > 50
    params, codebooks = resolve_params(None, project.root)
    vocabulary = output_vocabulary(load_study_data(params, codebooks_dir=codebooks))
    hits = scan_outputs(run.run_dir, planted, vocabulary)
    assert hits == [], "\n".join(map(str, hits[:20]))


@pytest.mark.slow
def test_the_provenance_pins_code_data_and_parameters(demo) -> None:
    _, first, second = demo
    one, two = (json.loads(r.provenance.read_text()) for r in (first, second))
    assert one["data"]["hash"] == two["data"]["hash"]
    assert one["outputs_sha256"] == two["outputs_sha256"]
    assert one["codebook"]["id"] == "stop-search" and len(one["codebook"]["hash"]) == 64
    assert one["parameters"]["bootstrap_resamples"] == 200
    assert one["data"]["synthetic"] is True
