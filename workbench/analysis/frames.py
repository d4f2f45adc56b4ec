"""The input contract of every analysis: three pandas DataFrames and a rank mapping.

``clips``
    One row per clip: :data:`CLIP_COLUMNS` (``duration`` in seconds), plus any extra columns.
``utterances``
    One row per speaker turn: :data:`UTTERANCE_COLUMNS`; ``start``/``end`` in seconds from the
    start of the clip, ``utterance_index`` 0-based within the clip, ``role`` one of :data:`ROLES`.
``codes``
    The consensus layer, long: :data:`CODE_COLUMNS`; ``utterance_index`` is pandas ``Int64`` and
    NA for clip-level codes; ``value`` is a string ("present" for nominal codes, the option key
    otherwise).
``ranks``
    ``{code_id: {option_key: rank}}`` for ordinal codes (the codebook provides it). Options that
    sit outside the ordered scale (``not_applicable``) are simply left out of the mapping.

:func:`validate_frames` checks the contract at the public boundary of every analysis and
returns sorted, typed copies, so that each analysis is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from workbench.exceptions import InputError
from workbench.model import PRESENT, Role

CLIP_ID = "clip_id"
UTTERANCE_INDEX = "utterance_index"
CODE_ID = "code_id"
VALUE = "value"
ROLE = "role"
START = "start"
END = "end"
TEXT = "text"
SPEAKER = "speaker"
DURATION = "duration"
N_OFFICERS = "n_officers"

#: Columns every ``clips`` frame has (more are allowed and kept).
CLIP_COLUMNS: tuple[str, ...] = (
    CLIP_ID, "borough", "bcu", "date", "power", "outcome", "ethnicity", "age_band", "gender",
    N_OFFICERS, DURATION,
)
#: Columns every ``utterances`` frame has.
UTTERANCE_COLUMNS: tuple[str, ...] = (CLIP_ID, UTTERANCE_INDEX, START, END, SPEAKER, ROLE, TEXT)
#: Columns every ``codes`` frame has.
CODE_COLUMNS: tuple[str, ...] = (CLIP_ID, UTTERANCE_INDEX, CODE_ID, VALUE)
#: Allowed speaker roles.
ROLES: tuple[str, ...] = tuple(role.value for role in Role)
#: Option keys allowed on an ordinal code without a rank (outside the ordered scale).
UNRANKED_VALUES: frozenset[str] = frozenset({"not_applicable"})

Ranks = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Frames:
    """Validated, sorted copies of the inputs (``None`` where not given)."""

    clips: pd.DataFrame | None
    utterances: pd.DataFrame | None
    codes: pd.DataFrame | None


def validate_frames(
    clips: pd.DataFrame | None = None,
    utterances: pd.DataFrame | None = None,
    codes: pd.DataFrame | None = None,
    *,
    ranks: Ranks | None = None,
) -> Frames:
    """Check the input contract and return sorted, typed copies.

    Any frame may be omitted; cross-frame checks (clip ids known, coded utterances exist) run
    when both frames are given.

    Raises
    ------
    InputError
        naming the frame and column (``field="codes.value"``) and what was expected.
    """
    out_clips = _validate_clips(clips) if clips is not None else None
    out_utts = _validate_utterances(utterances) if utterances is not None else None
    out_codes = _validate_codes(codes, ranks) if codes is not None else None
    known = set(out_clips[CLIP_ID]) if out_clips is not None else None
    if known is not None and out_utts is not None:
        _check_known_clips(out_utts, known, "utterances")
    if known is not None and out_codes is not None:
        _check_known_clips(out_codes, known, "codes")
    if out_utts is not None and out_codes is not None:
        _check_coded_turns_exist(out_codes, out_utts)
    return Frames(out_clips, out_utts, out_codes)


def _require(frame: object, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(frame).__name__}", field=name)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; expected at least {', '.join(columns)}",
            field=name,
        )
    return frame.copy()


def _first_bad_row(frame: pd.DataFrame, bad: pd.Series) -> str:
    position = int(bad.to_numpy().nonzero()[0][0])
    row = frame.iloc[position]
    clip = row.get(CLIP_ID, "?")
    return f"row {position} (clip_id {clip!r})"


def _numeric(frame: pd.DataFrame, name: str, column: str, *, minimum: float | None) -> None:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if minimum is not None:
        bad |= values < minimum
    if bad.any():
        rule = f"a number ≥ {minimum:g}" if minimum is not None else "a number"
        raise InputError(f"{_first_bad_row(frame, bad)}: expected {rule}", field=f"{name}.{column}")
    frame[column] = values.astype("float64")


def _validate_clips(clips: pd.DataFrame) -> pd.DataFrame:
    frame = _require(clips, "clips", CLIP_COLUMNS)
    if frame[CLIP_ID].isna().any():
        raise InputError(f"{_first_bad_row(frame, frame[CLIP_ID].isna())}: clip_id is empty",
                         field="clips.clip_id")
    frame[CLIP_ID] = frame[CLIP_ID].astype(str)
    dup = frame[CLIP_ID].duplicated()
    if dup.any():
        raise InputError(f"{_first_bad_row(frame, dup)}: clip_id appears twice; expected one row "
                         "per clip", field="clips.clip_id")
    _numeric(frame, "clips", N_OFFICERS, minimum=0)
    _numeric(frame, "clips", DURATION, minimum=0)
    return frame.sort_values(CLIP_ID, kind="stable").reset_index(drop=True)


def _validate_utterances(utterances: pd.DataFrame) -> pd.DataFrame:
    frame = _require(utterances, "utterances", UTTERANCE_COLUMNS)
    frame[CLIP_ID] = frame[CLIP_ID].astype(str)
    index = pd.to_numeric(frame[UTTERANCE_INDEX], errors="coerce")
    bad = index.isna() | (index % 1 != 0) | (index < 0)
    if bad.any():
        raise InputError(f"{_first_bad_row(frame, bad)}: expected a whole number ≥ 0",
                         field="utterances.utterance_index")
    frame[UTTERANCE_INDEX] = index.astype("int64")
    dup = frame.duplicated([CLIP_ID, UTTERANCE_INDEX])
    if dup.any():
        raise InputError(f"{_first_bad_row(frame, dup)}: (clip_id, utterance_index) appears twice",
                         field="utterances.utterance_index")
    bad_role = ~frame[ROLE].isin(ROLES)
    if bad_role.any():
        raise InputError(f"{_first_bad_row(frame, bad_role)}: role "
                         f"{frame.loc[bad_role, ROLE].iloc[0]!r}; expected one of "
                         f"{', '.join(ROLES)}", field="utterances.role")
    frame[ROLE] = frame[ROLE].astype(str)
    _numeric(frame, "utterances", START, minimum=0)
    _numeric(frame, "utterances", END, minimum=0)
    backwards = frame[END] < frame[START]
    if backwards.any():
        raise InputError(f"{_first_bad_row(frame, backwards)}: end is before start",
                         field="utterances.end")
    frame[TEXT] = frame[TEXT].fillna("").astype(str)
    return frame.sort_values([CLIP_ID, UTTERANCE_INDEX], kind="stable").reset_index(drop=True)


def _validate_codes(codes: pd.DataFrame, ranks: Ranks | None) -> pd.DataFrame:
    frame = _require(codes, "codes", CODE_COLUMNS)
    for column in (CLIP_ID, CODE_ID, VALUE):
        empty = frame[column].isna()
        if empty.any():
            raise InputError(f"{_first_bad_row(frame, empty)}: {column} is empty",
                             field=f"codes.{column}")
        frame[column] = frame[column].astype(str)
    index = pd.to_numeric(frame[UTTERANCE_INDEX], errors="coerce")
    bad = (index.isna() & frame[UTTERANCE_INDEX].notna()) | (
        index.notna() & ((index % 1 != 0) | (index < 0)))
    if bad.any():
        raise InputError(f"{_first_bad_row(frame, bad)}: expected a whole number ≥ 0 or NA "
                         "(clip-level code)", field="codes.utterance_index")
    frame[UTTERANCE_INDEX] = index.astype("Int64")
    dup = frame.duplicated([CLIP_ID, UTTERANCE_INDEX, CODE_ID])
    if dup.any():
        raise InputError(f"{_first_bad_row(frame, dup)}: code {frame.loc[dup, CODE_ID].iloc[0]!r} "
                         "appears twice on one unit; the consensus layer has one value per unit",
                         field="codes.code_id")
    for code_id, scale in (ranks or {}).items():
        rows = frame[CODE_ID] == code_id
        off_scale = rows & ~frame[VALUE].isin(list(scale)) & ~frame[VALUE].isin(UNRANKED_VALUES)
        if off_scale.any():
            raise InputError(
                f"{_first_bad_row(frame, off_scale)}: value {frame.loc[off_scale, VALUE].iloc[0]!r}"
                f" of ordinal code {code_id!r}; expected one of {', '.join(scale)}",
                field="codes.value",
            )
    order = [CLIP_ID, UTTERANCE_INDEX, CODE_ID]
    return frame.sort_values(order, kind="stable", na_position="first").reset_index(drop=True)


def _check_known_clips(frame: pd.DataFrame, known: set[str], name: str) -> None:
    unknown = ~frame[CLIP_ID].isin(known)
    if unknown.any():
        raise InputError(f"{_first_bad_row(frame, unknown)}: clip_id not in clips",
                         field=f"{name}.clip_id")


def _check_coded_turns_exist(codes: pd.DataFrame, utterances: pd.DataFrame) -> None:
    turn_codes = codes[codes[UTTERANCE_INDEX].notna()]
    keys = pd.MultiIndex.from_frame(utterances[[CLIP_ID, UTTERANCE_INDEX]])
    coded = pd.MultiIndex.from_arrays(
        [turn_codes[CLIP_ID], turn_codes[UTTERANCE_INDEX].astype("int64")]
    )
    missing = ~coded.isin(keys)
    if missing.any():
        raise InputError(f"{_first_bad_row(turn_codes, pd.Series(missing))}: utterance "
                         f"{turn_codes[UTTERANCE_INDEX].iloc[missing.nonzero()[0][0]]} "
                         "is not in utterances", field="codes.utterance_index")


def clip_values(codes: pd.DataFrame, code_id: str) -> pd.Series:
    """The clip-level value of ``code_id`` per clip (index ``clip_id``, name ``code_id``)."""
    rows = codes[(codes[CODE_ID] == code_id) & codes[UTTERANCE_INDEX].isna()]
    return rows.set_index(CLIP_ID)[VALUE].rename(code_id).sort_index()


def coded_turns(utterances: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Utterances with one column per utterance-level code (its value, or NA where not coded).

    Rows keep the order of ``utterances`` (sorted by clip and turn after validation).
    """
    turn_codes = codes[codes[UTTERANCE_INDEX].notna()].copy()
    turn_codes[UTTERANCE_INDEX] = turn_codes[UTTERANCE_INDEX].astype("int64")
    wide = turn_codes.pivot(index=[CLIP_ID, UTTERANCE_INDEX], columns=CODE_ID, values=VALUE)
    wide.columns.name = None
    base = utterances[list(UTTERANCE_COLUMNS)]
    if wide.empty:
        return base.copy()
    return base.merge(wide.reset_index(), on=[CLIP_ID, UTTERANCE_INDEX], how="left")


def rank_of(values: pd.Series, code_id: str, ranks: Ranks) -> pd.Series:
    """Map option keys of ordinal ``code_id`` to float ranks (NaN where absent or unranked)."""
    if code_id not in ranks:
        raise InputError(f"no ranks for ordinal code {code_id!r}; known: "
                         f"{', '.join(sorted(ranks)) or '(none)'}", field="ranks")
    scale = {key: float(rank) for key, rank in ranks[code_id].items()}
    return values.map(scale).astype("float64")


def is_present(values: pd.Series) -> pd.Series:
    """True where a nominal code's value is "present"."""
    return values.eq(PRESENT).fillna(False).astype(bool)
