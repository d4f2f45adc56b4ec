"""Importing .qdpx projects: the demo round trip is lossless; other tools' files map or are
reported; malformed files are refused with a clear message."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbench.codebook.book import Codebook
from workbench.exceptions import WorkbenchError
from workbench.exchange import export_qdpx, import_qdpx, read_qdpx
from workbench.exchange.qde_read import QdpxError
from workbench.model import Annotation, Layer
from workbench.project import Project
from workbench.store import Store

HEADER = ('<?xml version="1.0" encoding="utf-8"?>\n'
          '<Project xmlns="urn:QDA-XML:project:1.0" name="Tiny" origin="hand-written test">')
U1 = "00000000-0000-0000-0000-0000000000a1"
C1, C2, S1, SEL1, SEL2, K1, K2 = (f"00000000-0000-0000-0000-00000000000{i}" for i in range(1, 8))


def _key(a: Annotation) -> tuple:
    return (a.clip_id, -1 if a.utterance_index is None else a.utterance_index, a.code_id,
            a.value, a.coder_id, str(a.layer))


def _qdpx(tmp_path: Path, xml: str, sources: dict[str, str]) -> Path:
    path = tmp_path / "tiny.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in sources.items():
            archive.writestr(f"Sources/{name}", text)
    return path


def _tiny(tmp_path: Path, *, selections: str) -> Path:
    text = "Interviewer: How did the stop start?\nResident: They just grabbed my arm.\n\n" \
           "It was late and I was scared.\n"
    xml = (f'{HEADER}<Users><User guid="{U1}" name="Ana Researcher"/></Users>'
           f'<CodeBook><Codes><Code guid="{C1}" name="Force" isCodable="true">'
           f'<Description>Physical contact</Description>'
           f'<Code guid="{C2}" name="Grab" isCodable="true"/></Code></Codes></CodeBook>'
           f'<Sources><TextSource guid="{S1}" name="Interview 1" '
           f'plainTextPath="internal://{S1}.txt">{selections}</TextSource></Sources>'
           '<Sets><Set guid="00000000-0000-0000-0000-0000000000f1" name="a set"/></Sets>'
           '</Project>')
    return _qdpx(tmp_path, xml, {f"{S1}.txt": text})


def _coding(sel: str, start: int, end: int, code: str, key: str) -> str:
    return (f'<PlainTextSelection guid="{sel}" startPosition="{start}" endPosition="{end}" '
            f'creatingUser="{U1}"><Coding guid="{key}" creatingUser="{U1}">'
            f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')


def test_the_demo_round_trip_keeps_every_annotation_and_utterance(
        exchange_demo: Project, demo_codebook: Codebook, tmp_path: Path,
        fresh_store_url: str) -> None:
    with exchange_demo.open_store() as store:
        path = export_qdpx(store, demo_codebook, tmp_path / "all.qdpx", layer="all")
        before = sorted(_key(a) for a in store.annotations(layer=None))
        turns = store.utterances_frame()[["clip_id", "utterance_index", "speaker", "text"]]
    with Store(fresh_store_url) as fresh:
        report, codebook = import_qdpx(fresh, path, codebook=demo_codebook)
        after = sorted(_key(a) for a in fresh.annotations(layer=None))
        again = fresh.utterances_frame()[["clip_id", "utterance_index", "speaker", "text"]]
    assert codebook is demo_codebook and report.unmatched_codes == []
    assert report.partial == [] and report.skipped == []
    assert len(before) > 1000 and after == before
    assert again.equals(turns)
    assert {k[5] for k in after} == {str(Layer.CODER), str(Layer.CONSENSUS)}


def test_a_foreign_codebook_gets_its_own_id_and_placeholders_marked_imported(
        tmp_path: Path, store: Store) -> None:
    path = _tiny(tmp_path, selections=_coding(SEL1, 46, 69, C2, K1))
    report, codebook = import_qdpx(store, path)
    assert codebook.id == "imported-tiny"
    codes = {c.label: c for c in codebook.codes}
    assert set(codes) == {"Force", "Force / Grab"}
    assert codes["Force"].definition == "Physical contact"
    assert "definition" not in codes["Force"].imported
    assert {"definition", "examples", "level"} <= set(codes["Force / Grab"].imported)
    [annotation] = store.annotations(layer=Layer.CODER)
    assert (annotation.clip_id, annotation.utterance_index) == ("interview_1", 1)
    assert annotation.coder_id == "ana_researcher"
    assert report.unmapped == {"sets": 1}
    assert "1 sets" in report.summary()


def test_utterances_are_paragraphs_with_speakers_from_a_leading_name(
        tmp_path: Path, store: Store) -> None:
    import_qdpx(store, _tiny(tmp_path, selections=""))
    turns = store.utterances("interview_1")
    assert [(u.speaker, u.text) for u in turns] == [
        ("Interviewer", "How did the stop start?"),
        ("Resident", "They just grabbed my arm."),
        ("unknown", "It was late and I was scared.")]


def test_partial_and_spanning_selections_are_reported_not_silently_widened(
        tmp_path: Path, store: Store) -> None:
    text_start = len("Interviewer: How did the stop start?\nResident: ")
    selections = (_coding(SEL1, text_start, text_start + 4, C1, K1)  # "They": part of turn 2
                  + _coding(SEL2, 13, text_start + 4, C2, K2))  # turn 1 into turn 2
    report = import_qdpx(store, _tiny(tmp_path, selections=selections))[0]
    assert len(report.partial) == 2
    assert report.partial[0].endswith("coded on turn 2 (the selection covers part of it)")
    assert report.partial[1].endswith("coded on 2 turns (1-2), of which 2 in part")
    units = sorted((a.utterance_index, a.code_id) for a in store.annotations(layer=Layer.CODER))
    assert units == [(0, "force_grab"), (1, "force"), (1, "force_grab")]


def test_a_whole_document_selection_is_coded_on_every_turn_and_says_so(
        tmp_path: Path, store: Store) -> None:
    """Another tool's selection of a whole untimed text: every turn, each listed, no times."""
    report = import_qdpx(store, _tiny(tmp_path, selections=_coding(SEL1, 0, 104, C1, K1)))[0]
    assert sorted(a.utterance_index for a in store.annotations(layer=Layer.CODER)) == [0, 1, 2]
    [line] = report.partial
    assert line.endswith("[0:104]: coded on 3 turns (1-3), each whole")
    assert {(u.start, u.end) for u in store.utterances("interview_1")} == {(0.0, 0.0)}
    summary = report.summary()
    assert "1 text sources have no times (no sync points)" in summary
    assert "selections that do not match whole utterances (1):" in summary
    assert "selection positions were written" not in summary  # code points, as the standard


def test_a_crlf_text_gives_the_same_turns_without_a_stray_carriage_return(
        tmp_path: Path, store: Store) -> None:
    path = _tiny(tmp_path, selections="")
    with zipfile.ZipFile(path) as archive:
        xml, text = archive.read("project.qde"), archive.read(f"Sources/{S1}.txt").decode()
    (tmp_path / "crlf").mkdir()
    crlf = _qdpx(tmp_path / "crlf", xml.decode(), {f"{S1}.txt": text.replace("\n", "\r\n")})
    import_qdpx(store, crlf)
    assert [u.text for u in store.utterances("interview_1")] == [
        "How did the stop start?", "They just grabbed my arm.", "It was late and I was scared."]


def test_a_selection_outside_every_utterance_is_skipped_and_listed(
        tmp_path: Path, store: Store) -> None:
    blank = len("Interviewer: How did the stop start?\nResident: They just grabbed my arm.\n")
    report = import_qdpx(store, _tiny(tmp_path, selections=_coding(SEL1, blank, blank + 1,
                                                                   C1, K1)))[0]
    assert store.annotations(layer=Layer.CODER) == []
    assert any("outside every utterance" in s for s in report.skipped)


def test_transcript_sync_points_give_utterances_their_times(
        tmp_path: Path, store: Store) -> None:
    text = "A: one two\nB: three\n"
    xml = (f'{HEADER}<Sources><AudioSource guid="{S1}" name="rec" path="internal://{S1}.m4a">'
           f'<Transcript guid="{SEL1}" plainTextPath="internal://{SEL1}.txt">'
           f'<SyncPoint guid="{K1}" position="3" timeStamp="1000"/>'
           f'<SyncPoint guid="{K2}" position="10" timeStamp="2500"/>'
           f'<SyncPoint guid="{C2}" position="14" timeStamp="3000"/>'
           f'<SyncPoint guid="{C1}" position="19" timeStamp="4200"/>'
           '</Transcript></AudioSource></Sources></Project>')
    import_qdpx(store, _qdpx(tmp_path, xml, {f"{SEL1}.txt": text}))
    assert [(u.start, u.end) for u in store.utterances("rec")] == [(1.0, 2.5), (3.0, 4.2)]


@pytest.mark.parametrize(("content", "message"), [
    (b"not a zip and not xml", "not well-formed"),
    (b"<?xml version='1.0'?><Project name='x'/>", "expected Project in namespace"),
    (f'{HEADER}<Users><User name="no guid"/></Users></Project>'.encode(),
     "does not follow the REFI-QDA schema"),
    (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;'
     b'&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><Project '
     b'xmlns="urn:QDA-XML:project:1.0" name="&c;"/>', "DOCTYPE"),
])
def test_malformed_files_are_refused_naming_the_problem(
        tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.qde"
    path.write_bytes(content)
    with pytest.raises(QdpxError, match=message) as raised:
        read_qdpx(path)
    assert str(path) in str(raised.value)


def test_a_missing_source_text_is_refused_and_nothing_is_stored(
        tmp_path: Path, store: Store) -> None:
    path = _tiny(tmp_path, selections="")
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde")
    broken = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("project.qde", qde)
    before = store.table_counts()
    with pytest.raises(WorkbenchError, match="not in the archive"):
        import_qdpx(store, broken)
    assert store.table_counts() == before
