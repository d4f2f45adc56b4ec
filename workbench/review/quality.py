"""The quality of coding from an audit: original coding against the blind review layer.

Units and values are those of the reliability table (:mod:`workbench.review.project_report`):
every turn a code applies to (or the clip), with "absent" where a finished rater left it
uncoded. Two raters per unit: ``original`` (the coder who coded the clip once) and ``review``
(the lead reviewer's ``review:<audit id>`` layer; another reviewer's where the lead did not
review the clip).

- per code: Krippendorff's alpha with a percentile interval resampling *clips*
  (:mod:`workbench.reliability.clustered`), the original and review prevalence;
- per original coder and code: how often each applied it on the same units, McNemar's exact
  test of the difference, Holm-adjusted over every coder × code
  (:mod:`workbench.reliability.paired`); a flag names the direction: ``over-codes`` (the coder
  applies it where the reviewer does not) or ``under-codes``;
- over time: alpha per code and period (month the original coder finished the clip);
- disagreements as examples, with their turns redacted (:mod:`workbench.privacy.redaction`);
- hinted against unhinted original values (:mod:`workbench.review.hinted`).

Set-valued codes (``multiple: true``, codebook 1.2.0) are compared element by element: each
option becomes a present/absent variable ``code[option]`` (ROUND2 "Multi-valued codes";
:func:`workbench.reliability.set_codes.expand_set_codes`), so a coder who leaves out the
grounds but gives the object is found under-coding ``legal_explanation[grounds]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.model import AssignmentKind, Layer, UnitType
from workbench.reliability.clustered import ClusteredCoincidences
from workbench.reliability.long_table import ABSENT
from workbench.reliability.paired import holm, mcnemar_exact
from workbench.reliability.set_codes import PRESENT, expand_set_codes
from workbench.reliability.verdicts import ALPHA_TENTATIVE, alpha_verdict
from workbench.review.adjudication import _canonical_number, absence_is_a_value
from workbench.review.audit_sample import audit_record, finished_clips
from workbench.review.project_report import (
    ALPHA_LEVEL,
    Variable,
    categories,
    is_set_code,
    table_variables,
)

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.store import Store

ORIGINAL, REVIEW = "original", "review"
OVER, UNDER = "over-codes", "under-codes"
UNIT_KEYS = ["clip_id", "utterance_index", "code_id"]


def coincidences_of(long: pd.DataFrame, code_id: str, levels: Mapping[str, str],
                    scales: Mapping[str, list[str]]) -> ClusteredCoincidences:
    """Per-clip coincidences of one code from a long table (unit "clip[:turn]", rater, value)."""
    rows = long.loc[long["code_id"] == code_id]
    level = levels[code_id]
    return ClusteredCoincidences.from_long(
        pd.DataFrame({"cluster": rows["unit"].astype(str).str.split(":").str[0],
                      "unit": rows["unit"], "rater": rows["rater"], "value": rows["value"]}),
        level, None if level == "interval" else list(scales[code_id]))


def variables(codebook: Codebook) -> list[Variable]:
    """The compared variables in codebook order: each code, or each option of a set code."""
    return table_variables(codebook)


def variable_labels(codebook: Codebook) -> dict[str, str]:
    """Variable id → its label ("Gives a GOWISELY element: grounds" for a set element)."""
    return {v.variable_id: v.label for v in variables(codebook)}


def variable_levels(codebook: Codebook) -> tuple[dict[str, str], dict[str, list[str]]]:
    levels, scales = {}, {}
    for v in variables(codebook):
        levels[v.variable_id] = "nominal" if v.element else ALPHA_LEVEL[v.code.level]
        scale = [ABSENT, PRESENT] if v.element else categories(v.code)
        if scale is not None:
            scales[v.variable_id] = list(scale)
    return levels, scales


def _baseline(codebook: Codebook) -> dict[str, str | None]:
    """The value meaning "not applied" per variable: absent, or the lowest ordinal level."""
    out: dict[str, str | None] = {}
    for v in variables(codebook):
        cats = [ABSENT, PRESENT] if v.element else categories(v.code)
        out[v.variable_id] = (ABSENT if cats and ABSENT in cats else
                              cats[0] if cats and v.code.level == "ordinal" else None)
    return out


def review_pairs(store: Store, codebook: Codebook, audit_id: str) -> pd.DataFrame:
    """Original and review ratings of the audit's units, long.

    Columns unit, clip_id, utterance_index, code_id, rater (original / review), coder_id (the
    original coder of the clip), reviewer, value. Only clips the chosen reviewer finished.
    Read it on a handle that may see both layers (the lead after sign-off, an admin, the
    owner): a reviewer still blind gets no original rows.
    """
    record = audit_record(store, audit_id)
    original = {c["clip_id"]: c["coder_id"] for c in record["clips"]}
    finished = finished_clips(store, audit_id)
    review_rows = pd.DataFrame(
        [(a.clip_id, a.utterance_index, a.code_id, a.value)
         for a in store.annotations(layer=Layer.REVIEW)
         if a.audit_id == audit_id and finished.get(a.clip_id) == a.coder_id],
        columns=[*UNIT_KEYS, "value"])
    return pairs_of(store, codebook, original, finished, review_rows)


def pairs_of(store: Store, codebook: Codebook, original: Mapping[str, str],
             finished: Mapping[str, str], review_rows: pd.DataFrame, *,
             coder_rows: pd.DataFrame | None = None,
             turns: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`review_pairs` from given review rows (clip_id, utterance_index, code_id, value):
    ``original`` clip → coder, ``finished`` clip → reviewer; ``coder_rows`` and ``turns``
    (the store's coder-layer annotations and utterances frames) may be passed to reuse."""
    ann = store.annotations_frame(layer=Layer.CODER) if coder_rows is None else coder_rows
    ann = ann.loc[[original.get(c) == k for c, k in
                   zip(ann["clip_id"], ann["coder_id"], strict=True)]]
    ann = ann.loc[ann["clip_id"].isin(finished)]
    parts = [ann[[*UNIT_KEYS, "value"]].assign(rater=ORIGINAL),
             review_rows[[*UNIT_KEYS, "value"]].assign(rater=REVIEW)]
    done = pd.DataFrame({"clip_id": sorted(finished)}).merge(
        pd.DataFrame({"rater": [ORIGINAL, REVIEW]}), how="cross")
    long = rated_long(store, codebook, pd.concat(parts, ignore_index=True), done, turns)
    long["coder_id"] = long["clip_id"].map(original)
    long["reviewer"] = long["clip_id"].map(finished)
    return long[["unit", "clip_id", "utterance_index", "code_id", "rater", "coder_id",
                 "reviewer", "value"]].sort_values(["unit", "code_id", "rater"],
                                                   ignore_index=True)


def rated_long(store: Store, codebook: Codebook, rated: pd.DataFrame, done: pd.DataFrame,
               turns: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ratings of whole clips, long: the given rows (clip_id, utterance_index, code_id,
    value, rater) plus "absent" on every unit a rater who finished the clip (``done``:
    clip_id, rater) left uncoded, where absence is a rating; ``not_applicable`` dropped,
    numbers canonical, set codes expanded per element. Adds the column unit."""
    rated = rated.loc[rated["code_id"].isin(codebook.code_ids)].copy()
    rated["utterance_index"] = rated["utterance_index"].astype("Int64")
    interval = [c.id for c in codebook.codes if c.level == "interval"]
    rows = rated["code_id"].isin(interval)
    rated.loc[rows, "value"] = rated.loc[rows, "value"].map(_canonical_number)
    keys = [*UNIT_KEYS, "rater"]
    rated = rated.merge(done[["clip_id", "rater"]], on=["clip_id", "rater"])
    absent = _absent_units(store, codebook, sorted(set(done["clip_id"])), turns)
    absent = absent.merge(done[["clip_id", "rater"]], on="clip_id")
    absent = absent.merge(rated[keys], on=keys, how="left", indicator=True)
    absent = absent.loc[absent["_merge"] == "left_only", keys].assign(value=ABSENT)
    long = pd.concat([rated[[*keys, "value"]], absent], ignore_index=True)
    not_applicable = {c.id: c.not_applicable.key for c in codebook.codes
                      if c.level == "ordinal" and c.not_applicable is not None}
    long = long.loc[long["value"] != long["code_id"].map(not_applicable)]
    index = long["utterance_index"]
    long["unit"] = long["clip_id"].astype(str).where(
        index.isna(), long["clip_id"].astype(str) + ":" + index.astype("string"))
    sets = {c.id: c.option_keys() for c in codebook.codes if is_set_code(c)}
    if sets:
        long = expand_set_codes(long.assign(coder_id=long["rater"]), sets,
                                absent=ABSENT).drop(columns="coder_id")
    return long.reset_index(drop=True)


def _absent_units(store: Store, codebook: Codebook, clip_ids: list[str],
                  turns: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every (clip, turn, code) whose absence is a rating, on the given clips."""
    turns = store.utterances_frame() if turns is None else turns
    turns = turns.loc[turns["clip_id"].isin(clip_ids)]
    parts = []
    for code in codebook.codes:
        if not absence_is_a_value(code):
            continue
        if code.unit == UnitType.CLIP:
            units = pd.DataFrame({"clip_id": clip_ids, "utterance_index": pd.NA})
        else:
            units = turns.loc[turns["role"].map(code.applies_to_role),
                              ["clip_id", "utterance_index"]]
        parts.append(units.assign(code_id=code.id))
    units = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=UNIT_KEYS)
    units["utterance_index"] = units["utterance_index"].astype("Int64")
    return units


def agreement_by_code(pairs: pd.DataFrame, codebook: Codebook, *, n_resamples: int = 1000,
                      seed: int = 0, confidence: float = 0.95,
                      threshold: float = ALPHA_TENTATIVE) -> pd.DataFrame:
    """Alpha per code (original vs review) with a clip-resampled interval, worst first.

    Columns code_id (a variable: a set code's element is ``code[option]``), label, alpha,
    ci_low, ci_high, width, n_units, n_clips, original_rate, review_rate (share of units
    where each applied the code), direction (over-codes / under-codes / "" by the rates),
    below (alpha < ``threshold``), verdict.
    """
    levels, scales = variable_levels(codebook)
    base = _baseline(codebook)
    long = pairs
    rows = []
    for code in variables(codebook):
        sub = long.loc[long["code_id"] == code.variable_id]
        both = sub.groupby("unit")["rater"].transform("nunique") == 2
        sub = sub.loc[both]
        if sub.empty:
            continue
        cc = coincidences_of(sub, code.variable_id, levels, scales)
        estimate = cc.alpha()
        low, high, _ = cc.interval(n_resamples, seed, confidence)
        rates = {r: _applied(sub.loc[sub["rater"] == r, "value"], base[code.variable_id])
                 for r in (ORIGINAL, REVIEW)}
        diff = rates[ORIGINAL] - rates[REVIEW]
        rows.append({"code_id": code.variable_id, "label": code.label, "alpha": estimate,
                     "ci_low": low, "ci_high": high, "width": high - low,
                     "n_units": int(sub["unit"].nunique()), "n_clips": cc.n_clusters,
                     "original_rate": rates[ORIGINAL], "review_rate": rates[REVIEW],
                     "direction": OVER if diff > 0 else UNDER if diff < 0 else "",
                     "below": bool(np.isnan(estimate) or estimate < threshold),
                     "verdict": alpha_verdict(estimate)})
    frame = pd.DataFrame(rows)
    return frame.sort_values(["alpha", "code_id"], na_position="first",
                             ignore_index=True, kind="stable")


def _applied(values: pd.Series, baseline: str | None) -> float:
    if values.empty:
        return float("nan")
    if baseline is None:
        return 1.0
    return float((values != baseline).mean())


def coder_bias(pairs: pd.DataFrame, codebook: Codebook, *, alpha: float = 0.05
               ) -> pd.DataFrame:
    """Per original coder and code: who over- or under-codes what, against the review.

    Columns coder_id, code_id, n_units, original_applied, review_applied, b (applied by the
    coder only), c (by the reviewer only), original_rate, review_rate, prevalence_bias
    (original_rate − review_rate), p (McNemar exact), p_holm (Holm over all rows), flag
    (over-codes / under-codes where p_holm < ``alpha``, else ""). Codes without a "not
    applied" value (interval, clip-level categorical) are left out.
    """
    base = _baseline(codebook)
    wide = pairs.pivot_table(index=["unit", "code_id", "coder_id"], columns="rater",
                             values="value", aggfunc="first").dropna().reset_index()
    rows = []
    for (coder, code_id), group in wide.groupby(["coder_id", "code_id"], sort=True):
        b0 = base.get(code_id)
        if b0 is None:
            continue
        o = group[ORIGINAL] != b0
        r = group[REVIEW] != b0
        b, c = int((o & ~r).sum()), int((r & ~o).sum())
        rows.append({"coder_id": coder, "code_id": code_id, "n_units": len(group),
                     "original_applied": int(o.sum()), "review_applied": int(r.sum()),
                     "b": b, "c": c, "original_rate": float(o.mean()),
                     "review_rate": float(r.mean()),
                     "prevalence_bias": float(o.mean() - r.mean()),
                     "p": mcnemar_exact(b, c)})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["p_holm"] = holm(frame["p"].tolist())
    frame["flag"] = np.where(frame["p_holm"] < alpha,
                             np.where(frame["b"] > frame["c"], OVER, UNDER), "")
    return frame.sort_values(["p_holm", "coder_id", "code_id"], ignore_index=True)


def agreement_by_period(pairs: pd.DataFrame, codebook: Codebook,
                        periods: Mapping[str, str], *, min_units: int = 20) -> pd.DataFrame:
    """Alpha per code and period (``periods``: clip id → e.g. "2026-03"); columns code_id,
    period, alpha, n_units; periods with fewer than ``min_units`` units are left out."""
    levels, scales = variable_levels(codebook)
    frame = pairs.assign(period=pairs["clip_id"].map(periods).fillna("unknown"))
    rows = []
    for (code_id, period), sub in frame.groupby(["code_id", "period"], sort=True):
        sub = sub.loc[sub.groupby("unit")["rater"].transform("nunique") == 2]
        if sub["unit"].nunique() < min_units:
            continue
        rows.append({"code_id": code_id, "period": period,
                     "alpha": coincidences_of(sub, code_id, levels, scales).alpha(),
                     "n_units": int(sub["unit"].nunique())})
    return pd.DataFrame(rows, columns=["code_id", "period", "alpha", "n_units"])


def disagreement_examples(store: Store, pairs: pd.DataFrame, code_ids: list[str], *,
                          per_code: int = 3, show_text: bool = True) -> pd.DataFrame:
    """Up to ``per_code`` disagreements per code, with the turn's text redacted.

    Columns code_id, clip_id, turn (1-based, as coders see it), speaker role, original,
    review, text: redacted with the names learnt from the whole encounter
    (:func:`workbench.privacy.redaction.redact_texts`), or "(withheld)" without
    ``show_text``.
    """
    from workbench.privacy.redaction import redact_texts

    wide = pairs.pivot_table(index=["unit", "clip_id", "code_id"], columns="rater",
                             values="value", aggfunc="first").dropna().reset_index()
    wide = wide.loc[(wide[ORIGINAL] != wide[REVIEW]) & wide["code_id"].isin(code_ids)]
    rows: list[dict[str, Any]] = []
    texts: dict[str, dict[int, tuple[str, str]]] = {}
    for code_id, group in wide.groupby("code_id", sort=True):
        for r in group.sort_values("unit").head(per_code).itertuples(index=False):
            turn = str(r.unit).split(":")[1] if ":" in str(r.unit) else None
            if r.clip_id not in texts:
                turns = store.utterances(r.clip_id)
                clean = redact_texts([u.text for u in turns])
                texts[r.clip_id] = {u.index: (str(u.role), t)
                                    for u, t in zip(turns, clean, strict=True)}
            role, text = texts[r.clip_id].get(int(turn), ("", "")) if turn else ("", "")
            shown = (text if show_text else "(withheld)") if text else "(whole clip)"
            rows.append({"code_id": code_id, "clip_id": r.clip_id,
                         "turn": int(turn) + 1 if turn else None, "role": role,
                         "original": getattr(r, ORIGINAL), "review": getattr(r, REVIEW),
                         "text": shown})
    return pd.DataFrame(rows, columns=["code_id", "clip_id", "turn", "role", "original",
                                       "review", "text"])


@dataclass(frozen=True)
class QualityResult:
    """Every table of the quality report, and what it was computed from."""

    audit: dict[str, Any]
    by_code: pd.DataFrame
    by_coder: pd.DataFrame
    by_period: pd.DataFrame
    examples: pd.DataFrame
    threshold: float
    #: agreement among the reviewers on clips two or more re-coded (empty: none did)
    between_reviewers: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the compared ratings (:func:`review_pairs`), for the data hash of the provenance
    pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: original vs review split by accepted hints (:mod:`workbench.review.hinted`)
    by_hint: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def below(self) -> pd.DataFrame:
        """Codes below the threshold, with the direction of error."""
        return self.by_code.loc[self.by_code["below"]]

    @property
    def flags(self) -> pd.DataFrame:
        return self.by_coder.loc[self.by_coder["flag"] != ""] if len(self.by_coder) else \
            self.by_coder


def assess(store: Store, codebook: Codebook, audit_id: str, *, n_resamples: int = 1000,
           seed: int = 0, threshold: float = ALPHA_TENTATIVE,
           per_code: int = 3, show_text: bool = True) -> QualityResult:
    """All of the quality report's tables for ``audit_id`` (``per_code``: examples of
    disagreement per code below the threshold, 0 for none; ``show_text``: their redacted
    turns, else withheld)."""
    pairs = review_pairs(store, codebook, audit_id)
    record = audit_record(store, audit_id)
    by_code = agreement_by_code(pairs, codebook, n_resamples=n_resamples, seed=seed,
                                threshold=threshold)
    periods = {c["clip_id"]: c.get("stratum", "") for c in record["clips"]}
    when = {a.clip_id: a.updated_at.strftime("%Y-%m") for a in store.assignments(
        kind=AssignmentKind.ORDINARY) if a.updated_at and a.clip_id in periods}
    below = by_code.loc[by_code["below"], "code_id"].tolist() if len(by_code) else []
    from workbench.review.hinted import hint_comparison
    from workbench.review.reviewers import reviewer_agreement

    return QualityResult(record, by_code, coder_bias(pairs, codebook),
                         agreement_by_period(pairs, codebook, when),
                         disagreement_examples(store, pairs, below, per_code=per_code,
                                               show_text=show_text),
                         threshold,
                         reviewer_agreement(store, codebook, audit_id,
                                            n_resamples=n_resamples, seed=seed), pairs,
                         hint_comparison(store, codebook, audit_id, pairs))
