"""``bwv study reproduce`` on the demo, as an academic outside the team would run it.

The published run is the shared demo run (``study_run``). The coding team exports its store as
a bundle (``bwv export``); the academic makes a fresh project, imports the bundle
(``bwv import``) and re-runs the study from the run's ``provenance.json`` alone. Every table
must come back byte for byte; a changed parameter must be named as the one input that differs,
with the tables it changes. Two full study runs (no PDF): slow.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.model import Coder, UserRole
from workbench.project import Project
from workbench.store import default_sqlite_url

pytestmark = pytest.mark.slow

ADMIN = "lead"


def _bwv(*args: str) -> object:
    return CliRunner().invoke(app, ["--as", ADMIN, *args], env={"BWV_USER": ""})


@pytest.fixture(scope="module")
def fresh(demo_project: Path, study_run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh project holding the demo's store, travelled as a bundle (export → import)."""
    demo = Project.load(demo_project)
    work = tmp_path_factory.mktemp("reproduce-demo")
    # the team's side: a copy of the demo store (the shared demo stays read only), with an
    # admin to sign the export
    team = Project(root=work / "team", store_url=default_sqlite_url(work / "team" / "s.sqlite"),
                   codebook=demo.codebook, codebooks_dir=demo.codebooks_dir)
    team.root.mkdir()
    shutil.copyfile(demo.store_url.removeprefix("sqlite:///"), work / "team" / "s.sqlite")
    team.save()
    with team.open_store() as store:
        store.add_coder(Coder(ADMIN, "Lead reviewer", roles={UserRole.ADMIN}))
    done = _bwv("export", str(work / "bundle.zip"), "--project", str(team.root))
    assert done.exit_code == 0, done.output
    # the academic's side: a new project, the bundle imported into its empty store
    academic = Project.init(work / "academic", codebook=demo.codebook)
    done = _bwv("import", str(work / "bundle.zip"), "--project", str(academic.root))
    assert done.exit_code == 0, done.output
    return academic.root


def test_the_demo_run_reproduces_from_its_provenance_and_bundle(fresh: Path, study_run) -> None:
    published = json.loads(study_run.provenance.read_text(encoding="utf-8"))
    done = _bwv("study", "reproduce", str(study_run.provenance), "--project", str(fresh),
                "--no-progress", "--no-pdf")
    assert done.exit_code == 0, done.output
    n = len(published["outputs_sha256"])
    assert n >= 10
    assert f"tables: {n} of {n} identical" in done.output
    assert "inputs: codebook, data, parameters and package versions as published" in done.output
    rerun = fresh / "outputs" / f"reproduce-{published['run']}"
    here = json.loads((rerun / "provenance.json").read_text(encoding="utf-8"))
    assert here["outputs_sha256"] == published["outputs_sha256"]
    assert here["data"]["hash"] == published["data"]["hash"]


def test_a_changed_parameter_is_reported_as_the_difference(fresh: Path, study_run,
                                                           tmp_path: Path) -> None:
    published = json.loads(study_run.provenance.read_text(encoding="utf-8"))
    old = published["parameters"]["bootstrap_resamples"]
    changed = tmp_path / "changed.yaml"
    changed.write_text(f"bootstrap_resamples: {old // 2}\noutput_dir: {tmp_path / 'out'}\n",
                       encoding="utf-8")
    done = _bwv("study", "reproduce", str(study_run.provenance), "--project", str(fresh),
                "--params", str(changed), "--run-name", "changed", "--no-progress", "--no-pdf")
    assert done.exit_code == 1, done.output  # not identical
    differences = [line.strip() for line in done.output.splitlines()
                   if line.startswith("  ") and not line.startswith("    ")
                   and ": published " in line]
    assert differences == [f"parameter bootstrap_resamples: published {old}, here {old // 2}"]
    here = json.loads((tmp_path / "out" / "changed" / "provenance.json").read_text("utf-8"))
    moved = sorted(t for t, digest in published["outputs_sha256"].items()
                   if here["outputs_sha256"].get(t) != digest)
    assert moved  # bootstrap intervals move with the number of resamples ...
    for table in moved:  # ... and each changed table is named with its differing cells
        assert f"  {table}: " in done.output
    assert "cells differ" in done.output
