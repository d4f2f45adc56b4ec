"""Assembling a run folder: the workbook, the HTML report and the provenance record."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench.study.gate import PrivacyGate, counts
from workbench.study.outputs import StudyOutputs, read_sections
from workbench.study.params import StudyParams
from workbench.study.provenance import git_commit, package_versions, public_params
from workbench.study.report import render_report
from workbench.study.workbook import cell_value, sheet_names, write_workbook

PROVENANCE = {
    "run": "r1", "started_utc": "2021-01-01T00:00:00+00:00",
    "finished_utc": "2021-01-01T00:01:00+00:00",
    "workbench": {"commit": "abc123", "dirty": False},
    "codebook": {"id": "stop-search", "version": "1.0.0", "hash": "f" * 64},
    "data": {"hash": "d" * 64, "layer": "consensus", "clips": 40, "clips_in_store": 42,
             "clips_excluded": 2, "synthetic": True},
    "parameters": {"layer": "consensus", "seed": 1}, "packages": {"pandas": "3.0"},
    "python": "3.11", "platform": "Linux",
}


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    gate = PrivacyGate(10)
    first = StudyOutputs(tmp_path, "01_sample", "Sample & coverage", gate=gate,
                         intro="Who is in the study.")
    first.table("clips_by_borough_and_a_very_long_name_indeed", pd.DataFrame(
        {"borough": ["Brent", "Lambeth <b>"], "clips": [25, 4], "pct": [86.2, 13.8]}),
        title="Encounters by borough", notes="All clips.",
        protect=counts(base="clips", values=["pct"]))
    second = StudyOutputs(tmp_path, "02_models", "Models", gate=gate)
    second.table("clips_by_borough_and_a_very_long_name_too", pd.DataFrame(
        {"term": ["x"], "estimate": [0.25]}), title="Coefficients", protect="No counts.")
    fig, ax = plt.subplots()
    ax.bar(["a"], [1])
    second.figure("bars", fig, title="Bars", notes="A bar.")
    return tmp_path


@pytest.mark.parametrize(("names", "expected"), [
    (["prevalence"], ["prevalence"]),
    (["a" * 40], ["a" * 31]),
    (["x" * 35, "x" * 36], ["x" * 31, "x" * 29 + "~2"]),
    (["Tab", "tab"], ["Tab", "tab~2"]),  # Excel ignores case
    (["a:b/c?"], ["a_b_c_"]),
    (["contents"], ["contents~2"]),  # the Contents sheet is reserved
])
def test_sheet_names_are_valid_and_unique(names: list[str], expected: list[str]) -> None:
    result = sheet_names(names)
    assert result == expected
    assert all(len(n) <= 31 for n in result)


@pytest.mark.parametrize(("text", "value"), [
    ("", None), ("12", 12), ("-3", -3), ("2.5000", 2.5), ("[c]", "[c]"), ("Lambeth", "Lambeth"),
    ("1e-05", 1e-05), ("inf", float("inf")), ("18-24", "18-24"),
])
def test_csv_text_becomes_excel_values(text: str, value: object) -> None:
    assert cell_value(text) == value


def test_the_workbook_has_a_contents_sheet_and_one_sheet_per_table(run_dir: Path) -> None:
    path = write_workbook(run_dir, read_sections(run_dir), footnote="[c] confidential.")
    book = load_workbook(path)
    assert book.sheetnames == ["Contents", "clips_by_borough_and_a_very_lon",
                               "clips_by_borough_and_a_very_l~2"]
    sheet = book["clips_by_borough_and_a_very_lon"]
    assert sheet["A1"].value == "Encounters by borough"
    assert sheet["A2"].value == "All clips."  # the notes row
    assert [c.value for c in sheet[4]] == ["Borough", "Encounters", "%"]  # labels, not ids
    assert [c.value for c in sheet[5]] == ["Brent", 25, 86.2]  # numbers stay numbers
    assert [c.value for c in sheet[6]] == ["Lambeth <b>", "[c]", "[c]"]
    contents = book["Contents"]
    assert contents["A2"].value == "[c] confidential."
    assert [c.value for c in contents[5]] == ["clips_by_borough_and_a_very_lon",
                                              "Sample & coverage",
                                              "clips_by_borough_and_a_very_long_name_indeed",
                                              "Encounters by borough"]


def test_workbook_cells_carry_codebook_labels_not_ids(tmp_path: Path) -> None:
    from workbench.codebook.loading import load_ref
    from workbench.project import BUNDLED_CODEBOOKS
    from workbench.study.labels import Labels

    out = StudyOutputs(tmp_path, "03_prevalence", "Prevalence", gate=PrivacyGate(10))
    out.table("by_code", pd.DataFrame({"code_id": ["esc_command"], "value": ["bare_order"],
                                       "clips": [12]}),
              title="Commands", protect=counts(base="clips"))
    book = load_ref("stop-search@1.0.0", BUNDLED_CODEBOOKS)
    path = write_workbook(tmp_path, read_sections(tmp_path), footnote="",
                          labels=Labels(book))
    sheet = load_workbook(path)["by_code"]
    command = book.code("esc_command")
    assert [c.value for c in sheet[4]] == ["Code", "Option", "Encounters"]
    assert [c.value for c in sheet[5]] == [command.label, command.option("bare_order").label,
                                           12]


def test_the_report_shows_every_output_without_code(run_dir: Path) -> None:
    html = render_report(run_dir, read_sections(run_dir), provenance=PROVENANCE,
                         footnote="[c] confidential: fewer than 10.")
    assert html.count("<h2>") == 1 + 2 + 2  # contents, 2 sections, methods, provenance
    for title in ("Sample &amp; coverage", "Encounters by borough", "Coefficients", "Bars"):
        assert title in html
    assert '<a href="#01_sample">' in html and 'id="figure-bars"' in html
    assert "Lambeth &lt;b&gt;" in html  # escaped
    assert "[c] confidential: fewer than 10." in html
    assert "data:image/svg+xml;base64," in html
    assert "SYNTHETIC DATA" in html
    assert "abc123" in html and "d" * 64 in html
    assert "No counts." in html  # the reason a table needs no suppression
    # the one script opens every collapsed group for printing; no code of the analysis
    assert html.count("<script") == 1 and "beforeprint" in html and "import " not in html
    assert "<th scope=\"col\">Encounters</th>" in html and ">clips<" not in html  # labels


def test_each_suppressed_cell_is_footnoted_with_its_rule(run_dir: Path) -> None:
    html = render_report(run_dir, read_sections(run_dir), provenance=PROVENANCE, footnote="f")
    # Lambeth's 4 clips: the base and the percentage computed from it
    assert re.search(r"\[c\]<sup><a href=\"#fn-clips_by_borough_and_a_very_long_name_indeed-a"
                     r"\">a</a></sup>", html)
    assert "fewer than 10 encounters" in html
    assert "computed from a suppressed count" in html


def test_the_report_depends_only_on_its_inputs(run_dir: Path) -> None:
    sections = read_sections(run_dir)
    first = render_report(run_dir, sections, provenance=PROVENANCE, footnote="f")
    assert render_report(run_dir, sections, provenance=PROVENANCE, footnote="f") == first


def test_long_group_tables_show_every_group_collapsed_not_cut(tmp_path: Path) -> None:
    out = StudyOutputs(tmp_path, "03_prevalence", "P", gate=PrivacyGate(10))
    groups = ["all"] + [f"g{i}" for i in range(6)]
    frame = pd.DataFrame({"group_var": ["all"] * 50 + ["borough"] * 300,
                          "group": [g for g in groups for _ in range(50)],
                          "i": list(range(50)) * 7, "n": [20] * 350})
    out.table("long", frame, title="Long", protect=counts(base="n"), keys=[])
    html = render_report(tmp_path, read_sections(tmp_path), provenance=PROVENANCE,
                         footnote="f")
    assert html.count("<details") == 7 and html.count("<details open>") == 1
    assert "<summary>Borough: g5 <span class=\"count\">(50 rows)</span>" in html
    assert len(re.findall(r"<tr><td class=\"num\">", html)) == 350  # every row is there
    assert "more rows" not in html


def test_git_commit_is_unknown_outside_a_checkout(tmp_path: Path) -> None:
    assert git_commit(tmp_path) == {"commit": "unknown", "dirty": None}


def test_git_commit_is_the_head_of_the_workbench_checkout() -> None:
    record = git_commit()
    assert re.fullmatch(r"[0-9a-f]{40}", record["commit"])


def test_store_passwords_never_reach_the_provenance() -> None:
    params = StudyParams(store="postgresql://bwv:s3cret@db.example/bwv", date_from=dt.date(
        2021, 1, 2))
    shown = public_params(params)
    assert "s3cret" not in shown["store"] and "***" in shown["store"]
    assert shown["date_from"] == "2021-01-02"


def test_package_versions_name_missing_packages() -> None:
    versions = package_versions(["pandas", "no-such-package-bwv"])
    assert versions["pandas"] == pd.__version__
    assert versions["no-such-package-bwv"] == "not installed"


def test_git_commit_is_unknown_for_a_folder_inside_another_checkout() -> None:
    from workbench.study.provenance import REPO_ROOT

    assert git_commit(REPO_ROOT / "workbench") == {"commit": "unknown", "dirty": None}


def test_the_methods_appendix_states_sample_coders_consensus_and_disclosure(
        run_dir: Path) -> None:
    methods = {"coders": ["c01", "c02"], "trainees": ["t01"], "reviewers": ["r01"],
               "clips_double_coded": 12, "consensus_units": 900, "consensus_automatic": 880,
               "consensus_reviewer": 20, "reliability_verdicts": {"acceptable": 3}}
    provenance = PROVENANCE | {"methods": methods,
                               "parameters": {"disclosure_threshold": 10, "seed": 1}}
    html = render_report(run_dir, read_sections(run_dir), provenance=provenance,
                         footnote="Counts under 10 are suppressed.")
    methods_part = html.split('id="methods"')[1].split('id="provenance"')[0]
    for needed in ("Appendix A. Methods", "Encounters analysed</td><td>40",
                   "Codebook version", "stop-search 1.0.0", "c01, c02", "t01",
                   "Encounters coded independently by two or more coders</td><td>12",
                   "acceptable 3", "Decided by a reviewer</td><td>20", "Consensus rule",
                   "Threshold (counts below it are confidential)</td><td>10",
                   "Counts under 10 are suppressed."):
        assert needed in (html if needed.startswith("Appendix") else methods_part), needed
    assert "Software versions" in html and "<td>pandas</td><td>3.0</td>" in html
