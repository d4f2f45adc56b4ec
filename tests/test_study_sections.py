"""The small tables and figures the study sections add on top of workbench.analysis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tests.data.study.mini_project import CODEBOOKS, build_mini_project
from workbench.study.data import StudyData, load_study_data
from workbench.study.params import StudyParams
from workbench.study.plots import bar_chart, heatmap, line_chart, stacked_shares
from workbench.study.sample import (
    distribution,
    duration_bands,
    sample_by_group,
    sample_flow,
    sample_summary,
)
from workbench.study.summaries import (
    model_status,
    option_lines,
    scores_versus_reference,
    series_by_position,
)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> StudyData:
    project = build_mini_project(tmp_path_factory.mktemp("sections") / "p")
    params = StudyParams(boroughs=["Lambeth"]).resolved(store=project.store_url,
                                                         codebook=project.codebook)
    return load_study_data(params, codebooks_dir=CODEBOOKS)


def test_the_sample_flow_adds_up(data: StudyData) -> None:
    flow = sample_flow(data).set_index("step")["clips"]
    # 40 clips; 20 in Hackney; M038 (Lambeth) uncoded, M039 (Hackney) already excluded
    assert flow["in the store"] == 40
    assert flow["excluded: borough not selected"] == 20
    assert flow["excluded: not coded in the layer"] == 1
    assert flow["analysed"] == 19
    excluded = flow[[s for s in flow.index if s.startswith("excluded")]].sum()
    assert flow["in the store"] - excluded == flow["analysed"]


def test_the_sample_summary_counts_turns_and_minutes(data: StudyData) -> None:
    summary = sample_summary(data).set_index("measure")["value"]
    assert summary["clips"] == 19 and summary["utterances"] == 6 * 19
    assert summary["officer turns"] == summary["subject turns"] == 3 * 19
    durations = [300 + i for i in range(0, 38, 2)]  # Lambeth clips M000, M002, …, M036
    assert summary["total minutes"] == pytest.approx(sum(durations) / 60)
    assert summary["median minutes per clip"] == pytest.approx(np.median(durations) / 60)


def test_sample_by_group_shares_add_to_the_whole(data: StudyData) -> None:
    table = sample_by_group(data.clips, "ethnicity")
    levels = table[table["group_var"] == "ethnicity"]
    assert levels["clips"].sum() == 19 == table.loc[0, "clips"]
    assert levels["pct"].sum() == pytest.approx(100)
    # Lambeth clips are the even ones: ethnicities Asian (i % 4 == 0) and White (i % 4 == 2)
    assert dict(zip(levels["group"], levels["clips"], strict=True)) == {"Asian": 10, "White": 9}


def test_duration_bands_put_clips_in_their_band() -> None:
    clips = pd.DataFrame({"duration": [60.0, 299.9, 300.0, 1500.0, np.nan]})
    bands = duration_bands(clips).set_index("band")["clips"]
    assert bands.tolist() == [2, 1, 0, 0, 1]
    assert bands.sum() == 4  # the clip without a duration is left out


def test_a_distribution_lists_options_first_then_others_then_missing() -> None:
    values = pd.Series(["b", "x", "b", None])
    table = distribution(values, ["a", "b"], name="v")
    assert table["v"].tolist() == ["a", "b", "x", "(missing)"]
    assert table["clips"].tolist() == [0, 2, 1, 1]
    assert table["pct"].iloc[1] == pytest.approx(100 * 2 / 3)


def test_option_lines_join_the_options_of_clip_level_codes_only() -> None:
    table = pd.DataFrame({"unit": ["clip", "clip", "utterance", "utterance"],
                          "code_id": ["out", "out", "cat", "cat"]})
    lines = option_lines(table)["options_line"].tolist()
    assert lines[0] == lines[1] == "out"
    assert lines[2] != lines[3]


def test_series_by_position_weights_each_clip_once_per_band() -> None:
    series = pd.DataFrame({
        "clip_id": ["a"] * 4 + ["b"] * 2,
        "utterance_index": [0, 1, 2, 3, 0, 1],
        "level": [0.0, 2.0, 4.0, 4.0, 1.0, 3.0],
    })
    table = series_by_position(series, ["level"], bins=2)
    # band 1: a's turns 0–1 (mean 1), b's turn 0 (1) -> 1.0; band 2: a (4), b (3) -> 3.5
    assert table["level"].tolist() == [1.0, 3.5]
    assert table["clips"].tolist() == [2, 2]
    assert table["position"].tolist() == [25.0, 75.0]


def test_scores_sit_beside_the_published_reference() -> None:
    scores = pd.DataFrame({"group_var": ["all", "all", "x"], "group": ["all", "all", "y"],
                           "measure": ["pj_voice", "other", "pj_voice"], "n": [50, 50, 20],
                           "mean": [80.0, 10.0, 70.0], "sd": [1.0, 2.0, 3.0]})
    table = scores_versus_reference(scores)
    assert table["measure"].tolist() == ["pj_voice", "other"]
    assert table["nawaz_tankebe_2018"].iloc[0] == 94.0
    assert np.isnan(table["nawaz_tankebe_2018"].iloc[1])


def test_model_status_withholds_numbers_inside_reasons() -> None:
    fitted = pd.DataFrame({"term": ["x"]})
    fitted.attrs = {"n": 376, "events": 113, "clusters": 32, "formula": "y ~ x"}
    table = model_status({"logit": fitted, "gee": "term 'x' separates: [[3, 0], [41, 7]]"})
    assert table["status"].tolist() == ["fitted", "not fitted"]
    assert table["reason"].iloc[1] == "term 'x' separates: [[#, #], [#, #]]"
    assert table["n"].iloc[0] == 376


def test_figures_mark_suppressed_values_in_their_labels() -> None:
    table = pd.DataFrame({"label": ["a", "b"], "pct": [40.0, "[c]"], "lo": [30.0, "[c]"],
                          "hi": [50.0, "[c]"]})
    fig = bar_chart(table, "label", "pct", low="lo", high="hi", reference={"a": 45.0})
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["a", "b [c]"]
    plt.close(fig)


def test_each_figure_kind_draws_from_a_published_table() -> None:
    long = pd.DataFrame({"row": ["r1", "r1", "r2", "r2"], "col": ["c1", "c2", "c1", "c2"],
                         "v": [1.5, -2.0, "[c]", 0.5], "pct": [60, 40, 50, 50]})
    figures = [stacked_shares(long, "row", "col", "pct"), heatmap(long, "row", "col", "v"),
               line_chart(pd.DataFrame({"x": [1, 2], "y": [0.5, "[c]"]}), "x", ["y"])]
    assert all(len(f.axes) >= 1 for f in figures)
    texts = [t.get_text() for t in figures[1].axes[0].texts]
    assert "[c]" in texts and "-2.0" in texts
    plt.close("all")
