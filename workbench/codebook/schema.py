"""The parts of a codebook: options, codes, groups, changelog entries (pydantic v2).

Levels of measurement and the values an annotation may take:

- ``nominal``: present/absent; the stored value is ``"present"`` (absence = no annotation).
- ``categorical``: one of named ``options`` (unordered).
- ``ordinal``: one of an ordered ``scale`` (lowest first, each option with an anchor
  description), optionally a ``not_applicable`` option outside the order.
- ``interval``: a decimal number within ``range`` (min, max, unit).

A categorical code with ``multiple: true`` (from stop-search 1.2.0) takes a *set* of its
options per unit, stored as one canonical value (:mod:`workbench.codebook.sets`: option ids
sorted and joined by "+", e.g. ``"grounds+object"``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from workbench.codebook.fields import (
    CodebookProblem,
    OptionalText,
    SemVer,
    Slug,
    Strict,
    Text,
)
from workbench.codebook.sets import SET_SEPARATOR, canonical_set, split_set
from workbench.exceptions import CodebookError
from workbench.model import PRESENT, UnitType

Level = Literal["nominal", "categorical", "ordinal", "interval"]
AppliesTo = Literal["officer", "subject", "any"]
LEVELS: tuple[str, ...] = ("nominal", "categorical", "ordinal", "interval")


class Option(Strict):
    """One value of a categorical or ordinal code; ``anchor`` says when to choose it."""

    key: Slug
    label: Text
    anchor: OptionalText = ""


class Range(Strict):
    """The allowed values of an interval code, in ``unit`` (e.g. seconds)."""

    min: float
    max: float
    unit: Text

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.min < self.max:
            raise ValueError(f"range min ({self.min}) must be below max ({self.max})")
        return self


class Example(Strict):
    """A synthetic example utterance or situation; ``value`` for non-nominal codes."""

    text: Text
    value: str | None = None
    note: OptionalText = ""


class Group(Strict):
    id: Slug
    label: Text
    description: OptionalText = ""


class ChangelogEntry(Strict):
    version: SemVer
    date: dt.date | None = None
    changes: list[Text] = Field(min_length=1)


class Code(Strict):
    """One code of the codebook. See the module docstring for the levels."""

    id: Slug
    label: Text
    group: Slug
    unit: UnitType
    applies_to: AppliesTo
    level: Level
    definition: Text
    include: list[Text] = []
    exclude: list[Text] = []
    examples: list[Example]
    shortcut: str | None = None
    options: list[Option] = []
    scale: list[Option] = []
    not_applicable: Option | None = None
    range: Range | None = None
    multiple: bool = False
    #: fields filled with placeholders by an import from another tool (to be written later)
    imported: list[Literal["definition", "examples", "level", "unit", "applies_to"]] = []

    @field_validator("examples", mode="before")
    @classmethod
    def _examples_as_records(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"text": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("examples")
    @classmethod
    def _at_least_one_example(cls, value: list[Example]) -> list[Example]:
        if not value:
            raise ValueError("needs at least one example (synthetic wording)")
        return value

    @field_validator("shortcut")
    @classmethod
    def _single_key(cls, value: str | None) -> str | None:
        if value is not None and (len(value) != 1 or not value.isprintable() or value.isspace()):
            raise ValueError(f"shortcut must be a single printable key, not {value!r}")
        return value

    @model_validator(mode="after")
    def _level_matches_values(self) -> Code:
        def problem(message: str, field: str) -> CodebookProblem:
            return CodebookProblem(message, code_id=self.id, field=field)

        if self.level == "categorical" and len(self.options) < 2:
            raise problem("a categorical code needs 'options': at least two named options",
                          "options")
        if self.level == "ordinal":
            if len(self.scale) < 2:
                hint = " (found 'options': an ordinal code lists them under 'scale')" \
                    if self.options else ""
                raise problem("an ordinal code needs 'scale': an ordered list of at least two "
                              f"options, lowest first{hint}", "scale")
            for option in self.scale:
                if not option.anchor:
                    raise problem(f"scale option '{option.key}' needs an anchor description",
                                  "scale")
        if self.multiple and self.level != "categorical":
            raise problem(f"'multiple: true' fits a categorical code (a set of its options "
                          f"per unit), not a {self.level} one", "multiple")
        if self.level == "interval" and self.range is None:
            raise problem("an interval code needs 'range' (min, max, unit)", "range")
        extra = {
            "options": bool(self.options) and self.level != "categorical",
            "scale": bool(self.scale) and self.level != "ordinal",
            "not_applicable": self.not_applicable is not None and self.level != "ordinal",
            "range": self.range is not None and self.level != "interval",
        }
        for field, wrong in extra.items():
            if wrong:
                raise problem(f"'{field}' does not fit a {self.level} code", field)
        keys = [o.key for o in (*self.options, *self.scale)]
        if self.not_applicable is not None:
            keys.append(self.not_applicable.key)
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise problem(f"option keys must be unique; repeated: {', '.join(dupes)}",
                          "scale" if self.level == "ordinal" else "options")
        for example in self.examples:
            self._check_example(example)
        return self

    def _check_example(self, example: Example) -> None:
        if example.value is None:
            return
        try:
            self.validate_value(example.value)
        except CodebookError as exc:
            raise CodebookProblem(f"example value: {exc.message}", code_id=self.id,
                                  field="examples") from None

    # ---- values ----------------------------------------------------------------------------
    def option_keys(self) -> list[str]:
        """Allowed stored values: ``["present"]`` for nominal; keys in order otherwise.

        Ordinal codes list the scale lowest first, then ``not_applicable`` if any; interval
        codes have no keys (any decimal in range).
        """
        if self.level == "nominal":
            return [PRESENT]
        if self.level == "categorical":
            return [o.key for o in self.options]
        if self.level == "ordinal":
            na = [self.not_applicable.key] if self.not_applicable is not None else []
            return [o.key for o in self.scale] + na
        return []

    def option(self, key: str) -> Option:
        """The option (categorical, ordinal scale or not_applicable) with this key."""
        for option in (*self.options, *self.scale, self.not_applicable):
            if option is not None and option.key == key:
                return option
        raise CodebookError(self._bad_value(key), code_id=self.id, field="value")

    def ordinal_rank(self, key: str) -> int | None:
        """0-based position of ``key`` on the ordinal scale; None for not_applicable."""
        if self.level != "ordinal":
            raise CodebookError(f"is {self.level}, not ordinal: it has no rank order",
                                code_id=self.id, field="level")
        if self.not_applicable is not None and key == self.not_applicable.key:
            return None
        for rank, option in enumerate(self.scale):
            if option.key == key:
                return rank
        raise CodebookError(self._bad_value(key), code_id=self.id, field="value")

    def validate_value(self, value: str) -> str:
        """Return ``value`` if this code may take it, else raise :class:`CodebookError`."""
        if not isinstance(value, str):
            raise CodebookError(f"values are strings, got {type(value).__name__} {value!r}",
                                code_id=self.id, field="value")
        if self.level == "interval":
            assert self.range is not None
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise CodebookError(f"'{value}' is not a decimal number ({self.range.unit})",
                                    code_id=self.id, field="value") from None
            if not number.is_finite() or not self.range.min <= number <= self.range.max:
                raise CodebookError(
                    f"{value} is outside {self.range.min}–{self.range.max} {self.range.unit}",
                    code_id=self.id, field="value")
            return value
        if self.multiple:
            return self._validate_set(value)
        if value not in self.option_keys():
            raise CodebookError(self._bad_value(value), code_id=self.id, field="value")
        return value

    def _validate_set(self, value: str) -> str:
        items = split_set(value)
        unknown = sorted(items - set(self.option_keys()))
        if not items or unknown:
            shown = ", ".join(unknown) if unknown else "(an empty set)"
            raise CodebookError(
                f"'{value}' is not a set of this code's options ({shown} unknown); allowed: "
                f"{', '.join(self.option_keys())}, joined by '{SET_SEPARATOR}'",
                code_id=self.id, field="value")
        if canonical_set(items) != value:
            raise CodebookError(
                f"'{value}' is not in canonical form: store '{canonical_set(items)}' (option "
                f"ids sorted, joined by '{SET_SEPARATOR}')", code_id=self.id, field="value")
        return value

    def value_labels(self, value: str) -> list[str]:
        """The option labels a stored value stands for (several for a set code), in
        codebook order; raw ids for values this version does not know."""
        if self.level == "nominal" and value == PRESENT:
            return [self.label]
        if self.level == "interval":
            return [value]
        wanted = split_set(value) if self.multiple else {value}
        known = {o.key: o.label for o in (*self.options, *self.scale, self.not_applicable)
                 if o is not None}
        ordered = [known[k] for k in self.option_keys() if k in wanted]
        return ordered + sorted(v for v in wanted if v not in known)

    def _bad_value(self, value: str) -> str:
        allowed = ", ".join(self.option_keys()) or "(a decimal number)"
        return f"'{value}' is not a value of this {self.level} code; allowed: {allowed}"

    def applies_to_role(self, role: str) -> bool:
        """Whether a turn by ``role`` (officer/subject/third_party/unknown) may get this code."""
        return self.applies_to == "any" or self.applies_to == str(role)
