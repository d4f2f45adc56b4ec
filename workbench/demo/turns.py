"""A generated speaker turn, the people in an encounter, and template filling.

A :class:`Turn` keeps what the generator knows and a transcript does not show: the codes the
move carries, which GOWISELY element (and how well) it gives, and the personal details it
plants. Timing is added later (:mod:`workbench.demo.speech`).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import lru_cache

from workbench.demo.codes import CODE_SPECS, rank
from workbench.demo.phrases import PII_PLACEHOLDERS, Line

OFFICER, SUBJECT, THIRD_PARTY = "officer", "subject", "third_party"
_ESCALATING = ("esc_threat", "esc_accusation", "esc_hostility", "pj_disrespect")


@dataclass
class Turn:
    """One utterance as generated; ``kind`` of an officer turn drives the subject's reply."""

    speaker: str
    role: str
    text: str
    codes: dict[str, str] = field(default_factory=dict)
    gow: tuple[str, str] | None = None  # (element, quality)
    overlap: bool = False
    pause: float = 0.0
    pii: list[tuple[str, str]] = field(default_factory=list)  # (kind, planted string)
    tag: str = ""

    @property
    def kind(self) -> str:
        """The kind of move: "deesc", "esc" or "neutral" (turns of non-officers: "neutral")."""
        if any(c.startswith("deesc_") for c in self.codes):
            return "deesc"
        command = self.codes.get("esc_command")
        if any(c in self.codes for c in _ESCALATING) or (
                command is not None and rank("esc_command", command) >= 2):
            return "esc"
        return "neutral"


@dataclass(frozen=True)
class Officer:
    label: str  # speaker label, e.g. "PC 4512"
    surname: str

    @property
    def rank(self) -> str:
        return self.label.split()[0]

    @property
    def number(self) -> str:
        return self.label.split()[1]


@dataclass
class People:
    """Who is present, and the words that stand for them in templates."""

    officers: list[Officer]
    fields: dict[str, str]  # subject's details, address forms, pronouns, place words
    n_bystanders: int = 0

    @property
    def lead(self) -> Officer:
        return self.officers[0]


@lru_cache(maxsize=4096)
def placeholders(template: str) -> tuple[str, ...]:
    """Names of the ``{fields}`` in ``template``."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def fill(line: Line, fields: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """The text of ``line`` and the personal details (kind, string) it plants."""
    names = placeholders(line.template)
    pii = [(PII_PLACEHOLDERS[n], fields[n]) for n in names if n in PII_PLACEHOLDERS]
    return line.template.format_map(fields), pii


def merge_codes(into: dict[str, str], extra: dict[str, str]) -> None:
    """Add ``extra`` codes; for an existing ordinal code keep the higher step."""
    for code_id, value in extra.items():
        old = into.get(code_id)
        spec = CODE_SPECS[code_id]
        if old is None or (spec.level == "ordinal" and
                           spec.options.index(value) > spec.options.index(old)):
            into[code_id] = value
