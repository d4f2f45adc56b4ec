"""The report model: a document of sections holding paragraphs, tables and figures.

Renderers (:mod:`workbench.report.html`, :mod:`workbench.report.pdf`) read only this model,
so any report of the workbench (the study report, the quality review, the panels' learning
report) is built the same way: make a :class:`Document`, then render it. Everything shown is
text the caller has already made publishable (labels, rounding, disclosure control): the
renderer adds no data of its own.

:meth:`Document.validate` refuses what a reader would stumble on: a title that is not in
sentence case (first letter a capital, no ``snake_case`` ids), two items with the same title
or id, a row whose length differs from its header, a footnote reference with no footnote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from workbench.exceptions import ParameterError

#: A ``snake_case`` identifier (two or more lower-case words joined by ``_``).
SNAKE_ID = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, whether it is a number (right-aligned), and the key of the
    table footnote it refers to (shown as a superscript link), if any."""

    text: str
    numeric: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Footnote:
    """A table footnote: ``key`` (e.g. ``"a"``) and its text."""

    key: str
    text: str


@dataclass(frozen=True)
class RowGroup:
    """A labelled run of rows shown as one collapsible part of a long table."""

    label: str
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True)
class Table:
    """A table: ``columns`` (header labels), then ``rows`` or, for a long table split by a
    grouping, ``groups`` (each collapsible; the first is open). ``notes`` go under it,
    ``footnotes`` under the notes, ``source`` names the data file it comes from."""

    id: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]] = ()
    groups: Sequence[RowGroup] = ()
    notes: str = ""
    footnotes: Sequence[Footnote] = ()
    source: str = ""

    @property
    def n_rows(self) -> int:
        return len(self.rows) + sum(len(g.rows) for g in self.groups)

    def all_rows(self) -> Iterator[Sequence[Cell]]:
        yield from self.rows
        for group in self.groups:
            yield from group.rows


@dataclass(frozen=True)
class Figure:
    """A figure: an SVG image (bytes), its title, alternative text and notes."""

    id: str
    title: str
    svg: bytes
    alt: str = ""
    notes: str = ""
    source: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (escaped when rendered)."""

    text: str


Block = Paragraph | Table | Figure


@dataclass(frozen=True)
class Section:
    """A titled section: an optional intro paragraph, then blocks in order."""

    id: str
    title: str
    intro: str = ""
    blocks: Sequence[Block] = ()


@dataclass(frozen=True)
class Document:
    """A whole report. ``meta``: short lines under the title (run, date, data);
    ``banner``: a warning shown prominently (e.g. synthetic data); ``appendix``: sections
    lettered A, B, … after the main ones."""

    title: str
    sections: Sequence[Section]
    meta: Sequence[str] = ()
    banner: str = ""
    appendix: Sequence[Section] = ()
    lang: str = "en"
    extra: dict[str, str] = field(default_factory=dict)

    def items(self) -> Iterator[tuple[Section, Table | Figure]]:
        """Every table and figure with its section, in document order."""
        for section in (*self.sections, *self.appendix):
            for block in section.blocks:
                if isinstance(block, Table | Figure):
                    yield section, block

    def validate(self) -> Document:
        """Return the document, or raise :class:`ParameterError` listing every problem."""
        problems: list[str] = []
        titles: dict[str, str] = {}
        ids: set[str] = set()
        for section in (*self.sections, *self.appendix):
            _check_title(section.title, f"section {section.id!r}", problems)
            _unique(f"Section:{section.id}", f"section {section.id!r}", ids, problems)
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    continue
                where = f"{type(block).__name__.lower()} {block.id!r}"
                if not ITEM_ID.match(block.id):
                    problems.append(f"{where}: id must be letters, digits, _ or -")
                _unique(f"{type(block).__name__}:{block.id}", where, ids, problems)
                _check_title(block.title, where, problems)
                key = block.title.casefold()
                if key in titles:
                    problems.append(f"{where}: title {block.title!r} is also the title of "
                                    f"{titles[key]}; titles are unique")
                titles.setdefault(key, where)
                if isinstance(block, Table):
                    _check_table(block, where, problems)
        if problems:
            raise ParameterError("the report cannot be rendered: " + "; ".join(problems),
                                 field="report")
        return self


def _unique(value: str, where: str, seen: set[str], problems: list[str]) -> None:
    if value in seen:
        problems.append(f"{where}: id used twice")
    seen.add(value)


def title_problems(title: str) -> list[str]:
    """What is wrong with a title: empty, not starting with a capital, showing an id."""
    if not title.strip():
        return ["empty title"]
    problems = []
    first = title.lstrip()[0]
    if first.isalpha() and not first.isupper():
        problems.append(f"title {title!r} is not in sentence case (capital first)")
    ids = SNAKE_ID.findall(title)
    if ids:
        problems.append(f"title {title!r} shows an id ({', '.join(ids)}); use its label")
    return problems


def _check_title(title: str, where: str, problems: list[str]) -> None:
    problems.extend(f"{where}: {p}" for p in title_problems(title))


def _check_table(table: Table, where: str, problems: list[str]) -> None:
    width = len(table.columns)
    keys = {f.key for f in table.footnotes}
    for i, row in enumerate(table.all_rows()):
        if len(row) != width:
            problems.append(f"{where}: row {i + 1} has {len(row)} cells for {width} columns")
            return
        for cell in row:
            if cell.note is not None and cell.note not in keys:
                problems.append(f"{where}: row {i + 1} refers to footnote {cell.note!r}, "
                                "which the table does not have")
                return
