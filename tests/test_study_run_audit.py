"""The run's disclosure audit across sections (workbench.study.crosstable, the runner's final
step): tables of two sections that count the same clips are audited together, and the
adversary of tests/support/adversary.py (published CSVs only) confirms each case. In process,
no notebooks: the runner's audit loop is driven with sections registered here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.support.adversary import leaks
from tests.test_privacy_audit import GROUNDS, LEVELS, PCT, S60, _register_issue_tables
from workbench.exceptions import ParameterError
from workbench.privacy import disclosure
from workbench.privacy.audit import DisclosureAuditError
from workbench.study import runner
from workbench.study.crosstable import audit_run, imposed
from workbench.study.gate import PrivacyGate, counts
from workbench.study.kernels import Done, Job
from workbench.study.outputs import StudyOutputs
from workbench.study.runner import _audit_run
from workbench.study.summaries import option_lines

GATE = PrivacyGate(10)
#: The notebook 03_prevalence's count rule (a clip-level code's options exclude each other).
PREVALENCE = counts("clips_with", base="clips", values=PCT,
                    count_lines=[["code_id", "value"], ["group", "options_line"]],
                    base_lines=[["code_id", "value"]], population=["group_var:group"],
                    level="code_id:value", level_when="unit=clip")


def _prevalence_rows(unit: str = "clip") -> pd.DataFrame:
    """prevalence_by_power for the grounds code: the same clips as grounds_quality_by_power."""
    sizes = {g: sum(v) for g, v in GROUNDS.items()}
    totals = [sum(v[i] for v in GROUNDS.values()) for i in range(len(LEVELS))]
    rows = [{"group_var": "all", "group": "all", "value": level, "clips": 500,
             "clips_with": totals[i]} for i, level in enumerate(LEVELS)]
    rows += [{"group_var": "power", "group": g, "value": level, "clips": sizes[g],
              "clips_with": v[i]} for g, v in GROUNDS.items() for i, level in enumerate(LEVELS)]
    frame = pd.DataFrame(rows).assign(code_id="gow_grounds", unit=unit)
    return option_lines(frame.assign(pct=100 * frame["clips_with"] / frame["clips"]))


def _prevalence(run: Path, audit: Path | None) -> StudyOutputs:
    out = StudyOutputs(run, "03_prevalence", "P", gate=GATE, audit_dir=audit)
    out.table("prevalence_by_power", _prevalence_rows(), title="Prevalence by power",
              protect=PREVALENCE, drop=["options_line"], keys=[])
    return out


def _gowisely(run: Path, audit: Path | None) -> StudyOutputs:
    out = StudyOutputs(run, "04_gowisely", "G", gate=GATE, audit_dir=audit)
    _register_issue_tables(out)
    return out


SECTIONS = {"03_prevalence": _prevalence, "04_gowisely": _gowisely}
S60_NONE = f"{('power', S60)} gow_grounds=none"


def _jobs(tmp_path: Path) -> list[Done]:
    return [Done(Job(Path(f"{name}.ipynb"), tmp_path / f"{name}.ipynb", {}), 1.0, 0)
            for name in SECTIONS]


@pytest.fixture(scope="module")
def sections(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both sections registered into one run (``run/``) sharing the audit folder
    (``audit/``); read only: tests that change them copy the folder."""
    root = tmp_path_factory.mktemp("sections")
    for register in SECTIONS.values():
        register(root / "run", root / "audit")
    return root


def _copy(root: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(root, tmp_path / "copy")
    return tmp_path / "copy" / "run", tmp_path / "copy" / "audit"


def test_each_section_alone_is_safe_but_together_they_give_a_cell_away(
        sections: Path, tmp_path: Path) -> None:
    """The planted pair: each section's audit protects its own tables (a section sees only
    its own), yet two tables count the same clips (grounds by power) with different cells
    hidden."""
    own = {"03_prevalence": ["prevalence_by_power"],
           "04_gowisely": ["sample_by_power", "gowisely_elements", "grounds_quality_by_power"]}
    for section, tables in own.items():
        (tmp_path / section / "tables").mkdir(parents=True)
        for table in tables:
            shutil.copy(sections / "run" / "tables" / f"{table}.csv",
                        tmp_path / section / "tables")
        assert leaks(tmp_path / section, 10) == [], section
    found = {leak.what: leak for leak in leaks(sections / "run", 10)}
    assert (found[S60_NONE].low, found[S60_NONE].high) == (1.0, 1.0)


def test_the_run_audit_suppresses_across_sections_and_runs_them_again(
        sections: Path, tmp_path: Path) -> None:
    run, audit = _copy(sections, tmp_path)
    again: list[list[str]] = []

    def rerun(todo: list[Job]) -> list[Done]:
        again.append([job.notebook.stem for job in todo])
        for job in todo:
            SECTIONS[job.notebook.stem](run, audit)
        return [Done(job, 2.0, 0) for job in todo]

    done = _jobs(tmp_path)
    record = _audit_run([d.job for d in done], done, audit, 10, rerun)
    assert again and record["rounds"] and record["imposed_cells"] > 0
    assert record["rounds"][0]["sections"] == again[0]
    assert leaks(run, 10) == []  # the published CSVs of both sections together
    assert audit_run(audit, 10) == {}
    seconds = {d.job.notebook.stem: d.seconds for d in done}
    assert all(seconds[s] == 1.0 + 2.0 * sum(s in r for r in again) for s in SECTIONS)
    for table, cells in imposed(audit).items():
        shown = pd.read_csv(run / "tables" / f"{table}.csv", dtype=str)
        assert cells and all(shown.iloc[r][c] == "[c]" for r, c in cells), table
    assert not list(run.rglob("*.partial"))  # files replaced whole


def test_a_run_the_audit_cannot_protect_is_refused_naming_the_tables(
        sections: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sections that do not take up the imposed suppressions (nothing changes): refused."""
    _, audit = _copy(sections, tmp_path)
    monkeypatch.setattr(runner, "AUDIT_ROUNDS", 1)
    done = _jobs(tmp_path)
    with pytest.raises(DisclosureAuditError) as info:
        runner._audit_run([d.job for d in done], done, audit, 10, lambda todo: [])
    assert "prevalence_by_power" in info.value.tables
    assert "after 1 rounds" in str(info.value) and "refused" in str(info.value)


def test_tables_of_two_sections_that_disagree_on_a_count_are_refused(
        sections: Path, tmp_path: Path) -> None:
    run, audit = _copy(sections, tmp_path)
    out = StudyOutputs(run, "03_prevalence", "P", gate=GATE, audit_dir=audit)
    wrong = _prevalence_rows()  # one PACE search moved from "none" to "label only"
    for group, value, change in [("all", "none", -1), ("all", "label_only", 1),
                                 ("PACE 1984 s1", "none", -1),
                                 ("PACE 1984 s1", "label_only", 1)]:
        wrong.loc[(wrong["group"] == group) & (wrong["value"] == value), "clips_with"] += change
    out.table("prevalence_by_power", wrong, title="Prevalence by power", protect=PREVALENCE,
              drop=["options_line"], keys=[])
    with pytest.raises(ParameterError, match="tables disagree on the count of"):
        audit_run(audit, 10)


def test_a_turn_level_option_s_small_complement_is_hidden(tmp_path: Path) -> None:
    """27 encounters, 26 with the option: the one without is not published (no column shows
    it; the base is every encounter of the group, as the sample section says)."""
    run = tmp_path / "run"
    sample = StudyOutputs(run, "01_sample", "S", gate=GATE, audit_dir=tmp_path / "audit")
    sample.table("sample_by_ethnicity", pd.DataFrame(
        {"group_var": ["all", "ethnicity", "ethnicity"], "group": ["all", "Mixed", "White"],
         "clips": [227, 27, 200], "pct": [100.0, 11.9, 88.1]}), title="Encounters",
        protect=counts("clips", values=PCT, count_lines=[["group_var"]],
                       population=["group_var:group"]), keys=[])
    out = StudyOutputs(run, "03_prevalence", "P", gate=GATE, audit_dir=tmp_path / "audit")
    rows = pd.DataFrame({"group_var": ["all", "ethnicity", "ethnicity"],
                         "group": ["all", "Mixed", "White"], "code_id": "pj_voice",
                         "unit": "utterance", "value": "present", "clips": [227, 27, 200],
                         "clips_with": [176, 26, 150]})
    rows["pct"] = 100 * rows["clips_with"] / rows["clips"]
    shown = out.table("prevalence_by_ethnicity", option_lines(rows), title="Prevalence",
                      protect=PREVALENCE, drop=["options_line"], keys=[])
    assert shown.loc[shown["group"] == "Mixed", "clips_with"].tolist() == ["[c]"]
    assert leaks(run, 10) == []


def test_a_crosstab_is_audited_for_ranges_not_only_exact_recovery(tmp_path: Path) -> None:
    """The two-way table's own secondary suppression stops exact recovery only; cell r2/c1
    (1) is left in 0–9. The registry's audit hides more."""
    counts_ = pd.DataFrame([[5, 3, 0], [5, 8, 12], [20, 1, 8]], columns=["c0", "c1", "c2"],
                           index=pd.Index(["r0", "r1", "r2"], name="force_used"))
    plain = disclosure.publish_counts(disclosure.suppress_counts(counts_, 10))
    (tmp_path / "plain" / "tables").mkdir(parents=True)
    plain.rename_axis("force_used").reset_index().to_csv(
        tmp_path / "plain" / "tables" / "force_vs_resistance.csv", index=False)
    assert {leak.what for leak in leaks(tmp_path / "plain", 10)} >= {"r2 / c1"}
    out = StudyOutputs(tmp_path / "run", "09_deescalation", "D", gate=GATE)
    shown = out.crosstab("force_vs_resistance", counts_, title="Force against resistance")
    assert shown.loc[shown["force_used"] == "r2", "c1"].tolist() == ["[c]"]
    assert leaks(tmp_path / "run", 10) == []
