"""One finished synthetic encounter: the recorded turns and the clip-level ground truth.

The clip codes are read off the *recorded* dialogue (what a coder can see), not off the plan:
GOWISELY elements are the best wording on the recording, the trajectory is classified from the
subject's resistance levels, and the opening move is coded only when the camera was on before
first contact. Outcome codes (find, disposal, handcuffs, force) are what happened; the dialogue
always shows them.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from workbench.demo.codes import CODE_SPECS, RESISTANCE_LEVELS
from workbench.demo.phrases import Line
from workbench.demo.phrases.opening import LATE_CAMERA_NOTICES, RESTATED_GROUNDS
from workbench.demo.plan import Plan
from workbench.demo.turns import OFFICER, People, Turn, fill

_GROUNDS = CODE_SPECS["gow_grounds"].options
_GOW = CODE_SPECS["gow_object"].options


@dataclass
class Encounter:
    """A clip: the plan it came from, its recorded turns with times, and its clip codes."""

    clip_id: str
    plan: Plan
    people: People
    turns: list[Turn]
    times: list[tuple[float, float]]
    clip_codes: dict[str, str]

    @property
    def duration(self) -> float:
        return max(end for _, end in self.times) + 2.0


def record(turns: list[Turn], plan: Plan, people: People, rng: random.Random) -> list[Turn]:
    """The turns on the recording, given when the camera was switched on (``plan.coverage``).

    A late start drops the turns before it and opens with the officer's camera notice; an
    officer who opened with the reason restates the grounds once the camera is on.
    """
    if plan.coverage == "before_first_contact":
        return list(turns)
    search = next(i for i, t in enumerate(turns) if t.tag == "search_start")
    cuffs = [i for i, t in enumerate(turns) if t.tag in ("cuffs", "force")]  # keep them
    if plan.coverage == "before_search":
        # the camera goes on when the officer decides to search, before the GOWISELY briefing
        briefing = [i for i, t in enumerate(turns) if t.gow is not None and i > 0]
        limit = min([search] + [i for i in cuffs if i < search] + briefing[:1])
        cut = rng.randint(min(2, limit), limit)
    else:
        after = [i for i in cuffs if i > search]
        cut = min([search + 1 + rng.randint(0, 2), *after])
    recorded = [_line_turn(LATE_CAMERA_NOTICES, people, rng, None)]
    kept = [t for t in turns[cut:] if t.tag != "camera"]  # the notice is said once
    if (plan.coverage == "before_search" and plan.opening == "reason"
            and plan.grounds in _GROUNDS[1:] and not any(t.gow and t.gow[0] == "grounds"
                                                         for t in kept)):
        recorded.append(_line_turn(RESTATED_GROUNDS, people, rng, ("grounds", plan.grounds)))
    return recorded + list(kept)


def _line_turn(options: tuple[Line, ...], people: People, rng: random.Random,
               gow: tuple[str, str] | None) -> Turn:
    line = rng.choice(options)
    text, _ = fill(line, people.fields)
    return Turn(people.lead.label, OFFICER, text, line.code_dict(), gow, tag="camera_on")


def classify_trajectory(levels: list[int]) -> str:
    """Trajectory of a resistance series (0 = compliant … 4 = assaultive), by these rules:

    calm — never above verbal refusal, with at most two refusals, starting and ending
    compliant; volatile — two or more separate surges to passive or higher (from below it,
    or at the start); de_escalated —
    starts at its highest and ends lower; escalated_then_resolved — rises above its start and
    ends at verbal refusal or lower; escalated — ends higher than it started, or at passive or
    higher; anything else is calm.
    """
    if not levels:
        return "calm"
    first, last, peak = levels[0], levels[-1], max(levels)
    if peak == 0 or (peak == 1 and first == last == 0 and sum(v >= 1 for v in levels) <= 2):
        return "calm"
    surges = (first >= 2) + sum(a < 2 <= b for a, b in itertools.pairwise(levels))
    if surges >= 2:
        return "volatile"
    if first == peak and last < first:
        return "de_escalated"
    if peak > first and last < peak and last <= 1:
        return "escalated_then_resolved"
    if last > first or last >= 2:
        return "escalated"
    return "calm"


def _best(values: list[str], scale: tuple[str, ...], default: str) -> str:
    return max(values, key=scale.index) if values else default


def clip_codes(turns: list[Turn], plan: Plan) -> dict[str, str]:
    """The clip-level codes of the recorded ``turns``."""
    gow: dict[str, list[str]] = {}
    for t in turns:
        if t.gow is not None:
            gow.setdefault(t.gow[0], []).append(t.gow[1])
    codes: dict[str, str] = {}
    if plan.coverage == "before_first_contact":
        codes["esc_opening_move"] = plan.opening
    codes["gow_grounds"] = ("not_applicable" if plan.grounds == "not_applicable"
                            else _best(gow.get("grounds", []), _GROUNDS, "none"))
    for element in ("object", "entitlement", "legal_power", "detained"):
        codes[f"gow_{element}"] = _best(gow.get(element, []), _GOW, "absent")
    n_ident = ("identity" in gow) + ("station" in gow)
    codes["gow_identity"] = _GOW[n_ident]
    levels = [RESISTANCE_LEVELS.index(t.codes["subj_resistance"]) for t in turns
              if "subj_resistance" in t.codes]
    codes.update(bwv_coverage=plan.coverage, out_find=plan.find, out_disposal=plan.disposal,
                 out_handcuffing=plan.cuffs, out_force=plan.force,
                 out_trajectory=classify_trajectory(levels))
    return codes
