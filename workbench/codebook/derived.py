"""Compute the derived measures a codebook declares (see :mod:`workbench.codebook.measures`).

Inputs are long tables of one coder's (or the consensus layer's) codes and the clips' turns:

- ``codes_df``: clip_id, utterance_index (pandas Int64, NA for clip-level codes), code_id,
  value (strings as stored: "present", an option key, a decimal).
- ``utterances_df``: clip_id, utterance_index, role (officer/subject/third_party/unknown).

The result has one row per clip (index ``clip_id``: every clip in either table, sorted) and one
column per measure, in declared order: ``share_met`` scores 0–100 and turn rates are floats
(NaN when undefined, e.g. a clip without officer turns or with a clip-level indicator
uncoded); ``all_met`` flags are pandas ``boolean`` (NA when undefined).
"""

from __future__ import annotations

import pandas as pd

from workbench.codebook.book import Codebook
from workbench.codebook.measures import DerivedMeasure, Indicator
from workbench.exceptions import CodebookError, InputError

CODES_COLUMNS = ("clip_id", "utterance_index", "code_id", "value")
UTTERANCE_COLUMNS = ("clip_id", "utterance_index", "role")


class _Encounters:
    """The inputs, checked and indexed once for all measures."""

    def __init__(self, codebook: Codebook, codes_df: pd.DataFrame,
                 utterances_df: pd.DataFrame) -> None:
        _require_columns(codes_df, CODES_COLUMNS, "codes_df")
        _require_columns(utterances_df, UTTERANCE_COLUMNS, "utterances_df")
        self.codebook = codebook
        turns = utterances_df.loc[:, list(UTTERANCE_COLUMNS)].copy()
        turns["utterance_index"] = turns["utterance_index"].astype("Int64")
        turns["role"] = turns["role"].astype(str)
        codes = codes_df.loc[:, list(CODES_COLUMNS)].copy()
        codes["utterance_index"] = codes["utterance_index"].astype("Int64")
        codes["value"] = codes["value"].astype(str)
        _check_codes(codebook, codes)
        self.clips = pd.Index(sorted(set(turns["clip_id"]) | set(codes["clip_id"])),
                              name="clip_id")
        self.turns = turns
        on_turns = codes[codes["utterance_index"].notna()]
        self.turn_codes = on_turns.merge(turns, on=["clip_id", "utterance_index"],
                                         how="left", validate="many_to_one")
        orphans = self.turn_codes[self.turn_codes["role"].isna()]
        if len(orphans):
            first = orphans.iloc[0]
            raise InputError(
                f"{len(orphans)} code(s) point at turns missing from utterances_df, e.g. "
                f"clip {first.clip_id!r} turn {first.utterance_index}", field="utterance_index")
        clip_codes = codes[codes["utterance_index"].isna()]
        repeated = clip_codes.duplicated(["clip_id", "code_id"], keep=False)
        if repeated.any():
            first = clip_codes[repeated].iloc[0]
            raise InputError(f"clip {first.clip_id!r} has two values for clip-level code "
                             f"'{first.code_id}'; pass one coder's (or the consensus) codes",
                             field="code_id")
        self.clip_values = clip_codes.set_index(["code_id", "clip_id"])["value"]

    def n_turns(self, role: str) -> pd.Series:
        turns = self.turns if role == "any" else self.turns[self.turns["role"] == role]
        return turns.groupby("clip_id").size().reindex(self.clips, fill_value=0)

    def matching_turns(self, indicators: list[Indicator], role: str) -> pd.DataFrame:
        """Distinct (clip_id, utterance_index) of ``role`` turns matching any indicator."""
        frames = []
        for ind in indicators:
            for code_id in ind.code_ids:
                code = self.codebook.code(code_id)
                keys = [k for k in code.option_keys() if ind.matches(k, code)]
                rows = self.turn_codes[(self.turn_codes["code_id"] == code_id)
                                       & self.turn_codes["value"].isin(keys)]
                if role != "any":
                    rows = rows[rows["role"] == role]
                frames.append(rows[["clip_id", "utterance_index"]])
        if not frames:
            return pd.DataFrame(columns=["clip_id", "utterance_index"])
        return pd.concat(frames).drop_duplicates()

    def count_turns(self, indicators: list[Indicator], role: str) -> pd.Series:
        found = self.matching_turns(indicators, role)
        return found.groupby("clip_id").size().reindex(self.clips, fill_value=0)

    def indicator(self, ind: Indicator, role: str) -> tuple[pd.Series, pd.Series]:
        """(met, applicable) per clip; ``met`` is NA where the clip-level code is uncoded."""
        code = self.codebook.code(ind.code_ids[0])
        if code.unit == "utterance":
            met = self.count_turns([ind], role) > 0
            return met.astype("boolean"), pd.Series(True, index=self.clips)
        if code.id in self.clip_values.index.get_level_values(0):
            values = self.clip_values.xs(code.id).reindex(self.clips)
        else:
            values = pd.Series(pd.NA, index=self.clips, dtype="object")
        keys = {k for k in code.option_keys() if ind.matches(k, code)}
        met = values.isin(keys).astype("boolean").mask(values.isna())
        na_key = code.not_applicable.key if code.not_applicable is not None else None
        applicable = values != na_key if na_key is not None else pd.Series(True, self.clips)
        return met, applicable.fillna(True).astype(bool)


def compute_derived(codebook: Codebook, codes_df: pd.DataFrame,
                    utterances_df: pd.DataFrame) -> pd.DataFrame:
    """One row per clip, one column per derived measure of ``codebook``.

    See the module docstring for the input columns and
    :mod:`workbench.codebook.measures` for the formulas of each kind.
    """
    data = _Encounters(codebook, codes_df, utterances_df)
    columns = {m.id: _compute(m, data) for m in codebook.derived}
    return pd.DataFrame(columns, index=data.clips)


def _compute(measure: DerivedMeasure, data: _Encounters) -> pd.Series:
    role_turns = data.n_turns(measure.role)
    if measure.kind in ("rate_per_turns", "balance_per_turns"):
        if measure.kind == "rate_per_turns":
            numerator = data.count_turns(measure.indicators, measure.role)
        else:
            numerator = (data.count_turns(measure.plus, measure.role)
                         - data.count_turns(measure.minus, measure.role))
        rate = measure.per * numerator / role_turns.where(role_turns > 0)
        return rate.astype(float)
    met_total = pd.Series(0, index=data.clips, dtype="Int64")
    applicable_total = pd.Series(0, index=data.clips, dtype="Int64")
    uses_turns = False
    for negative, ind in [(False, i) for i in measure.indicators] + \
            [(True, i) for i in measure.negative]:
        uses_turns |= data.codebook.code(ind.code_ids[0]).unit == "utterance"
        met, applicable = data.indicator(ind, measure.role)
        counted = (~met if negative else met).astype("Int64")
        met_total += counted.where(applicable, 0)
        applicable_total += applicable.astype("Int64")
    defined = applicable_total > 0
    if uses_turns:
        defined &= role_turns > 0
    if measure.kind == "share_met":
        share = 100 * met_total.astype("Float64") / applicable_total.astype("Float64")
        return share.where(defined).astype(float)
    flag = (met_total == applicable_total).astype("boolean")
    return flag.where(defined, pd.NA)


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{name} lacks column(s) {', '.join(missing)}; expected "
                         f"{', '.join(columns)}", field=missing[0])


def _check_codes(codebook: Codebook, codes: pd.DataFrame) -> None:
    for code_id, values in codes.groupby("code_id")["value"]:
        code = codebook.code(str(code_id))  # unknown code -> CodebookError
        if code.level == "interval":
            continue
        bad = sorted(set(values) - set(code.option_keys()))
        if bad:
            raise CodebookError(f"codes_df has value(s) {', '.join(map(repr, bad))}; allowed: "
                                f"{', '.join(code.option_keys())}", code_id=code.id,
                                field="value")
        unit_ok = codes.loc[values.index, "utterance_index"].notna() == (code.unit == "utterance")
        if not unit_ok.all():
            raise CodebookError(f"is a {code.unit}-level code, but codes_df has rows with"
                                f"{'out' if code.unit == 'utterance' else ''} an "
                                "utterance_index", code_id=code.id, field="utterance_index")
