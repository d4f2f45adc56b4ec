"""ELAN (.eaf) reader: a strict streaming parse (expat) that loses nothing, then tier choice.

Every ``TIER``, ``TIME_SLOT`` and annotation element is kept with its line, so nothing is lost
the way a reader keyed by id loses it (pympi-ling keeps one of two annotations sharing an
``ANNOTATION_ID``, and one of two tiers sharing a ``TIER_ID``):

- a repeated ``TIER_ID`` or ``TIME_SLOT_ID`` is refused (naming both lines: which one would a
  ``PARENT_REF`` or slot reference mean?); a repeated ``ANNOTATION_ID`` is read, every copy, and
  reported — refused only where a ``REF_ANNOTATION`` points at it;
- markup inside an ``ANNOTATION_VALUE`` (``hello <i>quiet</i> world``) keeps all its text
  (``hello quiet world``) and is reported;
- a second, independent count of the annotation elements of each tier in the raw text must
  agree with the parse, or the file is refused.

Which tiers are speech is decided by :mod:`workbench.ingest.elan_tiers`; the report lists every
tier with what was done with it. Times: milliseconds in the file, seconds here; unvalued time
slots (inside subdivisions) are interpolated linearly between the nearest valued slots before
and after them in ``TIME_ORDER``, by position, as ELAN spreads them; a ``REF_ANNOTATION`` takes
the times of the annotation it refers to. The clip id is the file's stem.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from workbench.exceptions import IngestError
from workbench.ingest.elan_tiers import Tier, choose_tiers, speaker_labels, tier_report
from workbench.ingest.records import ParsedClip, ReadOptions, Turn, check_clip_id, check_times
from workbench.ingest.source import read_text
from workbench.ingest.speakers import normalise_text

#: Largest time slot value accepted (milliseconds; about 31 years), so times stay exact floats.
MAX_MS = 10**12
_TIER_START = re.compile(r"<TIER\b[^>]*?\bTIER_ID\s*=\s*(\"[^\"]*\"|'[^']*')")
_ANNOTATION = re.compile(r"<(?:ALIGNABLE|REF)_ANNOTATION\b")


@dataclass
class _Annotation:
    annotation_id: str
    line: int
    slot1: str | None = None
    slot2: str | None = None
    ref: str | None = None
    parts: list[str] = field(default_factory=list)
    markup: bool = False

    @property
    def value(self) -> str:
        return "".join(self.parts)


@dataclass
class _Document:
    slots: list[tuple[str, int | None, int]] = field(default_factory=list)
    tiers: list[Tier] = field(default_factory=list)
    annotations: dict[str, list[_Annotation]] = field(default_factory=dict)
    types: dict[str, dict[str, str]] = field(default_factory=dict)
    time_units: str = "milliseconds"


def _parse(text: str, path: Path) -> _Document:
    doc = _Document()
    parser = expat.ParserCreate()
    state: dict[str, object] = {"tier": None, "annotation": None, "value": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        line = parser.CurrentLineNumber
        annotation = state["annotation"]
        if state["value"]:
            assert isinstance(annotation, _Annotation)
            annotation.markup = True
            state["value"] = int(state["value"]) + 1  # type: ignore[call-overload]
        elif name == "HEADER":
            doc.time_units = attrs.get("TIME_UNITS", "milliseconds")
        elif name == "TIME_SLOT":
            value = attrs.get("TIME_VALUE")
            if value is not None and not re.fullmatch(r"-?\d+", value.strip()):
                raise IngestError(f"TIME_VALUE {value!r} is not whole milliseconds; expected an "
                                  "integer", path=path, line=line)
            digits = (value or "").strip().lstrip("-")
            if len(digits) > 13 or (digits and int(digits) > MAX_MS):  # no huge int parsed
                raise IngestError(f"TIME_VALUE {digits[:16]}… is too large; expected at most "
                                  f"{MAX_MS:,} ms", path=path, line=line)
            doc.slots.append((attrs.get("TIME_SLOT_ID", ""),
                              None if value is None else int(value), line))
        elif name == "TIER":
            tier = Tier(attrs.get("TIER_ID", ""), line, attrs.get("LINGUISTIC_TYPE_REF", ""),
                        attrs.get("PARENT_REF"), " ".join(attrs.get("PARTICIPANT", "").split()))
            if not tier.tier_id:
                raise IngestError("a TIER without TIER_ID; expected every tier named",
                                  path=path, line=line)
            doc.tiers.append(tier)
            doc.annotations[f"{len(doc.tiers) - 1}"] = []
            state["tier"] = tier
        elif name in ("ALIGNABLE_ANNOTATION", "REF_ANNOTATION"):
            if state["tier"] is None:
                raise IngestError(f"{name} outside a TIER; expected annotations inside tiers",
                                  path=path, line=line)
            state["annotation"] = _Annotation(
                attrs.get("ANNOTATION_ID", ""), line, attrs.get("TIME_SLOT_REF1"),
                attrs.get("TIME_SLOT_REF2"), attrs.get("ANNOTATION_REF"))
            doc.annotations[f"{len(doc.tiers) - 1}"].append(state["annotation"])  # type: ignore[arg-type]
        elif name == "ANNOTATION_VALUE" and annotation is not None:
            state["value"] = 1
        elif name == "LINGUISTIC_TYPE":
            doc.types[attrs.get("LINGUISTIC_TYPE_ID", "")] = dict(attrs)

    def end(name: str) -> None:
        if state["value"]:
            state["value"] = int(state["value"]) - 1  # type: ignore[call-overload]
            return
        if name == "TIER":
            state["tier"] = None
        elif name in ("ALIGNABLE_ANNOTATION", "REF_ANNOTATION"):
            state["annotation"] = None

    def data(chunk: str) -> None:
        if state["value"]:
            annotation = state["annotation"]
            assert isinstance(annotation, _Annotation)
            annotation.parts.append(chunk)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        code = expat.errors.messages[exc.code]
        truncated = code in (expat.errors.XML_ERROR_NO_ELEMENTS,
                             expat.errors.XML_ERROR_UNCLOSED_TOKEN)
        what = "truncated or not well-formed" if truncated else "not well-formed"
        raise IngestError(f"{what} XML ({code}, column {exc.offset}); expected an ELAN .eaf "
                          "file", path=path, line=exc.lineno) from None
    return doc


def _check_unique(items: list[tuple[str, int]], what: str, path: Path) -> None:
    first: dict[str, int] = {}
    for key, line in items:
        if key in first:
            raise IngestError(f"{what} {key!r} appears twice (first at line {first[key]}); "
                              f"expected each {what} once (a reader keyed by id would lose one "
                              "of them)", path=path, line=line)
        first[key] = line


def _slot_times(doc: _Document) -> dict[str, float | None]:
    """Every time slot in seconds; unvalued ones interpolated (None if it cannot be)."""
    values = [value for _, value, _ in doc.slots]
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
    for k, (slot, value, _) in enumerate(doc.slots):
        low, high = before[k], after[k]
        found: float | None = value
        if value is None and low is not None and high is not None:
            v_low, v_high = values[low], values[high]
            assert v_low is not None and v_high is not None
            found = v_low + (v_high - v_low) * (k - low) / (high - low)
        times[slot] = None if found is None else round(found / 1000, 3)
    return times


def _cross_check(text: str, doc: _Document, path: Path) -> None:
    """Count each tier's annotation elements in the raw text, independently of the parse."""
    starts = list(_TIER_START.finditer(text))
    for k, match in enumerate(starts):
        stop = text.find("</TIER>", match.end())
        chunk = text[match.end(): stop if stop >= 0 else len(text)]
        if k + 1 < len(starts):
            chunk = chunk[: max(0, starts[k + 1].start() - match.end())]
        n = len(_ANNOTATION.findall(chunk))
        parsed = len(doc.annotations.get(str(k), [])) if k < len(doc.tiers) else -1
        if parsed != n:
            raise IngestError(f"the parse found {parsed} annotations in tier "
                              f"{match.group(1)[1:-1]!r}, a raw count finds {n}; refusing "
                              "rather than losing any", path=path,
                              line=text.count("\n", 0, match.start()) + 1)
    if len(starts) != len(doc.tiers):
        raise IngestError(f"the parse found {len(doc.tiers)} tiers, a raw count finds "
                          f"{len(starts)}; refusing rather than losing any", path=path)


def read_eaf(path: Path, options: ReadOptions | None = None) -> list[ParsedClip]:
    """Read one ELAN file as one clip (clip id = file stem).

    Raises
    ------
    IngestError
        for malformed or truncated XML, time units other than milliseconds, a repeated tier or
        time slot id, a reference to a missing or repeated annotation, a time slot that is
        missing or cannot be interpolated, a negative time or an end before a start, or tiers
        the rules cannot choose between (see :mod:`workbench.ingest.elan_tiers`).
    """
    clip_id = check_clip_id(path.stem, path, field="file name")
    text = read_text(path)
    if not text.strip():
        raise IngestError("the file is empty; expected an ELAN .eaf XML document",
                          path=path, line=1)
    doc = _parse(text, path)
    if doc.time_units != "milliseconds":
        raise IngestError(f"TIME_UNITS {doc.time_units!r}; expected milliseconds", path=path,
                          field="TIME_UNITS")
    _check_unique([(t.tier_id, t.line) for t in doc.tiers], "TIER_ID", path)
    _check_unique([(s, line) for s, _, line in doc.slots], "TIME_SLOT_ID", path)
    _cross_check(text, doc, path)
    notes: list[str] = []
    index = {t.tier_id: k for k, t in enumerate(doc.tiers)}
    for k, tier in enumerate(doc.tiers):
        ling = doc.types.get(tier.linguistic_type, {})
        tier.constraint = ling.get("CONSTRAINTS", "")
        tier.vocabulary = ling.get("CONTROLLED_VOCABULARY_REF", "")
        tier.values = [a.value for a in doc.annotations[str(k)]]
        if tier.parent is not None and tier.parent not in index:
            raise IngestError(f"tier {tier.tier_id!r} has PARENT_REF {tier.parent!r}, which is "
                              "not a tier; expected the id of another tier", path=path,
                              line=tier.line)
    every = [a for k in range(len(doc.tiers)) for a in doc.annotations[str(k)]]
    counts = Counter(a.annotation_id for a in every)
    repeated = {i for i, n in counts.items() if n > 1}
    if repeated:
        shown = ", ".join(sorted(repeated)[:5]) + ("…" if len(repeated) > 5 else "")
        notes.append(f"{len(repeated)} ANNOTATION_ID value(s) repeated ({shown}): every copy "
                     "read, none dropped")
    by_id = {a.annotation_id: a for a in every}
    marked = sum(1 for a in every if a.markup)
    if marked:
        notes.append(f"{marked} annotation value(s) hold markup (e.g. <i>…</i>): the tags were "
                     "dropped and all their text kept")
    reasons = choose_tiers(doc.tiers, options, path)
    speech = [t.tier_id for t in doc.tiers if reasons[t.tier_id] == ""]
    labels = speaker_labels(doc.tiers, speech)
    times = _slot_times(doc)

    def span(annotation: _Annotation, depth: int = 0) -> tuple[float, float]:
        where = f"annotation {annotation.annotation_id!r}"
        if annotation.ref is not None:
            if annotation.ref in repeated:
                raise IngestError(f"{where} refers to ANNOTATION_ID {annotation.ref!r}, which "
                                  "appears more than once; expected a unique id", path=path,
                                  line=annotation.line)
            parent = by_id.get(annotation.ref)
            if parent is None or depth > 50:
                raise IngestError(f"{where} refers to ANNOTATION_ID {annotation.ref!r}, which is "
                                  "not in the file; expected an existing annotation", path=path,
                                  line=annotation.line)
            return span(parent, depth + 1)
        if annotation.slot1 not in times or annotation.slot2 not in times:
            raise IngestError(f"{where} refers to a time slot that is not in TIME_ORDER; "
                              "expected TIME_SLOT_REFs of the document's time slots",
                              path=path, line=annotation.line)
        start, end = times[annotation.slot1], times[annotation.slot2]  # type: ignore[index]
        if start is None or end is None:
            raise IngestError(f"{where}: unvalued time slot with no valued slot before or after "
                              "it to interpolate from; expected a time value", path=path,
                              line=annotation.line)
        return start, end

    turns: list[Turn] = []
    for tier_id in speech:
        for annotation in doc.annotations[str(index[tier_id])]:
            start, end = span(annotation)
            if start < 0 or end < 0:
                raise IngestError(f"negative time in annotation {annotation.annotation_id!r}; "
                                  "expected times ≥ 0", path=path, line=annotation.line)
            check_times(start, end, path, line=annotation.line)
            words = normalise_text(annotation.value)
            if not words:
                notes.append(f"line {annotation.line}: tier {tier_id!r}, annotation "
                             f"{annotation.annotation_id} ({start:.3f}–{end:.3f} s) has no "
                             "text; skipped")
                continue
            turns.append(Turn(start, end, labels[tier_id], words, line=annotation.line))
    if not turns:
        raise IngestError("no utterances: the speech tiers have no annotation with text; "
                          "expected at least one", path=path)
    return [ParsedClip(clip_id, path, turns, notes, dialect="eaf",
                       tiers=tier_report(doc.tiers, reasons, labels))]
