"""End to end: on the demo run and on a run with hostile parameters, the adversary (published
CSVs only, its own integer programme) recovers no suppressed count and no complement within
the threshold. Slow: uses the shared demo study run (tests/conftest.py ``study_run``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.adversary import build, leaks
from workbench.study.runner import NOTEBOOKS_DIR, run_study

pytestmark = pytest.mark.slow

REASON = "hostile test of the disclosure audit with small groups"
HOSTILE = ("bootstrap_resamples: 50\noutput_dir: runs\ndisclosure_threshold: 5\n"
           f"allow_small_cells: true\nsmall_cells_reason: {REASON}\n"
           "group_by: [borough, n_officers, audio_quality]\n")
#: The sections whose tables count the same clips by group (sample, prevalence, GOWISELY,
#: escalation, resistance); the others do not change the audit of these.
SECTIONS = ("01_sample", "03_prevalence", "04_gowisely", "06_opening_moves", "07_dynamics")


def test_nothing_is_recoverable_from_the_demo_run(study_run) -> None:
    problem = build(study_run.run_dir / "tables")
    assert len(problem.targets) > 300  # the adversary does look at the tables
    assert leaks(study_run.run_dir, 10) == []


@pytest.fixture(scope="module")
def hostile_run(demo_project: Path, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for name in SECTIONS:
        shutil.copy(NOTEBOOKS_DIR / f"{name}.ipynb", notebooks)
    params = root / "hostile.yaml"
    params.write_text(HOSTILE, encoding="utf-8")
    return run_study(params, project=demo_project, run_name="hostile", notebooks_dir=notebooks,
                     progress=False)


def test_nothing_is_recoverable_from_a_run_with_small_groups_and_threshold(hostile_run) -> None:
    tables = sorted(p.stem for p in (hostile_run.run_dir / "tables").glob("*_by_borough.csv"))
    assert {"grounds_quality_by_borough", "prevalence_by_borough",
            "sample_by_borough"} <= set(tables)
    assert leaks(hostile_run.run_dir, 5) == []


def test_the_small_cells_reason_is_printed_and_recorded(hostile_run) -> None:
    provenance = json.loads(hostile_run.provenance.read_text(encoding="utf-8"))
    assert provenance["parameters"]["allow_small_cells"] is True
    assert provenance["parameters"]["small_cells_reason"] == REASON
    assert REASON in hostile_run.report.read_text(encoding="utf-8")
