"""``bwv study reproduce``: a run re-run from its provenance gives identical tables; a changed
parameter or changed data is reported as the difference (mini project, fast executor)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.data.study.mini_project import NOTEBOOKS, build_mini_project
from tests.test_study_runner import FakeExecutor
from workbench.exceptions import ParameterError
from workbench.project import Project
from workbench.study.reproduce import compare_table, read_provenance, reproduce
from workbench.study.runner import run_study


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    project = build_mini_project(tmp_path_factory.mktemp("reproduce") / "project")
    params = project.root / "study.yaml"
    params.write_text("date_from: 2021-03-01\nseed: 7\n", encoding="utf-8")
    result = run_study(params, project=project.root, run_name="published",
                       notebooks_dir=NOTEBOOKS, execute=FakeExecutor(), progress=False)
    return project, result.provenance


def _run(project: Project, provenance: Path, **kw) -> object:
    return reproduce(provenance, project=project.root, notebooks_dir=NOTEBOOKS,
                     execute=FakeExecutor(), progress=False, **kw)


def test_a_rerun_from_the_provenance_gives_identical_tables(published) -> None:
    project, provenance = published
    report = _run(project, provenance)
    assert report.identical, report.summary()
    assert [d.what for d in report.inputs] == []
    assert len(report.tables) == len(read_provenance(provenance)["outputs_sha256"]) > 0
    assert report.run_dir.name == "reproduce-published"


def test_a_changed_parameter_is_reported_with_the_tables_it_changes(published,
                                                                    tmp_path: Path) -> None:
    project, provenance = published
    changed = tmp_path / "changed.yaml"
    changed.write_text("date_from: 2021-06-01\nseed: 7\n", encoding="utf-8")
    report = _run(project, provenance, params_path=changed)
    assert [(d.what, d.published, d.here) for d in report.inputs] == [
        ("data hash", *[json.dumps(v) for v in report_hashes(provenance, report)]),
        ("parameter date_from", '"2021-03-01"', '"2021-06-01"')]
    assert not report.identical
    differing = [t for t in report.tables if not t.identical]
    assert differing and all("cells differ" in t.note for t in differing)
    assert "parameter date_from: published" in report.summary()


def report_hashes(provenance: Path, report) -> tuple[str, str]:
    here = json.loads((report.run_dir / "provenance.json").read_text(encoding="utf-8"))
    return read_provenance(provenance)["data"]["hash"], here["data"]["hash"]


def test_changed_data_is_reported_as_a_different_data_hash(tmp_path: Path) -> None:
    project = build_mini_project(tmp_path / "project")
    params = tmp_path / "study.yaml"
    params.write_text(f"output_dir: {tmp_path / 'out'}\n", encoding="utf-8")
    first = run_study(params, project=project.root, run_name="pub", notebooks_dir=NOTEBOOKS,
                      execute=FakeExecutor(), progress=False)
    with project.open_store() as store:
        store.correct_utterance("system", "M001", 0, "Officer turn 0, words corrected.")
    report = _run(project, first.provenance)
    assert [d.what for d in report.inputs] == ["data hash"]
    # a clip count does not see the corrected words: the tables agree, the inputs do not
    assert report.identical
    assert "data hash: published" in report.summary()


def test_cells_that_differ_are_listed_by_row_and_column(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("group,n\nA,12\nB,[c]\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("group,n\nA,13\nB,[c]\n", encoding="utf-8")
    result = compare_table("t.csv", tmp_path / "a.csv", tmp_path / "b.csv")
    assert (result.identical, result.cells) == (False, [(0, "n", "12", "13")])
    shutil.copy(tmp_path / "a.csv", tmp_path / "c.csv")
    assert compare_table("t.csv", tmp_path / "a.csv", tmp_path / "c.csv").identical


def test_a_file_that_is_not_a_provenance_record_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "provenance.json"
    path.write_text('{"run": "x"}', encoding="utf-8")
    with pytest.raises(ParameterError, match="missing parameters"):
        read_provenance(path)
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(ParameterError, match="not a provenance record"):
        read_provenance(path)
