"""Redacting personal information from transcript text, with typed placeholders.

Detected, in order of precedence when spans overlap (the longer span wins first):

``[EMAIL]``     e-mail addresses;
``[PHONE]``     UK phone numbers — ``phonenumbers.PhoneNumberMatcher`` (region GB), plus a
                regex fallback for numbers it does not accept (e.g. drama-range 07700 900xxx);
``[POSTCODE]``  UK postcodes, full (SW1A 1AA) or outward code only (SW9), checked against the
                list of UK postcode areas;
``[DOB]``       a date (or year) after "born", "DOB", "date of birth", "birthday";
``[DATE]``      any other calendar date (numeric, "3rd of March 1998", "March 3, 1998");
``[VEHICLE]``   UK registrations: current (AB12 CDE), prefix (A123 BCD), suffix (ABC 123D),
                and any plate after "reg" / "registration" / "plate";
``[ADDRESS]``   street addresses: optional flat, house number, up to three name words and a
                street type (Road, Street, Avenue, Lane, …), or capitalised names + street type;
``[ID]``        officer collar/shoulder numbers ("PC 1234"), National Insurance numbers;
``[NAME]``      personal names (:mod:`workbench.privacy.names`).

Redaction lowers risk; it does not remove it. Excerpts for publication still need a human
read (no quote that identifies a person, place or time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import phonenumbers
from faker.providers.address.en_GB import Provider as AddressNames

from workbench.privacy.names import RANKS, find_names, learn_names

PLACEHOLDERS: dict[str, str] = {
    "email": "[EMAIL]", "phone": "[PHONE]", "postcode": "[POSTCODE]", "dob": "[DOB]",
    "date": "[DATE]", "vehicle": "[VEHICLE]", "address": "[ADDRESS]", "id": "[ID]",
    "name": "[NAME]",
}
_PRECEDENCE = {kind: rank for rank, kind in enumerate(PLACEHOLDERS)}


@dataclass(frozen=True)
class PiiSpan:
    """One detected item: ``text[start:end]`` of ``kind`` (a key of :data:`PLACEHOLDERS`)."""

    start: int
    end: int
    kind: str
    text: str


_AREAS = str.split(
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY "
    "E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD "
    "LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG "
    "SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"
)
_AREA = "(?:" + "|".join(sorted(_AREAS, key=len, reverse=True)) + ")"
_POSTCODE_FULL = re.compile(rf"\b{_AREA}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{{2}}\b", re.IGNORECASE)
# outward code alone, upper case only ("SW9", "E1"); not area S, so "S1", "S23", "S60" (the
# legal powers) stay readable
_OUTWARD_AREA = "(?:" + "|".join(sorted(set(_AREAS) - {"S"}, key=len, reverse=True)) + ")"
_POSTCODE_OUTWARD = re.compile(rf"\b{_OUTWARD_AREA}\d{{1,2}}[A-Z]?\b")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_PHONE_FALLBACK = re.compile(r"(?<![\d+])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,9}(?!\d)")

_MONTHS_PLAIN = "january february april june july august september october november december"
_MONTH = ("(?:" + "|".join(f"[{m[0].upper()}{m[0]}]{m[1:]}" for m in _MONTHS_PLAIN.split())
          + "|March|May|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?)")
_YEAR = r"(?:\d{4}|'\d{2})"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}"
         rf"|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"
         rf"|{_MONTH}\s+(?:the\s+)?{_DAY}(?:,?\s+{_YEAR})?)")
_DATE_RE = re.compile(rf"\b{_DATE}(?![\w/])")
_DOB_RE = re.compile(
    rf"\b(?:born\s+(?:on\s+)?(?:the\s+)?|d\.?o\.?b\.?\s*(?:is\s+|:\s*)?(?:the\s+)?"
    rf"|date\s+of\s+birth\s*(?:is\s+|:\s*)?(?:the\s+)?|birthday\s+is\s+(?:on\s+)?(?:the\s+)?)"
    rf"({_DATE})",
    re.IGNORECASE,
)
_BORN_IN = re.compile(r"\bborn\s+in\s+(\d{4})\b", re.IGNORECASE)

_VEHICLE = re.compile(
    r"\b(?:[A-Z]{2}\d{2}\s?[A-Z]{3}|[A-HJ-NP-Y]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-HJ-NP-Y])\b")
_VEHICLE_CONTEXT = re.compile(
    r"\b(?:reg(?:istration)?|(?:number\s+)?plate)(?:\s+(?:number|no\.?|is|was|of))*[:\s]+"
    r"([A-Z0-9]{1,4}\s?[A-Z0-9]{1,4})\b", re.IGNORECASE)

_STREET_TYPES = ("Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Place|Pl|Court|Ct|"
                 "Crescent|Cres|Gardens|Gdns|Grove|Terrace|Square|Sq|Hill|Park|Mews|Walk|Row|"
                 "Rise|Parade|Green|Estate|Vale|View|Wharf|Yard|Broadway|Passage|Gate")
# after a house number, also any street suffix Faker's en_GB addresses use ("Pike", "Ville")
_FAKER_SUFFIXES = "|".join(sorted(set(AddressNames.street_suffixes), key=len, reverse=True))
_STREET = (rf"(?:{_STREET_TYPES}|{_FAKER_SUFFIXES}|road|street|avenue|lane|crescent|terrace|"
           "gardens|drive|mews|estate)")
_FUNCTION_WORDS = ("the|a|an|my|your|his|her|their|our|this|that|down|up|on|in|at|to|of|off|"
                   "over|from|by|with|for|and|or|is|was|near|into|round|around|just|me|you|it")
_STREET_WORD = rf"(?!(?i:{_FUNCTION_WORDS})\b)[A-Za-z][A-Za-z'’-]*"
_ADDRESS_NUMBERED = re.compile(
    rf"\b(?:(?i:flat|apartment|unit)\s+\d+[A-Za-z]?,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+"
    rf"(?:{_STREET_WORD}\s+){{1,3}}{_STREET}\b")
_CAP_WORD = rf"(?!(?:{_FUNCTION_WORDS.title()}|I|We|You|They|He|She)\b)[A-Z][a-z'’-]+"
_ADDRESS_NAMED = re.compile(rf"\b(?:{_CAP_WORD}\s+){{1,3}}(?:{_STREET_TYPES})\b")

_COLLAR = re.compile(rf"\b(?:{RANKS}\s*|(?:collar|shoulder|warrant)\s+(?:number|no\.?)\s+"
                     r"(?:is\s+)?)(\d{2,6}[A-Z]{0,2})\b")
_NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b")


def find_pii(text: str, known_names: Iterable[str] = ()) -> list[PiiSpan]:
    """Every detected item, sorted by position (``known_names``: see :func:`redact_texts`).

    Overlapping detections are merged into one span covering all of them, so no detected
    character is left out; the merged span takes the kind of its longest detection (ties by
    :data:`PLACEHOLDERS` order).
    """
    merged: list[tuple[int, int, tuple[int, int], str]] = []
    for start, end, kind in sorted(_candidates(text, known_names)):
        best = (-(end - start), _PRECEDENCE[kind])
        if merged and start < merged[-1][1]:
            m_start, m_end, m_best, m_kind = merged[-1]
            if best < m_best:
                m_best, m_kind = best, kind
            merged[-1] = (m_start, max(m_end, end), m_best, m_kind)
        else:
            merged.append((start, end, best, kind))
    return [PiiSpan(s, e, k, text[s:e]) for s, e, _, k in merged]


def redact(text: str, known_names: Iterable[str] = ()) -> str:
    """``text`` with each detected item replaced by its placeholder, e.g. ``[NAME]``.

    >>> redact("My name is Jamal Ahmed, I live at 12 Acre Lane, SW2 5RL.")
    'My name is [NAME], I live at [ADDRESS], [POSTCODE].'
    """
    out, last = [], 0
    for span in find_pii(text, known_names):
        out.append(text[last:span.start])
        out.append(PLACEHOLDERS[span.kind])
        last = span.end
    out.append(text[last:])
    return "".join(out)


def redact_texts(texts: Sequence[str], context: Sequence[str] | None = None) -> list[str]:
    """Redact several texts of one encounter, using names learnt from all of them.

    Names given anywhere in ``context`` (default: ``texts``) by context ("my name is …",
    "PC …") or the gazetteer are then redacted wherever they recur, e.g. a first name
    outside the gazetteer used on its own later in the encounter.
    """
    known = learn_names(context if context is not None else texts)
    return [redact(text, known) for text in texts]


def scan_for_pii(text: str, planted_items: Iterable[str]) -> list[str]:
    """The planted items that still occur in ``text`` (e.g. an output file), in input order.

    Matching ignores case and spacing; items with digits (phones, plates, postcodes, dates)
    also match with their spaces and punctuation removed ("07700 900123" ~ "07700900123");
    word items (names) match whole words only.
    """
    lowered = re.sub(r"\s+", " ", text.lower())
    compact = re.sub(r"[^a-z0-9@.]", "", lowered)
    found = []
    for item in planted_items:
        key = re.sub(r"\s+", " ", item.lower().strip())
        if not key or item in found:
            continue
        if any(ch.isdigit() for ch in key):
            hit = re.sub(r"[^a-z0-9@.]", "", key) in compact
        else:
            pattern = r"(?<![a-z0-9])" + re.escape(key).replace(r"\ ", r"\s+") + r"(?![a-z0-9])"
            hit = re.search(pattern, lowered) is not None
        if hit:
            found.append(item)
    return found


def _candidates(text: str, known_names: Iterable[str]) -> Iterable[tuple[int, int, str]]:
    for match in _EMAIL.finditer(text):
        yield (*match.span(), "email")
    for match in phonenumbers.PhoneNumberMatcher(text, "GB"):
        yield match.start, match.end, "phone"
    for match in _PHONE_FALLBACK.finditer(text):
        yield (*match.span(), "phone")
    for pattern in (_POSTCODE_FULL, _POSTCODE_OUTWARD):
        for match in pattern.finditer(text):
            yield (*match.span(), "postcode")
    for pattern in (_DOB_RE, _BORN_IN):
        for match in pattern.finditer(text):
            yield (*match.span(1), "dob")
    for match in _DATE_RE.finditer(text):
        yield (*match.span(), "date")
    for match in _VEHICLE.finditer(text):
        yield (*match.span(), "vehicle")
    for match in _VEHICLE_CONTEXT.finditer(text):
        if any(ch.isdigit() for ch in match.group(1)):
            yield (*match.span(1), "vehicle")
    for pattern in (_ADDRESS_NUMBERED, _ADDRESS_NAMED):
        for match in pattern.finditer(text):
            yield (*match.span(), "address")
    for match in _COLLAR.finditer(text):
        yield (*match.span(1), "id")
    for match in _NI_NUMBER.finditer(text):
        yield (*match.span(), "id")
    for start, end in find_names(text, known_names):
        yield start, end, "name"
