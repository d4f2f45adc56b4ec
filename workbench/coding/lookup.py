"""The codebook at hand: a code's help text for coders, and search over the codebook."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.codebook.book import Codebook
from workbench.codebook.schema import Code


@dataclass(frozen=True)
class CodeHelp:
    """What a coder needs to decide on a code; ``options`` are (key, label, anchor) in order."""

    code_id: str
    label: str
    group: str
    unit: str
    applies_to: str
    level: str
    shortcut: str | None
    definition: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    examples: tuple[tuple[str, str | None], ...]
    options: tuple[tuple[str, str, str], ...]


def code_help(codebook: Codebook, code_id: str) -> CodeHelp:
    """Help for one code (unknown ids raise :class:`CodebookError` with near matches)."""
    code = codebook.code(code_id)
    options = [*code.options, *code.scale]
    if code.not_applicable is not None:
        options.append(code.not_applicable)
    return CodeHelp(
        code_id=code.id, label=code.label, group=codebook.group(code.group).label,
        unit=str(code.unit), applies_to=code.applies_to, level=code.level,
        shortcut=code.shortcut, definition=code.definition, include=tuple(code.include),
        exclude=tuple(code.exclude),
        examples=tuple((e.text, e.value) for e in code.examples),
        options=tuple((o.key, o.label, o.anchor) for o in options),
    )


def _haystack(codebook: Codebook, code: Code) -> str:
    parts = [code.id, code.label, codebook.group(code.group).label, code.definition,
             code.level, code.applies_to, *code.include, *code.exclude,
             *(e.text for e in code.examples)]
    for option in (*code.options, *code.scale, code.not_applicable):
        if option is not None:
            parts += [option.key, option.label, option.anchor]
    return " ".join(parts).lower()


def search_codes(codebook: Codebook, query: str) -> list[Code]:
    """Codes whose id, label, group, definition, rules, examples or options contain every
    word of ``query`` (case-insensitive), in codebook order; an empty query lists all."""
    terms = query.lower().split()
    return [c for c in codebook.codes
            if all(term in _haystack(codebook, c) for term in terms)]
