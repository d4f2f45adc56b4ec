"""The input contract of the analyses, and the small hand-made frames the analysis tests share.

``make_frames`` turns a readable spec (turns as (role, text, codes)) into the three frames;
the other ``test_analysis_*`` files import it. Every clip is synthetic.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from workbench.analysis.frames import (
    CLIP_COLUMNS,
    CODE_COLUMNS,
    UTTERANCE_COLUMNS,
    clip_values,
    coded_turns,
    rank_of,
    validate_frames,
)
from workbench.exceptions import InputError

#: Ranks as the stop-search 1.0.0 codebook defines them (0 = lowest level).
RANKS: dict[str, dict[str, int]] = {
    "subj_resistance": {"compliant": 0, "verbal_refusal": 1, "passive": 2, "active": 3,
                        "assaultive": 4},
    "out_force": {"none": 0, "guiding_holds": 1, "restraint": 2, "unarmed_strikes": 3,
                  "weapon_drawn": 4, "weapon_used": 5},
    "esc_command": {"none": 0, "softened_request": 1, "bare_order": 2, "repeated_or_shouted": 3},
    "esc_hostility": {"none": 0, "raised_voice": 1, "swearing": 2, "crowding_in": 3},
    "gow_grounds": {"none": 0, "label_only": 1, "generic": 2, "specific": 3},
    **{element: {"absent": 0, "partial": 1, "clear": 2}
       for element in ("gow_object", "gow_identity", "gow_entitlement", "gow_legal_power",
                       "gow_detained")},
}

META_DEFAULTS: dict[str, Any] = {
    "borough": "B1", "bcu": "X", "date": "2026-01-05", "power": "s1_pace", "outcome": "nfa",
    "ethnicity": "White", "age_band": "18-24", "gender": "male", "n_officers": 2,
}


def make_frames(spec: dict[str, dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Frames from ``{clip_id: {"meta": {...}, "clip": {code: value}, "turns": [...]}}``.

    Each turn is ``(role, text, {code: value})``; turn i starts at 10·i s and lasts 8 s;
    speakers are ``PC A`` / ``PC B`` (alternating officers by ``speaker`` key if given),
    ``Subject`` and ``Bystander``.
    """
    clips, utts, codes = [], [], []
    for clip_id, clip in spec.items():
        turns = clip.get("turns", [])
        meta = {**META_DEFAULTS, **clip.get("meta", {})}
        clips.append({"clip_id": clip_id, **meta, "duration": 10.0 * len(turns)})
        for index, turn in enumerate(turns):
            role, text, turn_codes = turn[:3]
            speaker = turn[3] if len(turn) > 3 else {"officer": "PC A", "subject": "Subject",
                                                     "third_party": "Bystander"}.get(role, "?")
            utts.append({"clip_id": clip_id, "utterance_index": index, "start": 10.0 * index,
                         "end": 10.0 * index + 8, "speaker": speaker, "role": role,
                         "text": text})
            codes.extend({"clip_id": clip_id, "utterance_index": index, "code_id": code,
                          "value": value} for code, value in turn_codes.items())
        codes.extend({"clip_id": clip_id, "utterance_index": pd.NA, "code_id": code,
                      "value": value} for code, value in clip.get("clip", {}).items())
    code_frame = pd.DataFrame(codes, columns=list(CODE_COLUMNS))
    code_frame["utterance_index"] = code_frame["utterance_index"].astype("Int64")
    return (pd.DataFrame(clips, columns=list(CLIP_COLUMNS)),
            pd.DataFrame(utts, columns=list(UTTERANCE_COLUMNS)), code_frame)


SMALL = {
    "c2": {"clip": {"out_force": "none", "gow_grounds": "generic"},
           "turns": [("officer", "Stop there.", {"esc_command": "bare_order"}),
                     ("subject", "Why?", {"subj_resistance": "verbal_refusal"})]},
    "c1": {"clip": {"out_force": "restraint"},
           "turns": [("officer", "Hello, please wait.", {"pj_courtesy": "present"}),
                     ("subject", "Okay.", {"subj_resistance": "compliant"}),
                     ("third_party", "What's going on?", {})]},
}


def test_validate_frames_returns_sorted_typed_copies() -> None:
    clips, utts, codes = make_frames(SMALL)
    frames = validate_frames(clips, utts, codes, ranks=RANKS)
    assert list(frames.clips["clip_id"]) == ["c1", "c2"]
    assert list(zip(frames.utterances["clip_id"], frames.utterances["utterance_index"],
                    strict=True)) == [("c1", 0), ("c1", 1), ("c1", 2), ("c2", 0), ("c2", 1)]
    assert str(frames.codes["utterance_index"].dtype) == "Int64"
    assert frames.codes["utterance_index"].isna().sum() == 3
    assert list(clips["clip_id"]) == ["c2", "c1"]  # the caller's frame is untouched


def _drop(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.drop(columns=[column])


def _edit(frame: pd.DataFrame, row: int, column: str, value: Any) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.loc[row, column] = value
    return out


@pytest.mark.parametrize(
    ("which", "change", "field", "words"),
    [
        ("clips", lambda f: _drop(f, "borough"), "clips", "missing column(s) borough"),
        ("clips", lambda f: pd.concat([f, f.iloc[:1]]), "clips.clip_id", "appears twice"),
        ("clips", lambda f: _edit(f, 0, "n_officers", -1), "clips.n_officers", "≥ 0"),
        ("utterances", lambda f: _edit(f, 0, "role", "suspect"), "utterances.role",
         "officer, subject, third_party, unknown"),
        ("utterances", lambda f: _edit(f, 0, "end", -0.5), "utterances.end", "≥ 0"),
        ("utterances", lambda f: _edit(f, 1, "end", 5.0), "utterances.end", "before start"),
        ("utterances", lambda f: _edit(f, 1, "utterance_index", 0), "utterances.utterance_index",
         "appears twice"),
        ("codes", lambda f: pd.concat([f, f.iloc[:1]], ignore_index=True), "codes.code_id",
         "appears twice"),
        ("codes", lambda f: _edit(f, 1, "value", "shouting"), "codes.value",
         "compliant, verbal_refusal"),
        ("codes", lambda f: _edit(f, 0, "clip_id", "c9"), "codes.clip_id", "not in clips"),
        ("codes", lambda f: _edit(f, 0, "utterance_index", 7), "codes.utterance_index",
         "not in utterances"),
        ("codes", lambda f: _edit(f, 0, "utterance_index", 1.5), "codes.utterance_index",
         "whole number"),
        ("codes", lambda f: "not a frame", "codes", "pandas DataFrame"),
    ],
)
def test_validate_frames_names_the_field_and_the_expectation(which, change, field, words) -> None:
    frames = dict(zip(("clips", "utterances", "codes"), make_frames(SMALL), strict=True))
    frames[which] = change(frames[which])
    with pytest.raises(InputError) as caught:
        validate_frames(**frames, ranks=RANKS)
    assert caught.value.field == field
    assert words in str(caught.value)


def test_not_applicable_is_accepted_off_the_ordinal_scale() -> None:
    clips, utts, codes = make_frames({"c1": {"clip": {"gow_object": "not_applicable"}}})
    assert validate_frames(clips, utts, codes, ranks=RANKS).codes["value"].tolist() == [
        "not_applicable"]


def test_coded_turns_puts_each_utterance_code_in_a_column() -> None:
    frames = validate_frames(*make_frames(SMALL))
    turns = coded_turns(frames.utterances, frames.codes)
    assert turns["pj_courtesy"].iloc[0] == "present"
    assert turns["pj_courtesy"].iloc[1:].isna().all()
    assert turns["subj_resistance"].iloc[4] == "verbal_refusal"
    assert "out_force" not in turns  # clip-level codes stay out


def test_clip_values_and_ranks() -> None:
    frames = validate_frames(*make_frames(SMALL))
    force = clip_values(frames.codes, "out_force")
    assert force.to_dict() == {"c1": "restraint", "c2": "none"}
    assert rank_of(force, "out_force", RANKS).tolist() == [2.0, 0.0]
    with pytest.raises(InputError, match="no ranks for ordinal code 'gow_x'"):
        rank_of(force, "gow_x", RANKS)
