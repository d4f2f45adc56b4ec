"""Which ELAN tiers are speech: clear rules, project patterns, and a refusal when undecided.

Rules, in order, for each tier (parents before children):

1. ``skip_tiers`` (``bwv.yaml``; regex, case-insensitive, searched in the tier id): never speech.
2. ``speech_tiers``: when given, exactly the matching tiers are speech (a matching tier that
   depends on another matching tier is refused: its turns would be counted twice).
3. Otherwise a tier is **not** speech if it has no annotation with text; if its linguistic type
   uses a controlled vocabulary (gesture labels, parts of speech, languages); if every value is
   a number (a measurement); if its id or linguistic type names something else than speech
   (:data:`NOT_SPEECH`: gestures, gaze, stance, notes, section markers, translations, glosses,
   words, morphemes, …; short codes such as ``ft``/``ps`` only in the fieldwork form ``ft@…``
   or as the linguistic type, never in a name like ``PS 485``); or if it subdivides its parent
   (``Time_Subdivision`` / ``Symbolic_Subdivision``: words, morphemes).
4. An independent tier left is speech — unless it is a **reference tier** (named ``ref``/``id``,
   or every value an identifier such as ``ANM_012`` or empty), as in the common fieldwork layout
   where speech sits in a dependent ``orth@…`` tier under an empty ``ref@…`` tier: then its
   one-to-one dependants (``Symbolic_Association``, ``Included_In``) left by rule 3 are speech.
5. A dependent tier of a speech tier is an annotation *of* its turns and is skipped.

Where the rules cannot decide — two candidate speech tiers under one reference tier, or no
speech tier at all — the file is refused with the list of tiers and the setting that chooses
(``speech_tiers`` / ``skip_tiers``). Gestures are never turned into speech by default.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.exceptions import IngestError
from workbench.ingest.records import ReadOptions, TierChoice

#: Words (in a tier id or linguistic type id) that mark a tier as not speech.
NOT_SPEECH = frozenset({
    "gesture", "gestures", "gaze", "stance", "posture", "facial", "pointing", "movement",
    "movements", "notes", "comment", "comments", "section", "sections", "topic", "topics",
    "marker", "markers", "episode", "phase", "phases", "translation", "translations", "gloss",
    "glosses", "morph", "morphs", "morpheme", "morphemes", "lemma", "lemmas", "word", "words",
    "token", "tokens", "syllable", "syllables", "phoneme", "phonemes", "prosody", "pitch",
    "intensity",
})
#: Short codes of the fieldwork naming convention (``ft@ANM``, ``ps@ANM``: free translation,
#: part of speech, …): recognised only before an ``@`` or as the linguistic type id, never as a
#: word of an ordinary tier id (``PS 485`` is a police sergeant).
NOT_SPEECH_CODES = frozenset({
    "ft", "fte", "ftn", "ge", "gl", "mb", "mr", "mg", "ps", "pos", "ipa", "nt", "rgu", "rgph",
    "lgu", "lgph", "gest", "cv", "lang", "note", "head", "hand", "eye", "face", "body",
})
#: Longer words also recognised inside a token (``RightGesture``, ``gazeDirection``).
_NOT_SPEECH_PARTS = ("gesture", "gaze", "translation", "comment", "posture", "stance",
                     "marker", "section", "prosody", "gloss", "morph")
_REFERENCE = frozenset({"ref", "id", "ids", "reference"})
_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$")
_IDENTIFIER = re.compile(r"^[\w.:-]*\d[\w.:-]*$")
_SUBDIVISION = {"Time_Subdivision", "Symbolic_Subdivision"}


@dataclass
class Tier:
    """One tier as read: attributes, its linguistic type's, and its annotation values."""

    tier_id: str
    line: int
    linguistic_type: str = ""
    parent: str | None = None
    participant: str = ""
    constraint: str = ""
    vocabulary: str = ""
    values: list[str] = field(default_factory=list)


def _tokens(*names: str) -> set[str]:
    return {t for name in names for t in re.split(r"[^0-9a-z]+", name.lower()) if t}


def _not_speech_name(tier: Tier) -> str | None:
    tokens = _tokens(tier.tier_id, tier.linguistic_type)
    codes = _tokens(tier.tier_id.split("@", 1)[0]) if "@" in tier.tier_id else set()
    hit = sorted(tokens & NOT_SPEECH) + sorted((codes | _tokens(tier.linguistic_type))
                                               & NOT_SPEECH_CODES)
    if hit:
        return hit[0]
    return next((p for p in _NOT_SPEECH_PARTS for t in tokens if p in t), None)


def _excluded(tier: Tier) -> str | None:
    """Rule 3: why this tier is not speech, or None."""
    texts = [v for v in tier.values if v.strip()]
    if not texts:
        return "no annotation with text"
    if tier.vocabulary:
        return f"controlled vocabulary {tier.vocabulary!r} (labels, not speech)"
    if all(_NUMBER.match(v.strip()) for v in texts):
        return "every value is a number (a measurement, not speech)"
    word = _not_speech_name(tier)
    if word:
        return f"its name says it is not speech ({word!r})"
    if tier.constraint in _SUBDIVISION:
        return f"{tier.constraint} of its parent (words or morphemes, not turns)"
    return None


def _is_reference(tier: Tier) -> bool:
    if _tokens(tier.tier_id, tier.linguistic_type) & _REFERENCE:
        return True
    texts = [v.strip() for v in tier.values if v.strip()]
    return not texts or all(_IDENTIFIER.match(v) and " " not in v for v in texts)


def _matches(patterns: Sequence[str], tier_id: str, setting: str) -> bool:
    for pattern in patterns:
        try:
            if re.search(pattern, tier_id, re.IGNORECASE):
                return True
        except re.error as exc:
            raise IngestError(f"invalid regular expression {pattern!r} in {setting}: {exc}",
                              field=setting) from None
    return False


def _listing(tiers: Sequence[Tier], reasons: dict[str, str]) -> str:
    return "; ".join(f"{t.tier_id!r} ({reasons.get(t.tier_id, 'candidate')})" for t in tiers)


def choose_tiers(tiers: Sequence[Tier], options: ReadOptions | None,
                 path: Path) -> dict[str, str]:
    """tier id → "" for a speech tier, else the reason it is skipped (see the module).

    Raises
    ------
    IngestError
        when the rules cannot decide, naming every tier and the settings that choose.
    """
    options = options or ReadOptions()
    by_id = {t.tier_id: t for t in tiers}
    reasons: dict[str, str] = {}
    setting = ("expected a tier the rules take as speech, or set speech_tiers: [REGEX, …] (and "
               "skip_tiers) in bwv.yaml to choose")
    for tier in tiers:
        if _matches(options.skip_tiers, tier.tier_id, "skip_tiers"):
            reasons[tier.tier_id] = "matches skip_tiers"
    if options.speech_tiers:
        for tier in tiers:
            if tier.tier_id in reasons:
                continue
            if not _matches(options.speech_tiers, tier.tier_id, "speech_tiers"):
                reasons[tier.tier_id] = "not matched by speech_tiers"
            elif not any(v.strip() for v in tier.values):
                reasons[tier.tier_id] = "matched by speech_tiers but has no text"
            else:
                reasons[tier.tier_id] = ""
        chosen = {t for t, r in reasons.items() if r == ""}
        for tier_id in chosen:
            parent = by_id[tier_id].parent
            while parent is not None:
                if parent in chosen:
                    raise IngestError(f"speech_tiers chooses tier {tier_id!r} and its parent "
                                      f"{parent!r}: each turn would be counted twice; expected "
                                      "patterns that choose one of them", path=path,
                                      field="speech_tiers")
                parent = by_id[parent].parent if parent in by_id else None
        if not chosen:
            raise IngestError("no tier with text matches speech_tiers; expected at least one; "
                              "tiers: " + _listing(tiers, reasons), path=path,
                              field="speech_tiers")
        return reasons
    reference: set[str] = set()
    parents = {t.parent for t in tiers if t.parent}
    for tier in _parents_first(tiers, by_id):
        if tier.tier_id in reasons:
            continue
        parent = tier.parent
        if parent is not None and reasons.get(parent) == "":
            reasons[tier.tier_id] = f"depends on speech tier {parent!r} (annotates its turns)"
            continue
        why = _excluded(tier)
        soft = why is None or why.startswith(("every value is a number", "no annotation"))
        if parent is None and soft and tier.tier_id in parents and _is_reference(tier):
            reference.add(tier.tier_id)
            reasons[tier.tier_id] = "reference tier (ids, not speech)"
            continue
        if why:
            reasons[tier.tier_id] = why
        elif parent is None or parent in reference:
            reasons[tier.tier_id] = ""
        else:
            reasons[tier.tier_id] = f"depends on {parent!r}, which is not speech"
    under = Counter(by_id[t].parent for t, r in reasons.items() if r == "" and by_id[t].parent)
    for parent, n in under.items():
        if n > 1:
            rivals = [t for t in tiers if t.parent == parent and reasons[t.tier_id] == ""]
            raise IngestError(f"cannot tell which of {n} tiers under reference tier {parent!r} "
                              f"is the speech: {_listing(rivals, {})}; {setting}", path=path,
                              field="tiers")
    if not any(r == "" for r in reasons.values()):
        raise IngestError(f"no speech tier found; tiers: {_listing(tiers, reasons)}; {setting}",
                          path=path, field="tiers")
    return reasons


def _parents_first(tiers: Sequence[Tier], by_id: dict[str, Tier]) -> list[Tier]:
    def depth(tier: Tier) -> int:
        n, parent, seen = 0, tier.parent, {tier.tier_id}
        while parent in by_id and parent not in seen:
            seen.add(parent)
            n, parent = n + 1, by_id[parent].parent
        return n
    return sorted(tiers, key=depth)


def speaker_labels(tiers: Sequence[Tier], speech: Sequence[str]) -> dict[str, str]:
    """Speech tier id → speaker label: its PARTICIPANT (or its parent's), qualified by the
    tier id where two speech tiers share one; the tier id where there is none."""
    by_id = {t.tier_id: t for t in tiers}

    def participant(tier_id: str) -> str:
        tier = by_id[tier_id]
        if tier.participant:
            return tier.participant
        return by_id[tier.parent].participant if tier.parent in by_id else ""

    people = {t: participant(t) for t in speech}
    shared = Counter(p for p in people.values() if p)
    return {t: (p if p and shared[p] == 1 else f"{p} ({t})" if p else t)
            for t, p in people.items()}


def tier_report(tiers: Sequence[Tier], reasons: dict[str, str],
                labels: dict[str, str]) -> list[TierChoice]:
    """One :class:`TierChoice` per tier, in file order."""
    return [TierChoice(t.tier_id, reasons[t.tier_id] == "", reasons[t.tier_id] or "speech",
                       labels.get(t.tier_id, ""), len(t.values)) for t in tiers]
