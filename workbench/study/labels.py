"""Labels for what a reader sees: codebook labels and metadata names instead of ids.

The published CSVs keep ids (``pj_invites_account``, ``group_var``, model terms such as
``C(power)[T.PACE 1984 s1]``) because they are data for re-analysis; the report, and every
axis, tick and legend of a figure, shows :class:`Labels` instead:

* a column header → :data:`COLUMN_LABELS`, else a code's label, an option's label, a
  metadata column's name, else the words of the id in sentence case;
* a cell → a code's label (``code_id``, ``element``, ``tactic`` … columns), the label of the
  option of that row's code (``value``), a derived measure's label, a model term as
  "Power used: PACE 1984 s1", a grouping variable's name, or the words of any other
  ``snake_case`` id. Free text (redacted quotations) is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from workbench.codebook.book import Codebook

#: Headers of the columns the study's tables use.
COLUMN_LABELS: dict[str, str] = {
    "group_var": "Grouping", "group": "Group", "code_id": "Code", "unit": "Unit",
    "applies_to": "Applies to", "value": "Option", "clips": "Encounters",
    "clips_with": "Encounters with at least one", "pct": "%", "pct_low": "95% CI low (%)",
    "pct_high": "95% CI high (%)", "turn_role": "Turns of", "turns": "Turns",
    "coded_turns": "Coded turns", "rate_per_100_turns": "Rate per 100 turns",
    "element": "Element", "count": "Count", "not_assessed": "Not assessed",
    "compliant": "Fully compliant", "measure": "Measure", "n": "N", "mean": "Mean",
    "sd": "SD", "nawaz_tankebe_2018": "Nawaz & Tankebe (2018)",
    "opening_move": "Opening move", "escalated": "Escalated", "not_escalated": "Not escalated",
    "tactic": "Tactic", "occurrences": "Occurrences", "drops": "Followed by a drop",
    "base_pct": "Base rate (%)", "difference": "Difference (points)", "band": "Band",
    "position": "Position (% of the encounter)", "resistance_level": "Resistance (mean rank)",
    "cumulative_balance": "Escalation balance", "trajectory": "Trajectory",
    "rule_based": "Rule-based type", "direction": "Direction", "antecedent": "Antecedent",
    "consequent": "Consequent", "row_total": "Row total", "col_total": "Column total",
    "expected": "Expected", "adjusted_residual": "Adjusted residual (z)",
    "yules_q": "Yule's Q", "p_permutation": "p (permutation)", "resisted": "Resisted",
    "median_s": "Median (s)", "q1_s": "Lower quartile (s)", "q3_s": "Upper quartile (s)",
    "mean_s": "Mean (s)", "km_median_s": "Kaplan–Meier median (s)", "term": "Term",
    "odds_ratio": "Odds ratio", "ci_low": "95% CI low", "ci_high": "95% CI high",
    "p_value": "p", "variant": "Model", "status": "Status", "events": "Events",
    "clusters": "Clusters", "formula": "Formula", "reason": "Reason", "level": "Level",
    "alpha_level": "Alpha computed at level", "alpha": "Krippendorff's alpha",
    "n_units": "Units", "n_coders": "Coders", "prevalence": "Prevalence (share)",
    "verdict": "Verdict", "codes": "Codes", "step": "Step", "part": "Part",
    "minutes": "Minutes", "median_minutes": "Median minutes", "force_factor": "Force factor",
    "force_used": "Force used", "excerpt": "Excerpt", "pj_score": "Procedural-justice score",
    "utterance_index": "Turn", "anchor": "Anchor turn", "speaker": "Speaker", "text": "Text",
    "tactics": "Tactics", "Total": "Total", "audio_quality": "Audio quality",
    "rule": "Consensus rule", "result": "Result", "description": "Description",
    "item": "Item", "detail": "Detail",
}

#: Clip metadata columns (grouping variables) by name.
METADATA_LABELS: dict[str, str] = {
    "ethnicity": "Ethnicity", "age_band": "Age band", "gender": "Gender",
    "power": "Power used", "outcome": "Outcome", "borough": "Borough", "bcu": "BCU",
    "n_officers": "Number of officers", "date": "Date", "grounds_quality": "Quality of the "
    "grounds given", "audio_quality": "Audio quality", "duration": "Duration (s)",
    "all": "All encounters",
}

#: Other ids the study's analyses put in cells (model predictors, measures, directions).
TERM_LABELS: dict[str, str] = {
    "Intercept": "Intercept", "opening_command": "Opened with a command",
    "grounds_early": "Grounds in the first three officer turns",
    "explanation_early": "Explanation in the first three officer turns",
    "courtesy_early": "Courtesy in the first three officer turns",
    "n_officers": "Number of officers", "logit": "Logit",
    "clustered": "Logit, cluster-robust errors", "gee": "GEE, exchangeable",
    "mixed": "Random intercept (borough)",
    "grounds_before_search": "Grounds before the search",
    "explanation_before_search": "Any legal explanation before the search",
    "grounds_before_handcuffs": "Grounds before handcuffing",
    "explanation_before_handcuffs": "Any legal explanation before handcuffing",
    "officer_to_subject": "Officer to subject", "subject_to_officer": "Subject to officer",
    "utterance": "Turn", "clip": "Encounter", "escalated": "Escalated",
    "adjudicated": "Adjudicated (the study's consensus layer)", "majority": "Majority vote",
    "unanimous": "Unanimous only", "any_coder": "Any coder", "present": "Present",
}

#: Who a code applies to (``applies_to``, ``turn_role``).
SPEAKERS: dict[str, str] = {"all": "All turns", "any": "Any speaker", "officer": "Officer",
                            "subject": "Subject", "third_party": "Third party"}
#: Columns whose cells name a code (their labels are the code's label).
CODE_COLUMNS: tuple[str, ...] = ("code_id", "element", "tactic", "code")
#: Columns whose cells are an option of the row's code (looked up through CODE_COLUMNS).
OPTION_COLUMNS: tuple[str, ...] = ("value",)
#: A snake_case id, and a patsy model term ``C(var)[T.level]``.
SNAKE_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
TERM = re.compile(r"^C\((?P<var>[^)]+)\)\[T\.(?P<level>.*)\]$")
FORMULA_TOKEN = re.compile(r"C\([^)]+\)|[A-Za-z_][A-Za-z0-9_]*")


def humanise(identifier: str) -> str:
    """``"label_only"`` → ``"Label only"`` (the words of an id, in sentence case)."""
    words = identifier.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else words


class Labels:
    """Headers and cell labels for a study's tables and figures (see the module docstring).

    Parameters
    ----------
    codebook : the run's codebook (code, option, group and derived-measure labels).
    extra : more ``id → label`` pairs (e.g. a project's own metadata columns).
    """

    def __init__(self, codebook: Codebook | None = None,
                 extra: Mapping[str, str] | None = None) -> None:
        self.codes: dict[str, str] = {}
        self.options: dict[tuple[str, str], str] = {}
        self.measures: dict[str, str] = {}
        any_option: dict[str, set[str]] = {}
        if codebook is not None:
            for code in codebook.codes:
                self.codes[code.id] = code.label
                options = [*code.options, *code.scale]
                if code.not_applicable is not None:
                    options.append(code.not_applicable)
                for option in options:
                    self.options[(code.id, option.key)] = option.label
                    any_option.setdefault(option.key, set()).add(option.label)
            self.measures = {m.id: m.label for m in codebook.derived}
            self.groups = {g.id: g.label for g in codebook.groups}
        else:
            self.groups = {}
        #: option keys whose label is the same in every code that has them
        self.option_any = {k: next(iter(v)) for k, v in any_option.items() if len(v) == 1}
        self.extra = dict(extra or {})

    # ---- ids → labels ----------------------------------------------------------------------
    def name(self, identifier: str) -> str:
        """The label of any id the study uses (code, measure, metadata column, term …)."""
        for table in (self.extra, METADATA_LABELS, TERM_LABELS, self.codes, self.measures,
                      self.groups, self.option_any):
            if identifier in table:
                return table[identifier]
        match = TERM.match(identifier)
        if match:
            return f"{self.name(match['var'])}: {match['level']}"
        return humanise(identifier) if SNAKE_ID.match(identifier) else identifier

    def phrase(self, identifier: str) -> str:
        """:meth:`name` for use inside a sentence ("by age band", "by power used"): the first
        letter in lower case unless the first word is an acronym (BCU, GOWISELY)."""
        text = self.name(identifier)
        first = text.split(" ", 1)[0]
        return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]

    def header(self, column: str) -> str:
        """A column's header."""
        if column in self.extra:
            return self.extra[column]
        if column in COLUMN_LABELS:
            return COLUMN_LABELS[column]
        return self.name(column)

    def headers(self, columns: Iterable[str]) -> list[str]:
        return [self.header(c) for c in columns]

    def value(self, column: str, text: str, row: Mapping[str, str] | None = None) -> str:
        """The label of a cell of ``column`` (``row``: the other cells, by column)."""
        if text == "" or _is_number(text):
            return text
        if column in OPTION_COLUMNS and row is not None:
            code = next((row[c] for c in CODE_COLUMNS if c in row), None)
            if code is not None and (code, text) in self.options:
                return self.options[(code, text)]
        if column == "group" and text == "all":
            return "All"
        if column in ("applies_to", "turn_role") and text in SPEAKERS:
            return SPEAKERS[text]
        if column == "formula":
            return self.formula(text)
        if column == "tactics" and text:
            return "; ".join(self.name(t.strip()) for t in re.split(r"[;,]", text) if t.strip())
        return self.name(text)

    def formula(self, text: str) -> str:
        """A model formula with each variable written as its label."""
        return FORMULA_TOKEN.sub(lambda m: self._term_name(m.group(0)), text)

    def _term_name(self, token: str) -> str:
        inner = re.match(r"^C\((.+)\)$", token)
        return self.name(inner.group(1)) if inner else self.name(token)

    def row(self, header: Sequence[str], cells: Sequence[str], *,
            keep: Iterable[str] = ()) -> list[str]:
        """A whole row labelled; ``keep``: columns left as they are (free text)."""
        by_column = dict(zip(header, cells, strict=False))
        kept = set(keep)
        return [text if column in kept else self.value(column, text, by_column)
                for column, text in zip(header, cells, strict=False)]

    def series(self, column: str, values: Iterable[object]) -> list[str]:
        """Labels for tick or legend entries of ``column``."""
        return [self.value(column, str(v)) for v in values]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
