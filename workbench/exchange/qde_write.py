"""Write a :class:`~workbench.exchange.qda.QdaProject` as ``project.qde`` and a ``.qdpx`` zip.

Elements are written in the order the schema's sequences require. Text goes to
``Sources/<guid>.txt`` in the zip (UTF-8), referenced as ``internal://<guid>.txt``, which is how
ATLAS.ti, MAXQDA and QualCoder exchange it; media files are copied in beside them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from workbench.exchange.qda import NAMESPACE, TAG, QdaCode, QdaProject, QdaSelection, QdaSource

_Q = TAG
#: zip entries carry no wall-clock time: the same project gives the same bytes
FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _el(parent: etree._Element | None, tag: str, **attrs: str | None) -> etree._Element:
    clean = {k: v for k, v in attrs.items() if v is not None}
    if parent is None:
        return etree.Element(_Q + tag, clean, nsmap={None: NAMESPACE})
    return etree.SubElement(parent, _Q + tag, clean)


def _text(parent: etree._Element, tag: str, text: str) -> None:
    if text:
        _el(parent, tag).text = text


def _code(parent: etree._Element, code: QdaCode) -> None:
    el = _el(parent, "Code", guid=code.guid, name=code.name,
             isCodable="true" if code.codable else "false", color=code.color)
    _text(el, "Description", code.description)
    for child in code.children:
        _code(el, child)


def _selection(parent: etree._Element, tag: str, sel: QdaSelection,
               span: dict[str, str]) -> None:
    el = _el(parent, tag, guid=sel.guid, name=sel.name or None, **span,
             creatingUser=sel.user_guid, creationDateTime=sel.created)
    _text(el, "Description", sel.description)
    for coding in sel.codings:
        c = _el(el, "Coding", guid=coding.guid, creatingUser=coding.user_guid,
                creationDateTime=coding.created)
        _el(c, "CodeRef", targetGUID=coding.code_guid)
    for note in sel.note_guids:
        _el(el, "NoteRef", targetGUID=note)


def _source(parent: etree._Element, source: QdaSource) -> None:
    common = {"guid": source.guid, "name": source.name, "creatingUser": source.user_guid,
              "creationDateTime": source.created}
    if source.kind == "TextSource":
        el = _el(parent, "TextSource", plainTextPath=f"internal://{source.guid}.txt", **common)
        _text(el, "Description", source.description)
        for sel in source.selections:
            _selection(el, "PlainTextSelection", sel,
                       {"startPosition": str(sel.start), "endPosition": str(sel.end)})
        return
    if source.kind not in ("AudioSource", "VideoSource"):
        raise ValueError(f"cannot write a {source.kind}")
    media = Path(source.media_path or "")
    el = _el(parent, source.kind, path=f"internal://{source.guid}{media.suffix}", **common)
    _text(el, "Description", source.description)
    transcript = _el(el, "Transcript", guid=source.transcript_guid, name=source.name,
                     plainTextPath=f"internal://{source.transcript_guid}.txt")
    by_position = {p.position: p.guid for p in source.sync_points}
    for point in source.sync_points:
        _el(transcript, "SyncPoint", guid=point.guid, timeStamp=str(point.time_ms),
            position=str(point.position))
    for sel in source.selections:
        _selection(transcript, "TranscriptSelection", sel,
                   {"fromSyncPoint": by_position[sel.start], "toSyncPoint": by_position[sel.end]})


def project_xml(project: QdaProject) -> bytes:
    """The ``project.qde`` document (UTF-8, with XML declaration)."""
    root = _el(None, "Project", name=project.name, origin=project.origin or None,
               creatingUserGUID=project.creating_user, creationDateTime=project.created)
    if project.users:
        users = _el(root, "Users")
        for user in project.users:
            _el(users, "User", guid=user.guid, name=user.name, id=user.id or None)
    if project.codes:
        codes = _el(_el(root, "CodeBook"), "Codes")
        for code in project.codes:
            _code(codes, code)
    if project.variables:
        variables = _el(root, "Variables")
        for var in project.variables:
            _el(variables, "Variable", guid=var.guid, name=var.name, typeOfVariable=var.type)
    types = {v.guid: v.type for v in project.variables}
    if project.cases:
        cases = _el(root, "Cases")
        for case in project.cases:
            el = _el(cases, "Case", guid=case.guid, name=case.name)
            for var_guid, value in case.values.items():
                vv = _el(el, "VariableValue")
                _el(vv, "VariableRef", targetGUID=var_guid)
                _el(vv, f"{types.get(var_guid, 'Text')}Value").text = value
            for source_guid in case.source_guids:
                _el(el, "SourceRef", targetGUID=source_guid)
    if project.sources:
        sources = _el(root, "Sources")
        for source in project.sources:
            _source(sources, source)
    if project.notes:
        notes = _el(root, "Notes")
        for note in project.notes:
            el = _el(notes, "Note", guid=note.guid, name=note.name, creatingUser=note.user_guid,
                     creationDateTime=note.created)
            _el(el, "PlainTextContent").text = note.text
    _text(root, "Description", project.description)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def write_qdpx(project: QdaProject, path: str | Path) -> Path:
    """Write ``path`` (a .qdpx zip: project.qde + Sources/); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        _add(archive, "project.qde", project_xml(project))
        for source in project.sources:
            text_guid = source.guid if source.kind == "TextSource" else source.transcript_guid
            _add(archive, f"Sources/{text_guid}.txt", (source.text or "").encode("utf-8"))
            if source.kind != "TextSource" and source.media_path:
                media = Path(source.media_path)
                _add(archive, f"Sources/{source.guid}{media.suffix}", media.read_bytes())
    return path
