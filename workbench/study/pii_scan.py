"""Scan a run folder for planted identifying strings (a test of the publication gate).

The synthetic demo corpus plants names, streets, phone numbers and the like in its
transcripts and returns them; no output of a study run may contain any of them. Every
text-bearing file is read: HTML, CSV, JSON, SVG, Markdown and text as text; ``.xlsx`` cell by
cell; ``.ipynb`` as its JSON (sources and every output).

Matching is by whole words, with runs of whitespace as one space. A planted string with a
space, a digit or ``@`` matches in any case. A single word (a surname such as "Long") matches
only capitalised as planted, so "how long" is no hit; and a word that is also ordinary
vocabulary of the outputs (``vocabulary``: category labels such as "Black or Black British",
cited authors) counts only after a title or rank ("PC Black", "Mr Black").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.study.data import StudyData

TEXT_SUFFIXES: frozenset[str] = frozenset({".html", ".htm", ".csv", ".json", ".svg", ".md",
                                           ".txt", ".ipynb", ".yaml", ".yml"})
#: Suffixes that hold no text to scan (raster images).
SKIPPED_SUFFIXES: frozenset[str] = frozenset({".png", ".jpg", ".jpeg", ".gif"})


@dataclass(frozen=True)
class Hit:
    """One planted string found: file (relative to the scanned folder), where, and what."""

    path: str
    location: str
    planted: str
    context: str

    def __str__(self) -> str:
        return f"{self.path} ({self.location}): {self.planted!r} in …{self.context}…"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


TITLES = r"(?:PC|PCSO|PS|DC|DS|DI|Sgt|Sergeant|Constable|Officer|Inspector|Mr|Mrs|Ms|Miss|Mx|Dr)"


def _pattern(needle: str, vocabulary: set[str]) -> re.Pattern[str] | None:
    key = _normalise(needle).strip()
    if not key:
        return None
    body = re.escape(key).replace("\\ ", r"\s")
    if re.search(r"[\s\d@]", key) or not key.isalpha():
        return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
    if key.casefold() in vocabulary:
        return re.compile(rf"\b{TITLES}\.?\s{body}(?!\w)")
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """(location, text) pieces of one file."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row
                         if isinstance(v, str)]
                yield f"sheet {sheet.title!r}", "\n".join(cells)
        finally:
            book.close()
        return
    raw = path.read_bytes()
    yield "file", raw.decode("utf-8", errors="replace")
    if suffix in (".ipynb", ".json"):  # JSON escapes ("\u00e9", "\n") hide matches
        import json

        try:
            yield "decoded JSON", "\n".join(_json_strings(json.loads(raw)))
        except ValueError:
            return


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def scannable_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` that can hold text, sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and (p.suffix.lower() in TEXT_SUFFIXES or p.suffix.lower() == ".xlsx"))


class _Needles:
    """The planted strings, each with its pattern, compiled once."""

    def __init__(self, planted: Iterable[str], vocabulary: Iterable[str]) -> None:
        words = {w.casefold() for phrase in vocabulary for w in re.findall(r"\w+", phrase)}
        self.items = [(needle, _normalise(needle).strip().casefold(), pattern)
                      for needle in sorted(set(planted))
                      if (pattern := _pattern(needle, words)) is not None]

    def scan(self, text: str) -> list[tuple[str, str]]:
        haystack = _normalise(text)
        folded = haystack.casefold()
        found = []
        for needle, key, pattern in self.items:
            if key not in folded:  # fast pre-check before the regular expression
                continue
            match = pattern.search(haystack)
            if match is not None:
                found.append((needle, haystack[max(match.start() - 30, 0):match.end() + 30]))
        return found


def scan_text(text: str, planted: Sequence[str],
              vocabulary: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(planted string, context) for each planted string found in ``text``."""
    return _Needles(planted, vocabulary).scan(text)


def scan_outputs(folder: str | Path, planted: Iterable[str],
                 vocabulary: Iterable[str] = ()) -> list[Hit]:
    """Every occurrence (one per file and string) of a planted string under ``folder``;
    empty when the outputs are clean. ``vocabulary``: see the module docstring.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "t.csv").write_text("clip,quote\\nC1,Call Darnell  Okafor\\n")
    ...     [h.planted for h in scan_outputs(d, ["darnell okafor", "Acacia Road", "Call"])]
    ['Call', 'darnell okafor']
    """
    folder = Path(folder)
    needles = _Needles(planted, vocabulary)
    hits: list[Hit] = []
    for path in scannable_files(folder):
        seen: set[str] = set()
        for location, text in _texts(path):
            for needle, context in needles.scan(text):
                if needle in seen:
                    continue
                seen.add(needle)
                hits.append(Hit(path.relative_to(folder).as_posix(), location, needle, context))
    return hits


def output_vocabulary(data: StudyData) -> list[str]:
    """Words the outputs of a study use that are not personal details: the grouping
    variables' category labels, the codebook's ids, labels and option keys, and the cited
    authors (:data:`workbench.study.gate.CITED_AUTHORS`)."""
    from workbench.study.gate import CITED_AUTHORS

    words = set(CITED_AUTHORS)
    for column in data.params.group_by:
        words |= {str(v) for v in data.clips[column].dropna().unique()}
    for code in data.codebook.codes:
        words |= {code.id, code.label, *code.option_keys()}
        words |= {o.label for o in (*code.options, *code.scale)}
    words |= {g.label for g in data.codebook.groups}
    return sorted(words)
