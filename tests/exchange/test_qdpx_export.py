"""The .qdpx export: valid against the published REFI-QDA schema, and faithful to the store."""

from __future__ import annotations

import json
import wave
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from workbench.codebook.book import Codebook
from workbench.exchange import export_qdpx
from workbench.exchange.qde_read import SCHEMA
from workbench.model import Clip, Layer, Role, Utterance
from workbench.project import Project
from workbench.store import Store

Q = "{urn:QDA-XML:project:1.0}"


def _qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def _source_text(path: Path, source: etree._Element) -> str:
    name = source.get("plainTextPath").removeprefix("internal://")
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"Sources/{name}").decode("utf-8")


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@pytest.mark.parametrize("layer", ["consensus", "all", "coder:c01"])
@pytest.mark.parametrize("shareable", [False, True])
def test_every_export_is_valid_against_the_published_schema(
        exchange_demo: Project, demo_codebook: Codebook, schema: etree.XMLSchema,
        tmp_path: Path, layer: str, shareable: bool) -> None:
    with exchange_demo.open_store() as store:
        path = export_qdpx(store, demo_codebook, tmp_path / "p.qdpx", layer=layer,
                           shareable=shareable)
    root = _qde(path)
    assert schema.validate(root), schema.error_log.last_error
    assert root.get("origin") == "BWV coding workbench"


def test_each_selection_covers_exactly_its_utterance_text(
        exchange_demo: Project, demo_codebook: Codebook, tmp_path: Path) -> None:
    with exchange_demo.open_store() as store:
        path = export_qdpx(store, demo_codebook, tmp_path / "p.qdpx", layer="coder:c01")
        texts = {(u.clip_id, u.index): u.text
                 for clip in store.clips() for u in store.utterances(clip.clip_id)}
        expected = [a for a in store.annotations(layer=Layer.CODER, coder_id="c01")
                    if a.utterance_index is not None]
    root = _qde(path)
    checked = 0
    for source in root.iter(Q + "TextSource"):
        text = _source_text(path, source)
        for sel in source.iter(Q + "PlainTextSelection"):
            turn = int(sel.get("name").rsplit("turn ", 1)[-1].rstrip(")")) \
                if "turn " in sel.get("name") else None
            piece = text[int(sel.get("startPosition")):int(sel.get("endPosition"))]
            if turn is None:
                assert piece == text.rstrip("\n")
            else:
                assert piece == texts[(source.get("name"), turn - 1)]
                checked += 1
    assert checked == len(expected) > 0


def test_the_codebook_nests_groups_codes_and_options_with_definitions(
        exchange_demo: Project, demo_codebook: Codebook, tmp_path: Path) -> None:
    with exchange_demo.open_store() as store:
        path = export_qdpx(store, demo_codebook, tmp_path / "p.qdpx")
    root = _qde(path)
    tops = root.findall(f"{Q}CodeBook/{Q}Codes/{Q}Code")
    assert [t.get("name") for t in tops] == [g.label for g in demo_codebook.groups]
    assert all(t.get("isCodable") == "false" for t in tops)
    groups = {t.get("name"): t for t in tops}
    for code in demo_codebook.codes:
        under = groups[demo_codebook.group(code.group).label].findall(Q + "Code")
        [element] = [c for c in under if c.get("name") == code.label]
        assert code.definition.strip()[:40] in element.findtext(Q + "Description")
        options = [o.label for o in (*code.options, *code.scale)]
        children = [c.get("name") for c in element.findall(Q + "Code")]
        assert children[:len(options)] == options
        assert element.get("isCodable") == ("false" if options else "true")


def test_users_cases_and_variables_carry_coders_and_metadata(
        exchange_demo: Project, demo_codebook: Codebook, tmp_path: Path) -> None:
    with exchange_demo.open_store() as store:
        path = export_qdpx(store, demo_codebook, tmp_path / "p.qdpx", layer="all")
        clips = {c.clip_id: c for c in store.clips()}
        coders = {a.coder_id for a in store.annotations(layer=Layer.CODER)}
    root = _qde(path)
    users = {u.get("id") for u in root.iter(Q + "User")}
    assert coders <= users
    assert any(u.startswith("consensus:") for u in users)
    variables = {v.get("guid"): v.get("name") for v in root.iter(Q + "Variable")}
    for case in root.iter(Q + "Case"):
        clip = clips[case.get("name")]
        values = {variables[vv.find(Q + "VariableRef").get("targetGUID")]:
                  next(iter(vv.iterchildren(Q + "TextValue", Q + "IntegerValue",
                                            Q + "DateValue", Q + "FloatValue"))).text
                  for vv in case.iter(Q + "VariableValue")}
        assert values["borough"] == clip.borough
        assert values["date"] == clip.date.isoformat()
        assert int(values["n_officers"]) == clip.n_officers


def test_shareable_export_redacts_text_and_leaves_out_notes(
        exchange_demo: Project, demo_codebook: Codebook, tmp_path: Path) -> None:
    truth = json.loads((exchange_demo.root / "corpus" / "_truth" / "planted_pii.json")
                       .read_text(encoding="utf-8"))
    planted = [item["text"] for items in truth["planted"].values() for item in items]
    with exchange_demo.open_store() as store:
        store.set_note(store.clips()[0].clip_id, 0, "c01", note="check the PC's words")
        internal = export_qdpx(store, demo_codebook, tmp_path / "i.qdpx", layer="coder:c01")
        shared = export_qdpx(store, demo_codebook, tmp_path / "s.qdpx", layer="coder:c01",
                             shareable=True)
    internal_root, shared_root = _qde(internal), _qde(shared)
    assert len(internal_root.findall(f"{Q}Notes/{Q}Note")) == 1
    assert shared_root.find(f"{Q}Notes") is None

    def texts(path: Path) -> str:
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(n).decode() for n in archive.namelist()
                           if n.startswith("Sources/"))

    assert len(planted) > 10
    assert sum(item in texts(internal) for item in planted) == len(planted)
    assert [item for item in planted if item in texts(shared)] == []


def test_a_clip_with_media_becomes_an_audio_source_with_sync_points(
        tmp_path: Path, demo_codebook: Codebook, schema: etree.XMLSchema) -> None:
    media = tmp_path / "clip.wav"
    with wave.open(str(media), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000 * 3)
    utterances = [Utterance("A1", 0, 0.25, 1.5, "PC Test", Role.OFFICER, "Stop there please."),
                  Utterance("A1", 1, 1.75, 2.9, "Subject", Role.SUBJECT, "Why?")]
    with Store(f"sqlite:///{tmp_path / 's.sqlite'}") as store:
        store.put_clip(Clip("A1", media_path=str(media), synthetic=True), utterances, "h")
        path = export_qdpx(store, demo_codebook, tmp_path / "m.qdpx")
    root = _qde(path)
    assert schema.validate(root), schema.error_log.last_error
    audio = root.find(f"{Q}Sources/{Q}AudioSource")
    points = [(int(p.get("position")), int(p.get("timeStamp")))
              for p in audio.iter(Q + "SyncPoint")]
    assert [t for _, t in points] == [250, 1500, 1750, 2900]
    text = _source_text(path, audio.find(Q + "Transcript"))
    assert text[points[0][0]:points[1][0]] == "Stop there please."
    with zipfile.ZipFile(path) as archive:
        assert archive.read(f"Sources/{audio.get('guid')}.wav") == media.read_bytes()


def test_the_same_project_gives_the_same_bytes(
        exchange_demo: Project, demo_codebook: Codebook, tmp_path: Path) -> None:
    with exchange_demo.open_store() as store:
        first = export_qdpx(store, demo_codebook, tmp_path / "a.qdpx").read_bytes()
        second = export_qdpx(store, demo_codebook, tmp_path / "b.qdpx").read_bytes()
    assert first == second
