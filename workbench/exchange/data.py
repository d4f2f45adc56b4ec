"""Analysis-ready data: the coding joined with clip metadata, as tidy labelled tables.

Two tables per exported layer (the consensus layer by default; optionally each coder's):

``utterances``  one row per speaker turn: clip id, turn (1-based, as coders see it), start and
                end (s), speaker, role, text (redacted in a shareable export), and one column
                per utterance-level code;
``clips``       one row per clip: the metadata, ``coded`` (1 if the layer has any code on the
                clip), and one column per clip-level code.

Code columns are numbers with value labels, the same in every format:

- nominal: 1 = present, 0 = absent; missing (empty) where the code does not apply to the
  speaker's role, or the clip was not coded in this layer;
- categorical: 1..k in the codebook's option order; ordinal: 1..k lowest first, and
  ``not_applicable`` = -1 (declared user-missing in SPSS; a labelled value in Stata and R);
- set-valued (``multiple: true``): one 0/1 column per option, named ``<code>__<option>``;
- interval: the number, in the code's unit.

Formats: CSV (UTF-8, with ``data_dictionary.csv`` listing every variable, its label, its code
and its value labels), Parquet, Stata ``.dta`` (version 15) and SPSS ``.sav`` with variable and
value labels (pyreadstat), and ``load.R``, which reads the CSVs and turns labelled codes into
factors. Variable names are at most 32 characters (Stata's limit); the dictionary maps each
name back to its code id. Text cells that a spreadsheet would read as a formula are prefixed
with ``'``.

``shareable=True`` is the export for people outside the coding team (microdata, so direct and
indirect identifiers go): clip ids become pseudonyms (``clip_0001``… in clip-id order, the
same in both tables), speaker labels (often names or collar numbers) are dropped in favour of
the role, dates become year-month, ``extra`` metadata columns are left out, and text is
redacted (:func:`workbench.privacy.redaction.redact_texts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.codebook.sets import split_set
from workbench.exceptions import ParameterError
from workbench.model import CLIP_METADATA_FIELDS, PRESENT, Layer

if TYPE_CHECKING:
    import pandas as pd

    from workbench.codebook.book import Codebook
    from workbench.codebook.schema import Code
    from workbench.store import Store

NOT_APPLICABLE_CODE = -1
MAX_NAME = 32
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "parquet", "dta", "sav", "r")


@dataclass
class Variable:
    """One column of an exported table, as the data dictionary describes it."""

    table: str
    name: str
    label: str
    code_id: str = ""
    kind: str = "text"  # text, number, nominal, categorical, ordinal, set, interval
    value_labels: dict[int, str] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)


@dataclass
class DataExport:
    """What :func:`export_data` wrote: files by name, and the dictionary."""

    folder: Path
    files: list[Path]
    variables: list[Variable]


def _safe_name(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", text)[:MAX_NAME]
    if not base or not base[0].isalpha():
        base = ("v_" + base)[:MAX_NAME]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f"_{n}"
        name = base[: MAX_NAME - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would evaluate, made inert with a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _options(code: Code) -> list[tuple[str, str]]:
    return [(o.key, o.label) for o in (*code.options, *code.scale)]


def _code_columns(code: Code, values: pd.Series, applies: pd.Series, coded: pd.Series,
                  table: str, taken: set[str]) -> tuple[dict[str, pd.Series], list[Variable]]:
    """Numeric columns (and their dictionary entries) for one code over a table's rows."""
    import pandas as pd

    usable = applies & coded
    columns: dict[str, pd.Series] = {}
    variables: list[Variable] = []
    if getattr(code, "multiple", False):
        sets = values.map(lambda v: split_set(v) if isinstance(v, str) else frozenset())
        for key, label in _options(code):
            name = _safe_name(f"{code.id}__{key}", taken)
            column = sets.map(lambda s, k=key: int(k in s)).astype("Float64")
            columns[name] = column.where(usable, pd.NA)
            variables.append(Variable(table, name, f"{code.label}: {label}"[:80], code.id,
                                      "set", {1: "yes", 0: "no"}))
        return columns, variables
    name = _safe_name(code.id, taken)
    if code.level == "nominal":
        column = (values == PRESENT).astype("Float64")
        labels = {1: "present", 0: "absent"}
        missing: list[int] = []
    elif code.level == "interval":
        column = pd.to_numeric(values, errors="coerce").astype("Float64")
        labels, missing = {}, []
        usable = usable & values.notna()
    else:
        keys = [key for key, _ in _options(code)]
        numbers = {key: i + 1 for i, key in enumerate(keys)}
        labels = {i + 1: label for i, (_, label) in enumerate(_options(code))}
        missing = []
        if code.not_applicable is not None:
            numbers[code.not_applicable.key] = NOT_APPLICABLE_CODE
            labels[NOT_APPLICABLE_CODE] = code.not_applicable.label
            missing = [NOT_APPLICABLE_CODE]
        column = values.map(numbers).astype("Float64")
        usable = usable & values.notna()
    columns[name] = column.where(usable, pd.NA)
    variables.append(Variable(table, name, code.label[:80], code.id, code.level, labels,
                              missing))
    return columns, variables


def tidy_tables(store: Store, codebook: Codebook, *, layer: str = "consensus",
                shareable: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, list[Variable]]:
    """The ``utterances`` and ``clips`` tables of one layer, and their dictionary."""
    import pandas as pd

    from workbench.privacy.redaction import redact_texts

    if layer == "consensus":
        codes = store.annotations_frame(layer=Layer.CONSENSUS)
    elif layer.startswith("coder:"):
        codes = store.annotations_frame(layer=Layer.CODER, coder_id=layer.removeprefix("coder:"))
    else:
        raise ParameterError(f"unknown layer {layer!r}; expected 'consensus' or 'coder:<id>'",
                             field="layer")
    codes = codes[codes["code_id"].isin(codebook.code_ids)]
    clips = store.clips_frame()
    keep = ["clip_id", *[c for c in CLIP_METADATA_FIELDS if c in clips.columns], "duration",
            "n_utterances"]
    if not shareable:
        keep += [c for c in clips.columns if c not in keep and c not in
                 ("source_file", "media_path", "synthetic", "n_officer_turns")]
    clip_table = clips[keep].copy()
    coded_clips = set(codes["clip_id"])
    clip_table.insert(1, "coded", clip_table["clip_id"].isin(coded_clips).astype(int))
    turns = store.utterances_frame()
    if shareable:
        turns["text"] = [t for _, group in turns.groupby("clip_id", sort=False)
                         for t in redact_texts(list(group["text"]))]
    turns.insert(2, "turn", turns["utterance_index"] + 1)
    if shareable:
        pseudonyms = {c: f"clip_{i + 1:04d}" for i, c in enumerate(sorted(clip_table["clip_id"]))}
        turns["clip_id"] = turns["clip_id"].map(pseudonyms)
        turns = turns.drop(columns=["speaker"])
        clip_table["clip_id"] = clip_table["clip_id"].map(pseudonyms)
        if "date" in clip_table:
            clip_table["date"] = pd.to_datetime(clip_table["date"]).dt.strftime("%Y-%m")
        coded_clips = {pseudonyms[c] for c in coded_clips if c in pseudonyms}
        codes = codes.assign(clip_id=codes["clip_id"].map(pseudonyms))
    variables = [Variable("utterances", "clip_id", "Clip id"),
                 Variable("utterances", "turn", "Turn number (1 = first)", kind="number"),
                 Variable("clips", "clip_id", "Clip id"),
                 Variable("clips", "coded", "Coded in this layer (1 = yes)", kind="nominal",
                          value_labels={1: "yes", 0: "no"})]
    taken_u = {c.lower() for c in turns.columns}
    taken_c = {c.lower() for c in clip_table.columns}
    turn_coded = turns["clip_id"].isin(coded_clips)
    clip_coded = clip_table["clip_id"].isin(coded_clips)
    utterance_codes = codes[codes["utterance_index"].notna()]
    clip_codes = codes[codes["utterance_index"].isna()]
    new_turn_columns: dict[str, pd.Series] = {}
    new_clip_columns: dict[str, pd.Series] = {}
    for code in codebook.codes:
        if str(code.unit) == "utterance":
            mine = utterance_codes[utterance_codes["code_id"] == code.id]
            lookup = dict(zip(zip(mine["clip_id"], mine["utterance_index"].astype(int),
                                  strict=True), mine["value"], strict=True))
            values = pd.Series([lookup.get(k) for k in zip(turns["clip_id"],
                                                           turns["utterance_index"],
                                                           strict=True)],
                               index=turns.index, dtype=object)
            applies = turns["role"].map(code.applies_to_role).astype(bool)
            cols, found = _code_columns(code, values, applies, turn_coded, "utterances", taken_u)
            new_turn_columns.update(cols)
        else:
            mine = clip_codes[clip_codes["code_id"] == code.id]
            lookup = dict(zip(mine["clip_id"], mine["value"], strict=True))
            values = clip_table["clip_id"].map(lookup)
            applies = pd.Series(True, index=clip_table.index)
            cols, found = _code_columns(code, values, applies, clip_coded, "clips", taken_c)
            new_clip_columns.update(cols)
        variables += found
    turns = pd.concat([turns.drop(columns=["utterance_index"]),
                       pd.DataFrame(new_turn_columns, index=turns.index)], axis=1)
    clip_table = pd.concat([clip_table, pd.DataFrame(new_clip_columns, index=clip_table.index)],
                           axis=1)
    for name, label in (("start", "Start (s)"), ("end", "End (s)"), ("speaker", "Speaker"),
                        ("role", "Speaker role"), ("text", "Text" + (" (redacted)"
                                                                     if shareable else ""))):
        if name not in turns.columns:
            continue
        variables.append(Variable("utterances", name, label,
                                  kind="number" if name in ("start", "end") else "text"))
    for name in clip_table.columns:
        if not any(v.table == "clips" and v.name == name for v in variables):
            variables.append(Variable("clips", name, name.replace("_", " ").capitalize(),
                                      kind="number" if pd.api.types.is_numeric_dtype(
                                          clip_table[name]) else "text"))
    return turns, clip_table, variables


def _for_files(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain strings with formulas neutralised; dates as ISO text."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(
                lambda v: neutralise(v.isoformat() if hasattr(v, "isoformat") else v))
    return out


def _r_script(variables: list[Variable]) -> str:
    lines = ["# Load the workbench's data export in R, with labelled codes as factors.",
             "# Written by `bwv export-data`; run from the export folder: source('load.R')",
             "utterances <- read.csv('utterances.csv', stringsAsFactors = FALSE, "
             "na.strings = '', encoding = 'UTF-8')",
             "clips <- read.csv('clips.csv', stringsAsFactors = FALSE, na.strings = '', "
             "encoding = 'UTF-8')"]
    for var in variables:
        if not var.value_labels:
            continue
        levels = ", ".join(str(k) for k in var.value_labels)
        labels = ", ".join('"' + v.replace('"', '\\"') + '"' for v in var.value_labels.values())
        ordered = "TRUE" if var.kind == "ordinal" else "FALSE"
        lines.append(f"{var.table}${var.name} <- factor({var.table}${var.name}, "
                     f"levels = c({levels}), labels = c({labels}), ordered = {ordered})")
    lines.append("attr(utterances, 'source') <- 'BWV coding workbench'")
    return "\n".join(lines) + "\n"


def export_data(store: Store, codebook: Codebook, folder: str | Path, *,
                layer: str = "consensus", shareable: bool = False,
                formats: tuple[str, ...] = FORMATS) -> DataExport:
    """Write the tidy tables of ``layer`` to ``folder`` in ``formats`` (see module docstring)."""
    import pandas as pd
    import pyreadstat

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ParameterError(f"unknown format(s) {', '.join(unknown)}; choose from "
                             f"{', '.join(FORMATS)}", field="formats")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    turns, clips, variables = tidy_tables(store, codebook, layer=layer, shareable=shareable)
    files: list[Path] = []
    tables = {"utterances": _for_files(turns), "clips": _for_files(clips)}
    dictionary = pd.DataFrame([{
        "table": v.table, "variable": v.name, "label": v.label, "code_id": v.code_id,
        "kind": v.kind, "value_labels": "; ".join(f"{k}={lab}" for k, lab in
                                                  v.value_labels.items()),
        "missing": "; ".join(str(m) for m in v.missing)} for v in variables])
    for table, frame in tables.items():
        mine = [v for v in variables if v.table == table]
        labels = {v.name: v.label for v in mine}
        value_labels = {v.name: v.value_labels for v in mine if v.value_labels}
        if "csv" in formats or "r" in formats:
            files.append(folder / f"{table}.csv")
            frame.to_csv(files[-1], index=False, lineterminator="\n")
        if "parquet" in formats:
            files.append(folder / f"{table}.parquet")
            frame.to_parquet(files[-1], index=False)
        numeric = frame.copy()
        for column in numeric.columns:
            if str(numeric[column].dtype) in ("Float64", "Int64"):
                numeric[column] = numeric[column].astype(float)
            elif numeric[column].dtype == object:
                numeric[column] = numeric[column].fillna("").astype(str)
        if "dta" in formats:
            files.append(folder / f"{table}.dta")
            pyreadstat.write_dta(numeric, files[-1], file_label=f"BWV {table} ({layer})",
                                 column_labels=labels, variable_value_labels=value_labels)
        if "sav" in formats:
            files.append(folder / f"{table}.sav")
            missing = {v.name: v.missing for v in mine if v.missing}
            pyreadstat.write_sav(numeric, files[-1], file_label=f"BWV {table} ({layer})",
                                 column_labels=labels, variable_value_labels=value_labels,
                                 missing_ranges=missing or None)
    if "csv" in formats or "r" in formats:
        files.append(folder / "data_dictionary.csv")
        dictionary.to_csv(files[-1], index=False, lineterminator="\n")
    if "r" in formats:
        files.append(folder / "load.R")
        files[-1].write_text(_r_script(variables), encoding="utf-8")
    return DataExport(folder, files, variables)
