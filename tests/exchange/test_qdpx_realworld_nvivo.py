"""A real REFI-QDA export written by NVivo 12.6 (Windows), imported with its report.

``tests/data/realworld/qdpx/nvivo_12_6_oltas_trimmed.qdpx`` is derived from ``oltas0517.qdpx``
in DEpt-metagenom/pyqdpx (MIT; see ``tests/data/realworld/MANIFEST.yaml``): NVivo's XML as
written, with the selections past the kept text removed and the rich-text (.docx) references
dropped; the two plain texts cut to their first lines, every letter and digit masked (the
sources are public video comments by named accounts), lengths and line ends (CRLF) unchanged.

What it exercises that no workbench export does: a 152-code, six-level codebook with folder
codes (``isCodable="false"``) and descriptions, two users, CRLF texts, a byte-order mark, and
**positions in UTF-16 code units** (NVivo is a .NET program): the eight emoji in the kept text
shift every later selection by one per emoji if read as code points.

The expectations are counted here with lxml and plain string arithmetic, sharing no code with
``workbench.exchange``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from workbench.exchange import import_qdpx, read_qdpx
from workbench.exchange.qde_read import SCHEMA
from workbench.store import Store

NVIVO = (Path(__file__).resolve().parents[1] / "data" / "realworld" / "qdpx"
         / "nvivo_12_6_oltas_trimmed.qdpx")
NS = {"q": "urn:QDA-XML:project:1.0"}


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point spans of the non-empty lines of a CRLF text."""
    spans, at = [], 0
    for line in text.split("\r\n"):
        if line.strip():
            spans.append((at, at + len(line)))
        at += len(line) + 2
    return spans


def _code_points(text: str, units: int) -> int:
    """The code-point offset of a UTF-16 code-unit offset (counted char by char)."""
    seen = 0
    for index, char in enumerate(text):
        if seen >= units:
            return index
        seen += 2 if ord(char) > 0xFFFF else 1
    return len(text)


@pytest.fixture(scope="module")
def held() -> dict:
    """What the file holds and what an honest import of it must give, counted independently."""
    with zipfile.ZipFile(NVIVO) as archive:
        root = etree.fromstring(archive.read("project.qde"),
                                etree.XMLParser(resolve_entities=False, no_network=True))
        texts = {}
        for source in root.findall("q:Sources/q:TextSource", NS):
            name = "Sources/" + source.get("plainTextPath").removeprefix("internal://")
            texts[source.get("guid")] = archive.read(name).decode("utf-8-sig")
    annotations, partial, aligned_units, aligned_points = set(), 0, 0, 0
    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", NS)}
    selections = root.findall(".//q:PlainTextSelection", NS)
    for sel in selections:
        guid = sel.getparent().get("guid")
        text, spans = texts[guid], _lines(texts[guid])
        raw = int(sel.get("startPosition")), int(sel.get("endPosition"))
        start, end = (_code_points(text, n) for n in raw)
        aligned_units += any(span == (start, end) for span in spans)
        aligned_points += any(span == raw for span in spans)
        touched = [i for i, (a, b) in enumerate(spans) if start < b and a < end]
        if len(touched) != 1 or not (start <= spans[touched[0]][0]
                                     and spans[touched[0]][1] <= end):
            partial += len(sel.findall("q:Coding", NS))
        for coding in sel.findall("q:Coding", NS):
            code = coding.find("q:CodeRef", NS).get("targetGUID")
            for index in touched:
                annotations.add((guid, index, code, users[coding.get("creatingUser")]))
    codes = root.findall(".//q:CodeBook//q:Code", NS)
    return {
        "origin": root.get("origin"), "root": root, "users": sorted(users.values()),
        "sources": len(texts), "codes": len(codes),
        "codable": sum(c.get("isCodable") == "true" for c in codes),
        "selections": len(selections), "codings": len(root.findall(".//q:Coding", NS)),
        "utterances": sum(len(_lines(t)) for t in texts.values()),
        "annotations": len(annotations), "partial": partial,
        "aligned as UTF-16": aligned_units, "aligned as code points": aligned_points,
        "astral": sum(ord(c) > 0xFFFF for t in texts.values() for c in t),
        "coders": sorted({a[3] for a in annotations}),
    }


def test_the_file_is_what_the_manifest_says(held: dict) -> None:
    assert held["origin"] == "NVivo for Windows 12.6"
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(held["root"])
    assert {k: held[k] for k in ("sources", "codes", "codable", "selections", "codings",
                                 "utterances", "astral")} == {
        "sources": 2, "codes": 152, "codable": 151, "selections": 67, "codings": 67,
        "utterances": 254, "astral": 8}
    # NVivo counts UTF-16 units: read so, most selections are exactly one comment line
    assert held["aligned as UTF-16"] == 53
    assert held["aligned as code points"] == 13
    assert (held["annotations"], held["partial"], held["coders"]) == (67, 14, ["Gergo"])


def test_the_import_maps_every_selection_to_the_turns_it_covers(held: dict,
                                                                fresh_store_url: str) -> None:
    project = read_qdpx(NVIVO)
    assert project.position_unit == "UTF-16 code units"
    assert len(project.all_codes()) == held["codes"]
    store = Store(fresh_store_url)
    try:
        report, codebook = import_qdpx(store, NVIVO)
        assert codebook is not None and codebook.id.startswith("imported-")
        assert len(codebook.codes) == held["codable"]
        assert (report.clips, report.utterances) == (held["sources"], held["utterances"])
        assert report.annotations == held["annotations"]
        assert report.coders == sorted(name.lower() for name in held["coders"])
        assert len(report.partial) == held["partial"]
        assert report.untimed_sources == held["sources"]
        clips = store.clips()
        utterances = [u for clip in clips for u in store.utterances(clip.clip_id)]
        assert not any(u.text.endswith("\r") for u in utterances)  # CRLF: no stray CR
        assert {(u.start, u.end) for u in utterances} == {(0.0, 0.0)}
    finally:
        store.close()
    summary = report.summary()
    assert "read as characters" in summary and "UTF-16" in summary
    assert f"{held['sources']} text sources have no times (no sync points)" in summary
    assert f"selections that do not match whole utterances ({held['partial']})" in summary
