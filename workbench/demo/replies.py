"""The subject's replies: resistance moves one step at a time, with probabilities set by the
kind of officer turns since the subject last spoke and by the intended phase of the arc
(:data:`workbench.demo.effects.RESISTANCE_TRANSITIONS`) — this is where effect (c) is planted.
The words then follow the level and the context (a question for the record, the find …).
"""

from __future__ import annotations

from workbench.demo import effects
from workbench.demo.phrases import Line, subject
from workbench.demo.script_moves import Moves
from workbench.demo.turns import Turn

DISRESPECT_RATE = (0.03, 0.15, 0.20, 0.35, 0.40)
#: Reply contexts in which resistance does not rise (the encounter is being wound up).
_SETTLED = ("find", "arrest", "closing")


class Replies(Moves):
    """The subject's side of the dialogue."""

    def reply(self, context: str = "") -> Turn:
        kinds = {t.kind for t in self.block}
        kind = "deesc" if "deesc" in kinds else "esc" if "esc" in kinds else "neutral"
        down, up = effects.RESISTANCE_TRANSITIONS[self.phase][kind]
        before = self.r
        if self.r > 0 and self.rng.random() < down:
            self.r -= 1
        elif context not in _SETTLED and self.rng.random() < up and self.r < self.plan.peak:
            self.r += 1
        if context in _SETTLED and self.r == 1:
            self.r = 0  # nothing is left to refuse once the search is over
        return self._subject_turn(context, before)

    def _subject_turn(self, context: str, before: int) -> Turn:
        rng, r, s = self.rng, self.r, self.plan.setting
        parts: list[Line] = []
        if r == 1 and context.startswith("pii:") and rng.random() < 0.5:
            self.r = r = 0  # gives the detail after all
        if r == 0:
            if context.startswith("pii:"):
                parts.append(self.pick(subject.PII_ANSWERS[context[4:]]))
            elif context == "find":
                found = self.plan.find == "object_of_search"
                parts.append(self.pick(subject.FIND_REPLIES[s.object_kind]) if found
                             else Line("That's not mine, I swear."))
            elif context in ("arrest", "closing"):
                parts.append(self.pick(subject.ARREST_REPLIES if context == "arrest"
                                       else subject.CLOSING_REPLIES))
            elif context == "search" and rng.random() < 0.6:
                parts.append(self.pick(subject.SEARCH_REPLIES))
            elif before > 0 and rng.random() < 0.5:
                parts.append(self.pick(subject.CALMING))
            else:
                parts.append(self._participation(context))
        elif context.startswith("pii:"):
            parts.append(self.pick(subject.PII_REFUSALS))
        else:
            parts.append(self.pick(subject.RESISTANCE[r]))
            u = rng.random()
            if r <= 2 and u < 0.3:
                parts.append(self._challenge())
            elif r == 1 and u < 0.45:
                self.qtype = "why"
                parts.append(self.pick(subject.QUESTIONS["why"]))
        if rng.random() < DISRESPECT_RATE[r]:
            parts.append(self.pick(subject.DISRESPECT))
        if self.plan.vulnerable and r <= 2 and rng.random() < 0.15:
            parts.append(self.pick(subject.DISTRESS))
        turn = self.say_subject(parts, r)
        part = turn.codes.get("subj_participation")
        if part in ("question", "rights_request"):
            self.pending = self.qtype
        self.provoked = bool(part == "challenge" or "subj_disrespect" in turn.codes or r >= 1)
        self.distressed = "subj_distress" in turn.codes
        return turn

    def _participation(self, context: str) -> Line:
        rng = self.rng
        weights = {"ack": 4.0, "question": 2.0, "rights": 0.7, "challenge": 0.8,
                   "distress": 2.5 if self.plan.vulnerable else 0.3,
                   "account": 6.0 if context == "invite" else 0.8}
        if self.plan.style == "forceful":
            weights["challenge"] += 0.8
        intent = rng.choices(list(weights), weights=list(weights.values()))[0]
        if intent == "question":
            self.qtype = rng.choice(list(subject.QUESTIONS))
            return self.pick(subject.QUESTIONS[self.qtype])
        if intent == "rights":
            self.qtype = rng.choice(list(subject.RIGHTS))
            return self.pick(subject.RIGHTS[self.qtype])
        if intent == "challenge":
            return self._challenge()
        if intent == "distress":
            return self.pick(subject.DISTRESS)
        if intent == "account":
            kind = self.plan.setting.object_kind
            return self.pick(subject.ACCOUNTS + subject.ACCOUNTS_BY_OBJECT[kind])
        return self.pick(subject.ACKS)

    def _challenge(self) -> Line:
        pool = subject.CHALLENGES
        if self.plan.setting.ethnicity in ("Black or Black British", "Mixed"):
            pool = pool + subject.CHALLENGE_RACE
        return self.pick(pool)

