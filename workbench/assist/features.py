"""Per-utterance features for the suggestion models: markers, speaker role, position.

``utterances`` follows :mod:`workbench.analysis.frames` (``clip_id``, ``utterance_index``,
``role``, ``text`` …). :func:`marker_table` adds one column per marker
(:data:`~workbench.assist.markers.MARKER_NAMES`); :func:`feature_frame` adds ``position``
(0 at the clip's first turn, 1 at its last).
"""

from __future__ import annotations

import pandas as pd

from workbench.assist.markers import MARKER_NAMES, utterance_markers
from workbench.exceptions import InputError

NEEDED = ("clip_id", "utterance_index", "role", "text")


def _check(utterances: pd.DataFrame) -> None:
    missing = [c for c in NEEDED if c not in utterances.columns]
    if missing:
        raise InputError(f"utterances: missing column(s) {', '.join(missing)}; expected "
                         f"{', '.join(NEEDED)}", field=missing[0])


def marker_table(utterances: pd.DataFrame, *, sentiment: bool = True) -> pd.DataFrame:
    """One row per utterance (same index): ``clip_id``, ``utterance_index`` and the markers."""
    if "text" not in utterances.columns:
        raise InputError("utterances: missing column text", field="text")
    cache: dict[str, dict[str, float]] = {}
    rows = []
    for text in utterances["text"].fillna("").astype(str):
        if text not in cache:
            cache[text] = utterance_markers(text, sentiment=sentiment)
        rows.append(cache[text])
    table = pd.DataFrame(rows, index=utterances.index, columns=list(MARKER_NAMES))
    keys = [c for c in ("clip_id", "utterance_index") if c in utterances.columns]
    return pd.concat([utterances[keys], table], axis=1)


def feature_frame(utterances: pd.DataFrame) -> pd.DataFrame:
    """``utterances`` with the markers and ``position`` (utterance_index / (n turns − 1))."""
    _check(utterances)
    frame = utterances.reset_index(drop=True).copy()
    frame["text"] = frame["text"].fillna("").astype(str)
    last = frame.groupby("clip_id")["utterance_index"].transform("max").clip(lower=1)
    frame["position"] = frame["utterance_index"] / last
    markers = marker_table(frame).drop(columns=["clip_id", "utterance_index"])
    return pd.concat([frame, markers], axis=1)
