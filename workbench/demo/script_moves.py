"""The building blocks :class:`workbench.demo.script.Script` uses: saying a line as an officer
or as the subject, the officers' move policy by phase, and bystanders' interjections.
"""

from __future__ import annotations

import random

from workbench.demo.codes import RESISTANCE_LEVELS
from workbench.demo.phrases import Line, officer, opening, subject
from workbench.demo.plan import Plan, phase_at
from workbench.demo.turns import OFFICER, SUBJECT, THIRD_PARTY, People, Turn, fill, merge_codes

#: Phase → weights of the kind of an officer's free move (before the officer's style).
MOVE_KIND_WEIGHTS = {
    "flat": {"neutral": 0.72, "deesc": 0.20, "esc": 0.08},
    "rise": {"neutral": 0.35, "deesc": 0.10, "esc": 0.55},
    "fall": {"neutral": 0.35, "deesc": 0.55, "esc": 0.10},
}
#: Style → multipliers of the escalating and de-escalating weights.
STYLE_WEIGHTS = {"procedural": (0.6, 1.3), "mixed": (1.0, 1.0), "forceful": (1.6, 0.7)}
LEAD_SHARE = 0.72
_NEEDS_COLLEAGUE = ("colleague", "officers")


def add_grounds(plan: Plan, rng: random.Random, fields: dict[str, str]) -> None:
    """Put the officer's grounds for this encounter, at the planned quality (one wording per
    clip), into ``fields`` as ``grounds`` and ``grounds_cap``."""
    kind = plan.setting.object_kind
    if plan.grounds == "specific":
        clause = rng.choice(opening.GROUNDS_SPECIFIC[kind]).format_map(fields)
    elif plan.grounds == "generic":
        clause = rng.choice(opening.GROUNDS_GENERIC[kind])
    else:
        clause = rng.choice(opening.GROUNDS_LABEL_ONLY)
    fields.update(grounds=clause, grounds_cap=clause[:1].upper() + clause[1:])


class Moves:
    """State shared by the blocks of one encounter, and the primitive moves."""

    def __init__(self, plan: Plan, rng: random.Random, people: People) -> None:
        self.plan, self.rng, self.people = plan, rng, people
        self.fields = dict(people.fields)
        self.turns: list[Turn] = []
        self.used: set[Line] = set()
        self.block: list[Turn] = []  # officer turns since the subject last spoke
        self.r = plan.start_level
        self.peak_seen = plan.start_level
        self.phase = phase_at(plan, 0.0)
        self.given: dict[str, str] = {}
        self.pending = ""
        self.qtype = ""
        self.provoked = False
        self.distressed = False
        self.cuffed = False
        self.searching = False
        self.finished = False  # the search is over

    @property
    def solo(self) -> bool:
        return len(self.people.officers) == 1

    def pick(self, options: tuple[Line, ...]) -> Line:
        """A random line, not yet said in this encounter if any is left; lines that need a
        colleague are skipped by a lone officer."""
        if self.solo:
            options = tuple(o for o in options
                            if not any(w in o.template for w in _NEEDS_COLLEAGUE)) or options
        fresh = tuple(o for o in options if o not in self.used) or options
        line = self.rng.choice(fresh)
        self.used.add(line)
        return line

    def say_officer(self, options: tuple[Line, ...] | Line, *, lead: bool = False,
                    gow: tuple[str, str] | None = None, codes: dict[str, str] | None = None,
                    overlap: bool = False, pause: float = 0.0, tag: str = "",
                    append: bool = True) -> Turn:
        """Append (or, with ``append=False``, only build) an officer turn."""
        line = options if isinstance(options, Line) else self.pick(options)
        colleagues = self.people.officers[1:]
        if colleagues and options is officer.COLLEAGUE_CHATTER:
            who = self.rng.choice(colleagues)
        elif lead or not colleagues or self.rng.random() < LEAD_SHARE:
            who = self.people.lead
        else:
            who = self.rng.choice(colleagues)
        fields = {**self.fields, "rank": who.rank, "number": who.number,
                  "surname": who.surname}
        text, pii = fill(line, fields)
        turn_codes = line.code_dict()
        merge_codes(turn_codes, codes or {})
        turn = Turn(who.label, OFFICER, text, turn_codes, gow, overlap, pause, pii, tag)
        if gow is not None:
            self.given[gow[0]] = gow[1]
        if append:
            self.turns.append(turn)
            self.block.append(turn)
        return turn

    def say_subject(self, parts: list[Line], level: int) -> Turn:
        """Append a subject turn made of ``parts`` at resistance ``level`` (0–4)."""
        texts: list[str] = []
        codes: dict[str, str] = {}
        pii: list[tuple[str, str]] = []
        for line in parts:
            text, planted = fill(line, self.fields)
            texts.append(text)
            pii += planted
            merge_codes(codes, line.code_dict())
        codes["subj_resistance"] = RESISTANCE_LEVELS[level]
        turn = Turn("Subject", SUBJECT, " ".join(texts), codes, pii=pii,
                    overlap=bool(self.turns) and self.rng.random() < 0.06)
        self.turns.append(turn)
        self.block = []
        self.peak_seen = max(self.peak_seen, level)
        return turn

    def policy_move(self, *, searching: bool = False) -> tuple[Line, ...]:
        """The bank an officer's free move is drawn from, by phase, style and the situation."""
        rng, r = self.rng, self.r
        esc_w, deesc_w = STYLE_WEIGHTS[self.plan.style]
        kinds = dict(MOVE_KIND_WEIGHTS[self.phase])
        kinds["esc"] *= esc_w
        kinds["deesc"] *= deesc_w
        kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
        o = officer
        if kind == "deesc":
            table = {o.CALM_AFTER_PROVOCATION: 3.0 if self.provoked else 0.0,
                     o.EMPATHY: 3.0 if self.distressed else 1.0, o.REASSURANCE: 2.0,
                     o.OPTIONS: 1.5, o.SPACE: 3.0 if r >= 2 else 0.7,
                     o.HUMANISES: 2.0 if r == 0 else 0.8}
        elif kind == "esc":
            accusations = o.ACCUSATIONS + o.ACCUSATIONS_BY_OBJECT[self.plan.setting.object_kind]
            table = {o.BARE_ORDERS: 2.0, o.SHOUTED_ORDERS: 2.0 if r >= 2 else 0.5,
                     o.THREATS: 2.0 if r >= 1 else 0.4, accusations: 1.2,
                     o.RAISED_VOICE: 1.0 if r >= 1 else 0.3, o.SWEARING: 0.5,
                     o.CROWDING: 0.8 if r >= 2 else 0.2,
                     o.DISRESPECT: 1.2 if self.provoked else 0.4}
        else:
            table = {o.INVITE_ACCOUNT: 0.5 if searching else 2.0, o.COURTESY: 1.5,
                     o.SAFETY: 1.0, o.DIGNITY: 0.6, o.SOFT_REQUESTS: 1.5,
                     o.SEARCH_NARRATION: 3.0 if searching else 0.0,
                     o.COLLEAGUE_CHATTER: 0.0 if self.solo else 0.6}
        banks = list(table)
        return rng.choices(banks, weights=[table[b] for b in banks])[0]

    def add_bystanders(self) -> None:
        """Insert onlookers' interjections (some overlapping), each maybe answered."""
        rng = self.rng
        for b in range(self.people.n_bystanders):
            for _ in range(rng.randint(1, 4)):
                pos = rng.randint(2, max(2, len(self.turns) - 1))
                text, _ = fill(self.pick(subject.BYSTANDER), self.fields)
                new = [Turn(f"Bystander {b + 1}", THIRD_PARTY, text,
                            overlap=rng.random() < 0.4)]
                if rng.random() < 0.5:
                    new.append(self.say_officer(officer.BYSTANDER_RESPONSES, append=False))
                self.turns[pos:pos] = new
