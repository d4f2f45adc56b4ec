"""Derived measures declared in the codebook (``derived:``), in a small, safe vocabulary.

No expressions are evaluated. A measure has a ``kind`` and lists of *indicators*; an indicator
names a code and, for categorical/ordinal codes, which values count (``values: [...]`` or
``at_least: KEY`` on an ordinal scale). For an utterance-level code an indicator is *met* in an
encounter when at least one turn by ``role`` carries a matching value; for a clip-level code,
when the clip's value matches. Kinds (per clip):

``share_met``
    100 × (positive indicators met + negative indicators *not* met) / indicators applicable.
    A clip-level indicator whose value is ``not_applicable`` leaves the denominator.
    Cf. Nawaz & Tankebe (2018), who score each procedural-justice dimension 0–100.
``all_met``
    True when every applicable indicator is met (and no negative one is), e.g. full
    GOWISELY compliance.
``rate_per_turns``
    ``per`` × (turns by ``role`` matching any indicator) / (turns by ``role``).
``balance_per_turns``
    ``per`` × (turns matching any ``plus`` indicator − turns matching any ``minus``
    indicator) / (turns by ``role``); e.g. de-escalation minus escalation per 100 officer turns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import field_validator, model_validator

from workbench.codebook.fields import CodebookProblem, OptionalText, Slug, Strict, Text

if TYPE_CHECKING:
    from workbench.codebook.schema import Code

MeasureKind = Literal["share_met", "all_met", "rate_per_turns", "balance_per_turns"]
TurnRole = Literal["officer", "subject", "any"]


#: kind -> (required lists, "a|b" = either; lists the kind must not have)
_KIND_LISTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "share_met": (("indicators|negative",), ("plus", "minus")),
    "all_met": (("indicators|negative",), ("plus", "minus")),
    "rate_per_turns": (("indicators",), ("negative", "plus", "minus")),
    "balance_per_turns": (("plus", "minus"), ("indicators", "negative")),
}


class Indicator(Strict):
    """A code, and which of its values count (nominal codes: "present").

    ``code`` may list several utterance-level codes of the same level: the indicator is then
    met by a turn carrying any of them (e.g. after a code was split in two).
    """

    code: Slug | list[Slug]
    values: list[str] = []
    at_least: str | None = None

    @property
    def code_ids(self) -> list[str]:
        return [self.code] if isinstance(self.code, str) else list(self.code)

    def describe(self) -> str:
        names = " or ".join(self.code_ids)
        if len(self.code_ids) > 1:
            names = f"({names})"
        if self.at_least is not None:
            return f"{names} ≥ {self.at_least}"
        if self.values:
            return f"{names} ∈ {{{', '.join(self.values)}}}"
        return names

    def matches(self, value: str, code: Code) -> bool:
        """Whether a stored ``value`` of ``code`` counts for this indicator."""
        if self.at_least is not None:
            rank = code.ordinal_rank(value)
            threshold = code.ordinal_rank(self.at_least)
            return rank is not None and threshold is not None and rank >= threshold
        if self.values:
            return value in self.values
        return value == "present"


class DerivedMeasure(Strict):
    """One derived measure: see the module docstring for the kinds."""

    id: Slug
    label: Text
    description: OptionalText = ""
    reference: OptionalText = ""
    kind: MeasureKind
    role: TurnRole = "officer"
    indicators: list[Indicator] = []
    negative: list[Indicator] = []
    plus: list[Indicator] = []
    minus: list[Indicator] = []
    per: int = 100

    @field_validator("indicators", "negative", "plus", "minus", mode="before")
    @classmethod
    def _names_as_indicators(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"code": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _lists_fit_kind(self) -> DerivedMeasure:
        required, forbidden = _KIND_LISTS[self.kind]
        for names in required:
            if not any(getattr(self, n) for n in names.split("|")):
                either = "' or '".join(names.split("|"))
                raise ValueError(f"a {self.kind} measure needs '{either}'")
        for name in forbidden:
            if getattr(self, name):
                raise ValueError(f"a {self.kind} measure takes no '{name}'")
        if self.per <= 0:
            raise ValueError("'per' must be a positive number of turns")
        return self

    def all_indicators(self) -> Iterator[tuple[str, Indicator]]:
        for name in ("indicators", "negative", "plus", "minus"):
            for indicator in getattr(self, name):
                yield name, indicator

    def formula(self, codes: Mapping[str, Code] | None = None) -> str:
        """The formula in words, for the coder's manual."""
        def turn_or_clip(ind: Indicator, negative: bool) -> str:
            code = codes.get(ind.code_ids[0]) if codes else None
            if code is not None and code.unit == "clip":
                return f"the clip is {'not ' if negative else ''}coded {ind.describe()}"
            who = "any" if self.role == "any" else self.role
            lead = "no" if negative else "at least one"
            return f"{lead} {who} turn coded {ind.describe()}"

        if self.kind in ("share_met", "all_met"):
            parts = [turn_or_clip(i, False) for i in self.indicators]
            parts += [turn_or_clip(i, True) for i in self.negative]
            listed = "; ".join(parts)
            units = {codes[i.code_ids[0]].unit for _, i in self.all_indicators()
                     if codes and i.code_ids[0] in codes}
            notes = []
            if "clip" in units:
                notes.append("clip-level indicators coded not_applicable do not count; "
                             "blank while any of them is uncoded")
            if "utterance" in units and self.role != "any":
                notes.append(f"blank for a clip without {self.role} turns")
            note = f" ({'; '.join(notes)})" if notes else ""
            if self.kind == "share_met":
                return (f"100 × (indicators met) / (indicators applicable), out of "
                        f"{len(parts)}: {listed}{note}.")
            return f"true when all of these hold: {listed}{note}."
        who = "all" if self.role == "any" else self.role
        if self.kind == "rate_per_turns":
            listed = " or ".join(i.describe() for i in self.indicators)
            return (f"{self.per} × (turns coded {listed}) / ({who} turns); blank for a clip "
                    f"without {who} turns.")
        plus = " or ".join(i.describe() for i in self.plus)
        minus = " or ".join(i.describe() for i in self.minus)
        return (f"{self.per} × ((turns coded {plus}) − (turns coded {minus})) / "
                f"({who} turns); positive when more turns are in the first group; blank for "
                f"a clip without {who} turns.")


def check_measures(measures: list[DerivedMeasure],
                   codes: Mapping[str, Code]) -> Iterator[CodebookProblem]:
    """Problems of the derived measures against the codebook's codes."""
    seen: set[str] = set()
    for i, measure in enumerate(measures):
        loc: tuple[str | int, ...] = ("derived", i)
        field = f"derived[{i}]"
        if measure.id in seen or measure.id in codes:
            yield CodebookProblem(f"measure id '{measure.id}' repeats a measure or code id",
                                  field=f"{field}.id", loc=(*loc, "id"))
        seen.add(measure.id)
        for name, ind in measure.all_indicators():
            where = f"{field}.{name} ({measure.id})"
            for code_id in ind.code_ids:
                code = codes.get(code_id)
                if code is None:
                    yield CodebookProblem(f"{where} names unknown code '{code_id}'",
                                          code_id=code_id, field=field, loc=(*loc, name))
                    continue
                problem = _indicator_problem(ind, code, measure)
                if problem:
                    yield CodebookProblem(f"{where}: {problem}", code_id=code_id,
                                          field=field, loc=(*loc, name))


def _indicator_problem(ind: Indicator, code: Code, measure: DerivedMeasure) -> str | None:
    if code.level == "interval":
        return "interval codes cannot be indicators"
    if len(ind.code_ids) > 1 and code.unit == "clip":
        return "only utterance-level codes can be listed together in one indicator"
    if measure.kind in ("rate_per_turns", "balance_per_turns") and code.unit == "clip":
        return "turn rates take utterance-level codes only"
    if code.level == "nominal":
        return "a nominal code takes no 'values' or 'at_least'" \
            if ind.values or ind.at_least else None
    if code.level == "categorical" and (ind.at_least or not ind.values):
        return "a categorical code needs 'values' (which options count)"
    if code.level == "ordinal" and bool(ind.values) == (ind.at_least is not None):
        return "an ordinal code needs exactly one of 'values' or 'at_least'"
    allowed = code.option_keys()
    for key in ind.values:
        if key not in allowed:
            return f"'{key}' is not a value of {code.id}; allowed: {', '.join(allowed)}"
    scale = [o.key for o in code.scale]
    if ind.at_least is not None and ind.at_least not in scale:
        return f"at_least '{ind.at_least}' is not on the scale of {code.id}: {', '.join(scale)}"
    return None
