"""Encounter outcomes: the escalated-outcome flag, opening move vs outcome, force factor.

*Escalated outcome* (team definition): ``out_handcuffing`` ≠ none, or ``out_disposal`` = arrest,
or ``out_force`` ≥ restraint. The opening-move table follows Rho et al. (2023, PNAS), who found
escalated traffic stops more likely to open with a command and less likely with a reason. The
force factor follows Alpert & Dunham (2004, *Understanding police use of force*): force level
minus resistance level.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from workbench.analysis.codes import (
    DISPOSAL,
    FORCE,
    HANDCUFFING,
    OPENING_MOVE,
    RESISTANCE,
    STOP_SEARCH,
)
from workbench.analysis.frames import (
    CLIP_ID,
    CODE_ID,
    UTTERANCE_INDEX,
    VALUE,
    Ranks,
    clip_values,
    rank_of,
    validate_frames,
)
from workbench.analysis.proportions import add_rate_columns
from workbench.exceptions import InputError

#: The lowest force level that makes an outcome escalated.
FORCE_THRESHOLD = "restraint"
#: ``suppress_rows(opening_move_table(...), **OPENING_MOVE_DISCLOSURE)`` to publish.
OPENING_MOVE_DISCLOSURE: dict[str, object] = {
    "count_column": "escalated", "base_column": "clips", "other_count_columns": ("not_escalated",),
    "value_columns": ("pct", "pct_low", "pct_high"), "count_lines": ((),), "base_lines": ((),),
}


def escalated_outcome(
    codes: pd.DataFrame, ranks: Ranks, clip_ids: Iterable[str] | None = None
) -> pd.Series:
    """Whether each encounter had an escalated outcome.

    Returns
    -------
    Series of pandas ``boolean`` indexed by ``clip_id`` (name ``escalated``): True if any of the
    three criteria holds, False if none does, NA where none of ``out_handcuffing``,
    ``out_disposal``, ``out_force`` is coded. ``clip_ids`` (default: clips in ``codes``) fixes
    the index.
    """
    frames = validate_frames(codes=codes, ranks=ranks)
    return escalation_flags(frames.codes, ranks, clip_ids)


def escalation_flags(
    codes: pd.DataFrame, ranks: Ranks, clip_ids: Iterable[str] | None = None
) -> pd.Series:
    """:func:`escalated_outcome` on validated frames (no checks)."""
    if FORCE not in ranks or FORCE_THRESHOLD not in ranks[FORCE]:
        raise InputError(f"ranks for {FORCE!r} including {FORCE_THRESHOLD!r} are required",
                         field="ranks")
    index = pd.Index(sorted(set(clip_ids) if clip_ids is not None
                            else set(codes[CLIP_ID])), name=CLIP_ID)
    cuffs = clip_values(codes, HANDCUFFING).reindex(index)
    disposal = clip_values(codes, DISPOSAL).reindex(index)
    force = rank_of(clip_values(codes, FORCE).reindex(index), FORCE, ranks)
    hit = (cuffs.notna() & cuffs.ne("none")) | disposal.eq("arrest") | (
        force >= ranks[FORCE][FORCE_THRESHOLD])
    coded = cuffs.notna() | disposal.notna() | force.notna()
    flags = pd.Series(hit.fillna(False).astype(bool), index=index).astype("boolean")
    flags[~coded.to_numpy()] = pd.NA
    return flags.rename("escalated")


def opening_move_table(
    clips: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Opening move × escalated outcome: counts and the escalation rate per opening move.

    Returns
    -------
    DataFrame with one row per option of ``esc_opening_move`` (scale order, then any other
    observed value) and a last row ``all``: ``opening_move, clips, escalated, not_escalated,
    pct, pct_low, pct_high`` (percent escalated, Wilson interval). Encounters without an
    opening move or without outcome codes are left out; ``all`` counts the rest.
    """
    frames = validate_frames(clips, codes=codes, ranks=ranks)
    index = frames.clips[CLIP_ID]
    flags = escalation_flags(frames.codes, ranks, index)
    moves = clip_values(frames.codes, OPENING_MOVE).reindex(flags.index)
    usable = flags.notna() & moves.notna()
    data = pd.DataFrame({"move": moves[usable], "escalated": flags[usable].astype(bool)})
    options = list(STOP_SEARCH[OPENING_MOVE].options)
    options += sorted(set(data["move"]) - set(options))
    rows = []
    for move in [*options, "all"]:
        subset = data if move == "all" else data[data["move"] == move]
        rows.append({"opening_move": move, "clips": len(subset),
                     "escalated": int(subset["escalated"].sum()),
                     "not_escalated": int((~subset["escalated"]).sum())})
    return add_rate_columns(pd.DataFrame(rows), "escalated", "clips", confidence=confidence)


def force_factor(codes: pd.DataFrame, ranks: Ranks) -> pd.DataFrame:
    """Encounter-level force factor: ``out_force`` rank − the highest ``subj_resistance`` rank.

    Positive values mean more force than the highest resistance met (Alpert & Dunham). The
    two scales are compared rank for rank, so their ranks must share an origin (both 0 for
    none / compliant, as in the codebook).

    Returns
    -------
    DataFrame indexed by ``clip_id``: ``force_rank``, ``max_resistance_rank``, ``force_factor``
    (NaN where force or every resistance code is missing).
    """
    frames = validate_frames(codes=codes, ranks=ranks)
    codes = frames.codes
    turn_rows = codes[(codes[CODE_ID] == RESISTANCE) & codes[UTTERANCE_INDEX].notna()]
    resistance = rank_of(turn_rows[VALUE], RESISTANCE, ranks).groupby(
        turn_rows[CLIP_ID]).max()
    force = rank_of(clip_values(codes, FORCE), FORCE, ranks)
    index = pd.Index(sorted(set(codes[CLIP_ID])), name=CLIP_ID)
    table = pd.DataFrame({"force_rank": force.reindex(index),
                          "max_resistance_rank": resistance.reindex(index)})
    table["force_factor"] = table["force_rank"] - table["max_resistance_rank"]
    return table.astype(np.float64)


def force_factor_pairs(ranks: Ranks) -> dict[int, list[tuple[str, str]]]:
    """Each force factor and the (``out_force``, highest ``subj_resistance``) level pairs
    that give it (:func:`force_factor`): what a table of the factor adds up from a table of
    force against resistance."""
    pairs: dict[int, list[tuple[str, str]]] = {}
    for force, f in sorted(ranks[FORCE].items(), key=lambda kv: kv[1]):
        for resistance, r in sorted(ranks[RESISTANCE].items(), key=lambda kv: kv[1]):
            pairs.setdefault(int(f - r), []).append((force, resistance))
    return dict(sorted(pairs.items()))
