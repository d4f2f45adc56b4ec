"""Learned suggestions for utterance-level codes: features → calibrated logistic regression.

Features (:func:`feature_transformer`): word 1–2-gram and character 2–4-gram TF-IDF of the
text, the markers (:mod:`workbench.assist.markers`), the speaker role (one-hot) and the position
in the clip. One target per code (nominal: present; categorical/ordinal: one target per option,
``code_id=value``), trained on the turns whose role the code applies to, with scikit-learn's
`LogisticRegression` (liblinear, C = 4; its probabilities are calibrated by the log-loss fit;
:func:`classifier` can wrap it in a sigmoid `CalibratedClassifierCV`). A target with fewer
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
from workbench.assist.markers import MARKER_NAMES
from workbench.codebook.book import Codebook

#: A target needs at least this many positive turns …
MIN_POSITIVES = 20
#: … in at least this many clips, or it suggests nothing.
MIN_CLIPS = 5
ROLES = ("officer", "subject", "third_party", "unknown")


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
    """The learning half: logistic regression (liblinear, C = 4), whose log-loss fit already
    gives calibrated probabilities; ``calibrate=True`` adds a sigmoid `CalibratedClassifierCV`
    (3 folds; three times the cost)."""
    model = LogisticRegression(C=4.0, solver="liblinear", max_iter=200)
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
            return pd.DataFrame(columns=["clip_id", "utterance_index", "key", "code_id",
                                         "value", "probability"])
        x = self.features.transform(frame)
        parts = []
        for key, model in self.models.items():
            t = self.targets[key]
            rows = frame["role"].isin(t.roles).to_numpy()
            if not rows.any():
                continue
            p = model.predict_proba(x[rows])[:, 1]
            parts.append(pd.DataFrame({
                "clip_id": frame.loc[rows, "clip_id"].to_numpy(),
                "utterance_index": frame.loc[rows, "utterance_index"].to_numpy(),
                "key": key, "code_id": t.code_id, "value": t.value, "probability": p}))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["clip_id", "utterance_index", "key", "code_id", "value", "probability"])


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
    for t in targets(codebook):
        if only is not None and t.key not in only:
            continue
        rows = frame["role"].isin(t.roles).to_numpy()
        y = labels(frame[rows], codes, t)
        out.targets[t.key] = t
        if not enough(y, frame.loc[rows, "clip_id"]):
            out.too_few[t.key] = int(y.sum())
            continue
        out.models[t.key] = classifier().fit(x[rows], y)
    return out
