"""ELAN (.eaf) reader via pympi-ling: one independent, time-aligned tier per speaker.

Only *independent* tiers (no ``PARENT_REF``) of a time-alignable linguistic type become
utterances; dependent tiers (word segmentation, parts of speech, gestures included in a turn)
are annotations *of* those turns and are left out, so no turn is counted twice. The speaker is
the tier's ``PARTICIPANT`` attribute, else its ``TIER_ID``. An independent tier whose
linguistic type uses a controlled vocabulary (e.g. gesture labels) is still read, with a
warning, since it may not be speech. Annotations with empty text are skipped and reported.

Unvalued time slots (ELAN leaves slots inside subdivisions without a time) are **interpolated**
linearly between the nearest valued slots before and after them in the document's
``TIME_ORDER``, by their position — the way ELAN spreads such slots evenly. A slot with no valued
neighbour on one side is refused. Times are in milliseconds in the file, seconds here. The clip
id is the file's stem. EAF has no usable line numbers once parsed, so errors name the tier and
annotation id instead (XML syntax errors give the line).
"""

from __future__ import annotations

import warnings as std_warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pympi

from workbench import textfiles
from workbench.exceptions import IngestError
from workbench.ingest.records import ParsedClip, Turn, check_clip_id, check_times
from workbench.ingest.speakers import normalise_text

#: Largest time slot value accepted (milliseconds; about 31 years), so times stay exact floats.
MAX_MS = 10**12


def _load(path: Path) -> pympi.Elan.Eaf:
    if not textfiles.read_bytes(path, error=IngestError).strip():  # size limit, readable
        raise IngestError("the file is empty; expected an ELAN .eaf XML document",
                          path=path, line=1)
    try:
        with std_warnings.catch_warnings():
            std_warnings.simplefilter("ignore")
            return pympi.Elan.Eaf(str(path))
    except Exception as exc:
        try:
            ET.parse(path)
        except ET.ParseError as xml_error:
            raise IngestError(f"not well-formed XML ({xml_error}); expected an ELAN .eaf file",
                              path=path, line=xml_error.position[0]) from None
        what = f"missing attribute {exc}" if isinstance(exc, KeyError) else str(exc)
        raise IngestError(f"pympi-ling cannot read it ({what}); expected an ELAN .eaf file",
                          path=path) from None


def _slot_times(eaf: pympi.Elan.Eaf, path: Path) -> dict[str, float | None]:
    """Every time slot in seconds; unvalued ones interpolated (None if it cannot be)."""
    ids = list(eaf.timeslots)
    values: list[int | None] = [eaf.timeslots[i] for i in ids]
    for slot, value in zip(ids, values, strict=True):
        if value is not None and abs(value) > MAX_MS:
            raise IngestError(f"time {str(value)[:20]}… ms is too large; expected at most "
                              f"{MAX_MS:,} ms", path=path, field=f"time slot {slot}")
    before: list[int | None] = []
    last = None
    for k, value in enumerate(values):
        last = k if value is not None else last
        before.append(last)
    after: list[int | None] = [None] * len(values)
    last = None
    for k in range(len(values) - 1, -1, -1):
        last = k if values[k] is not None else last
        after[k] = last
    times: dict[str, float | None] = {}
    for k, slot in enumerate(ids):
        value: float | None = values[k]
        low, high = before[k], after[k]
        if value is None and low is not None and high is not None:
            v_low, v_high = values[low], values[high]
            assert v_low is not None and v_high is not None
            value = v_low + (v_high - v_low) * (k - low) / (high - low)
        if value is not None and value < 0:
            raise IngestError(f"negative time {value} ms; expected times ≥ 0",
                              path=path, field=f"time slot {slot}")
        times[slot] = None if value is None else round(value / 1000, 3)
    return times


def _speech_tiers(eaf: pympi.Elan.Eaf) -> list[str]:
    tiers = []
    for tier_id, (_, _, attrs, _) in eaf.tiers.items():
        ling = eaf.linguistic_types.get(attrs.get("LINGUISTIC_TYPE_REF", ""), {})
        if "PARENT_REF" in attrs or ling.get("TIME_ALIGNABLE", "true") != "true":
            continue
        if ling.get("CONSTRAINTS"):
            continue
        tiers.append(tier_id)
    return tiers


def read_eaf(path: Path) -> list[ParsedClip]:
    """Read one ELAN file as one clip (clip id = file stem).

    Raises
    ------
    IngestError
        for malformed XML, a time slot that is missing or cannot be interpolated, a negative
        time, an end before a start, or no independent time-aligned annotation with text.
    """
    clip_id = check_clip_id(path.stem, path, field="file name")
    eaf = _load(path)
    times = _slot_times(eaf, path)
    turns: list[Turn] = []
    notes: list[str] = []
    for tier_id in _speech_tiers(eaf):
        aligned, _, attrs, _ = eaf.tiers[tier_id]
        speaker = " ".join((attrs.get("PARTICIPANT") or tier_id).split())
        ling = eaf.linguistic_types.get(attrs.get("LINGUISTIC_TYPE_REF", ""), {})
        if ling.get("CONTROLLED_VOCABULARY_REF"):
            notes.append(f"tier {tier_id!r} uses controlled vocabulary "
                         f"{ling['CONTROLLED_VOCABULARY_REF']!r}: read as turns of speaker "
                         f"{speaker!r} — check it is speech")
        for annotation_id, (slot1, slot2, value, _) in aligned.items():
            where = f"tier {tier_id!r}, annotation {annotation_id}"
            if slot1 not in times or slot2 not in times:
                raise IngestError("refers to a time slot that is not in TIME_ORDER; expected "
                                  "TIME_SLOT_REFs of the document's time slots",
                                  path=path, field=where)
            start, end = times[slot1], times[slot2]
            if start is None or end is None:
                raise IngestError("unvalued time slot with no valued slot before or after it "
                                  "to interpolate from; expected a time value",
                                  path=path, field=where)
            check_times(start, end, path, field=where)
            text = normalise_text(value or "")
            if not text:
                notes.append(f"{where} ({start:.3f}–{end:.3f} s) has no text; skipped")
                continue
            turns.append(Turn(start, end, speaker, text))
    if not turns:
        raise IngestError("no utterances: no independent time-aligned tier has an annotation "
                          "with text; expected one tier per speaker", path=path)
    return [ParsedClip(clip_id, path, turns, notes)]
