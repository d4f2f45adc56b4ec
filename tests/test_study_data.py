"""Loading the study data: filters, exclusions, layers, hashes, fail-early errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tests.data.study.mini_project import CODEBOOKS, N_CLIPS, UNCODED, build_mini_project
from workbench.analysis.frames import CLIP_COLUMNS, CODE_COLUMNS, UTTERANCE_COLUMNS
from workbench.codebook.loading import load_ref, loads_codebook
from workbench.exceptions import CodebookError, ParameterError
from workbench.model import Layer
from workbench.project import Project
from workbench.study.data import StudyData, codebook_ranks, load_study_data
from workbench.study.params import StudyParams
from workbench.study.session import resolve_params


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_mini_project(tmp_path_factory.mktemp("study-data") / "project")


def _load(project: Project, **changes: object) -> StudyData:
    params = StudyParams(**changes).resolved(store=project.store_url, codebook=project.codebook)
    return load_study_data(params, codebooks_dir=CODEBOOKS)


def test_consensus_data_follow_the_analysis_contract(project: Project) -> None:
    data = _load(project)
    assert list(data.clips.columns[:len(CLIP_COLUMNS)]) == list(CLIP_COLUMNS)
    assert list(data.utterances.columns) == list(UTTERANCE_COLUMNS)
    assert list(data.codes.columns) == list(CODE_COLUMNS)
    assert len(data.clips) == N_CLIPS - len(UNCODED)
    assert len(data.utterances) == 6 * len(data.clips)
    assert "source_file" not in data.clips.columns  # machine paths are not data
    assert data.clips["date"].iloc[0] == "2021-01-01"
    assert data.ranks == {"subj_resistance": {"compliant": 0, "verbal_refusal": 1, "active": 2}}


def test_uncoded_clips_are_excluded_with_a_reason(project: Project) -> None:
    data = _load(project)
    assert data.exclusions.to_dict("records") == [
        {"clip_id": c, "reason": "not coded in the layer"} for c in UNCODED]


@pytest.mark.parametrize(("changes", "expected_ids", "reason"), [
    ({"boroughs": ["Lambeth"]}, {f"M{i:03d}" for i in range(0, 38, 2)}, "borough not selected"),
    ({"bcus": ["Central East"]}, {f"M{i:03d}" for i in range(1, 38, 2)}, "BCU not selected"),
    ({"date_from": dt.date(2021, 11, 1)},
     {f"M{i:03d}" for i in range(38) if i % 12 >= 10}, "outside the date range"),
    ({"date_to": dt.date(2021, 1, 31)},
     {f"M{i:03d}" for i in range(38) if i % 12 == 0}, "outside the date range"),
])
def test_filters_keep_the_selected_clips(project: Project, changes: dict, expected_ids: set,
                                         reason: str) -> None:
    data = _load(project, **changes)
    assert set(data.clips["clip_id"]) == expected_ids
    assert set(data.utterances["clip_id"]) <= expected_ids
    assert set(data.codes["clip_id"]) <= expected_ids
    assert reason in set(data.exclusions["reason"])
    assert len(data.clips) + len(data.exclusions) == N_CLIPS


def test_a_coder_layer_reads_that_coders_completed_clips_only(project: Project) -> None:
    data = _load(project, layer="coder:c01")
    assert set(data.clips["clip_id"]) == {f"M{i:03d}" for i in range(15)}  # 15-19 in progress
    courtesy = data.codes[data.codes["code_id"] == "pj_courtesy"]
    assert set(courtesy["clip_id"]) <= {f"M{i:03d}" for i in range(0, 15, 2)}


def test_an_unknown_coder_lists_the_coders(project: Project) -> None:
    with pytest.raises(ParameterError, match=r"unknown coder 'c99'.*c01") as info:
        _load(project, layer="coder:c99")
    assert info.value.field == "layer"


def test_group_by_a_missing_column_lists_the_usable_ones(project: Project) -> None:
    with pytest.raises(ParameterError, match=r"'religion' is not a clip metadata column.*"
                                             r"ethnicity") as info:
        _load(project, group_by=["ethnicity", "religion"])
    assert info.value.field == "group_by"


def test_a_missing_sqlite_store_is_refused_not_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nothing.sqlite'}"
    params = StudyParams(store=url, codebook="mini-study@1.0.0")
    with pytest.raises(ParameterError, match="no store at"):
        load_study_data(params, codebooks_dir=CODEBOOKS)
    assert not (tmp_path / "nothing.sqlite").exists()


def test_an_unknown_codebook_version_is_a_codebook_error(project: Project) -> None:
    params = StudyParams(codebook="mini-study@9.9.9").resolved(store=project.store_url,
                                                               codebook="x")
    with pytest.raises(CodebookError, match=r"available: 1\.0\.0"):
        load_study_data(params, codebooks_dir=CODEBOOKS)


def test_the_data_hash_is_stable_and_sees_one_changed_code(tmp_path: Path) -> None:
    project = build_mini_project(tmp_path / "p")
    first = _load(project)
    assert _load(project).data_hash == first.data_hash
    codebook = load_ref("mini-study@1.0.0", CODEBOOKS)
    with project.open_store() as store:
        store.apply_code("consensus", "M005", None, "out_disposal", "arrest", codebook.ref,
                         layer=Layer.CONSENSUS)
    assert _load(project).data_hash != first.data_hash


def test_annotations_against_an_edited_codebook_are_refused(tmp_path: Path) -> None:
    project = build_mini_project(tmp_path / "p")
    edited = tmp_path / "codebooks" / "mini-study"
    edited.mkdir(parents=True)
    text = (CODEBOOKS / "mini-study" / "1.0.0.yaml").read_text(encoding="utf-8")
    (edited / "1.0.0.yaml").write_text(text.replace("Does as asked.", "Complies."),
                                       encoding="utf-8")
    params = StudyParams().resolved(store=project.store_url, codebook=project.codebook)
    with pytest.raises(ParameterError, match="edited after use"):
        load_study_data(params, codebooks_dir=tmp_path / "codebooks")


def test_a_snapshot_round_trips(project: Project, tmp_path: Path) -> None:
    data = _load(project)
    back = StudyData.load(data.save(tmp_path / "snap.pickle"))
    pd.testing.assert_frame_equal(back.codes, data.codes)
    assert (back.data_hash, back.codebook.hash) == (data.data_hash, data.codebook.hash)


def test_a_file_that_is_not_a_snapshot_is_refused(tmp_path: Path) -> None:
    import pickle

    path = tmp_path / "x.pickle"
    path.write_bytes(pickle.dumps({"not": "a snapshot"}))
    with pytest.raises(ParameterError, match="not a study data snapshot"):
        StudyData.load(path)


def test_params_take_store_and_codebook_from_the_project(project: Project,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text("seed: 3\n", encoding="utf-8")
    params, codebooks_dir = resolve_params(path, project.root)
    assert (params.store, params.codebook, params.seed) == (project.store_url,
                                                            "mini-study@1.0.0", 3)
    assert codebooks_dir == CODEBOOKS


def test_without_a_project_the_file_must_name_store_and_codebook(tmp_path: Path,
                                                                 monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BWV_PROJECT", raising=False)
    with pytest.raises(ParameterError, match="no project here"):
        resolve_params(None, None)
    path = tmp_path / "study.yaml"
    path.write_text("store: sqlite:///s.sqlite\ncodebook: stop-search@1.0.0\n",
                    encoding="utf-8")
    params, _ = resolve_params(path, None)
    assert params.store == "sqlite:///s.sqlite"


def test_codebook_ranks_leave_not_applicable_out() -> None:
    text = (CODEBOOKS / "mini-study" / "1.0.0.yaml").read_text(encoding="utf-8").replace(
        "      - {key: active, label: Active, anchor: Pulls away.}\n",
        "      - {key: active, label: Active, anchor: Pulls away.}\n"
        "    not_applicable: {key: not_applicable, label: No subject turn}\n")
    codebook = loads_codebook(text)
    assert codebook.code("subj_resistance").not_applicable is not None
    assert codebook_ranks(codebook) == {
        "subj_resistance": {"compliant": 0, "verbal_refusal": 1, "active": 2}}
