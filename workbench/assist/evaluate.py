"""Cross-validated agreement of the suggestions with the human consensus, per target.

Two schemes (ROUND2 "Honest evaluation of assistance"), both grouped by clip so that no clip is
in training and test at once:

``held_out`` (the figure that counts)
    clips and demo phrase templates are each dealt to ``folds`` folds (by a seeded hash); fold
    k tests the turns whose clip **and** template are in k and trains on the turns whose clip
    and template are both outside k. A model never sees the template variant it is tested on.
    Turns with no known template (real transcripts) count as their own template each.
``within``
    `GroupKFold` by clip only: templates are shared between training and test.

Per target: precision, recall, F1 of the positive class, and Cohen's kappa (two raters: model
at probability ≥ 0.5, consensus), from the confusion counts pooled over folds; ``n_pos`` is the
consensus positives among test turns. A target with too few positives is reported as such.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from workbench.assist.features import feature_frame
from workbench.assist.suggest import (
    MIN_CLIPS,
    MIN_POSITIVES,
    feature_transformer,
    fit_targets,
    labels,
    targets,
)
from workbench.assist.templates import template_ids
from workbench.codebook.book import Codebook
from workbench.exceptions import ParameterError

SCHEMES = ("held_out", "within")
COLUMNS = ("key", "scheme", "n_test", "n_pos", "precision", "recall", "f1", "kappa", "note")


def _fold(values: pd.Series, folds: int, seed: int) -> np.ndarray:
    return np.array([int(hashlib.sha256(f"{seed}:{v}".encode()).hexdigest()[:8], 16) % folds
                     for v in values])


def fold_plan(frame: pd.DataFrame, scheme: str, folds: int = 5, seed: int = 0
              ) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train mask, test mask) per fold for ``scheme`` (see the module docstring)."""
    if scheme not in SCHEMES:
        raise ParameterError(f"scheme '{scheme}': expected one of {', '.join(SCHEMES)}",
                             field="scheme")
    if folds < 2:
        raise ParameterError(f"folds = {folds}: expected at least 2", field="folds")
    clip_fold = _fold(frame["clip_id"], folds, seed)
    if scheme == "within":
        return [(clip_fold != k, clip_fold == k) for k in range(folds)]
    templates = pd.Series(template_ids(frame["text"]), index=frame.index)
    templates = templates.fillna("untemplated:" + frame["clip_id"].astype(str) + ":"
                                 + frame["utterance_index"].astype(str))
    template_fold = _fold(templates, folds, seed + 1)
    return [((clip_fold != k) & (template_fold != k), (clip_fold == k) & (template_fold == k))
            for k in range(folds)]


def cross_validate(utterances: pd.DataFrame, codes: pd.DataFrame, codebook: Codebook, *,
                   schemes: tuple[str, ...] = SCHEMES, folds: int = 5, seed: int = 0,
                   only: list[str] | None = None, reference: pd.DataFrame | None = None
                   ) -> pd.DataFrame:
    """Per target and scheme: :data:`COLUMNS` (NaN figures with a ``note`` when too few).

    Models learn from ``codes``; test turns are scored against ``reference`` (default
    ``codes``; e.g. the demo's ground truth, ``corpus/_truth/codes.csv``).
    """
    frame = feature_frame(utterances)
    wanted = [t for t in targets(codebook) if only is None or t.key in only]
    y_all = {t.key: labels(frame, codes if reference is None else reference, t)
             for t in wanted}
    role_ok = {t.key: frame["role"].isin(t.roles).to_numpy() for t in wanted}
    rows = []
    for scheme in schemes:
        truth: dict[str, list[np.ndarray]] = {t.key: [] for t in wanted}
        guess: dict[str, list[np.ndarray]] = {t.key: [] for t in wanted}
        for train_mask, test_mask in fold_plan(frame, scheme, folds, seed):
            features = feature_transformer().fit(frame[train_mask])
            x_train = features.transform(frame[train_mask])
            x_test = features.transform(frame[test_mask])
            models = fit_targets(frame[train_mask].reset_index(drop=True), x_train, codes,
                                 codebook, only=[t.key for t in wanted])
            for t in wanted:
                te = role_ok[t.key][test_mask]
                if t.key not in models or not te.any():
                    continue
                y_te = y_all[t.key][test_mask][te]
                truth[t.key].append(y_te)
                p = models[t.key].predict_proba(x_test[te])[:, 1]
                guess[t.key].append((p >= 0.5).astype(int))
        for t in wanted:
            rows.append(_scores(t.key, scheme, truth[t.key], guess[t.key],
                                int(y_all[t.key][role_ok[t.key]].sum())))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _scores(key: str, scheme: str, truth: list[np.ndarray], guess: list[np.ndarray],
            total_pos: int) -> dict[str, object]:
    if not truth:
        return {"key": key, "scheme": scheme, "n_test": 0, "n_pos": 0, "precision": np.nan,
                "recall": np.nan, "f1": np.nan, "kappa": np.nan,
                "note": f"too few positives ({total_pos}; need {MIN_POSITIVES} in "
                        f"{MIN_CLIPS} clips per training fold): no suggestions"}
    y, g = np.concatenate(truth), np.concatenate(guess)
    p, r, f, _ = precision_recall_fscore_support(y, g, average="binary", zero_division=0)
    kappa = cohen_kappa_score(y, g) if len(set(y) | set(g)) > 1 else np.nan
    return {"key": key, "scheme": scheme, "n_test": len(y), "n_pos": int(y.sum()),
            "precision": float(p), "recall": float(r), "f1": float(f), "kappa": float(kappa),
            "note": ""}


def code_table(scores: pd.DataFrame) -> pd.DataFrame:
    """:func:`cross_validate` output as one row per target: ``key``, then ``precision, recall,
    f1, kappa`` held out (the figures that count) and ``…_within``, ``n_pos`` and ``note``."""
    figures = ["precision", "recall", "f1", "kappa"]
    held = scores[scores["scheme"] == "held_out"].set_index("key")
    within = scores[scores["scheme"] == "within"].set_index("key")
    out = held[["n_test", "n_pos", *figures]].join(
        within[figures].add_suffix("_within"), how="left")
    out["note"] = held["note"]
    return out.reset_index()
