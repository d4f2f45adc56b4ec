"""Simulated coders: each reproduces the ground truth with known per-code error rates.

Error model for a code with error rate *e* (see :mod:`workbench.demo.effects`):

- on each unit the truth codes, the coder departs from the truth with probability *e*:
  a nominal code is missed; a clip code gets a wrong option; an utterance categorical or
  ordinal code is missed (share ``MISS_SHARE_FOR_OPTIONS``) or given a wrong option
  (``subj_resistance``, held on every subject turn, only ever gets a wrong option);
- a wrong ordinal option is one step away (share ``ORDINAL_ADJACENT_SHARE``) or any other step;
  moving onto the floor (``none``) is a miss; a wrong categorical option is any other option;
- false positives: on turns of the right role that the truth leaves uncoded, the coder adds
  the code at a rate giving ``FALSE_POSITIVE_SHARE`` × the expected misses (value: ``present``,
  a random option, or the first ordinal step above the floor);
- ``coder_bias`` adds a per-coder rate of extra false positives for chosen codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.demo import effects
from workbench.demo.codes import ANY, CATEGORICAL, CODE_SPECS, NOMINAL, CodeSpec
from workbench.exceptions import ParameterError

OUTPUT_COLUMNS = ["clip_id", "utterance_index", "code_id", "value", "coder_id"]


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"missing column(s) {', '.join(missing)}; expected "
                             f"{', '.join(columns)}", field=name)


def _rates(profile: Mapping[str, float], name: str) -> dict[str, float]:
    for code_id, rate in profile.items():
        if code_id not in CODE_SPECS:
            raise ParameterError(f"unknown code id {code_id!r}; expected one of the stop-search "
                                 "code ids", field=name)
        if not 0.0 <= float(rate) <= 1.0:
            raise ParameterError(f"rate for {code_id!r} is {rate!r}; expected 0–1", field=name)
    return {k: float(v) for k, v in profile.items()}


def _wrong(spec: CodeSpec, values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A different option for each value (ordinal: mostly one step away)."""
    options = list(spec.options)
    out = values.copy()
    for k, value in enumerate(values):
        if spec.level == CATEGORICAL or value in spec.extra:
            others = [o for o in options if o != value]
            out[k] = options[0] if value in spec.extra else others[rng.integers(len(others))]
            continue
        i = options.index(value)
        adjacent = [j for j in (i - 1, i + 1) if 0 <= j < len(options)]
        far = [j for j in range(len(options)) if j != i and j not in adjacent]
        pool = adjacent if (not far or rng.random() < effects.ORDINAL_ADJACENT_SHARE) else far
        out[k] = options[pool[rng.integers(len(pool))]]
    return out


def _code_one(spec: CodeSpec, rows: pd.DataFrame, free: pd.DataFrame, rate: float,
              bias: float, rng: np.random.Generator) -> list[pd.DataFrame]:
    """One coder's rows for one code: kept, altered, and false positives."""
    values = rows["value"].to_numpy(dtype=object)
    err = rng.random(len(rows)) < rate
    keep = ~err
    if spec.unit == "clip" or spec.coded_on_every_turn:
        values[err] = _wrong(spec, values[err], rng)
        keep = np.ones(len(rows), dtype=bool)
    elif spec.level != NOMINAL:
        altered = err & (rng.random(len(rows)) >= effects.MISS_SHARE_FOR_OPTIONS)
        values[altered] = _wrong(spec, values[altered], rng)
        keep = ~err | altered
        if spec.floor is not None:
            keep &= values != spec.floor
    parts = [rows.assign(value=values)[keep]]
    if spec.unit == "utterance" and not spec.coded_on_every_turn and len(free):
        q = min(1.0, rate * effects.FALSE_POSITIVE_SHARE * len(rows) / len(free)) + bias
        chosen = free[rng.random(len(free)) < q]
        if len(chosen):
            if spec.level == NOMINAL:
                fp_values = np.full(len(chosen), "present", dtype=object)
            elif spec.level == CATEGORICAL:
                fp_values = np.array(spec.options, dtype=object)[
                    rng.integers(len(spec.options), size=len(chosen))]
            else:
                fp_values = np.full(len(chosen), spec.options[1], dtype=object)
            parts.append(chosen.assign(code_id=spec.code_id, value=fp_values))
    return parts


def simulate_coding(truth: pd.DataFrame, utterances_roles: pd.DataFrame, coders: list[str],
                    error_profile: Mapping[str, float] | None = None,
                    clip_assignment: Mapping[str, Sequence[str]] | None = None,
                    seed: int = 0, *,
                    coder_bias: Mapping[str, Mapping[str, float]] | None = None
                    ) -> pd.DataFrame:
    """Annotations of simulated coders, long: clip_id, utterance_index, code_id, value, coder_id.

    Parameters
    ----------
    truth : ground truth (clip_id, utterance_index [Int64, NA for clip codes], code_id, value).
    utterances_roles : clip_id, utterance_index, role — the units false positives can land on.
    coders : coder ids.
    error_profile : code id → error rate (0–1); None: ``effects.DEFAULT_ERROR_PROFILE``.
        Codes left out of a given profile are coded without error.
    clip_assignment : clip id → the coders who code it; None: every coder codes every clip.
    seed : results are deterministic given the seed and the inputs.
    coder_bias : coder id → {code id → extra false-positive rate per eligible turn}.
    """
    _require(truth, ["clip_id", "utterance_index", "code_id", "value"], "truth")
    _require(utterances_roles, ["clip_id", "utterance_index", "role"], "utterances_roles")
    if not coders or len(set(coders)) != len(coders):
        raise ParameterError(f"coders must be distinct ids, got {coders!r}", field="coders")
    rates = _rates(effects.DEFAULT_ERROR_PROFILE if error_profile is None else error_profile,
                   "error_profile")
    bias = {c: _rates(b, f"coder_bias[{c!r}]") for c, b in (coder_bias or {}).items()}
    clips = sorted(truth["clip_id"].unique())
    assignment = {c: list(coders) for c in clips} if clip_assignment is None else {
        c: list(v) for c, v in clip_assignment.items()}
    for clip_id, assigned in assignment.items():
        unknown = [c for c in assigned if c not in coders]
        if unknown or clip_id not in set(clips):
            what = f"coder(s) {unknown}" if unknown else "a clip not in the truth"
            raise ParameterError(f"clip {clip_id!r} is assigned to {what}",
                                 field="clip_assignment")
    for coder in bias:
        if coder not in coders:
            raise ParameterError(f"unknown coder {coder!r}", field="coder_bias")
    roles = utterances_roles[["clip_id", "utterance_index", "role"]].copy()
    roles["role"] = roles["role"].map(str)
    roles["utterance_index"] = roles["utterance_index"].astype("Int64")
    parts: list[pd.DataFrame] = []
    for position, coder in enumerate(coders):
        rng = np.random.default_rng([seed, position])
        mine = sorted(c for c, assigned in assignment.items() if coder in assigned)
        t = truth[truth["clip_id"].isin(mine)][["clip_id", "utterance_index", "code_id",
                                                "value"]]
        u = roles[roles["clip_id"].isin(mine)]
        coder_parts: list[pd.DataFrame] = []
        for code_id, spec in CODE_SPECS.items():
            rows = t[t["code_id"] == code_id]
            free = u if spec.applies_to == ANY else u[u["role"] == spec.applies_to]
            if spec.unit == "utterance" and len(rows):
                taken = pd.MultiIndex.from_frame(rows[["clip_id", "utterance_index"]])
                free = free[~pd.MultiIndex.from_frame(
                    free[["clip_id", "utterance_index"]]).isin(taken)]
            coder_parts += _code_one(spec, rows, free[["clip_id", "utterance_index"]],
                                     rates.get(code_id, 0.0), bias.get(coder, {}).get(code_id,
                                                                                      0.0), rng)
        coded = pd.concat(coder_parts, ignore_index=True).assign(coder_id=coder)
        parts.append(coded.sort_values(["clip_id", "utterance_index", "code_id"],
                                       na_position="first", kind="stable"))
    out = pd.concat(parts, ignore_index=True)[OUTPUT_COLUMNS]
    out["utterance_index"] = out["utterance_index"].astype("Int64")
    return out
