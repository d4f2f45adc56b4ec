"""The outputs registry: protected, sorted, deterministic tables; figures; manifests."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from workbench.exceptions import ParameterError
from workbench.study.gate import PrivacyGate, counts
from workbench.study.outputs import StudyOutputs, read_sections


@pytest.fixture
def gate() -> PrivacyGate:
    return PrivacyGate(10)


@pytest.fixture
def out(tmp_path: Path, gate: PrivacyGate) -> StudyOutputs:
    return StudyOutputs(tmp_path / "run", "03_prevalence", "Prevalence", gate=gate,
                        intro="Codes by group.")


def _csv(out: StudyOutputs, name: str) -> str:
    return (out.run_dir / "tables" / f"{name}.csv").read_text(encoding="utf-8")


def test_small_counts_and_what_rests_on_them_are_suppressed(out: StudyOutputs) -> None:
    table = pd.DataFrame({"group": ["a", "b", "c", "d"], "clips": [40, 8, 30, 25],
                          "clips_with": [12, 3, 4, 0], "pct": [30.5, 37.5, 13.3333, 0.0]})
    shown = out.table("t", table, title="T", protect=counts("clips_with", base="clips",
                                                            values=["pct"]))
    # b: base 8 < 10 -> base, count, pct hidden; c: count 4 -> count, pct hidden; d: zero shown
    assert _csv(out, "t") == ("group,clips,clips_with,pct\n"
                              "a,40,12,30.5\n"
                              "b,[c],[c],[c]\n"
                              "c,30,[c],[c]\n"
                              "d,25,0,0.0\n")
    assert shown.loc[1, "clips"] == "[c]"
    assert out.section.items[0].suppressed == 5


def test_several_count_rules_combine_their_suppressions(out: StudyOutputs) -> None:
    table = pd.DataFrame({"g": ["a", "b"], "clips": [50, 60], "with": [20, 5],
                          "turns": [300, 9.0], "coded": [40, 1], "rate": [13.3, 11.1]})
    out.table("two", table, title="Two rules", protect=[
        counts("with", base="clips"), counts("coded", base="turns", values=["rate"])])
    assert _csv(out, "two").splitlines()[1:] == ["a,50,20,300,40,13.3000",
                                                 "b,60,[c],[c],[c],[c]"]


def test_rows_are_sorted_so_input_order_does_not_matter(tmp_path: Path,
                                                       gate: PrivacyGate) -> None:
    table = pd.DataFrame({"group": ["b", "a", "c"], "n": [11, 12, 13]})
    texts = []
    for i, frame in enumerate([table, table.iloc[::-1]]):
        run = StudyOutputs(tmp_path / f"run{i}", "01_sample", "S", gate=gate)
        run.table("n_by_group", frame, title="N", protect=counts(base="n"))
        texts.append((run.run_dir / "tables" / "n_by_group.csv").read_bytes())
    assert texts[0] == texts[1]
    assert texts[0].decode().splitlines()[1].startswith("a,")


def test_a_table_without_counts_must_say_why_and_the_reason_is_kept(out: StudyOutputs) -> None:
    frame = pd.DataFrame({"term": ["x"], "estimate": [0.5]})
    with pytest.raises(ParameterError, match="protect is empty"):
        out.table("coef", frame, title="C", protect=" ")
    out.table("coef", frame, title="C", notes="Logit.", protect="Coefficients, not counts.")
    assert out.section.items[0].notes == "Logit. Coefficients, not counts."


def test_names_are_unique_across_the_sections_of_a_run(out: StudyOutputs,
                                                       gate: PrivacyGate) -> None:
    frame = pd.DataFrame({"n": [20]})
    out.table("shared", frame, title="S", protect=counts(base="n"))
    taken = "table name 'shared' is already used in section 03_prevalence"
    with pytest.raises(ParameterError, match=taken):
        out.table("shared", frame, title="S", protect=counts(base="n"))
    other = StudyOutputs(out.run_dir, "04_gowisely", "G", gate=gate)
    with pytest.raises(ParameterError, match=taken):
        other.table("shared", frame, title="S", protect=counts(base="n"))


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"protect": counts("missing")}, "no column(s) missing"),
    ({"protect": counts(base="n"), "keys": ["nope"]}, "no column(s) nope"),
    ({"protect": counts(base="n"), "text": ["quote"]}, "no column(s) quote"),
    ({"protect": 42}, "protect must be a count rule"),
])
def test_bad_table_arguments_name_the_problem(out: StudyOutputs, kwargs: dict,
                                              says: str) -> None:
    with pytest.raises(ParameterError) as info:
        out.table("bad", pd.DataFrame({"n": [20]}), title="B", **kwargs)
    assert says in str(info.value)


@pytest.mark.parametrize("name", ["Has Space", "UPPER", "dash-ed", "", "_lead"])
def test_output_names_must_be_file_safe(out: StudyOutputs, name: str) -> None:
    with pytest.raises(ParameterError, match="lower-case letters"):
        out.table(name, pd.DataFrame({"n": [20]}), title="B", protect=counts(base="n"))


def test_a_count_rule_needs_a_column() -> None:
    with pytest.raises(ParameterError, match="needs a count column"):
        counts()


def test_free_text_titles_and_notes_are_redacted(out: StudyOutputs) -> None:
    quotes = pd.DataFrame({"clip_id": ["C1"], "quote": ["Call me on 07700 900123 please"]})
    out.table("quotes", quotes, title="Quotes", notes="As told by Mr Darnell Okafor.",
              text=["quote"], protect="Quotations, not counts.")
    assert "07700 900123" not in _csv(out, "quotes") and "[PHONE]" in _csv(out, "quotes")
    assert "Okafor" not in out.section.items[0].notes.replace("[NAME] Okafor", "")
    assert "Darnell" not in out.section.items[0].notes


def test_crosstabs_get_totals_and_secondary_suppression(out: StudyOutputs) -> None:
    table = pd.DataFrame({"Lambeth": [20, 3], "Brent": [15, 30]},
                         index=pd.Index(["Black", "White"], name="ethnicity"))
    out.crosstab("eth_by_borough", table, title="Ethnicity by borough")
    rows = _csv(out, "eth_by_borough").splitlines()
    assert rows[0] == "ethnicity,Lambeth,Brent,Total"
    # 3 is primary; its row and column each need a second hidden cell so it can't be
    # recovered from the totals (independently: the 2x2 inner block must be all hidden)
    assert rows[1:] == ["Black,[c],[c],35", "White,[c],[c],33", "Total,23,45,68"]
    assert out.section.items[0].suppressed == 4


def test_figures_are_png_and_deterministic_svg_with_text_kept(tmp_path: Path,
                                                              gate: PrivacyGate) -> None:
    svgs = []
    for i in range(2):
        run = StudyOutputs(tmp_path / f"run{i}", "07_dynamics", "D", gate=gate)
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [1, 3, 2])
        ax.set_title("Resistance over turns")
        run.figure("trajectory", fig, title="Trajectory", notes="Mean rank.")
        assert (run.run_dir / "figures" / "trajectory.png").read_bytes()[:4] == b"\x89PNG"
        svgs.append((run.run_dir / "figures" / "trajectory.svg").read_bytes())
    assert svgs[0] == svgs[1]
    assert b"Resistance over turns" in svgs[0]  # text, not glyph paths
    assert b"<dc:date>" not in svgs[0]
    assert not plt.get_fignums()  # closed


def test_each_registration_updates_the_section_manifest(out: StudyOutputs) -> None:
    out.table("a_table", pd.DataFrame({"n": [20]}), title="A", protect=counts(base="n"))
    fig, _ = plt.subplots()
    out.figure("a_figure", fig, title="F")
    data = json.loads((out.run_dir / "sections" / "03_prevalence.json").read_text())
    assert data["title"] == "Prevalence" and data["intro"] == "Codes by group."
    assert [(i["kind"], i["name"]) for i in data["items"]] == [("table", "a_table"),
                                                               ("figure", "a_figure")]
    assert data["items"][0]["files"] == {"csv": "tables/a_table.csv"}
    sections = read_sections(out.run_dir)
    assert [s.section for s in sections] == ["03_prevalence"]
    assert sections[0].items[1].files["svg"] == "figures/a_figure.svg"


def test_rounding_rounds_published_counts_to_the_base(tmp_path: Path) -> None:
    out = StudyOutputs(tmp_path, "01_sample", "S", gate=PrivacyGate(10, rounding_base=5))
    table = pd.DataFrame({"g": ["a", "b"], "clips": [23, 41], "with": [12, 3]})
    out.table("r", table, title="R", protect=counts("with", base="clips"))
    assert _csv(out, "r").splitlines()[1:] == ["a,25,10", "b,40,[c]"]


def test_an_empty_line_means_the_whole_table_adds_up(out: StudyOutputs) -> None:
    table = pd.DataFrame({"band": ["short", "medium", "long"], "clips": [40, 4, 25]})
    out.table("bands", table, title="Bands", protect=counts("clips", count_lines=[()]),
              keys=[])
    # 4 is primary; the bands add up to the published sample size, so the next smallest
    # (25) is hidden too
    assert _csv(out, "bands").splitlines()[1:] == ["short,40", "medium,[c]", "long,[c]"]


def test_helper_columns_can_be_dropped_after_protection(out: StudyOutputs) -> None:
    table = pd.DataFrame({"g": ["a", "b", "c"], "n": [30, 5, 40], "line": ["x", "x", "y"]})
    out.table("helped", table, title="H", protect=counts("n", count_lines=[["line"]]),
              drop=["line"])
    assert _csv(out, "helped").splitlines() == ["g,n", "a,[c]", "b,[c]", "c,40"]


def test_a_figure_may_share_its_tables_name(out: StudyOutputs) -> None:
    out.table("bands", pd.DataFrame({"n": [20]}), title="B", protect=counts(base="n"))
    fig, _ = plt.subplots()
    out.figure("bands", fig, title="B by band")  # titles are unique, names may repeat
    fig, _ = plt.subplots()
    with pytest.raises(ParameterError, match="figure name 'bands' is already used"):
        out.figure("bands", fig, title="B again")
    plt.close("all")


def test_cited_authors_survive_in_notes_but_not_in_data_text(out: StudyOutputs) -> None:
    table = pd.DataFrame({"quote": ["Wilson said no"], "n": [20]})
    shown = out.table("cited", table, title="Landis & Koch bands",
                      notes="Wilson 95% interval (Hayes & Krippendorff 2007).",
                      text=["quote"], protect=counts(base="n"))
    item = out.section.items[0]
    assert item.title == "Landis & Koch bands"
    assert item.notes == "Wilson 95% interval (Hayes & Krippendorff 2007)."
    assert shown.loc[0, "quote"] == "[NAME] said no"


def test_figures_are_rounded_once_by_kind_in_the_registry(out: StudyOutputs) -> None:
    table = pd.DataFrame({"code_id": ["a", "b"], "clips": [40.0, 50.0], "pct": [12.3456, 50.0],
                          "alpha": [0.81234, 0.5], "odds_ratio": [2.09049, 1.0],
                          "mean": [52.6049, 48.0], "estimate": [0.123456, 0.2]})
    out.table("kinds", table, title="Kinds", protect=counts(base="clips", values=["pct"]),
              keys=[], kinds={"estimate": "coefficient"})
    # counts whole, percentages 1 dp, coefficients 3 dp (named by kinds= too), means 1 dp
    assert _csv(out, "kinds").splitlines() == [
        "code_id,clips,pct,alpha,odds_ratio,mean,estimate",
        "a,40,12.3,0.812,2.090,52.6,0.123",
        "b,50,50.0,0.500,1.000,48.0,0.200"]


@pytest.mark.parametrize("title", ["lower case start", "Prevalence by age_band", ""])
def test_titles_in_sentence_case_without_ids_or_refused(out: StudyOutputs, title: str) -> None:
    with pytest.raises(ParameterError, match="title"):
        out.table("bad", pd.DataFrame({"n": [20]}), title=title, protect=counts(base="n"))


def test_titles_are_unique_within_a_section(out: StudyOutputs) -> None:
    out.table("one", pd.DataFrame({"n": [20]}), title="Encounters", protect=counts(base="n"))
    with pytest.raises(ParameterError, match="titles are unique"):
        out.table("two", pd.DataFrame({"n": [20]}), title="ENCOUNTERS",
                  protect=counts(base="n"))
