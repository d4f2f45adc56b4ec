"""A neutral, tool-independent picture of a REFI-QDA project (QDA-XML 1.0).

The reader (:mod:`workbench.exchange.qde_read`) builds it from any tool's ``project.qde``; the
writer (:mod:`workbench.exchange.qde_write`) serialises it; the mappings to and from the store
(:mod:`workbench.exchange.from_store`, :mod:`workbench.exchange.to_store`) work on it only.
Positions are 0-based character offsets (Unicode code points) into a source's plain text,
``end`` exclusive, as the REFI-QDA 1.5 specification defines them; times are milliseconds.

Reference: REFI-QDA Project Exchange standard 1.5 and its schema ``Project-mrt2019.xsd``
(``urn:QDA-XML:project:1.0``, MIT licence), bundled in ``schema/``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

NAMESPACE = "urn:QDA-XML:project:1.0"
TAG = f"{{{NAMESPACE}}}"  # prefix of a qualified element name: TAG + "Project"
_GUID_NAMESPACE = uuid.UUID("6f1b7f2e-5d0c-4b1a-9a55-2b0b8d6c1e01")


def guid(*parts: object) -> str:
    """A stable GUID for the thing named by ``parts`` (uuid5): same input, same export."""
    return str(uuid.uuid5(_GUID_NAMESPACE, "\x1f".join(str(p) for p in parts)))


@dataclass
class QdaUser:
    guid: str
    name: str
    id: str = ""


@dataclass
class QdaCode:
    """A code; ``children`` nest. ``codable`` false for a folder-like parent."""

    guid: str
    name: str
    codable: bool = True
    description: str = ""
    color: str | None = None
    children: list[QdaCode] = field(default_factory=list)

    def walk(self, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], QdaCode]]:
        """This code and its descendants, each with its path of names from the top."""
        here = (*path, self.name)
        found = [(here, self)]
        for child in self.children:
            found.extend(child.walk(here))
        return found


@dataclass
class QdaCoding:
    guid: str
    code_guid: str
    user_guid: str | None = None
    created: str | None = None  # xsd:dateTime text


@dataclass
class QdaSelection:
    """A coded or annotated span: text positions, or sync points of a transcript."""

    guid: str
    start: int
    end: int
    name: str = ""
    description: str = ""
    user_guid: str | None = None
    created: str | None = None
    codings: list[QdaCoding] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)


@dataclass
class QdaSyncPoint:
    guid: str
    position: int  # character offset in the transcript text
    time_ms: int


@dataclass
class QdaSource:
    """A source. ``kind`` is the element name (TextSource, AudioSource, VideoSource, PDFSource,
    PictureSource). ``text`` is the plain text (a text source's, or its transcript's)."""

    guid: str
    name: str
    kind: str = "TextSource"
    text: str | None = None
    media_path: str | None = None
    transcript_guid: str | None = None
    sync_points: list[QdaSyncPoint] = field(default_factory=list)
    selections: list[QdaSelection] = field(default_factory=list)
    description: str = ""
    user_guid: str | None = None
    created: str | None = None


@dataclass
class QdaVariable:
    guid: str
    name: str
    type: str = "Text"  # Text, Boolean, Integer, Float, Date, DateTime


@dataclass
class QdaCase:
    guid: str
    name: str
    values: dict[str, str] = field(default_factory=dict)  # variable guid -> value text
    source_guids: list[str] = field(default_factory=list)


@dataclass
class QdaNote:
    guid: str
    name: str
    text: str
    user_guid: str | None = None
    created: str | None = None


@dataclass
class QdaProject:
    name: str
    origin: str = ""
    created: str | None = None
    creating_user: str | None = None
    users: list[QdaUser] = field(default_factory=list)
    codes: list[QdaCode] = field(default_factory=list)
    variables: list[QdaVariable] = field(default_factory=list)
    cases: list[QdaCase] = field(default_factory=list)
    sources: list[QdaSource] = field(default_factory=list)
    notes: list[QdaNote] = field(default_factory=list)
    description: str = ""
    #: how the file counted text positions (converted to code points on reading): "code
    #: points" as the standard says, or "UTF-16 code units" as NVivo writes them
    position_unit: str = "code points"
    #: parts of the file this model does not carry (sets, links, graphs, …): element -> count
    unmapped: dict[str, int] = field(default_factory=dict)

    def all_codes(self) -> list[tuple[tuple[str, ...], QdaCode]]:
        """Every code with its path of names, depth first."""
        found: list[tuple[tuple[str, ...], QdaCode]] = []
        for code in self.codes:
            found.extend(code.walk())
        return found
