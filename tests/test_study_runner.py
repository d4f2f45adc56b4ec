"""The runner and the ``bwv study`` command, with the notebook executor replaced (fast)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import papermill
import pytest
from typer.testing import CliRunner

from tests.data.study.mini_project import NOTEBOOKS, build_mini_project
from workbench import cli_study
from workbench.exceptions import ParameterError, StudyRunError
from workbench.project import Project
from workbench.study import counts
from workbench.study.runner import KERNEL, run_folder, run_study, study_notebooks
from workbench.study.session import open_study


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_mini_project(tmp_path_factory.mktemp("study-runner") / "project")


class FakeExecutor:
    """Records papermill calls and does what a notebook would: registers one table."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail_on = fail_on

    def __call__(self, input_path: str, output_path: str, **kwargs: Any) -> None:
        self.calls.append({"input": input_path, "output": output_path, **kwargs})
        name = Path(input_path).stem
        if name == self.fail_on:
            Path(output_path).write_text("{}", encoding="utf-8")
            raise papermill.PapermillExecutionError(4, 3, "1 / 0", "ZeroDivisionError",
                                                    "division by zero", [])
        p = kwargs["parameters"]
        study = open_study(name, name.title(), run_dir=p["run_dir"], snapshot=p["snapshot"])
        study.out.table(f"{name}_clips", pd.DataFrame({"n": [len(study.data.clips)]}),
                        title=f"Clips of section {name[:2]}", protect=counts(base="n"))
        Path(output_path).write_text("{}", encoding="utf-8")


def test_notebooks_run_in_order_with_the_python3_kernel_and_the_parameters(
        project: Project, tmp_path: Path) -> None:
    params = tmp_path / "study.yaml"
    params.write_text(f"output_dir: {tmp_path / 'out'}\n", encoding="utf-8")
    fake = FakeExecutor()
    result = run_study(params, project=project.root, run_name="r1", notebooks_dir=NOTEBOOKS,
                       execute=fake, progress=False)
    assert [Path(c["input"]).name for c in fake.calls] == ["01_counts.ipynb", "02_figure.ipynb"]
    assert {c["kernel_name"] for c in fake.calls} == {KERNEL} == {"python3"}
    call = fake.calls[0]
    assert call["output"] == str(tmp_path / "out" / "r1" / "notebooks" / "01_counts.ipynb")
    assert call["parameters"]["run_dir"] == str(tmp_path / "out" / "r1")
    assert call["parameters"]["params_path"] == str(params)
    assert not Path(call["parameters"]["snapshot"]).exists()  # private, removed after the run
    assert result.run_dir == tmp_path / "out" / "r1"
    for name in ("report.html", "tables.xlsx", "provenance.json", "manifest.json"):
        assert (result.run_dir / name).is_file()
    provenance = json.loads(result.provenance.read_text())
    assert [n["notebook"] for n in provenance["notebooks"]] == ["01_counts.ipynb",
                                                               "02_figure.ipynb"]
    assert set(provenance["outputs_sha256"]) == {"tables/01_counts_clips.csv",
                                                 "tables/02_figure_clips.csv"}
    assert provenance["data"]["clips"] == 38 and provenance["codebook"]["id"] == "mini-study"
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert [s["section"] for s in manifest["sections"]] == ["01_counts", "02_figure"]


def test_a_failing_notebook_names_the_notebook_cell_and_error(project: Project,
                                                             tmp_path: Path) -> None:
    params = tmp_path / "study.yaml"
    params.write_text(f"output_dir: {tmp_path}\n", encoding="utf-8")
    with pytest.raises(StudyRunError) as info:
        run_study(params, project=project.root, run_name="bad", notebooks_dir=NOTEBOOKS,
                  execute=FakeExecutor(fail_on="02_figure"), progress=False)
    error = info.value
    assert (error.notebook, error.cell, error.error) == ("02_figure.ipynb", 3,
                                                         "ZeroDivisionError")
    assert str(tmp_path / "bad" / "notebooks" / "02_figure.ipynb") in str(error)
    assert not (tmp_path / "bad" / "report.html").exists()


def test_run_folders_default_to_a_timestamp_and_refuse_to_overwrite(tmp_path: Path) -> None:
    now = dt.datetime(2021, 3, 4, 5, 6, 7)
    folder = run_folder(tmp_path, None, now=now)
    assert folder == tmp_path / "20210304-050607" and folder.is_dir()
    (folder / "report.html").write_text("old", encoding="utf-8")
    with pytest.raises(ParameterError, match="--overwrite"):
        run_folder(tmp_path, "20210304-050607")
    again = run_folder(tmp_path, "20210304-050607", overwrite=True)
    assert list(again.iterdir()) == []


@pytest.mark.parametrize("name", ["a/b", "..", "."])
def test_run_names_must_be_plain_folder_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ParameterError, match="plain folder name"):
        run_folder(tmp_path, name)


def test_a_folder_without_study_notebooks_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(ParameterError, match="no study notebooks"):
        study_notebooks(tmp_path)


def test_the_shipped_notebooks_are_found_in_order() -> None:
    names = [p.name for p in study_notebooks()]
    assert names == sorted(names) and names[0].startswith("01_")


# ---- the command line --------------------------------------------------------------------
def test_study_run_calls_the_runner_with_the_options(monkeypatch, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def fake_run(params: Any, **kwargs: Any) -> Any:
        seen.update(params=params, **kwargs)

        class Result:
            run_dir = tmp_path
            report = tmp_path / "report.html"
            workbook = tmp_path / "tables.xlsx"
            seconds = 1.0
            pdf = None
            pdf_skipped = "PDF skipped: no Chromium browser found; to get it, install …"
        return Result()

    monkeypatch.setattr("workbench.study.runner.run_study", fake_run)
    result = CliRunner().invoke(cli_study.app, ["run", "--params", "s.yaml", "--project", "P",
                                                "--run-name", "r7", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert seen == {"params": Path("s.yaml"), "project": Path("P"), "run_name": "r7",
                    "overwrite": False, "progress": False, "jobs": None, "pdf": True}
    assert "PDF skipped: no Chromium browser found" in result.output
    assert f"report:   {tmp_path / 'report.html'}" in result.output


def test_study_run_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("grouping: [x]\n", encoding="utf-8")
    result = CliRunner().invoke(cli_study.app, ["run", "--params", str(bad), "--project",
                                                str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown parameter 'grouping'" in result.output
    assert "Traceback" not in result.output


def test_study_params_prints_the_defaults_and_checks_a_file(tmp_path: Path) -> None:
    shown = CliRunner().invoke(cli_study.app, ["params"])
    assert shown.exit_code == 0 and "disclosure_threshold: 10" in shown.output
    good = tmp_path / "s.yaml"
    good.write_text(shown.output, encoding="utf-8")
    checked = CliRunner().invoke(cli_study.app, ["params", "--check", str(good)])
    assert checked.exit_code == 0 and "valid" in checked.output
    good.write_text("layer: everyone\n", encoding="utf-8")
    refused = CliRunner().invoke(cli_study.app, ["params", "--check", str(good)])
    assert refused.exit_code == 2 and "'consensus' or 'coder:<id>'" in refused.output


def test_a_notebook_opened_on_its_own_reads_the_store(project: Project, tmp_path: Path,
                                                      monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    study = open_study("01_counts", "Counts", project=project.root)
    assert len(study.data.clips) == 38
    # outputs go to the project's outputs/ folder, wherever the notebook runs from
    assert study.out.run_dir == project.root / "outputs" / "interactive"
    assert (project.root / "outputs" / "interactive" / "sections" / "01_counts.json").is_file()
    assert not (tmp_path / "outputs").exists()


def test_runs_go_to_the_projects_outputs_folder_by_default(project: Project, tmp_path: Path,
                                                          monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # somewhere else: the run must not land here
    result = run_study(None, project=project.root, run_name="default-place",
                       notebooks_dir=NOTEBOOKS, execute=FakeExecutor(), progress=False,
                       pdf=False, overwrite=True)
    assert result.run_dir == project.root / "outputs" / "default-place"
    assert (result.run_dir / "report.html").is_file() and not (tmp_path / "outputs").exists()
    assert result.pdf is None and result.pdf_skipped == ""


def test_earlier_timings_order_the_work_longest_first(tmp_path: Path) -> None:
    from workbench.study.runner import previous_timings

    old, new = tmp_path / "old", tmp_path / "new"
    for folder, seconds in ((old, 1.0), (new, 9.0)):
        folder.mkdir()
        (folder / "provenance.json").write_text(json.dumps(
            {"notebooks": [{"notebook": "07_dynamics.ipynb", "seconds": seconds}]}))
    import os

    os.utime(old / "provenance.json", (1, 1))
    assert previous_timings(tmp_path) == {"07_dynamics.ipynb": 9.0}  # the newest run
    assert previous_timings(tmp_path, exclude=new) == {"07_dynamics.ipynb": 1.0}
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "provenance.json").write_text("{not json")
    assert previous_timings(tmp_path / "none") == {}
