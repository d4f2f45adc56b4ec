"""Study parameters: one YAML file, validated when it is loaded (fail early).

Every key is optional; unknown keys are refused (a typo must not silently fall back to a
default). Example ``study.yaml``::

    store: null                 # SQLAlchemy URL; default: the project's store
    codebook: stop-search@1.0.0 # NAME@VERSION; default: the project's codebook
    layer: consensus            # or coder:<id> (one coder's codes, for sensitivity checks)
    date_from: 2021-01-01       # inclusive; clips without a date are then excluded
    date_to: 2021-12-31         # inclusive
    boroughs: [Lambeth]         # only these boroughs (empty: all)
    bcus: []                    # only these BCUs (empty: all)
    group_by: [ethnicity, age_band, gender, power, outcome]
    disclosure_threshold: 10    # suppress counts below this (and the cells revealing them)
    allow_small_cells: false    # true (with small_cells_reason) to let the threshold be 3-9
    small_cells_reason: null    # why smaller cells may be shown; printed in the report
    rounding_base: null         # e.g. 5: round published counts to a multiple of 5
    bootstrap_resamples: 1000
    opening_words: 45           # the officer's first N words (section 12; Rho et al. 2023)
    seed: 20211
    output_dir: outputs         # run folders go inside; relative to this file (default:
                                # the project's outputs/ folder)

A relative ``output_dir`` given in a file is resolved against the file's folder; when none is
given, runs go to the project's ``outputs/`` folder (``P/outputs/<run>/``).

Guardrails (disclosure control cannot be switched off by a parameter file):

* ``disclosure_threshold`` is at least :data:`MIN_THRESHOLD` (3); below
  :data:`STANDARD_THRESHOLD` (10) only with ``allow_small_cells: true`` and a
  ``small_cells_reason``, both shown in the report's disclosure note and kept in provenance.
* ``group_by`` refuses identifiers: clip ids, officers (numbers, names), people's names, file
  paths, dates (:data:`IDENTIFIER_COLUMN`); and, once the data is read, any column whose
  distinct values exceed :data:`MAX_UNIQUE_SHARE` of the clips (:func:`check_groupings`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from workbench import textfiles
from workbench.exceptions import ParameterError

LAYER_PATTERN = re.compile(r"^(consensus|coder:[A-Za-z0-9_.@-]+)$")
CODEBOOK_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*@\d+\.\d+\.\d+\S*$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEFAULT_GROUP_BY: tuple[str, ...] = ("ethnicity", "age_band", "gender", "power", "outcome")
#: Disclosure threshold floor, and the standard below which a stated reason is required.
MIN_THRESHOLD = 3
STANDARD_THRESHOLD = 10
#: Column names that identify a clip or a person (word parts separated by ``_``): never a
#: grouping. ``n_officers`` (a count) is not an identifier; ``lead_officer`` is.
IDENTIFIER_COLUMN = re.compile(
    r"(^|_)(id|ids|uuid|clip|clips|officer|collar|warrant|shoulder|badge|"
    r"name|names|surname|forename|pnc|nino|dob|birth|address|postcode|email|phone|mobile|"
    r"registration|vrm|path|file|media|url|date|datetime|timestamp)(_|$)", re.IGNORECASE)
_COUNT_COLUMN = re.compile(r"^(n|num|number_of)_", re.IGNORECASE)
#: A grouping whose distinct values exceed this share of the clips (and number at least
#: :data:`MIN_LEVELS_CHECKED`) picks out encounters, not groups.
MAX_UNIQUE_SHARE = 0.1
MIN_LEVELS_CHECKED = 10

#: What each parameter accepts, quoted in error messages.
ALLOWED: dict[str, str] = {
    "store": "a SQLAlchemy URL (sqlite:///path or postgresql://user@host/db) or null",
    "codebook": "NAME@VERSION, e.g. stop-search@1.0.0, or null",
    "layer": "'consensus' or 'coder:<id>'",
    "date_from": "a date YYYY-MM-DD or null",
    "date_to": "a date YYYY-MM-DD or null (not before date_from)",
    "boroughs": "a list of borough names (empty: all)",
    "bcus": "a list of BCU names (empty: all)",
    "group_by": "a non-empty list of distinct clip metadata columns that are not "
                "identifiers (no clip ids, officers, names, dates), e.g. "
                + ", ".join(DEFAULT_GROUP_BY),
    "disclosure_threshold": f"a whole number ≥ {STANDARD_THRESHOLD} (counts below it are "
                            f"suppressed); {MIN_THRESHOLD}–{STANDARD_THRESHOLD - 1} only with "
                            "allow_small_cells: true and a small_cells_reason",
    "allow_small_cells": "true or false (true: a disclosure_threshold under "
                         f"{STANDARD_THRESHOLD} is allowed, with a small_cells_reason)",
    "small_cells_reason": "a sentence saying why cells under the standard threshold may be "
                          "published, or null",
    "rounding_base": "a whole number ≥ 1 (e.g. 5) or null (no rounding)",
    "bootstrap_resamples": "a whole number from 0 to 100000",
    "opening_words": "a whole number of words from 5 to 500 (45 in Rho et al. 2023)",
    "seed": "a whole number ≥ 0",
    "output_dir": "a folder path",
}

Names = Annotated[list[str], Field(default_factory=list)]


class StudyParams(BaseModel):
    """The validated parameters of one study run (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    store: str | None = None
    codebook: str | None = None
    layer: str = "consensus"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    boroughs: Names
    bcus: Names
    group_by: list[str] = Field(default_factory=lambda: list(DEFAULT_GROUP_BY))
    disclosure_threshold: int = Field(default=STANDARD_THRESHOLD, ge=MIN_THRESHOLD)
    allow_small_cells: bool = False
    small_cells_reason: str | None = None
    rounding_base: int | None = Field(default=None, ge=1)
    bootstrap_resamples: int = Field(default=1000, ge=0, le=100_000)
    opening_words: int = Field(default=45, ge=5, le=500)
    seed: int = Field(default=20211, ge=0)
    output_dir: Path = Path("outputs")

    @field_validator("layer")
    @classmethod
    def _layer(cls, value: str) -> str:
        if not LAYER_PATTERN.match(value):
            raise ValueError(f"{value!r} is not a layer")
        return value

    @field_validator("codebook")
    @classmethod
    def _codebook(cls, value: str | None) -> str | None:
        if value is not None and not CODEBOOK_PATTERN.match(value):
            raise ValueError(f"{value!r} is not NAME@VERSION")
        return value

    @field_validator("group_by")
    @classmethod
    def _group_by(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("is empty")
        bad = [v for v in value if not IDENTIFIER.match(v)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a column name")
        dupes = sorted({v for v in value if value.count(v) > 1})
        if dupes:
            raise ValueError(f"{', '.join(dupes)} listed twice")
        named = [v for v in value if is_identifier_column(v)]
        if named:
            raise ValueError(f"{named[0]!r} identifies clips or people (an id, officer, "
                             "name, path or date), so it cannot be a grouping")
        return value

    @field_validator("small_cells_reason")
    @classmethod
    def _reason(cls, value: str | None) -> str | None:
        if value is not None and len(value.strip()) < 10:
            raise ValueError("is too short to say why small cells may be published")
        return value.strip() if value is not None else None

    @model_validator(mode="after")
    def _small_cells(self) -> StudyParams:
        if self.disclosure_threshold >= STANDARD_THRESHOLD:
            return self
        if not self.allow_small_cells or not self.small_cells_reason:
            raise ValueError(
                f"disclosure_threshold {self.disclosure_threshold} is under the standard "
                f"{STANDARD_THRESHOLD}; set allow_small_cells: true and give a "
                "small_cells_reason (both are printed in the report), or use "
                f"{STANDARD_THRESHOLD} or more")
        return self

    @model_validator(mode="after")
    def _date_order(self) -> StudyParams:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError(f"date_to {self.date_to} is before date_from {self.date_from}")
        return self

    # ---- derived views ---------------------------------------------------------------------
    @property
    def small_cells_waiver(self) -> str | None:
        """The stated reason for a threshold under the standard, or None."""
        if self.disclosure_threshold < STANDARD_THRESHOLD:
            return self.small_cells_reason
        return None

    @property
    def coder_id(self) -> str | None:
        """The coder of a ``coder:<id>`` layer; None for the consensus layer."""
        return self.layer.split(":", 1)[1] if self.layer.startswith("coder:") else None

    def resolved(self, *, store: str, codebook: str, base: Path | None = None) -> StudyParams:
        """A copy with ``store``/``codebook`` filled in and ``output_dir`` made absolute."""
        output = self.output_dir
        if not output.is_absolute():
            output = (base or Path.cwd()) / output
        return self.model_copy(update={
            "store": self.store or store, "codebook": self.codebook or codebook,
            "output_dir": output.resolve()})

    def to_yaml(self) -> str:
        """The parameters as YAML (dates ISO, paths as text), loadable by :func:`parse_params`."""
        return textfiles.dump_yaml(self.model_dump(mode="json"))


def is_identifier_column(name: str) -> bool:
    """Whether a column name says it identifies clips or people (see
    :data:`IDENTIFIER_COLUMN`).

    >>> [is_identifier_column(n) for n in ("clip_id", "lead_officer", "n_officers", "borough")]
    [True, True, False, False]
    """
    if _COUNT_COLUMN.match(name):
        return False
    return bool(IDENTIFIER_COLUMN.search(name)) or name.lower() in {"officer", "coder"}


def check_groupings(clips: Any, group_by: list[str] | tuple[str, ...]) -> None:
    """Refuse a grouping whose distinct values pick out encounters rather than groups.

    ``clips``: the clip metadata (a DataFrame, one row per clip). A column with at least
    :data:`MIN_LEVELS_CHECKED` distinct values that exceed :data:`MAX_UNIQUE_SHARE` of the
    clips is refused (e.g. officer numbers, dates, free-text notes), as is any identifier name.

    Raises
    ------
    ParameterError
        naming the ``group_by`` column, its count of distinct values and the limit.
    """
    n = len(clips)
    for name in group_by:
        if is_identifier_column(name):
            raise ParameterError(f"group_by: {name!r} identifies clips or people, so it "
                                 f"cannot be a grouping; expected {ALLOWED['group_by']}",
                                 field="group_by")
        if name not in getattr(clips, "columns", ()):
            continue
        levels = int(clips[name].nunique(dropna=True))
        if levels >= MIN_LEVELS_CHECKED and levels > MAX_UNIQUE_SHARE * n:
            raise ParameterError(
                f"group_by: {name!r} has {levels} distinct values over {n} clips (more than "
                f"{MAX_UNIQUE_SHARE:.0%}): it picks out encounters or people, not groups; "
                f"expected {ALLOWED['group_by']}", field="group_by")


def load_params(path: str | Path | None = None) -> StudyParams:
    """Read and validate a parameter file; ``None`` gives the defaults.

    Relative ``output_dir`` is resolved against the file's folder.

    Raises
    ------
    ParameterError
        naming the file, line, parameter and its allowed values.
    """
    if path is None:
        return StudyParams()
    path = Path(path)
    text = textfiles.read_text(path, error=ParameterError, max_bytes=textfiles.MAX_YAML_BYTES)
    params = parse_params(text, path=path)
    if "output_dir" in params.model_fields_set and not params.output_dir.is_absolute():
        params = params.model_copy(
            update={"output_dir": (path.parent / params.output_dir).resolve()})
    return params


def parse_params(text: str, *, path: str | Path | None = None) -> StudyParams:
    """Validate parameters given as YAML text (``path`` only names the file in errors)."""
    # dates stay text, so pydantic validates them (with our messages)
    raw, node = textfiles.parse_yaml(text, path, error=ParameterError, dates=False)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ParameterError("a parameter file is a YAML mapping of parameter: value; "
                             f"parameters: {', '.join(ALLOWED)}", path=path, line=1)
    lines = _key_lines(node)
    return validate_params(raw, path=path, lines=lines)


def validate_params(raw: dict[str, Any], *, path: str | Path | None = None,
                    lines: dict[str, int] | None = None) -> StudyParams:
    """Validate a mapping of parameters (e.g. YAML overridden from the command line)."""
    try:
        return StudyParams.model_validate(raw)
    except ValidationError as exc:
        raise _parameter_error(exc, path, lines or {}) from None


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def _parameter_error(exc: ValidationError, path: str | Path | None,
                     lines: dict[str, int]) -> ParameterError:
    error = exc.errors(include_url=False)[0]
    loc = error["loc"]
    name = str(loc[0]) if loc else None
    if name is None:  # a model-level check (date order, small cells)
        message = str(error["msg"]).removeprefix("Value error, ")
        field = "disclosure_threshold" if "disclosure_threshold" in message else "date_to"
        return ParameterError(f"{message}; expected {ALLOWED[field]}", path=path,
                              line=lines.get(field), field=field)
    if error["type"] == "extra_forbidden":
        near = difflib.get_close_matches(name, list(ALLOWED), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        return ParameterError(f"unknown parameter '{name}'{hint}; allowed parameters: "
                              f"{', '.join(ALLOWED)}", path=path, line=lines.get(name),
                              field=name)
    got = error.get("input")
    message = str(error["msg"]).removeprefix("Value error, ")
    return ParameterError(f"{message} (got {got!r}); expected {ALLOWED.get(name, '?')}",
                          path=path, line=lines.get(name), field=name)
