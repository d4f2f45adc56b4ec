"""Good-practice library (study output 11): redacted excerpts of exemplary encounters.

An encounter is a candidate when at least one de-escalation tactic was followed by a drop in
resistance (:func:`workbench.analysis.deescalation.tactic_outcomes`); candidates are ranked by
their procedural-justice score (highest first, ties by clip id). Each excerpt is a window of
turns around the first successful tactic. The text of every turn goes through
:func:`workbench.privacy.redaction.redact_texts` (names learnt from the whole encounter are
redacted wherever they recur), and speakers are shown by role only ("Officer 1",
"Subject"): raw text never leaves this module. A human must still read excerpts before
publication (no quote that identifies a person, place or time).
"""

from __future__ import annotations

import pandas as pd

from workbench.analysis.codes import DEESCALATION_TACTICS
from workbench.analysis.deescalation import tactic_outcomes
from workbench.analysis.frames import (
    CLIP_ID,
    ROLE,
    SPEAKER,
    TEXT,
    UTTERANCE_INDEX,
    Ranks,
    validate_frames,
)
from workbench.exceptions import ParameterError
from workbench.privacy.redaction import redact_texts

_ROLE_LABELS = {"officer": "Officer", "subject": "Subject", "third_party": "Third party",
                "unknown": "Unknown speaker"}


def good_practice_excerpts(
    utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks, pj_scores: pd.Series, *,
    n: int = 5, window: int = 2, k: int = 2,
) -> pd.DataFrame:
    """Redacted excerpts of the ``n`` best candidate encounters.

    Parameters
    ----------
    pj_scores : procedural-justice score per clip (index ``clip_id``; e.g. a column of the
        codebook's derived measures); higher is better.
    window : turns shown before and after the anchor turn (the successful tactic).
    k : subject observations within which resistance must drop (as in
        :func:`~workbench.analysis.deescalation.tactic_outcomes`).

    Returns
    -------
    DataFrame, one row per turn: ``excerpt`` (1 = best), ``clip_id, pj_score,
    utterance_index, anchor`` (bool), ``speaker`` (role label), ``text`` (redacted),
    ``tactics`` (on the anchor turn).
    """
    for name, value, low in (("n", n, 1), ("window", window, 0)):
        if value < low:
            raise ParameterError(f"{name} {value}; expected a whole number ≥ {low}", field=name)
    frames = validate_frames(utterances=utterances, codes=codes, ranks=ranks)
    outcomes = tactic_outcomes(frames.utterances, frames.codes, ranks, k=k)
    used = outcomes[list(DEESCALATION_TACTICS)].any(axis=1)
    successes = outcomes[used & outcomes["dropped"].fillna(False).astype(bool)]
    anchors = successes.groupby(CLIP_ID)[UTTERANCE_INDEX].min()
    scores = pd.Series(pj_scores, dtype="float64").dropna()
    ranked = pd.DataFrame({"pj_score": scores.reindex(anchors.index), "anchor": anchors}).dropna()
    ranked = ranked.reset_index().sort_values(["pj_score", CLIP_ID], ascending=[False, True])
    columns = ["excerpt", CLIP_ID, "pj_score", UTTERANCE_INDEX, "anchor", "speaker", TEXT,
               "tactics"]
    parts = []
    for number, row in enumerate(ranked.head(n).itertuples(index=False), start=1):
        clip = frames.utterances[frames.utterances[CLIP_ID] == row.clip_id].reset_index(drop=True)
        position = int(clip.index[clip[UTTERANCE_INDEX] == row.anchor][0])
        turns = clip.iloc[max(0, position - window):position + window + 1].copy()
        anchor_row = successes[(successes[CLIP_ID] == row.clip_id)
                               & (successes[UTTERANCE_INDEX] == row.anchor)].iloc[0]
        tactics = ", ".join(t for t in DEESCALATION_TACTICS if anchor_row[t])
        is_anchor = turns[UTTERANCE_INDEX] == row.anchor
        parts.append(pd.DataFrame({
            "excerpt": number, CLIP_ID: row.clip_id, "pj_score": row.pj_score,
            UTTERANCE_INDEX: turns[UTTERANCE_INDEX].to_numpy(), "anchor": is_anchor.to_numpy(),
            "speaker": _speaker_labels(turns),
            TEXT: redact_texts(list(turns[TEXT]), context=list(clip[TEXT])),
            "tactics": [tactics if a else "" for a in is_anchor],
        }))
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def _speaker_labels(turns: pd.DataFrame) -> list[str]:
    """Role labels; officers (and other roles with several speakers) numbered in order."""
    labels, numbers = [], {}
    for role, speaker in zip(turns[ROLE], turns[SPEAKER], strict=True):
        several = turns.loc[turns[ROLE] == role, SPEAKER].nunique() > 1 or role == "officer"
        key = (role, speaker)
        if key not in numbers:
            numbers[key] = sum(1 for r, _ in numbers if r == role) + 1
        base = _ROLE_LABELS.get(role, "Speaker")
        labels.append(f"{base} {numbers[key]}" if several else base)
    return labels
