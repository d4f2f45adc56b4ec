"""Learned suggestions for utterance-level codes: features → calibrated logistic regression.

Features (:func:`feature_transformer`): word 1–2-gram and character 2–4-gram TF-IDF of the
text, the markers (:mod:`workbench.assist.markers`), the speaker role (one-hot) and the position
in the clip. One target per code (nominal: present; categorical/ordinal: one target per option,
``code_id=value``), trained on the turns whose role the code applies to, with scikit-learn's
`LogisticRegression` (L2, C = 4; its probabilities are calibrated by the log-loss fit;
:func:`classifier` can wrap it in a sigmoid `CalibratedClassifierCV`). All targets are fitted
at once on one feature matrix (:mod:`workbench.assist.heads`: the same optimum as one
`LogisticRegression` each, for a fraction of the passes over the matrix), and suggestions for
every target come from one matrix product. A target with fewer
than :data:`MIN_POSITIVES` positives, or positives in fewer than :data:`MIN_CLIPS` clips, is
marked ``too_few`` and suggests nothing.

Suggestions are probabilities only: nothing here writes annotations (the store is not
imported). A :class:`SuggestionModels` carries the codebook hash and the data hash it was
trained on (its ``version``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from workbench.assist.features import feature_frame
from workbench.assist.heads import as_estimators, fit_heads, head_probabilities
from workbench.assist.markers import MARKER_NAMES
from workbench.codebook.book import Codebook

#: A target needs at least this many positive turns …
MIN_POSITIVES = 20
#: … in at least this many clips, or it suggests nothing.
MIN_CLIPS = 5
ROLES = ("officer", "subject", "third_party", "unknown")
#: Inverse L2 strength of every suggestion model.
C = 4.0


@dataclass(frozen=True)
class Target:
    """One suggestion target: ``key`` is ``code_id`` (nominal) or ``code_id=value``."""

    key: str
    code_id: str
    value: str
    roles: tuple[str, ...]


def targets(codebook: Codebook) -> list[Target]:
    """Every utterance-level code of ``codebook`` as suggestion targets (codebook order)."""
    out: list[Target] = []
    for code in codebook.codes_for("utterance"):
        roles = tuple(r for r in ROLES if code.applies_to_role(r))
        if str(code.level) == "nominal":
            out.append(Target(code.id, code.id, "present", roles))
            continue
        for value in codebook.option_keys(code.id):
            out.append(Target(f"{code.id}={value}", code.id, value, roles))
    return out


def labels(frame: pd.DataFrame, codes: pd.DataFrame, target: Target) -> np.ndarray:
    """0/1 per row of ``frame`` (``clip_id``, ``utterance_index``): the code holds the value."""
    hit = codes[(codes["code_id"] == target.code_id) & (codes["value"] == target.value)
                & codes["utterance_index"].notna()]
    keys = set(zip(hit["clip_id"], hit["utterance_index"].astype(int), strict=True))
    return np.fromiter(((c, int(i)) in keys for c, i in
                        zip(frame["clip_id"], frame["utterance_index"], strict=True)),
                       dtype=int, count=len(frame))


def feature_transformer() -> ColumnTransformer:
    """The feature half of the pipeline (fit on training turns only)."""
    return ColumnTransformer([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                  lowercase=True), "text"),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), min_df=5,
                                  max_features=10000, sublinear_tf=True, dtype=np.float32),
         "text"),
        ("markers", StandardScaler(), [*MARKER_NAMES, "position"]),
        ("role", OneHotEncoder(categories=[list(ROLES)], handle_unknown="ignore"), ["role"]),
    ])


def classifier(calibrate: bool = False) -> LogisticRegression | CalibratedClassifierCV:
    """The learning half for one target alone: logistic regression (C = 4), whose log-loss
    fit already gives calibrated probabilities; ``calibrate=True`` adds a sigmoid
    `CalibratedClassifierCV` (3 folds; three times the cost)."""
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=1000)
    return CalibratedClassifierCV(model, method="sigmoid", cv=3) if calibrate else model


def enough(y: np.ndarray, clips: pd.Series) -> bool:
    """Enough positives (and clips holding them) to learn and to evaluate."""
    return int(y.sum()) >= MIN_POSITIVES and clips[y == 1].nunique() >= MIN_CLIPS


@dataclass
class SuggestionModels:
    """Fitted features and one calibrated classifier per target with enough positives."""

    codebook_hash: str
    data_hash: str
    features: ColumnTransformer
    models: dict[str, LogisticRegression | CalibratedClassifierCV] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    too_few: dict[str, int] = field(default_factory=dict)  # key → positives

    @property
    def version(self) -> str:
        """``codebook hash[:12]-data hash[:12]``."""
        return f"{self.codebook_hash[:12]}-{self.data_hash[:12]}"

    def suggest(self, utterances: pd.DataFrame) -> pd.DataFrame:
        """Long table: ``clip_id, utterance_index, key, code_id, value, probability`` for every
        turn and every trained target whose role applies (too-few targets: no rows)."""
        frame = feature_frame(utterances)
        if frame.empty:
            return pd.DataFrame(columns=list(SUGGESTION_COLUMNS))
        x = self.features.transform(frame)
        keys = list(self.models)
        if not keys:
            return pd.DataFrame(columns=list(SUGGESTION_COLUMNS))
        coef, intercept = self._stacked(keys)
        p = head_probabilities(x, coef, intercept)  # rows × targets, one product
        applies = np.column_stack([frame["role"].isin(self.targets[k].roles).to_numpy()
                                   for k in keys])
        row, col = np.nonzero(applies)
        key = np.asarray(keys, dtype=object)
        return pd.DataFrame({
            "clip_id": frame["clip_id"].to_numpy()[row],
            "utterance_index": frame["utterance_index"].to_numpy()[row],
            "key": key[col],
            "code_id": np.asarray([self.targets[k].code_id for k in keys], dtype=object)[col],
            "value": np.asarray([self.targets[k].value for k in keys], dtype=object)[col],
            "probability": p[row, col]}).sort_values(["key", "clip_id", "utterance_index"],
                                                      kind="stable", ignore_index=True)

    def _stacked(self, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Every model's weights as one matrix (cached; logistic models only)."""
        cached = self.__dict__.get("_stack")
        if cached is None or cached[0] != keys:
            models = [self.models[k] for k in keys]
            if all(isinstance(m, LogisticRegression) for m in models):
                coef = np.vstack([m.coef_ for m in models])
                intercept = np.concatenate([m.intercept_ for m in models])
            else:  # calibrated wrappers: no single linear form
                raise TypeError("stacked scoring needs plain logistic models")
            cached = (keys, coef, intercept)
            self.__dict__["_stack"] = cached
        return cached[1], cached[2]


SUGGESTION_COLUMNS = ("clip_id", "utterance_index", "key", "code_id", "value", "probability")


def data_hash(utterances: pd.DataFrame, codes: pd.DataFrame) -> str:
    """sha256 of the training turns and their codes (sorted CSV)."""
    u = utterances[["clip_id", "utterance_index", "role", "text"]].sort_values(
        ["clip_id", "utterance_index"])
    c = codes[["clip_id", "utterance_index", "code_id", "value"]].astype(str).sort_values(
        ["clip_id", "utterance_index", "code_id", "value"])
    digest = hashlib.sha256(u.to_csv(index=False).encode())
    digest.update(c.to_csv(index=False).encode())
    return digest.hexdigest()


def train(utterances: pd.DataFrame, codes: pd.DataFrame, codebook: Codebook,
          *, only: list[str] | None = None) -> SuggestionModels:
    """Fit the models on every turn of ``utterances`` against the consensus ``codes``.

    ``only``: target keys to train (default: all of :func:`targets`).
    """
    frame = feature_frame(utterances)
    features = feature_transformer().fit(frame)
    x = features.transform(frame)
    out = SuggestionModels(codebook.hash, data_hash(utterances, codes), features)
    for key, model in fit_targets(frame, x, codes, codebook, only=only, out=out).items():
        out.models[key] = model
    return out


def fit_targets(frame: pd.DataFrame, x, codes: pd.DataFrame, codebook: Codebook, *,
                only: list[str] | None = None, out: SuggestionModels | None = None
                ) -> dict[str, LogisticRegression]:
    """One logistic model per target with enough positives, all fitted at once on the one
    feature matrix ``x`` of ``frame`` (:func:`workbench.assist.heads.fit_heads`). Targets
    with too few positives are recorded in ``out.too_few`` when ``out`` is given."""
    keep, ys, masks = [], [], []
    for t in targets(codebook):
        if only is not None and t.key not in only:
            continue
        rows = frame["role"].isin(t.roles).to_numpy()
        y = np.zeros(len(frame), dtype=int)
        y[rows] = labels(frame[rows], codes, t)
        if out is not None:
            out.targets[t.key] = t
        if not enough(y[rows], frame.loc[rows, "clip_id"]):
            if out is not None:
                out.too_few[t.key] = int(y.sum())
            continue
        keep.append(t.key)
        ys.append(y)
        masks.append(rows)
    if not keep:
        return {}
    coef, intercept, _, _ = fit_heads(x, np.column_stack(ys), np.column_stack(masks), c=C)
    return dict(zip(keep, as_estimators(coef, intercept, c=C), strict=True))
