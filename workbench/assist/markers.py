"""Linguistic markers of one utterance, from transparent rules and small lexicons.

Each marker is a 0/1 flag (``sentiment`` is VADER's compound score in [-1, 1]); the rules are
regular expressions over the lower-cased text, written out below so a reader can see exactly
what counts. Tokens come from NLTK's `TreebankWordTokenizer` (no downloaded data; never
``word_tokenize``/``sent_tokenize``, which need punkt). Sentences are split on ``. ! ?``.
Sentiment is VADER (Hutto & Gilbert 2014, ICWSM) from ``vaderSentiment``, which ships its
lexicon. Nothing is downloaded at run time.

Sources: the respect features of Voigt et al. (2017, PNAS 114:6521, SI table S2: apologies,
gratitude, formal and informal titles, introductions, reasons, reassurance, questions, hedges,
swearing); the politeness strategies of Danescu-Niculescu-Mizil et al. (2013, ACL: gratitude,
apologising, "please", indirect "could/would you", hedges); command-first / reason-first of
Rho et al. (2023, PNAS 120:e2216162120); hedges after Hyland (1998); swear words after Ofcom
(2021) "Attitudes to offensive language" (mild to strongest); threats of force after College of
Policing APP "use of force" (a consequence of non-compliance stated as force, cuffs or arrest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nltk.tokenize import TreebankWordTokenizer


@dataclass(frozen=True)
class Marker:
    """One marker: its rule (a regex over lower-cased text) and where the idea comes from."""

    name: str
    description: str
    source: str
    pattern: str


def _words(*alts: str) -> str:
    return r"\b(?:" + "|".join(alts) + r")\b"


#: Base-form verbs that open an imperative sentence in stop-and-search talk.
IMPERATIVE_VERBS: tuple[str, ...] = (
    "put", "get", "stop", "stay", "turn", "sit", "step", "come", "give", "empty", "show", "open",
    "keep", "calm", "move", "wait", "listen", "look", "stand", "take", "face", "hold", "drop",
    "back", "leave", "hands", "arms", "shut", "pass", "tell", "go", "let", "lift", "spread",
)
_IMPERATIVE = (r"(?:^|[.!?]\s+)(?:right,?\s+|now,?\s+|oi,?\s+|just\s+)?"
               r"(?:(?:don'?t|do not)\s+(?!worry\b)\w+|" + "|".join(IMPERATIVE_VERBS)
               + r")\b(?![-'])(?!\s+you\b)")

MARKERS: tuple[Marker, ...] = (
    Marker("apology", "apologises ('sorry', 'apologies', 'I apologise')",
           "Voigt 2017 S2 'apologizing'; Danescu-Niculescu-Mizil 2013",
           _words("sorry", "apologi[sz]e", "apologies", "my apologies", "pardon me")),
    Marker("gratitude", "thanks ('thank you', 'thanks', 'cheers', 'appreciate')",
           "Voigt 2017 S2 'gratitude'; Danescu-Niculescu-Mizil 2013",
           _words("thank you", "thanks", "cheers", "appreciate(?:d)?", "ta")),
    Marker("formal_address", "formal title: sir, madam, ma'am, Mr/Mrs/Ms/Miss",
           "Voigt 2017 S2 'formal titles'", _words("sir", "madam", "ma'am", "mr", "mrs",
                                                   "ms", "miss", "young man", "young lady")),
    Marker("informal_address", "informal address: mate, bro, bruv, pal, fella, son, love",
           "Voigt 2017 S2 'informal titles' (first names: pass ``names`` to the scorer)",
           _words("mate", "bro", "bruv", "blud", "pal", "fella", "buddy", "son", "love",
                  "my man", "boss", "chief", "geezer")),
    Marker("self_introduction", "officer gives name, number or station",
           "Voigt 2017 S2 'introductions'; PACE Code A 3.8 (GOWISELY: identity, station)",
           r"\bmy name(?:'s| is)\b|\bi(?:'m| am) (?:pc|ps|ds|dc|sergeant|constable|officer)\b"
           r"|\b(?:collar|shoulder|warrant) (?:number|card)\b|\b(?:based|from) (?:at )?\w+"
           r"(?: \w+)? (?:police )?station\b|\bmy number(?:'s| is)\b"),
    Marker("reason", "gives a reason or explanation ('because', 'the reason', 'that's why')",
           "Voigt 2017 S2 'give reason'; Rho 2023 'reason'",
           _words("because", "'cause", "cos", "the reason", "that's why", "so that",
                  "the grounds", "we've had (?:a )?reports?", "we've had a call",
                  "you match", "matches the description", "i can smell", "i'm stopping you",
                  "i'm going to search you for", "looking for")),
    Marker("reassurance", "reassures: not under arrest, free to go, nothing to worry about",
           "Voigt 2017 S2 'reassurance'",
           r"\bnot under arrest\b|\bfree to (?:go|leave)\b|\bnot in (?:any )?trouble\b"
           r"|\b(?:nothing|no need) to worry\b|\bdon'?t worry\b|\byou'?re (?:alright|fine|ok)\b"
           r"|\bjust routine\b|\bit'?s routine\b|\bno one'?s accusing\b"),
    Marker("command", "imperative sentence or 'I need you to / you need to / you must'",
           "Rho 2023 'command'; Voigt 2017",
           _IMPERATIVE + r"|\bi need you to\b|\byou need to\b|\byou (?:must|have to)\b|\bnow!"),
    Marker("softened_request", "request softened: could/can/would you, would you mind, please",
           "Danescu-Niculescu-Mizil 2013 'indirect (could/would)', 'please'",
           _words("could you", "can you", "would you", "would you mind", "do you mind",
                  "if you could", "can i ask you to", "please", "for me")),
    Marker("question", "asks a question (a '?' or a question word opening a sentence)",
           "Voigt 2017 S2 'questions'",
           r"\?|(?:^|[.!]\s+)(?:what|where|why|who|when|how|which|do|does|did|are|is|can|could"
           r"|would|will|have|has)\b"),
    Marker("hedge", "hedges: I think, maybe, perhaps, probably, just, a bit, sort of",
           "Hyland 1998; Voigt 2017 S2 'hedges'; Danescu-Niculescu-Mizil 2013",
           _words("i think", "maybe", "perhaps", "probably", "possibly", "just", "a bit",
                  "sort of", "kind of", "i guess", "i suppose", "might", "a little")),
    Marker("swearing", "swear words (Ofcom 2021 list, mild to strongest)",
           "Ofcom 2021 'Attitudes to offensive language'; Voigt 2017 S2 'swearing'",
           r"\b(?:fuck\w*|shit\w*|bollocks|bastard|wanker|twat|prick|dick(?:head)?|arse\w*|"
           r"piss(?:ed)?(?: off)?|bloody|crap|bugger|sod off|cunt)\b"),
    Marker("threat_of_force", "a consequence of non-compliance: force, cuffs, arrest, floor",
           "College of Policing APP 'use of force'; Voigt 2017 (negative features)",
           r"\b(?:or|otherwise|if you don'?t|carry on|keep (?:going|this up)|any more of that"
           r"|last chance)\b[^.?!]*\b(?:arrest\w*|nicked|cuff\w*|handcuff\w*|taser\w*|floor"
           r"|ground|force|restrain\w*|cell|coming with us|spray)\b"
           r"|\bi'?ll (?:arrest|cuff|taser|put you on the (?:floor|ground))\b"),
)
#: Marker names in output order (``sentiment`` and ``n_tokens`` last).
MARKER_NAMES: tuple[str, ...] = (*(m.name for m in MARKERS), "sentiment", "n_tokens")
_COMPILED = tuple((m.name, re.compile(m.pattern)) for m in MARKERS)
_TOKENISER = TreebankWordTokenizer()


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def tokens(text: str) -> list[str]:
    """Treebank tokens of ``text`` (no downloaded data)."""
    return _TOKENISER.tokenize(text)


def utterance_markers(text: str, *, names: tuple[str, ...] = (),
                      sentiment: bool = True) -> dict[str, float]:
    """The markers of one utterance: name → 0/1 (``sentiment`` in [-1, 1], ``n_tokens``).

    ``names`` are first names that count as informal address (e.g. the subject's, when known).
    Square-bracketed transcriber notes (``[pulls arm away]``) are not speech and are dropped.
    """
    spoken = re.sub(r"\[[^\]]*\]", " ", text).strip()
    low = re.sub(r"[\u2018\u2019]", "'", spoken.lower())
    out: dict[str, float] = {name: float(bool(rx.search(low))) for name, rx in _COMPILED}
    if names and any(re.search(rf"\b{re.escape(n.lower())}\b", low) for n in names if n):
        out["informal_address"] = 1.0
    out["sentiment"] = float(_vader().polarity_scores(spoken)["compound"]) if sentiment else 0.0
    out["n_tokens"] = float(len(tokens(spoken)))
    return out
