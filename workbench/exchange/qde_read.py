"""Read a REFI-QDA ``.qdpx`` (or a bare ``project.qde``) written by any tool.

The XML is parsed without entity expansion, network access or DTDs (lxml, ``huge_tree`` off),
and validated against the bundled schema first: a file that breaks the schema is refused with
the schema's message and line, never guessed at. Source text comes from ``PlainTextContent``
or from ``plainTextPath`` (``internal://…`` inside the zip, as ATLAS.ti, MAXQDA and QualCoder
write it). Elements this model does not carry (Sets, Links, Graphs, PDF and picture sources,
codings on whole sources, …) are counted in :attr:`QdaProject.unmapped` for the import
report — never dropped in silence.

**Positions.** The standard counts characters; NVivo (a .NET program) writes its text
selections' positions in UTF-16 code units, so every character outside the Basic Multilingual
Plane (an emoji) before a selection shifts it by one. In a public NVivo 12.6 export (kept in
part in ``tests/data/realworld/qdpx/``) 281 of 303 selections start and end on a line boundary
when read as UTF-16 units, 14 when read as code points. A project whose ``origin`` names
NVivo has its text positions converted to code points (:func:`utf16_to_code_points`) and its
:attr:`QdaProject.position_unit` says so; the import report repeats it.
"""

from __future__ import annotations

import bisect
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

from workbench.exceptions import InputError
from workbench.exchange.qda import (
    NAMESPACE,
    TAG,
    QdaCase,
    QdaCode,
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaSyncPoint,
    QdaUser,
    QdaVariable,
)

SCHEMA = Path(__file__).resolve().parent / "schema" / "Project-mrt2019.xsd"
MAX_QDE_BYTES = 200 * 1024 * 1024
_Q = TAG
_VALUE_TAGS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue",
               "DateTimeValue")
_MEDIA = ("AudioSource", "VideoSource")
#: ``origin`` prefixes of tools that write text positions in UTF-16 code units (see above)
UTF16_ORIGINS = ("NVivo",)


class QdpxError(InputError):
    """A .qdpx / .qde file that cannot be read (names the file, the entry and the line)."""


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The REFI-QDA project schema (QDA-XML 1.0, MIT licence; see ``schema/README.md``)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


def parse_qde(data: bytes, *, path: Path) -> etree._Element:
    """The validated root element of a ``project.qde`` document."""
    if len(data) > MAX_QDE_BYTES:
        raise QdpxError(f"project.qde is {len(data):,} bytes; the limit is {MAX_QDE_BYTES:,}",
                        path=path)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise QdpxError(f"project.qde is not well-formed XML: {exc.msg}", path=path,
                        line=exc.lineno) from None
    if root.getroottree().docinfo.internalDTD is not None or \
            root.getroottree().docinfo.doctype:
        raise QdpxError("project.qde has a DOCTYPE declaration; REFI-QDA files have none, and "
                        "entity definitions are refused (they can expand without bound)",
                        path=path, line=1)
    if root.tag != _Q + "Project":
        raise QdpxError(f"the root element is {root.tag!r}; expected Project in namespace "
                        f"{NAMESPACE}", path=path, line=root.sourceline)
    validator = schema()
    if not validator.validate(root):
        error = validator.error_log.last_error
        raise QdpxError(f"project.qde does not follow the REFI-QDA schema: {error.message}",
                        path=path, line=error.line) from None
    return root


class _Archive:
    """Where a project's files come from: a .qdpx zip, or the folder beside a bare .qde."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)

    def qde(self) -> bytes:
        if self.zip is None:
            return self.path.read_bytes()
        names = [n for n in self.zip.namelist() if n.lower().endswith(".qde")]
        if len(names) != 1:
            raise QdpxError(f"a .qdpx holds exactly one .qde file; found {len(names)} "
                            f"({', '.join(names[:5]) or 'none'})", path=self.path)
        return self.zip.read(names[0])

    def _member(self, name: str) -> str | None:
        """The archive entry ``Sources/<name>`` (any case of the folder), if there is one."""
        assert self.zip is not None
        wanted = ("sources/" + name.lstrip("/")).lower()
        return next((n for n in self.zip.namelist() if n.lower() == wanted), None)

    def text(self, reference: str, *, line: int | None) -> str | None:
        """The text a ``plainTextPath`` names, or None if it is outside the archive."""
        if reference.startswith("internal://"):
            name = reference.removeprefix("internal://")
        elif "://" not in reference and self.zip is not None and self._member(reference):
            name = reference  # a bare name of a file in the archive's Sources/ (qc writes it)
        else:
            return None
        if self.zip is None:
            candidate = self.path.parent / "Sources" / name
            data = candidate.read_bytes() if candidate.is_file() else None
        else:
            member = self._member(name)
            data = self.zip.read(member) if member else None
        if data is None and self.zip is None:
            raise QdpxError(f"source text {reference} is not in Sources/ beside this bare .qde "
                            "(a project.qde names its texts; they travel in the .qdpx): import "
                            "the .qdpx, or put the texts in Sources/", path=self.path, line=line)
        if data is None:
            raise QdpxError(f"source text {reference} is not in the archive", path=self.path,
                            line=line)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise QdpxError(f"source text {reference} is not UTF-8 text", path=self.path,
                            line=line) from None


def _child_text(el: etree._Element, tag: str) -> str:
    child = el.find(_Q + tag)
    return (child.text or "") if child is not None else ""


def _code(el: etree._Element) -> QdaCode:
    return QdaCode(el.get("guid"), el.get("name"), el.get("isCodable") == "true",
                   _child_text(el, "Description"), el.get("color"),
                   [_code(c) for c in el.findall(_Q + "Code")])


def _selection(el: etree._Element, start: int, end: int) -> QdaSelection:
    codings = [QdaCoding(c.get("guid"), c.find(_Q + "CodeRef").get("targetGUID"),
                         c.get("creatingUser"), c.get("creationDateTime"))
               for c in el.findall(_Q + "Coding")]
    return QdaSelection(el.get("guid"), start, end, el.get("name") or "",
                        _child_text(el, "Description"), el.get("creatingUser"),
                        el.get("creationDateTime"), codings,
                        [n.get("targetGUID") for n in el.findall(_Q + "NoteRef")])


def _count(project: QdaProject, what: str, n: int = 1) -> None:
    if n:
        project.unmapped[what] = project.unmapped.get(what, 0) + n


def _source_text(el: etree._Element, archive: _Archive, project: QdaProject) -> str | None:
    inline = el.find(_Q + "PlainTextContent")
    if inline is not None:
        return inline.text or ""
    reference = el.get("plainTextPath")
    if reference is None:
        return None
    text = archive.text(reference, line=el.sourceline)
    if text is None:
        _count(project, f"source text outside the archive ({reference})")
    return text


def utf16_to_code_points(text: str):
    """A function mapping a UTF-16 code-unit offset in ``text`` to its code-point offset."""
    if all(ord(c) <= 0xFFFF for c in text):
        return lambda offset: offset
    units, n = [], 0
    for char in text:
        units.append(n)
        n += 2 if ord(char) > 0xFFFF else 1
    units.append(n)
    return lambda offset: bisect.bisect_left(units, offset)


def _positions(text: str | None, project: QdaProject):
    """How this project's positions in ``text`` become code-point offsets."""
    if project.position_unit == "code points":
        return int
    return utf16_to_code_points(text or "")


def _text_source(el: etree._Element, archive: _Archive, project: QdaProject) -> QdaSource:
    source = QdaSource(el.get("guid"), el.get("name") or el.get("guid"), "TextSource",
                       _source_text(el, archive, project),
                       description=_child_text(el, "Description"),
                       user_guid=el.get("creatingUser"), created=el.get("creationDateTime"))
    position = _positions(source.text, project)
    for sel in el.findall(_Q + "PlainTextSelection"):
        source.selections.append(_selection(sel, position(int(sel.get("startPosition"))),
                                            position(int(sel.get("endPosition")))))
    _count(project, "codings on whole sources", len(el.findall(_Q + "Coding")))
    return source


def _media_source(el: etree._Element, archive: _Archive, project: QdaProject) -> QdaSource:
    kind = etree.QName(el).localname
    source = QdaSource(el.get("guid"), el.get("name") or el.get("guid"), kind,
                       media_path=el.get("path"), description=_child_text(el, "Description"),
                       user_guid=el.get("creatingUser"), created=el.get("creationDateTime"))
    transcripts = el.findall(_Q + "Transcript")
    _count(project, f"{kind} selections on the media timeline",
           len(el.findall(_Q + ("AudioSelection" if kind == "AudioSource" else
                                "VideoSelection"))))
    _count(project, "codings on whole sources", len(el.findall(_Q + "Coding")))
    _count(project, f"extra transcripts of a {kind}", max(0, len(transcripts) - 1))
    if not transcripts:
        return source
    transcript = transcripts[0]
    source.transcript_guid = transcript.get("guid")
    source.text = _source_text(transcript, archive, project)
    points = {}
    position = _positions(source.text, project)
    for point in transcript.findall(_Q + "SyncPoint"):
        if point.get("position") is None or point.get("timeStamp") is None:
            _count(project, "sync points without position or time")
            continue
        sync = QdaSyncPoint(point.get("guid"), position(int(point.get("position"))),
                            int(point.get("timeStamp")))
        points[sync.guid] = sync
        source.sync_points.append(sync)
    source.sync_points.sort(key=lambda p: (p.position, p.time_ms))
    for sel in transcript.findall(_Q + "TranscriptSelection"):
        start, end = points.get(sel.get("fromSyncPoint")), points.get(sel.get("toSyncPoint"))
        if start is None or end is None:
            _count(project, "transcript selections without both sync points")
            continue
        source.selections.append(_selection(sel, start.position, end.position))
    return source


def read_qdpx(path: str | Path) -> QdaProject:
    """The project in a ``.qdpx`` zip or a bare ``.qde`` file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise QdpxError("no such file", path=path)
    archive = _Archive(path)
    root = parse_qde(archive.qde(), path=path)
    project = QdaProject(root.get("name"), root.get("origin") or "",
                         root.get("creationDateTime"), root.get("creatingUserGUID"),
                         description=_child_text(root, "Description"))
    if project.origin.startswith(UTF16_ORIGINS):
        project.position_unit = "UTF-16 code units"
    project.users = [QdaUser(u.get("guid"), u.get("name") or u.get("id") or u.get("guid"),
                             u.get("id") or "") for u in root.iterfind(f"{_Q}Users/{_Q}User")]
    project.codes = [_code(c) for c in root.iterfind(f"{_Q}CodeBook/{_Q}Codes/{_Q}Code")]
    project.variables = [QdaVariable(v.get("guid"), v.get("name"), v.get("typeOfVariable"))
                         for v in root.iterfind(f"{_Q}Variables/{_Q}Variable")]
    for case in root.iterfind(f"{_Q}Cases/{_Q}Case"):
        values = {}
        for vv in case.findall(_Q + "VariableValue"):
            ref = vv.find(_Q + "VariableRef").get("targetGUID")
            value = next((vv.find(_Q + t) for t in _VALUE_TAGS
                          if vv.find(_Q + t) is not None), None)
            values[ref] = (value.text or "") if value is not None else ""
        project.cases.append(QdaCase(case.get("guid"), case.get("name") or case.get("guid"),
                                     values, [s.get("targetGUID")
                                              for s in case.findall(_Q + "SourceRef")]))
        _count(project, "case selection references", len(case.findall(_Q + "SelectionRef")))
    sources = root.find(_Q + "Sources")
    for el in sources if sources is not None else []:
        kind = etree.QName(el).localname
        if kind == "TextSource":
            project.sources.append(_text_source(el, archive, project))
        elif kind in _MEDIA:
            project.sources.append(_media_source(el, archive, project))
        else:
            _count(project, f"{kind} sources (no text to code)")
            _count(project, f"selections on {kind} sources",
                   sum(1 for child in el if etree.QName(child).localname.endswith("Selection")))
    for note in root.iterfind(f"{_Q}Notes/{_Q}Note"):
        project.notes.append(QdaNote(note.get("guid"), note.get("name") or "",
                                     _source_text(note, archive, project) or "",
                                     note.get("creatingUser"), note.get("creationDateTime")))
    for tag in ("Links/Link", "Sets/Set", "Graphs/Graph"):
        parent, child = tag.split("/")
        _count(project, f"{parent.lower()}", len(root.findall(f"{_Q}{parent}/{_Q}{child}")))
    _count(project, "project notes", len(root.findall(_Q + "NoteRef")))
    return project
