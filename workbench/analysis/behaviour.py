"""Per-turn behaviour measures shared by the trajectory, sequence and de-escalation analyses.

For every turn: the subject's resistance rank (subject turns), the number of officer escalation
moves and de-escalation tactics (officer turns), their balance, and one behaviour category per
turn for lag sequential analysis. Definitions (from :mod:`workbench.analysis.codes`):

* escalation move: ``esc_command`` ≥ bare_order, ``esc_threat``, ``esc_accusation``,
  ``esc_hostility`` ≥ raised_voice (each counts 1);
* de-escalation tactic: any of the six ``deesc_*`` codes (each counts 1);
* balance = escalation − de-escalation (officer turns; 0 elsewhere).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.codes import (
    DEESCALATION_TACTICS,
    ESCALATION_MOVES,
    PARTICIPATION,
    RESISTANCE,
)
from workbench.analysis.frames import (
    CLIP_ID,
    ROLE,
    UTTERANCE_INDEX,
    Ranks,
    coded_turns,
    is_present,
    rank_of,
    validate_frames,
)
from workbench.exceptions import InputError

#: Officer turn categories for sequential analysis, in display order.
OFFICER_CATEGORIES: tuple[str, ...] = ("escalating", "de_escalating", "neutral")
#: Subject turn categories for sequential analysis, in display order.
SUBJECT_CATEGORIES: tuple[str, ...] = ("resisting", "participating", "compliant")


def turn_measures(utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks) -> pd.DataFrame:
    """One row per turn with behaviour measures.

    Returns
    -------
    DataFrame
        ``clip_id, utterance_index, start, end, role, resistance`` (rank of ``subj_resistance``,
        NaN where not coded), ``escalation``, ``deescalation``, ``balance`` (counts, officer
        turns only), ``category`` (see :data:`OFFICER_CATEGORIES`, :data:`SUBJECT_CATEGORIES`;
        NA for third parties and unknown speakers), and the tactic columns as booleans.
    """
    frames = validate_frames(utterances=utterances, codes=codes, ranks=ranks)
    return measure_turns(frames.utterances, frames.codes, ranks)


def resistance_floor(ranks: Ranks) -> float:
    """The rank of the lowest resistance level (compliant)."""
    if RESISTANCE not in ranks or not ranks[RESISTANCE]:
        raise InputError(f"ranks for {RESISTANCE!r} are required", field="ranks")
    return float(min(ranks[RESISTANCE].values()))


def measure_turns(utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks) -> pd.DataFrame:
    """:func:`turn_measures` on frames already validated (no checks)."""
    turns = coded_turns(utterances, codes)
    officer = turns[ROLE].eq("officer").to_numpy()
    subject = turns[ROLE].eq("subject").to_numpy()
    out = turns[[CLIP_ID, UTTERANCE_INDEX, "start", "end", ROLE]].copy()
    if RESISTANCE in turns:
        resistance = rank_of(turns[RESISTANCE], RESISTANCE, ranks)
    else:
        resistance = pd.Series(np.nan, index=turns.index)
    out["resistance"] = resistance.where(subject)
    escalation = np.zeros(len(turns), dtype=int)
    for code_id, threshold in ESCALATION_MOVES.items():
        escalation += _escalation_hits(turns, code_id, threshold, ranks)
    tactics = {
        tactic: (is_present(turns[tactic]).to_numpy() if tactic in turns
                 else np.zeros(len(turns), dtype=bool)) & officer
        for tactic in DEESCALATION_TACTICS
    }
    deescalation = np.sum(list(tactics.values()), axis=0).astype(int)
    out["escalation"] = np.where(officer, escalation, 0)
    out["deescalation"] = deescalation
    out["balance"] = out["escalation"] - out["deescalation"]
    floor = resistance_floor(ranks) if RESISTANCE in ranks else 0.0
    participating = turns[PARTICIPATION].notna().to_numpy() if PARTICIPATION in turns else False
    category = np.select(
        [officer & (out["escalation"] > 0), officer & (out["deescalation"] > 0), officer,
         subject & (out["resistance"] > floor).to_numpy(), subject & participating, subject],
        ["escalating", "de_escalating", "neutral", "resisting", "participating", "compliant"],
        default="",
    )
    out["category"] = pd.Series(category, index=out.index).replace("", pd.NA)
    for tactic, hits in tactics.items():
        out[tactic] = hits
    return out.reset_index(drop=True)


def _escalation_hits(
    turns: pd.DataFrame, code_id: str, threshold: str | None, ranks: Ranks
) -> np.ndarray:
    if code_id not in turns:
        return np.zeros(len(turns), dtype=int)
    if threshold is None:
        return is_present(turns[code_id]).to_numpy().astype(int)
    scale = ranks.get(code_id)
    if scale is None or threshold not in scale:
        raise InputError(f"ranks for ordinal code {code_id!r} with option {threshold!r} are "
                         "required to count escalation moves", field="ranks")
    return (rank_of(turns[code_id], code_id, ranks) >= scale[threshold]).to_numpy().astype(int)
