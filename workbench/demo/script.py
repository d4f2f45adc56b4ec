"""Realise a :class:`~workbench.demo.plan.Plan` as a dialogue of coded turns.

The encounter is a sequence of *blocks* (opening, GOWISELY items, exchanges, questions for the
record, search, find, disposal, closing). Each block is one or more officer turns and usually
a subject reply (:mod:`workbench.demo.replies`, where effect (c) is planted). Questions the
subject asks are answered (or ignored, or talked over) by the next officer turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.demo.phrases import Line, officer, opening, outcome, subject
from workbench.demo.phrases.legal import (
    DETAINED_CLEAR,
    DETAINED_PARTIAL,
    ENTITLEMENT_CLEAR,
    ENTITLEMENT_EMAIL,
    ENTITLEMENT_PARTIAL,
    IDENTITY,
    OBJECT_CLEAR,
    OBJECT_PARTIAL,
    POWER_CLEAR,
    POWER_PARTIAL,
    STATION,
)
from workbench.demo.plan import phase_at
from workbench.demo.replies import Replies
from workbench.demo.turns import Turn

GOW_ORDER = ("identity", "station", "grounds", "object", "legal_power", "detained",
             "entitlement")
#: Question / request type → the GOWISELY element that answers it.
ANSWERED_BY = {"why": "grounds", "who": "identity", "number": "identity",
               "looking_for": "object", "arrested": "detained", "record": "entitlement"}


@dataclass
class Block:
    name: str
    arg: str = ""
    explain: bool = False


class Script(Replies):
    """Builds the turns of one encounter; call :meth:`run` once."""

    # -- plan of blocks ------------------------------------------------------------------
    def _blocks(self) -> list[Block]:
        p, rng = self.plan, self.rng
        pre: list[Block] = []
        late: list[Block] = []
        for el in GOW_ORDER:
            if el == "grounds" and (p.grounds in ("none", "not_applicable")
                                    or p.opening == "reason"):
                continue
            if el != "grounds" and el not in p.elements:
                continue
            before = rng.random() < (0.25 if el == "entitlement" else 0.85)
            (pre if before else late).append(Block("gow", el))
        n_gow = len(pre) + len(late)
        n_arc = max(2, round((p.length - 1.6 * n_gow - 12 - 2.5 * len(p.pii)) / 2.3))
        n_pre = round(n_arc * rng.uniform(0.45, 0.65))
        asks = [Block("pii", k) for k in p.pii if k not in ("dob", "email")]
        for block in [Block("arc") for _ in range(n_pre)] + asks:
            pre.insert(rng.randint(0, len(pre)), block)
        search = [b for b in late if b.arg != "entitlement"]
        search += [Block("search") for _ in range(n_arc - n_pre)]
        rng.shuffle(search)
        tail = [Block("find"), Block("disposal")]
        tail += [b for b in late if b.arg == "entitlement"] + [Block("closing")]
        n_explain = p.n_explain
        head = [Block("opening")]
        if n_explain and rng.random() < 0.6:
            head.append(Block("camera"))
            n_explain -= 1
        blocks = head + pre + [Block("search_start")] + search + tail
        slots = [i for i, b in enumerate(blocks) if b.name in ("gow", "arc", "search", "pii")]
        for i in rng.sample(slots, min(n_explain, len(slots))):
            blocks[i].explain = True
        return blocks

    def run(self) -> list[Turn]:
        blocks = self._blocks()
        n = len(blocks)
        for i, block in enumerate(blocks):
            if block.name not in ("find", "disposal", "closing"):
                self.phase = phase_at(self.plan, i / max(1, n - 1))
            self._maybe_cuff(block)
            getattr(self, f"_b_{block.name}")(block)
        self.add_bystanders()
        return self.turns

    # -- officer turns, with the answer to a pending question first -----------------------
    def officer(self, options: tuple[Line, ...] | Line, *, lead: bool = False,
                gow: tuple[str, str] | None = None, **kw: Any) -> Turn:
        response = self._respond_to_pending()
        turn = self.say_officer(options, lead=lead, gow=gow, **kw)
        if response:
            turn.codes.setdefault("pj_responds_to_question", response)
        return turn

    def _respond_to_pending(self) -> str:
        """Emit the answer (or talk-over) to the subject's question; return "ignores" if the
        next officer turn ignores it, else ""."""
        if not self.pending:
            return ""
        qtype, self.pending = self.pending, ""
        p_answer = {"flat": 0.8, "rise": 0.45, "fall": 0.75}[self.phase]
        p_answer -= 0.2 if self.plan.style == "forceful" else 0.0
        if self.rng.random() >= p_answer:
            if self.rng.random() < 0.4:
                self.say_officer(outcome.TALK_OVER, overlap=True,
                                 codes={"pj_responds_to_question": "talks_over"})
                return ""
            return "ignores"
        element = ANSWERED_BY.get(qtype, "")
        if element == "grounds" and self.plan.grounds == "not_applicable":
            element = "legal_power"
        planned = element in self.plan.elements or element == "identity" or (
            element == "grounds" and self.plan.grounds in ("label_only", "generic", "specific"))
        if element and element not in self.given and planned:
            line, gow = self._gow_line(element)
            self.say_officer(line, lead=True, gow=gow,
                             codes={"pj_responds_to_question": "answers"})
        elif element in ("grounds", "object", "legal_power") and element not in self.given:
            self.say_officer(outcome.NON_ANSWERS, codes={"pj_responds_to_question": "ignores"})
        else:
            self.say_officer(outcome.ANSWERS[qtype], lead=qtype == "number",
                             codes={"pj_responds_to_question": "answers"})
        return ""

    # -- GOWISELY ---------------------------------------------------------------------------
    def _gow_line(self, el: str, *, email: bool = False) -> tuple[Line, tuple[str, str]]:
        """A wording of GOWISELY element ``el`` at its planned quality (``email``: the clear
        entitlement wording that asks for an e-mail address, if one is planned)."""
        p = self.plan
        kind, power = p.setting.object_kind, p.setting.power
        if el == "grounds":
            return self.pick(opening.GROUNDS_LEADS), ("grounds", p.grounds)
        quality = p.elements.get(el, "clear")
        clear = quality == "clear"
        table = {
            "identity": IDENTITY, "station": STATION,
            "object": OBJECT_CLEAR[kind] if clear else OBJECT_PARTIAL,
            "legal_power": POWER_CLEAR[power] if clear else POWER_PARTIAL[power],
            "detained": DETAINED_CLEAR if clear else DETAINED_PARTIAL,
            "entitlement": (ENTITLEMENT_EMAIL if email and "email" in p.pii
                            else ENTITLEMENT_CLEAR)
            if clear else ENTITLEMENT_PARTIAL,
        }
        return self.pick(table[el]), (el, quality)

    def _b_gow(self, block: Block) -> None:
        if block.arg in self.given:
            return
        line, gow = self._gow_line(block.arg, email=True)
        self._explain(block)
        self.officer(line, lead=True, gow=gow)
        if line in ENTITLEMENT_EMAIL:
            self.reply("pii:email")
        elif self.rng.random() < 0.55:
            self.reply()

    # -- blocks -----------------------------------------------------------------------------
    def _b_opening(self, block: Block) -> None:
        p = self.plan
        if p.opening == "reason" and p.setting.power == "s60":
            self.officer(opening.REASON_S60, lead=True, gow=("legal_power", "clear"), tag="opening")
        elif p.opening == "reason":
            self.officer(opening.REASON_LEADS, lead=True, gow=("grounds", p.grounds),
                         tag="opening")
        else:
            bank = {"greeting": opening.GREETINGS, "question": opening.QUESTIONS,
                    "command": opening.COMMANDS, "accusation": opening.ACCUSATIONS}[p.opening]
            turn = self.officer(bank, lead=True, tag="opening")
            if turn.codes.get("legal_explanation") == "identity":
                turn.gow = ("identity", "clear")
                self.given["identity"] = "clear"
        self.reply("invite" if p.opening == "question" else "")

    def _b_camera(self, block: Block) -> None:
        self.officer(opening.CAMERA_NOTICES, lead=True, tag="camera")
        if self.rng.random() < 0.5:
            self.reply()

    def _b_arc(self, block: Block) -> None:
        self._explain(block)
        turn = self.officer(self.policy_move())
        self.reply("invite" if "pj_invites_account" in turn.codes else "")

    def _b_search(self, block: Block) -> None:
        self._explain(block)
        turn = self.officer(self.policy_move(searching=True), pause=self.rng.uniform(1.5, 6.0))
        if self.rng.random() < 0.85:
            self.reply("search" if turn.text.endswith("?") else "")

    def _b_pii(self, block: Block) -> None:
        if block.arg == "vehicle":
            self.officer(officer.RADIO_VEHICLE)
            return
        self.officer(officer.ASK[block.arg])
        answer = self.reply(f"pii:{block.arg}")
        if block.arg == "name" and answer.pii and "dob" in self.plan.pii:
            self.officer(officer.ASK["dob"])
            dob = self.reply("pii:dob")
            if dob.pii and self.rng.random() < 0.6:
                self.officer(officer.RADIO_PERSON)
        self._explain(block)

    def _b_search_start(self, block: Block) -> None:
        p = self.plan
        early_cuffs = p.cuffs == "compliant" and not p.cuffs_at_arrest and not self.cuffed
        late_start = p.coverage == "after_search_began"
        if early_cuffs and not late_start:
            self.cuff_compliant()
        if p.style != "forceful" and self.rng.random() < 0.3:
            self.officer(officer.DIGNITY)
        self.officer(officer.SEARCH_START, lead=True, tag="search_start")
        self.searching = True
        if p.cuffs == "none" and p.force == "guiding_holds" and p.disposal != "arrest":
            self.officer(outcome.FORCE["guiding_holds"], tag="force")
        if early_cuffs and late_start:
            self.cuff_compliant()
        elif self.rng.random() < 0.7:
            self.reply()

    def _b_find(self, block: Block) -> None:
        p = self.plan
        self.finished = True
        if p.find == "nothing":
            self.officer(outcome.NOTHING_FOUND, lead=True)
            return
        kind = p.setting.object_kind
        item = (self.rng.choice(outcome.ITEMS[kind]) if p.find == "object_of_search"
                else outcome.OTHER_ITEMS[kind])
        self.fields["item"] = item
        self.officer(outcome.FIND_ASK, lead=True, pause=self.rng.uniform(1.0, 4.0))
        self.reply("find")
        self.officer(outcome.FIND_NAME, lead=True)

    def _b_disposal(self, block: Block) -> None:
        p = self.plan
        if p.disposal != "arrest":
            self.officer(outcome.DISPOSALS[p.disposal], lead=True)
            if self.cuffed:
                self.officer(outcome.CUFFS_OFF)
            if self.rng.random() < 0.6:
                self.reply("closing")
            return
        kind = p.setting.object_kind
        if p.find == "object_of_search":
            offence = kind
        elif p.find == "other_item":
            offence = "weapon" if kind == "drugs" else "drugs"
        else:
            offence = "assault" if self.peak_seen >= 4 else "obstruction"
        self.fields["offence"] = outcome.OFFENCES[offence]
        self.officer(outcome.ARREST, lead=True)
        if p.cuffs == "compliant" and not self.cuffed:
            self.cuff_compliant()
        elif p.cuffs == "none" and p.force == "guiding_holds":
            self.officer(outcome.FORCE["guiding_holds"])
        self.reply("arrest")

    def _b_closing(self, block: Block) -> None:
        if self.plan.disposal == "arrest" or self.rng.random() < 0.2:
            return
        self.officer(outcome.CLOSINGS, lead=True)
        if self.rng.random() < 0.4:
            self.reply("closing")

    def _explain(self, block: Block) -> None:
        if block.explain:
            bank = (officer.EXPLAIN_AFTER if self.finished else
                    officer.EXPLAIN_SEARCH if self.searching else officer.EXPLAIN_BEFORE)
            self.officer(bank)

    # -- handcuffs and force ---------------------------------------------------------------
    def _maybe_cuff(self, block: Block) -> None:
        p = self.plan
        if p.cuffs != "non_compliant" or self.cuffed or block.name == "opening":
            return
        if p.coverage == "after_search_began" and not self.searching:
            return
        if (self.r >= 2 and self.phase == "rise") or block.name == "find":
            self.cuff_non_compliant()

    def cuff_non_compliant(self) -> None:
        p = self.plan
        self.officer(outcome.CUFFS_NON_COMPLIANT, lead=True, tag="cuffs")
        level = 4 if p.peak >= 4 else max(self.r, min(p.peak, 3), 2)
        self.r = level
        self.say_subject([self.pick(subject.RESISTANCE[level])], level)
        steps = [p.force] if p.force == "guiding_holds" else ["guiding_holds", p.force]
        for force in steps:
            self.officer(outcome.FORCE[force])
        self.r = max(2, level - (1 if self.rng.random() < 0.5 else 0))
        self.say_subject([self.pick(subject.RESISTANCE[self.r])], self.r)
        self.cuffed = True

    def cuff_compliant(self) -> None:
        self.officer(outcome.CUFFS_COMPLIANT, lead=True, tag="cuffs")
        if self.plan.force == "guiding_holds":
            self.officer(outcome.FORCE["guiding_holds"])
        self.cuffed = True
        self.reply()

