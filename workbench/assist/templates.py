"""Which demo phrase template an utterance came from (for template-held-out evaluation).

The demo's dialogue is drawn from the phrase banks in :mod:`workbench.demo.phrases`, so a model
can learn a template's exact words rather than the code. ROUND2 "Honest evaluation of
assistance": evaluation holds template variants out. The generator does not store the template
of a turn, so we recover it independently from the text: every template becomes its literal
parts (the text between ``{placeholders}``); an utterance's template is the matching template
with the most literal characters (all its parts occur, in order). Subject turns joined from
several parts get the template of their longest matching part. Utterances matching no
template (e.g. real transcripts), or only templates of fewer than :data:`MIN_LETTERS`
literal letters, get ``None``.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator
from functools import lru_cache
from types import ModuleType

from workbench.demo.phrases import Line, legal, officer, opening, outcome, subject

#: Templates with fewer literal letters than this are not matched (too little to go on).
MIN_LETTERS = 6


def _lines(obj: object) -> Iterator[Line]:
    if isinstance(obj, Line):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _lines(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _lines(item)


def _bank_lines(modules: Iterable[ModuleType]) -> list[tuple[str, Line]]:
    out: dict[str, tuple[str, Line]] = {}
    for module in modules:
        for name in sorted(vars(module)):
            if name.isupper():
                for line in _lines(getattr(module, name)):
                    out.setdefault(line.template, (f"{module.__name__.rsplit('.', 1)[1]}."
                                                   f"{name}", line))
    return list(out.values())


@lru_cache(maxsize=1)
def _templates() -> tuple[tuple[str, tuple[str, ...], int], ...]:
    """(template id, literal parts, literal length), longest first."""
    rows = []
    for bank_name, line in _bank_lines((legal, officer, opening, outcome, subject)):
        parts = tuple(p.strip().lower() for p, *_ in string.Formatter().parse(line.template)
                      if p and p.strip())
        letters = sum(ch.isalpha() for p in parts for ch in p)
        if letters >= MIN_LETTERS:  # "{address}, {postcode}." would match any text
            rows.append((f"{bank_name}:{line.template}", parts, sum(len(p) for p in parts)))
    rows.sort(key=lambda r: (-r[2], r[0]))
    return tuple(rows)


def _in_order(text: str, parts: tuple[str, ...]) -> bool:
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


@lru_cache(maxsize=65536)
def template_of(text: str) -> str | None:
    """The id (``bank:template``) of the demo template ``text`` was made from, or ``None``
    (matching ignores case: transcribed disfluencies lower-case a line's first letter)."""
    text = text.lower()
    for template_id, parts, _ in _templates():
        if parts[0] in text and _in_order(text, parts):
            return template_id
    return None


def template_ids(texts: Iterable[str]) -> list[str | None]:
    """:func:`template_of` for each text."""
    return [template_of(t) for t in texts]
