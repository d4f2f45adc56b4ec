"""Analysis-ready data: each format read back (pyreadstat, pyarrow, csv) with its labels and
values, checked against the store's consensus layer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from workbench.codebook.book import Codebook
from workbench.exceptions import ParameterError
from workbench.exchange import export_data
from workbench.exchange.data import neutralise
from workbench.model import Layer
from workbench.project import Project


@pytest.fixture(scope="module")
def exported(exchange_demo: Project, demo_codebook: Codebook,
             tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    with exchange_demo.open_store() as store:
        export_data(store, demo_codebook, folder)
    return folder


@pytest.fixture(scope="module")
def consensus(exchange_demo: Project) -> pd.DataFrame:
    with exchange_demo.open_store() as store:
        return store.annotations_frame(layer=Layer.CONSENSUS)


def _ordinal_code(codebook: Codebook):
    return next(c for c in codebook.codes if c.level == "ordinal" and str(c.unit) == "utterance")


def test_every_format_holds_the_same_values(exported: Path) -> None:
    csv = pd.read_csv(exported / "utterances.csv")
    parquet = pd.read_parquet(exported / "utterances.parquet")
    dta, _ = pyreadstat.read_dta(exported / "utterances.dta")
    sav, _ = pyreadstat.read_sav(exported / "utterances.sav", user_missing=True)
    assert len(csv) == len(parquet) == len(dta) == len(sav) > 100
    numeric = [c for c in csv.columns if pd.api.types.is_numeric_dtype(csv[c])]
    for frame in (parquet, dta, sav):
        pd.testing.assert_frame_equal(
            csv[numeric].astype(float).reset_index(drop=True),
            frame[numeric].astype(float).reset_index(drop=True), check_names=True)


def test_nominal_codes_are_one_where_the_consensus_has_them(
        exported: Path, consensus: pd.DataFrame, demo_codebook: Codebook) -> None:
    table = pd.read_csv(exported / "utterances.csv")
    code = next(c for c in demo_codebook.codes
                if c.level == "nominal" and str(c.unit) == "utterance")
    present = consensus[consensus["code_id"] == code.id]
    marked = table[table[code.id] == 1]
    assert set(zip(marked["clip_id"], marked["turn"] - 1, strict=True)) == set(
        zip(present["clip_id"], present["utterance_index"].astype(int), strict=True))
    coded = table[table["clip_id"].isin(set(consensus["clip_id"]))]
    applies = coded["role"].map(code.applies_to_role)
    assert coded.loc[applies, code.id].notna().all()
    assert coded.loc[~applies, code.id].isna().all()


def test_stata_and_spss_carry_variable_and_value_labels(
        exported: Path, demo_codebook: Codebook, consensus: pd.DataFrame) -> None:
    code = _ordinal_code(demo_codebook)
    _, dta_meta = pyreadstat.read_dta(exported / "utterances.dta")
    sav, sav_meta = pyreadstat.read_sav(exported / "utterances.sav", user_missing=True)
    expected = {float(i + 1): o.label for i, o in enumerate(code.scale)}
    if code.not_applicable is not None:
        expected[-1.0] = code.not_applicable.label
    for meta in (dta_meta, sav_meta):
        assert meta.column_names_to_labels[code.id] == code.label
        assert meta.variable_value_labels[code.id] == expected
    rows = consensus[(consensus["code_id"] == code.id)]
    ranks = {o.key: i + 1 for i, o in enumerate(code.scale)}
    lookup = dict(zip(zip(sav["clip_id"], sav["turn"] - 1, strict=True), sav[code.id],
                      strict=True))
    for clip, turn, value in zip(rows["clip_id"], rows["utterance_index"], rows["value"],
                                 strict=True):
        assert lookup[(clip, int(turn))] == ranks.get(value, -1)


def test_r_loader_turns_labelled_codes_into_factors(
        exported: Path, demo_codebook: Codebook) -> None:
    code = _ordinal_code(demo_codebook)
    script = (exported / "load.R").read_text(encoding="utf-8")
    line = next(s for s in script.splitlines() if f"utterances${code.id} <-" in s)
    assert "ordered = TRUE" in line
    assert all(f'"{o.label}"' in line for o in code.scale)
    dictionary = pd.read_csv(exported / "data_dictionary.csv")
    row = dictionary[dictionary["variable"] == code.id].iloc[0]
    assert row["code_id"] == code.id and row["kind"] == "ordinal"
    assert (dictionary["variable"].str.len() <= 32).all()


def test_clip_table_joins_metadata_and_clip_level_codes(
        exported: Path, exchange_demo: Project, consensus: pd.DataFrame,
        demo_codebook: Codebook) -> None:
    clips = pd.read_csv(exported / "clips.csv")
    with exchange_demo.open_store() as store:
        metadata = {c.clip_id: c for c in store.clips()}
    assert set(clips["clip_id"]) == set(metadata)
    assert all(clips.set_index("clip_id")["borough"][k] == v.borough
               for k, v in metadata.items())
    code = next(c for c in demo_codebook.codes if str(c.unit) == "clip"
                and c.level == "categorical")
    rows = consensus[consensus["code_id"] == code.id]
    keys = {o.key: i + 1 for i, o in enumerate(code.options)}
    table = clips.set_index("clip_id")[code.id]
    assert len(rows) > 0
    for clip, value in zip(rows["clip_id"], rows["value"], strict=True):
        assert table[clip] == keys[value]


def test_shareable_export_pseudonymises_and_redacts(
        exchange_demo: Project, demo_codebook: Codebook, tmp_path: Path) -> None:
    truth = pd.read_json(exchange_demo.root / "corpus" / "_truth" / "planted_pii.json")
    planted = [i["text"] for items in truth["planted"].dropna() for i in items]
    with exchange_demo.open_store() as store:
        export_data(store, demo_codebook, tmp_path, shareable=True, formats=("csv",))
        ids = {c.clip_id for c in store.clips()}
    turns = pd.read_csv(tmp_path / "utterances.csv")
    clips = pd.read_csv(tmp_path / "clips.csv")
    assert "speaker" not in turns.columns
    assert not ids & set(turns["clip_id"]) and not ids & set(clips["clip_id"])
    assert clips["date"].str.fullmatch(r"\d{4}-\d{2}").all()
    text = "\n".join(turns["text"])
    assert [p for p in planted if p in text] == []


@pytest.mark.parametrize("payload", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                     "\t=1", "\r=1"])
def test_formula_like_text_is_made_inert(payload: str) -> None:
    assert neutralise(payload) == "'" + payload
    assert neutralise("A plain sentence.") == "A plain sentence."
    assert neutralise(3) == 3


def test_an_unknown_format_is_refused(exchange_demo: Project, demo_codebook: Codebook,
                                      tmp_path: Path) -> None:
    with exchange_demo.open_store() as store, pytest.raises(ParameterError, match="xlsx"):
        export_data(store, demo_codebook, tmp_path, formats=("xlsx",))
