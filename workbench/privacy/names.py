"""Finding personal names in transcript text: a gazetteer plus context.

The gazetteer is the first and last names Faker ships for en_GB and en_US (read from
``faker.providers.person.<locale>.Provider``). Many names are also ordinary words ("May I
search you", "Will you wait", "Hope", "Grant", "Green"): those (:data:`COMMON_WORD_NAMES`)
count only with context — a title (Mr, Mrs, PC, Sergeant …), "my name is", or next to another
capitalised name. Other gazetteer names count when capitalised. "My name is x" and titles also
catch names outside the gazetteer. Lower-case names without context are not found: review
transcripts from speech recognition that drops capitals by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from faker.providers.person.en_GB import Provider as BritishNames
from faker.providers.person.en_US import Provider as AmericanNames


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Gazetteer names that are also common English words (lower case); they need context.
COMMON_WORD_NAMES: frozenset[str] = _words("""
amber angel april archer autumn baker ball banks barber bass bean beard best bill bird bishop
black bond branch bright brown buck bull bush butcher butler cain cannon carpenter case chance
chase cherry christian church clay cook cooper cross crystal daisy dale dawn day dean destiny
diamond don downs drake duke dunn english faith farmer field fields fisher flowers ford fox frank
french frost fry gamble gates gay gill glass glen golden good grace grant graves gray green gross
guy hale hall hardy hart hazel heath herring hill holder holly hood hope horn house hull hunt
hunter jack jade joy june justice key kind king knight lamb lance lane law le lee little long
lord love mark marks marsh mason max may melody mercy miles mills misty moody moon moss nash
noble north page park parks patience penny pierce pope porter potter power powers price prince
rich rice riddle rivers roach rose rush savage sharp short sierra skinner small smart snow
sparks spears stark steele stone storey stout strong summer summers swift tanner ware wall walls
ward waters weeks wells west white wise winter winters wolf wood woods young ho case walker
shepherd butcher mercer marshall chamberlain sawyer mann lyons sims major august will sue ray
rusty sandy chelsea jordan victoria sydney kent devon durham washington houston madison
""")

#: Ambiguous names that are words first (colours used for ethnicity, nationalities, months,
#: places, "the Old Bill"): never a name without a title, "my name is" or a following surname.
ALWAYS_WORDS: frozenset[str] = _words("""
black white brown green gray english french christian bill will may march june april august
summer winter autumn day house lane hill park wood field court church king lord major law
justice chance
""")

TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Lady|Lord|Master)\.?"
RANKS = (r"(?:PC|PCSO|PS|DC|DS|DI|DCI|Sgt|Insp|[Ss]ergeant|[Cc]onstable|[Oo]fficer|"
         r"[Ii]nspector|[Dd]etective|[Ss]uperintendent)\.?")
# a capitalised word, not the start of a contraction ("Don't", "Won't", "Mark'll")
_NAME_WORD = (r"(?:[A-Z][a-z]+(?:['’-][A-Z][a-z]+)?|[A-Z]['’][A-Z][a-z]+|Mc[A-Z][a-z]+)"
              r"(?!['’](?:t|ll|re|ve|d|m)\b)")
_ANY_WORD = r"[A-Za-z][A-Za-z'’-]*"
_STOP_AFTER_NAME_IS = _words(
    "not none nothing of your business what why sorry irrelevant the a an mine nobody private")
#: Capitalised words that follow a title or rank but are not names ("Sir Can you ...").
_NOT_NAMES = _words(
    "Can Could Would Will Please Just Is Are Do Does Stop Listen Look Come Calm Yes No Okay "
    "What Why How Where When Thank Thanks Sorry We You They He She It This That The And But So "
    "If Now Here There Sergeant Constable Inspector Officer Detective Superintendent Police "
    "Let Wait Hold Stay Step Put Get Keep Take Turn Show Tell Give Hands Not Sure Fine Going "
    "Only Really Very Always Never Done Busy Late Innocent Honest Serious Scared Afraid")

_TITLED = re.compile(rf"\b(?:{TITLES}|{RANKS})\s+((?:{_NAME_WORD})(?:\s+(?:{_NAME_WORD}))?)")
_NAME_IS = re.compile(
    rf"\b(?:my\s+name\s+is|my\s+name's|name's|I'm\s+called|I\s+am\s+called)"
    rf"\s+({_ANY_WORD})(?:\s+({_NAME_WORD}))?",
    re.IGNORECASE,
)
_I_AM = re.compile(rf"\b(?:I'm|I\s+am|this\s+is|it's|it\s+is|[Cc]all\s+me)\s+"
                   rf"({_NAME_WORD})(?:\s+({_NAME_WORD}))?")
_CAPITALISED = re.compile(rf"\b(?:{_NAME_WORD})\b|\b[A-Z]{{3,}}\b")


@cache
def first_names() -> frozenset[str]:
    """First names of the gazetteer, lower case."""
    names = (*BritishNames.first_names, *AmericanNames.first_names)
    return frozenset(name.lower() for name in names)


@cache
def last_names() -> frozenset[str]:
    """Last names of the gazetteer, lower case."""
    names = (*BritishNames.last_names, *AmericanNames.last_names)
    return frozenset(name.lower() for name in names)


def is_gazetteer_name(word: str) -> bool:
    """Whether ``word`` (any case) is a first or last name in the gazetteer."""
    key = word.lower()
    return key in first_names() or key in last_names()


def find_names(text: str, known: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of personal names in ``text``, sorted, not merged.

    ``known`` adds names already learnt elsewhere in the same encounter (see
    :func:`learn_names`): each is found as a whole word in any case, or only capitalised if it
    is also a common word.
    """
    spans: list[tuple[int, int]] = _known_spans(text, known)
    for match in _TITLED.finditer(text):
        words = match.group(1).split()
        if words[0] in _NOT_NAMES:
            continue
        end = match.end(1) if len(words) == 1 or words[1] not in _NOT_NAMES else \
            match.start(1) + len(words[0])
        spans.append((match.start(1), end))
    for match in _NAME_IS.finditer(text):
        word = match.group(1)
        if word.lower() in _STOP_AFTER_NAME_IS:
            continue
        surname = match.group(2)
        # after "my name is", a following capitalised word is the surname, known or not
        takes_surname = surname and (is_gazetteer_name(surname) or (
            surname[0].isupper() and surname not in _NOT_NAMES))
        spans.append((match.start(1), match.end(2) if takes_surname else match.end(1)))
    for match in _I_AM.finditer(text):
        first, second = match.group(1), match.group(2)
        if second and (is_gazetteer_name(first) or is_gazetteer_name(second) or (
                first not in _NOT_NAMES and second not in _NOT_NAMES)):
            spans.append((match.start(1), match.end(2)))
        elif is_gazetteer_name(first) and first.lower() not in COMMON_WORD_NAMES:
            spans.append(match.span(1))
    spans.extend(_gazetteer_spans(text))
    return sorted(set(spans))


def learn_names(texts: Iterable[str]) -> frozenset[str]:
    """The name words (lower case) found in ``texts``, to look for again with ``known``.

    A name given once ("my name is Kwame Mensah") is then found wherever else it is used
    ("Kwame, calm down"), even when the gazetteer does not hold it.
    """
    words: set[str] = set()
    for text in texts:
        for start, end in find_names(text):
            for word in re.findall(r"[A-Za-z][A-Za-z'’-]*", text[start:end]):
                word = re.sub(r"['’]s$", "", word).lower()
                if len(word) > 1 and word not in ALWAYS_WORDS:
                    words.add(word)
    return frozenset(words)


def _known_spans(text: str, known: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for name in sorted(set(known)):
        flags = 0 if name in COMMON_WORD_NAMES else re.IGNORECASE
        pattern = re.escape(name.title()) if not flags else re.escape(name)
        spans.extend(m.span() for m in re.finditer(rf"\b{pattern}\b", text, flags))
    return spans


def _gazetteer_spans(text: str) -> list[tuple[int, int]]:
    """Capitalised gazetteer words (see the module docstring for the ambiguous ones)."""
    words = [m for m in _CAPITALISED.finditer(text) if _candidate(m.group())]
    spans = []
    i = 0
    while i < len(words):
        j = i
        while j + 1 < len(words) and _adjacent(text, words[j], words[j + 1]):
            j += 1
        run = words[i:j + 1]
        if len(run) >= 2 and _stem(run[0].group()).lower() in first_names():
            spans.append((run[0].start(), run[-1].end()))
        else:
            spans.extend(m.span() for m in run if _counts_alone(text, m))
        i = j + 1
    return spans


def _candidate(word: str) -> bool:
    if word.isupper():  # shouted: only unambiguous first names ("PACE" is a surname too)
        key = word.lower()
        return key in first_names() and key not in COMMON_WORD_NAMES
    return is_gazetteer_name(word)


def _counts_alone(text: str, match: re.Match[str]) -> bool:
    """An unambiguous name always; an ambiguous one mid-sentence or as a vocative ("Frank,")."""
    key = _stem(match.group()).lower()
    if key not in COMMON_WORD_NAMES:
        return True
    if key in ALWAYS_WORDS:
        return False
    before = text[:match.start()].rstrip(" \t\"'‘“([")
    initial = not before or before[-1] in ".!?:;]\n"  # "]" closes a stage direction
    vocative = text[match.end():match.end() + 1] in (",", "!", "?")
    return not initial or vocative


def _stem(word: str) -> str:
    return word.title() if word.isupper() else word


def _adjacent(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    return text[left.end():right.start()] in (" ", "-")
