"""A real REFI-QDA project written by another tool: nothing in it is lost in silence.

``tests/data/realworld/qdpx/atlasti_8_4_standard_project.qde`` is the ``project.qde`` that
ATLAS.ti 8.4.0 (macOS) wrote for the REFI-QDA vendor test set ("ATLAS.ti standard project"),
as published in sky-loom/refi-qda (MIT; see ``tests/data/realworld/MANIFEST.yaml``). Its texts
and media were never published: every source names its text ``internal://…``, so

- read as it is (a bare ``.qde`` with no ``Sources/`` beside it), it is refused, naming the
  first source's line and reference, and an import stores nothing;
- read with its text references pointing outside (as an export whose files stayed on the
  author's machine), it is read, and the import report accounts for every source, selection,
  coding, note, set, link and graph the file holds.

The expectations are counted here with lxml (element by element), not by ``workbench.exchange``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from workbench.exceptions import WorkbenchError
from workbench.exchange import import_qdpx, read_qdpx
from workbench.exchange.qde_read import SCHEMA, QdpxError
from workbench.store import Store

ATLAS = (Path(__file__).resolve().parents[1] / "data" / "realworld" / "qdpx"
         / "atlasti_8_4_standard_project.qde")
NS = {"q": "urn:QDA-XML:project:1.0"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


@pytest.fixture(scope="module")
def tree() -> etree._ElementTree:
    return etree.parse(str(ATLAS), etree.XMLParser(resolve_entities=False, no_network=True))


@pytest.fixture(scope="module")
def held(tree: etree._ElementTree) -> dict[str, int]:
    """What the file holds, counted element by element."""
    root = tree.getroot()
    sources = list(root.find("q:Sources", NS))
    kinds = Counter(_local(s) for s in sources)
    text_sources = [s for s in sources if _local(s) == "TextSource"]
    text_selections = [sel for s in text_sources for sel in s.findall("q:PlainTextSelection", NS)]
    other = [s for s in sources if _local(s) in ("PDFSource", "PictureSource")]
    return {
        "codes": len(root.findall(".//q:CodeBook//q:Code", NS)),
        "users": len(root.findall("q:Users/q:User", NS)),
        "TextSource": kinds["TextSource"], "AudioSource": kinds["AudioSource"],
        "VideoSource": kinds["VideoSource"], "PDFSource": kinds["PDFSource"],
        "PictureSource": kinds["PictureSource"],
        "text selections": len(text_selections),
        "text codings": sum(len(sel.findall("q:Coding", NS)) for sel in text_selections),
        "pdf and picture selections": sum(1 for s in other for child in s
                                          if _local(child).endswith("Selection")),
        "video selections": len(root.findall("q:Sources/q:VideoSource/q:VideoSelection", NS)),
        "extra transcripts": sum(max(0, len(s.findall("q:Transcript", NS)) - 1)
                                 for s in sources),
        "notes": len(root.findall("q:Notes/q:Note", NS)),
        "sets": len(root.findall("q:Sets/q:Set", NS)),
        "links": len(root.findall("q:Links/q:Link", NS)),
        "graphs": len(root.findall("q:Graphs/q:Graph", NS)),
    }


def test_the_file_is_what_the_manifest_says(tree: etree._ElementTree,
                                            held: dict[str, int]) -> None:
    root = tree.getroot()
    assert root.get("origin").startswith("ATLAS.ti 8.4.0")
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(tree)  # a valid QDA-XML project
    assert held == {"codes": 14, "users": 3, "TextSource": 6, "AudioSource": 1,
                    "VideoSource": 2, "PDFSource": 2, "PictureSource": 1,
                    "text selections": 6, "text codings": 7, "pdf and picture selections": 5,
                    "video selections": 2, "extra transcripts": 1, "notes": 2, "sets": 16,
                    "links": 1, "graphs": 1}


def test_the_bare_qde_is_refused_naming_its_first_missing_text(
        tree: etree._ElementTree, fresh_store_url: str) -> None:
    first = tree.getroot().find("q:Sources/q:TextSource", NS)
    with pytest.raises(QdpxError) as raised:
        read_qdpx(ATLAS)
    assert raised.value.line == first.sourceline
    assert first.get("plainTextPath") in raised.value.message
    assert "bare .qde" in raised.value.message
    store = Store(fresh_store_url)
    try:
        before = store.table_counts()
        with pytest.raises(WorkbenchError):
            import_qdpx(store, ATLAS)
        assert store.table_counts() == before  # nothing half-written
    finally:
        store.close()


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same export, its text references pointing outside (files left on the author's disk)."""
    text = ATLAS.read_text("utf-8").replace('plainTextPath="internal://',
                                            'plainTextPath="absolute:///not-exported/')
    path = tmp_path_factory.mktemp("qdpx") / "atlasti_outside.qde"
    path.write_text(text, "utf-8")
    return path


def test_every_element_of_the_export_is_in_the_import_report(
        outside: Path, held: dict[str, int], fresh_store_url: str) -> None:
    project = read_qdpx(outside)
    assert len(list(project.all_codes())) == held["codes"]
    assert len(project.users) == held["users"]
    store = Store(fresh_store_url)
    try:
        report, codebook = import_qdpx(store, outside)
        assert codebook is not None and len(codebook.codes) == held["codes"]
        assert (report.clips, report.utterances, report.annotations) == (0, 0, 0)
        assert store.clips() == []
    finally:
        store.close()
    got = report.unmapped
    assert got["TextSource without text"] == held["TextSource"]
    assert got["selections on a TextSource without text"] == held["text selections"]
    assert got["codings on a TextSource without text"] == held["text codings"]
    assert got["AudioSource without text"] == held["AudioSource"]
    assert got["VideoSource without text"] == held["VideoSource"]
    assert got["VideoSource selections on the media timeline"] == held["video selections"]
    assert got["extra transcripts of a VideoSource"] == held["extra transcripts"]
    assert got["PDFSource sources (no text to code)"] == held["PDFSource"]
    assert got["PictureSource sources (no text to code)"] == held["PictureSource"]
    assert (got["selections on PDFSource sources"] + got["selections on PictureSource sources"]
            == held["pdf and picture selections"])
    assert got["notes (memos; not imported)"] == held["notes"]
    assert (got["sets"], got["links"], got["graphs"]) == (held["sets"], held["links"],
                                                           held["graphs"])
    summary = report.summary()
    assert f"{held['text codings']} codings on a TextSource without text" in summary
    assert f"{held['notes']} notes (memos; not imported)" in summary
