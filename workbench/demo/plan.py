"""The hidden plan of one synthetic encounter: what will happen, before any words are chosen.

The plan fixes the planted effects (opening move → escalated outcome; grounds quality →
number of explanations), the intended resistance arc, the GOWISELY elements the officer will
give, the outcome (find, disposal, handcuffs, force) and what personal details come up. The
dialogue (:mod:`workbench.demo.script`) then realises it, and the ground truth is read off the
dialogue, not off the plan.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from workbench.demo import effects
from workbench.demo.metadata import Setting, pick

STYLE_BY_OPENING = {  # officer style: procedural / mixed / forceful
    "reason": {"procedural": 0.55, "mixed": 0.35, "forceful": 0.10},
    "greeting": {"procedural": 0.50, "mixed": 0.40, "forceful": 0.10},
    "question": {"procedural": 0.35, "mixed": 0.45, "forceful": 0.20},
    "command": {"procedural": 0.15, "mixed": 0.35, "forceful": 0.50},
    "accusation": {"procedural": 0.10, "mixed": 0.35, "forceful": 0.55},
}
GROUNDS_BY_STYLE = {
    "procedural": {"none": 0.05, "label_only": 0.12, "generic": 0.33, "specific": 0.50},
    "mixed": {"none": 0.12, "label_only": 0.22, "generic": 0.38, "specific": 0.28},
    "forceful": {"none": 0.25, "label_only": 0.30, "generic": 0.28, "specific": 0.17},
}
#: GOWISELY element → (P(given), P(clear | given)); identity/station have one wording each.
ELEMENTS = {"object": (0.85, 0.70), "identity": (0.75, 1.0), "station": (0.50, 1.0),
            "entitlement": (0.60, 0.55), "legal_power": (0.65, 0.55),
            "detained": (0.50, 0.60)}
STYLE_THOROUGHNESS = {"procedural": 1.15, "mixed": 1.0, "forceful": 0.75}
COVERAGE = {"before_first_contact": 0.75, "before_search": 0.18, "after_search_began": 0.07}
TRAJECTORY_IF_ESCALATED = {"escalated": 0.45, "escalated_then_resolved": 0.30, "volatile": 0.25}
TRAJECTORY_OTHERWISE = {"calm": 0.58, "de_escalated": 0.22, "escalated_then_resolved": 0.20}
#: Intended trajectory → phases as (end of phase as a share of the encounter, phase).
PHASES = {
    "calm": ((1.0, "flat"),),
    "escalated": ((0.3, "flat"), (1.0, "rise")),
    "de_escalated": ((1.0, "fall"),),
    "escalated_then_resolved": ((0.2, "flat"), (0.55, "rise"), (1.0, "fall")),
    "volatile": ((0.25, "rise"), (0.45, "fall"), (0.75, "rise"), (1.0, "fall")),
}
FIND_RATE = {"drugs": 0.30, "weapon": 0.10, "stolen": 0.15, "theft_tools": 0.15}
OTHER_ITEM_RATE = 0.06
DISPOSAL_IF_FOUND = {
    "drugs": {"arrest": 0.35, "community_resolution": 0.22, "drugs_warning": 0.25,
              "penalty_notice": 0.10, "summons": 0.08},
    "weapon": {"arrest": 0.90, "summons": 0.10},
    "stolen": {"arrest": 0.80, "community_resolution": 0.15, "other": 0.05},
    "theft_tools": {"arrest": 0.75, "summons": 0.15, "other": 0.10},
    "other_item": {"arrest": 0.45, "community_resolution": 0.25, "drugs_warning": 0.15,
                   "other": 0.15},
}
FORCE_BY_CUFFS = {
    "non_compliant": {"guiding_holds": 0.35, "restraint": 0.45, "unarmed_strikes": 0.12,
                      "weapon_drawn": 0.06, "weapon_used": 0.02},
    "compliant": {"none": 0.55, "guiding_holds": 0.45},
    "none": {"none": 0.85, "guiding_holds": 0.15},
}
PII_RATES = {"name": 0.65, "dob": 0.75, "address": 0.35, "phone": 0.12, "vehicle": 0.18,
             "email": 0.5}


@dataclass(frozen=True)
class Plan:
    """Latent variables of one encounter (see the module docstring)."""

    setting: Setting
    opening: str
    escalated: bool
    trajectory: str
    start_level: int
    peak: int
    style: str
    grounds: str
    elements: Mapping[str, str]  # element -> "clear" | "partial" (absent elements left out)
    n_explain: int
    coverage: str
    cuffs: str
    cuffs_at_arrest: bool
    force: str
    find: str
    disposal: str
    length: int
    n_bystanders: int
    vulnerable: bool
    pii: tuple[str, ...]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method (small means only)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _escalation_probability(opening: str, ethnicity: str,
                            disparity: Mapping[str, float]) -> float:
    p = effects.ESCALATION_BY_OPENING[opening]
    odds = p / (1 - p) * float(disparity.get(ethnicity, 1.0))
    return odds / (1 + odds)


def _outcome(rng: random.Random, s: Setting, escalated: bool, peak: int
             ) -> tuple[str, str, str, bool]:
    """(find, disposal, cuffs, cuffs_at_arrest), consistent with ``escalated``."""
    u = rng.random()
    find = ("object_of_search" if u < FIND_RATE[s.object_kind]
            else "other_item" if u < FIND_RATE[s.object_kind] + OTHER_ITEM_RATE else "nothing")
    if find == "nothing":
        table = {"nfa": 0.75, "arrest": 0.25} if escalated and peak >= 3 else {"nfa": 0.96,
                                                                               "other": 0.04}
    else:
        table = dict(DISPOSAL_IF_FOUND[s.object_kind if find == "object_of_search"
                                       else "other_item"])
    if s.age_band == "10-17":  # no cannabis warnings or penalty notices for children
        for key in ("drugs_warning", "penalty_notice"):
            table["community_resolution"] = table.get("community_resolution", 0) + \
                table.pop(key, 0)
    if not escalated:
        table.pop("arrest", None)
        table = table or {"nfa": 1.0}
    disposal = str(pick(rng, table))
    cuffs = "none"
    if escalated:
        cuffs = str(pick(rng, {"none": 0.12, "compliant": 0.38, "non_compliant": 0.50}))
        if cuffs == "none" and (find == "nothing" or disposal != "arrest"):
            cuffs = str(pick(rng, {"compliant": 0.45, "non_compliant": 0.55}))
    at_arrest = disposal == "arrest" and cuffs == "compliant" and rng.random() < 0.7
    return find, disposal, cuffs, at_arrest


def make_plan(rng: random.Random, setting: Setting,
              disparity: Mapping[str, float] | None = None) -> Plan:
    """Draw the latent plan of one encounter in ``setting``.

    ``disparity``: optional odds multipliers of an escalated outcome by self-defined
    ethnicity (default none; see :mod:`workbench.demo.effects`).
    """
    s = setting
    opening = str(pick(rng, effects.OPENING_MOVE_SHARES))
    escalated = rng.random() < _escalation_probability(opening, s.ethnicity, disparity or {})
    trajectory = str(pick(rng, TRAJECTORY_IF_ESCALATED if escalated else TRAJECTORY_OTHERWISE))
    style = str(pick(rng, STYLE_BY_OPENING[opening]))
    if s.power == "s60":
        grounds = "not_applicable"
    else:
        weights = dict(GROUNDS_BY_STYLE[style])
        if opening == "reason":
            weights.pop("none")
        grounds = str(pick(rng, weights))
    elements: dict[str, str] = {}
    for element, (p_given, p_clear) in ELEMENTS.items():
        p = 0.95 if (element == "legal_power" and s.power == "s60") else p_given
        if rng.random() < min(0.97, p * STYLE_THOROUGHNESS[style]):
            elements[element] = "clear" if rng.random() < p_clear else "partial"
    start_level = peak = 0
    if trajectory == "de_escalated":
        start_level = peak = int(pick(rng, {1: 0.6, 2: 0.4}))
    arc_peak = int(pick(rng, {2: 0.3, 3: 0.55, 4: 0.15})) if escalated else \
        int(pick(rng, {1: 0.5, 2: 0.5}))
    if trajectory != "de_escalated":
        peak = 1 if trajectory == "calm" else arc_peak
    if trajectory == "volatile":
        peak = max(peak, 2)
    find, disposal, cuffs, at_arrest = _outcome(rng, s, escalated, peak)
    force = str(pick(rng, FORCE_BY_CUFFS[cuffs]))
    if cuffs == "non_compliant":
        peak = max(peak, 2)
    if force in ("unarmed_strikes", "weapon_drawn", "weapon_used"):
        peak = max(peak, 3)
    base = rng.lognormvariate(math.log(50), 0.45) * (1.25 if escalated else 1.0)
    pii = tuple(k for k in ("name", "address", "phone", "vehicle") if rng.random() < PII_RATES[k])
    if "name" in pii and rng.random() < PII_RATES["dob"]:
        pii += ("dob",)
    if elements.get("entitlement") == "clear" and rng.random() < PII_RATES["email"]:
        pii += ("email",)
    return Plan(
        setting=s, opening=opening, escalated=escalated, trajectory=trajectory,
        start_level=start_level, peak=peak, style=style, grounds=grounds,
        elements=elements,
        n_explain=_poisson(rng, effects.EXPLANATION_MEAN_BY_GROUNDS[grounds]),
        coverage=str(pick(rng, COVERAGE)), cuffs=cuffs, cuffs_at_arrest=at_arrest,
        force=force, find=find, disposal=disposal, length=int(min(140, max(24, base))),
        n_bystanders=int(pick(rng, {0: 0.65, 1: 0.22, 2: 0.13} if escalated
                              else {0: 0.85, 1: 0.11, 2: 0.04})),
        vulnerable=rng.random() < (0.25 if s.age_band == "10-17" else 0.12), pii=pii,
    )


def phase_at(plan: Plan, share: float) -> str:
    """The intended phase ("flat", "rise", "fall") at ``share`` (0–1) of the encounter."""
    for end, phase in PHASES[plan.trajectory]:
        if share <= end:
            return phase
    return PHASES[plan.trajectory][-1][1]
