"""The code ids of codebook ``stop-search`` 1.0.0 that the analyses use, and their scope.

The ids are fixed by the team brief; the codebook YAML defines them in full. :data:`STOP_SEARCH`
records, for each code, its unit (utterance or clip), whom it applies to and its option keys in
scale order, so prevalence tables can list options that never occurred. A caller may pass its
own mapping (e.g. built from a later codebook version) wherever a ``scopes`` argument is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.model import PRESENT

# utterance-level codes the analyses name
LEGAL_EXPLANATION = "legal_explanation"
RESISTANCE = "subj_resistance"
PARTICIPATION = "subj_participation"
COURTESY = "pj_courtesy"
COMMAND = "esc_command"
SEARCH_BEGINS = "evt_search_begins"
HANDCUFFS_EVENT = "evt_handcuffs"
# clip-level codes the analyses name
OPENING_MOVE = "esc_opening_move"
GROUNDS = "gow_grounds"
HANDCUFFING = "out_handcuffing"
DISPOSAL = "out_disposal"
FORCE = "out_force"
TRAJECTORY = "out_trajectory"

#: GOWISELY elements coded at clip level, in the order of the mnemonic.
GOWISELY_ELEMENTS: tuple[str, ...] = (
    GROUNDS, "gow_object", "gow_identity", "gow_entitlement", "gow_legal_power", "gow_detained",
)
#: Officer escalation moves: code → lowest option that counts as escalation (None: nominal).
#: A softened request is not counted as escalation; a bare order is.
ESCALATION_MOVES: dict[str, str | None] = {
    COMMAND: "bare_order",
    "esc_threat": None,
    "esc_accusation": None,
    "esc_hostility": "raised_voice",
}
#: Officer de-escalation tactics (all nominal).
DEESCALATION_TACTICS: tuple[str, ...] = (
    "deesc_calm_after_provocation", "deesc_humanises", "deesc_empathy", "deesc_reassurance",
    "deesc_offers_options", "deesc_creates_space",
)


@dataclass(frozen=True)
class CodeScope:
    """Where a code applies: ``unit`` utterance|clip, ``applies_to`` officer|subject|any."""

    unit: str
    applies_to: str
    options: tuple[str, ...] = (PRESENT,)


def _utt(applies_to: str, *options: str) -> CodeScope:
    return CodeScope("utterance", applies_to, options or (PRESENT,))


def _clip(*options: str) -> CodeScope:
    return CodeScope("clip", "any", options)


_ABSENT_PARTIAL_CLEAR = ("absent", "partial", "clear", "not_applicable")

#: Scope of every code of ``stop-search`` 1.0.0.
STOP_SEARCH: dict[str, CodeScope] = {
    "pj_invites_account": _utt("officer"),
    "pj_responds_to_question": _utt("officer", "answers", "ignores", "talks_over"),
    "pj_explains_action": _utt("officer"),
    COURTESY: _utt("officer"),
    "pj_disrespect": _utt("officer"),
    "pj_safety_motive": _utt("officer"),
    "pj_protects_dignity": _utt("officer"),
    COMMAND: _utt("officer", "none", "softened_request", "bare_order", "repeated_or_shouted"),
    "esc_threat": _utt("officer"),
    "esc_accusation": _utt("officer"),
    "esc_hostility": _utt("officer", "none", "raised_voice", "swearing", "crowding_in"),
    **{tactic: _utt("officer") for tactic in DEESCALATION_TACTICS},
    LEGAL_EXPLANATION: _utt("officer", "grounds", "object", "identity", "station", "entitlement",
                            "legal_power", "detained"),
    RESISTANCE: _utt("subject", "compliant", "verbal_refusal", "passive", "active", "assaultive"),
    PARTICIPATION: _utt("subject", "account", "question", "challenge", "rights_request"),
    "subj_disrespect": _utt("subject"),
    "subj_distress": _utt("subject"),
    SEARCH_BEGINS: _utt("any"),
    HANDCUFFS_EVENT: _utt("any"),
    OPENING_MOVE: _clip("reason", "greeting", "question", "command", "accusation"),
    GROUNDS: _clip("none", "label_only", "generic", "specific", "not_applicable"),
    **{element: _clip(*_ABSENT_PARTIAL_CLEAR) for element in GOWISELY_ELEMENTS[1:]},
    "bwv_coverage": _clip("before_first_contact", "before_search", "after_search_began"),
    "out_find": _clip("object_of_search", "other_item", "nothing"),
    DISPOSAL: _clip("nfa", "arrest", "community_resolution", "drugs_warning", "penalty_notice",
                    "summons", "other"),
    HANDCUFFING: _clip("none", "compliant", "non_compliant"),
    FORCE: _clip("none", "guiding_holds", "restraint", "unarmed_strikes", "weapon_drawn",
                 "weapon_used"),
    TRAJECTORY: _clip("calm", "escalated", "de_escalated", "escalated_then_resolved", "volatile"),
}
