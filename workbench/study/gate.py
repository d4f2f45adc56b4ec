"""The publication gate: what every table and text passes before it leaves a study run.

:class:`PublicationGate` is the interface the outputs registry calls; :class:`PrivacyGate`
implements it with :mod:`workbench.privacy`: disclosure control of long tables
(:func:`~workbench.privacy.disclosure.suppress_rows`, one call per :class:`CountRule`, the
suppressions of all rules combined) and of two-way count tables
(:func:`~workbench.privacy.disclosure.suppress_counts`), and redaction of free text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from workbench.exceptions import ParameterError
from workbench.privacy import disclosure
from workbench.privacy.audit import Derived
from workbench.study.params import MIN_THRESHOLD, STANDARD_THRESHOLD

#: Authors the study cites: kept in titles and notes (never in data text), where the name
#: finder would otherwise take them for people's names.
CITED_AUTHORS: tuple[str, ...] = (
    "Allison", "Alpert", "Bakeman", "Dunham", "Haberman", "Hayes", "James", "Kaplan", "Koch",
    "Krippendorff", "Landis", "Liang", "Liker", "Meier", "Nawaz", "Newcombe", "Quera", "Rho",
    "Tankebe", "Terrill", "Todak", "Tyler", "Voigt", "Wilson", "Yule", "Zeger", "Zimmerman",
)
_CITED = re.compile(r"\b(?:" + "|".join(CITED_AUTHORS) + r")\b")

def spec_columns(spec: str) -> list[str]:
    """The table columns a population spec reads (``"a:b"``, ``"name=col"``, ``"col"``)."""
    if ":" in spec:
        return spec.split(":", 1)
    return [spec.rpartition("=")[2]]


#: Stands for "every row of the table" in a line (an empty line in a :class:`CountRule`).
WHOLE_TABLE = "__whole_table__"


@dataclass(frozen=True)
class CountRule:
    """One count of encounters (or people) in a long table and what rests on it.

    ``count``: the count column (e.g. ``clips_with``); ``base``: its denominator (``clips``);
    ``values``: columns computed from them (percentages, interval limits, rates, means), which
    are suppressed wherever the count or base is. ``count_lines``/``base_lines``: column sets
    whose rows add up to a published total (secondary suppression; see
    :func:`workbench.privacy.disclosure.suppress_rows`); an empty set ``()`` means "all the
    rows of the table add up to a published total". ``complements``: counts that the base
    minus the count gives (e.g. ``not_escalated``), suppressed together with the count.

    For the study-wide audit (:mod:`workbench.study.crosstable`), whom the rows count:
    ``population``: specs of the base population (``"group_var:group"``, ``"opening_move"``);
    ``level``: the count's level within it when the levels of a variable exclude each other
    (``"element:value"``); else ``event``: the yes/no event counted (default: the count
    column, e.g. ``escalated``; its complement is ``no``). ``level_when`` (``"unit=clip"``):
    only rows with that value have exclusive levels; in the others each level is an event of
    its own (a clip can show several), known for every clip of the row's population (its
    base is that whole population, e.g. "at least one turn coded so"). Rules declaring none
    of these are checked within their table only. Spec syntax: :mod:`workbench.study.crosstable`.
    ``derived``: how a variable the rows name is defined from others
    (:class:`~workbench.privacy.audit.Derived`; the force factor from force and resistance),
    so the table is audited with its sources' tables.
    """

    count: str | None = None
    base: str | None = None
    values: tuple[str, ...] = ()
    count_lines: tuple[tuple[str, ...], ...] = ()
    base_lines: tuple[tuple[str, ...], ...] = ()
    complements: tuple[str, ...] = ()
    population: tuple[str, ...] = ()
    level: str | None = None
    event: str | None = None
    level_when: str | None = None
    derived: tuple[Derived, ...] = ()

    def columns(self) -> list[str]:
        """The table columns the rule names."""
        named = [self.count, self.base, *self.values, *self.complements,
                 *(c for line in self.count_lines for c in line),
                 *(c for line in self.base_lines for c in line),
                 *(c for spec in (*self.population, self.level or "") if spec
                   for c in spec_columns(spec)),
                 *([self.level_when.partition("=")[0]] if self.level_when else [])]
        return [c for c in named if c is not None]


def counts(count: str | None = None, *, base: str | None = None, values: Sequence[str] = (),
           count_lines: Sequence[Sequence[str]] = (),
           base_lines: Sequence[Sequence[str]] = (),
           complements: Sequence[str] = (), population: Sequence[str] = (),
           level: str | None = None, event: str | None = None,
           level_when: str | None = None, derived: Sequence[Derived] = ()) -> CountRule:
    """Shorthand for :class:`CountRule` with lists (as notebooks write them)."""
    if count is None and base is None:
        raise ParameterError("a count rule needs a count column, a base column or both",
                             field="count")
    if level and event:
        raise ParameterError("a count rule counts a level or an event, not both",
                             field="level")
    return CountRule(count, base, tuple(values), tuple(tuple(x) for x in count_lines),
                     tuple(tuple(x) for x in base_lines), tuple(complements),
                     tuple(population), level, event, level_when, tuple(derived))


@dataclass(frozen=True)
class TableRules:
    """How a long table is protected: its count rules and its free-text columns."""

    rules: tuple[CountRule, ...] = ()
    text: tuple[str, ...] = field(default_factory=tuple)


class PublicationGate(Protocol):
    """Disclosure control and redaction for published outputs."""

    threshold: int
    marker: str

    def protect(self, frame: pd.DataFrame, rules: TableRules) -> tuple[pd.DataFrame, int]:
        """The publishable copy of a long table and the number of cells suppressed."""
        ...

    def protect_crosstab(self, counts: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        """A two-way count table with totals, confidential cells marked; cells suppressed."""
        ...

    def redact(self, text: str) -> str:
        """``text`` (data: transcript text) with identifying details replaced."""
        ...

    def redact_prose(self, text: str) -> str:
        """Redaction of the team's own prose (titles, notes) that keeps cited authors."""
        ...

    def footnote(self) -> str:
        """One paragraph for the report saying what was done to the tables."""
        ...


class PrivacyGate:
    """:class:`PublicationGate` backed by :mod:`workbench.privacy`.

    Parameters
    ----------
    threshold : counts from 1 to ``threshold − 1`` are confidential (default 10); never
        under :data:`~workbench.study.params.MIN_THRESHOLD`, and under the standard 10 only
        with ``small_cells_reason``.
    rounding_base : round published counts to this base (e.g. 5), or None.
    redactor : text → redacted text; default :func:`workbench.study.gate.default_redactor`.
    small_cells_reason : why a threshold under 10 is allowed (printed in the footnote).
    """

    def __init__(self, threshold: int = disclosure.DEFAULT_THRESHOLD, *,
                 rounding_base: int | None = None,
                 redactor: Callable[[str], str] | None = None,
                 small_cells_reason: str | None = None) -> None:
        if not isinstance(threshold, int) or threshold < MIN_THRESHOLD:
            raise ParameterError(f"disclosure threshold {threshold!r}; expected a whole number "
                                 f"≥ {MIN_THRESHOLD}", field="disclosure_threshold")
        if threshold < STANDARD_THRESHOLD and not (small_cells_reason or "").strip():
            raise ParameterError(f"disclosure threshold {threshold} is under the standard "
                                 f"{STANDARD_THRESHOLD}; it needs a stated reason "
                                 "(allow_small_cells and small_cells_reason)",
                                 field="disclosure_threshold")
        self.small_cells_reason = (small_cells_reason.strip()
                                   if threshold < STANDARD_THRESHOLD and small_cells_reason
                                   else None)
        self.threshold = threshold
        self.rounding_base = rounding_base
        self.marker = disclosure.CONFIDENTIAL
        self._redact = redactor or default_redactor()

    def protect(self, frame: pd.DataFrame, rules: TableRules) -> tuple[pd.DataFrame, int]:
        out = frame.reset_index(drop=True).copy()
        source = out.assign(**{WHOLE_TABLE: "all"})
        masks: dict[str, pd.Series] = {}
        for rule in rules.rules:
            done = disclosure.suppress_rows(
                source, count_column=rule.count, base_column=rule.base,
                value_columns=list(rule.values), other_count_columns=list(rule.complements),
                threshold=self.threshold,
                count_lines=[list(x) or [WHOLE_TABLE] for x in rule.count_lines],
                base_lines=[list(x) or [WHOLE_TABLE] for x in rule.base_lines],
                rounding_base=self.rounding_base, marker=self.marker)
            for column in [c for c in (rule.count, rule.base, *rule.values, *rule.complements)
                           if c is not None]:
                hit = done[column].map(lambda v: isinstance(v, str) and v == self.marker)
                masks[column] = masks.get(column, hit) | hit
                if self.rounding_base and column in (rule.count, rule.base):
                    out[column] = done[column].where(~hit, out[column])
        suppressed = 0
        whole = {c for rule in rules.rules for c in (rule.count, rule.base, *rule.complements)
                 if c is not None}
        for column in whole:
            out[column] = out[column].map(_whole_number)
        for column, mask in masks.items():
            suppressed += int(mask.sum())
            out[column] = out[column].astype(object).where(~mask, self.marker)
        for column in rules.text:
            out[column] = out[column].map(lambda v: v if not isinstance(v, str)
                                          else self._redact(v))
        return out, suppressed

    def protect_crosstab(self, counts: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        result = disclosure.suppress_counts(counts, self.threshold)
        shown = disclosure.publish_counts(result, rounding_base=self.rounding_base,
                                          marker=self.marker)
        return shown, int(result.mask.to_numpy().sum())

    def redact(self, text: str) -> str:
        return self._redact(text) if text else text

    def redact_prose(self, text: str) -> str:
        if not text:
            return text
        kept: list[str] = []

        def hold(match: re.Match[str]) -> str:
            kept.append(match.group(0))
            return f"\ue000{len(kept) - 1}\ue001"

        masked = _CITED.sub(hold, text)
        redacted = self._redact(masked)
        return re.sub("\ue000(\\d+)\ue001", lambda m: kept[int(m.group(1))], redacted)

    def footnote(self) -> str:
        text = disclosure.footnote(self.threshold, self.rounding_base)
        if self.small_cells_reason:
            text += (f" Small cells allowed: the threshold is {self.threshold}, under the "
                     f"standard {STANDARD_THRESHOLD}, because: {self.small_cells_reason}")
        return text


def _whole_number(value: object) -> object:
    """A count stored as a float (pandas does, next to gaps) back to an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def default_redactor() -> Callable[[str], str]:
    """The workbench's redaction of free text (:mod:`workbench.privacy`)."""
    from workbench.privacy.redaction import redact

    return redact
