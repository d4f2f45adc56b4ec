"""The opening-words analysis (Rho et al. 2023, PNAS 120:e2216162120).

Rho et al. found that the officer's first 45 words separate traffic stops that escalate from
those that do not; escalated stops were about three times as likely to open with a command and
about twice as likely to give no reason. Here, per clip:

- the **opening**: the officer turns' words in order, cut at the first ``n_words`` words (a word
  is a Treebank token with a letter or digit; bracketed transcriber notes are dropped);
- the outcome: :func:`workbench.analysis.outcomes.escalated_outcome` (handcuffs, arrest, or
  force at restraint or above); clips without outcome codes or without officer words are left
  out;
- a model of the outcome from the opening (word 1–2-gram TF-IDF + the markers of the opening →
  logistic regression, C = 1), its out-of-fold **AUC** with a Hanley & McNeil (1982, Radiology
  143:29) 95% interval, twice: ``held_out`` (`GroupKFold` by the demo template of the clip's
  first officer turn: no opening template is in training and test at once — ROUND2 "Honest
  evaluation") and ``within`` (stratified folds);
- the markers that drive it: a logistic regression on the standardised markers of the opening
  alone, coefficient per SD and the marker's rate by outcome;
- **command-first** (the first officer turn carries the command marker) and **reason given**
  (the reason marker fires within the opening) rates by outcome, with Wilson intervals.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from workbench.analysis.outcomes import escalated_outcome
from workbench.analysis.proportions import add_rate_columns
from workbench.assist.markers import MARKERS, utterance_markers
from workbench.assist.templates import template_of
from workbench.exceptions import InputError, ParameterError

N_WORDS = 45
MARKER_COLUMNS = (*tuple(m.name for m in MARKERS), "sentiment")
_WORD = re.compile(r"[A-Za-z0-9]")


def opening_words(utterances: pd.DataFrame, n_words: int = N_WORDS) -> pd.DataFrame:
    """Per clip with officer speech: ``clip_id, opening`` (first ``n_words`` officer words),
    ``first_turn`` (the first officer turn's text) and ``n_words`` (≤ the parameter)."""
    if not isinstance(n_words, int) or n_words < 1:
        raise ParameterError(f"n_words = {n_words!r}: expected a whole number ≥ 1",
                             field="n_words")
    officer = utterances[utterances["role"] == "officer"].sort_values(
        ["clip_id", "utterance_index"])
    rows = []
    for clip_id, turns in officer.groupby("clip_id", sort=True):
        words: list[str] = []
        for text in turns["text"].fillna("").astype(str):
            spoken = re.sub(r"\[[^\]]*\]", " ", text)
            words += [w for w in spoken.split() if _WORD.search(w)]
            if len(words) >= n_words:
                break
        if words:
            rows.append({"clip_id": clip_id, "opening": " ".join(words[:n_words]),
                         "first_turn": str(turns["text"].iloc[0]),
                         "n_words": min(len(words), n_words)})
    return pd.DataFrame(rows, columns=["clip_id", "opening", "first_turn", "n_words"])


def opening_frame(utterances: pd.DataFrame, codes: pd.DataFrame, ranks,
                  n_words: int = N_WORDS) -> pd.DataFrame:
    """:func:`opening_words` with the markers of the opening, ``command_first``,
    ``reason_given``, ``template`` (of the first turn) and ``escalated`` (bool)."""
    openings = opening_words(utterances, n_words)
    flags = escalated_outcome(codes, ranks, openings["clip_id"])
    openings = openings[flags.reindex(openings["clip_id"]).notna().to_numpy()].copy()
    openings["escalated"] = flags.reindex(openings["clip_id"]).astype(bool).to_numpy()
    marks = pd.DataFrame([utterance_markers(t) for t in openings["opening"]],
                         index=openings.index)[list(MARKER_COLUMNS)]
    first = [utterance_markers(t, sentiment=False)["command"] for t in openings["first_turn"]]
    openings = pd.concat([openings, marks], axis=1)
    openings["command_first"] = np.asarray(first) > 0
    openings["reason_given"] = openings["reason"] > 0
    openings["template"] = [template_of(t) or f"untemplated:{c}" for t, c in
                            zip(openings["first_turn"], openings["clip_id"], strict=True)]
    return openings.reset_index(drop=True)


def hanley_mcneil(auc: float, n_pos: int, n_neg: int, confidence: float = 0.95
                  ) -> tuple[float, float]:
    """Hanley & McNeil (1982) interval for an AUC: normal, SE from Q1 = A/(2−A),
    Q2 = 2A²/(1+A); clipped to [0, 1]."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc * auc)
           + (n_neg - 1) * (q2 - auc * auc)) / (n_pos * n_neg)
    z = norm.ppf(0.5 + confidence / 2)
    half = z * np.sqrt(max(var, 0.0))
    return max(0.0, auc - half), min(1.0, auc + half)


def _model() -> object:
    features = ColumnTransformer([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), "opening"),
        ("markers", StandardScaler(), list(MARKER_COLUMNS)),
    ])
    return make_pipeline(features, LogisticRegression(C=1.0, max_iter=1000))


def opening_auc(frame: pd.DataFrame, *, folds: int = 5, seed: int = 0) -> pd.DataFrame:
    """Out-of-fold AUC of the opening model: ``scheme, clips, escalated, auc, auc_low,
    auc_high`` for ``held_out`` and ``within`` (see the module docstring)."""
    y = frame["escalated"].to_numpy().astype(int)
    if len(frame) < 2 * folds or y.sum() < folds or (1 - y).sum() < folds:
        raise InputError(f"opening words: {len(frame)} clips, {int(y.sum())} escalated — too "
                         f"few for {folds}-fold cross-validation", field="escalated")
    splits = {
        "held_out": GroupKFold(n_splits=folds).split(frame, y, frame["template"]),
        "within": StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(
            frame, y),
    }
    rows = []
    for scheme, split in splits.items():
        score = np.full(len(frame), np.nan)
        for train, test in split:
            model = _model().fit(frame.iloc[train], y[train])
            score[test] = model.predict_proba(frame.iloc[test])[:, 1]
        auc = float(roc_auc_score(y, score))
        low, high = hanley_mcneil(auc, int(y.sum()), int((1 - y).sum()))
        rows.append({"scheme": scheme, "clips": len(frame), "escalated": int(y.sum()),
                     "auc": auc, "auc_low": low, "auc_high": high})
    return pd.DataFrame(rows)


def opening_markers(frame: pd.DataFrame) -> pd.DataFrame:
    """Per marker: ``marker``, ``escalated`` (clips), ``with_escalated`` (of them, with the
    marker in the opening), ``pct_escalated``, the same for ``not_escalated``, and
    ``coefficient`` (log-odds per SD of the marker in a logistic regression on all the
    opening's markers, C = 1); largest absolute coefficient first."""
    x = StandardScaler().fit_transform(frame[list(MARKER_COLUMNS)].to_numpy(dtype=float))
    y = frame["escalated"].to_numpy().astype(int)
    coef = LogisticRegression(C=1.0, max_iter=1000).fit(x, y).coef_[0]
    esc = frame["escalated"].to_numpy()
    table = pd.DataFrame({"marker": list(MARKER_COLUMNS)})
    for name, part in (("escalated", frame[esc]), ("not_escalated", frame[~esc])):
        table[name] = len(part)
        table[f"with_{name}"] = [int(part[m].gt(0).sum()) for m in MARKER_COLUMNS]
        table[f"pct_{name}"] = 100 * table[f"with_{name}"] / max(len(part), 1)
    table["coefficient"] = coef
    return table.reindex(table["coefficient"].abs().sort_values(ascending=False).index
                         ).reset_index(drop=True)


def opening_rates(frame: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Command-first and reason-given by outcome: ``measure, outcome, clips, count, pct,
    pct_low, pct_high`` (Wilson interval)."""
    rows = []
    for measure in ("command_first", "reason_given"):
        for outcome, part in (("escalated", frame[frame["escalated"]]),
                              ("not_escalated", frame[~frame["escalated"]])):
            rows.append({"measure": measure, "outcome": outcome, "clips": len(part),
                         "count": int(part[measure].sum())})
    return add_rate_columns(pd.DataFrame(rows), "count", "clips", confidence=confidence)


def opening_words_analysis(utterances: pd.DataFrame, codes: pd.DataFrame, ranks, *,
                           n_words: int = N_WORDS, folds: int = 5, seed: int = 0
                           ) -> dict[str, pd.DataFrame]:
    """The three tables: ``auc`` (:func:`opening_auc`), ``markers``, ``rates``."""
    frame = opening_frame(utterances, codes, ranks, n_words)
    return {"auc": opening_auc(frame, folds=folds, seed=seed),
            "markers": opening_markers(frame), "rates": opening_rates(frame)}


__all__ = ["N_WORDS", "hanley_mcneil", "opening_auc", "opening_frame", "opening_markers",
           "opening_rates", "opening_words", "opening_words_analysis"]
