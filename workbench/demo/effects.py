"""The effects planted in the synthetic demo corpus, and the simulated coders' error profile.

Everything here is a *generator parameter*: the corpus is built from these numbers, the tests
check that the ground truth recovers them (right sign, clear margin), and the study notebooks
can show them as a known answer. They are invented for a demonstration — not estimates from
real encounters — though their direction follows the literature cited in ``shared/DOMAIN.md``.

(a) Opening move → escalated outcome (Rho et al. 2023). "Escalated" is the brief's definition:
    ``out_handcuffing != none`` or ``out_disposal == arrest`` or ``out_force >= restraint``.
(b) Specific grounds → more explanation. The number of ``pj_explains_action`` turns in a clip
    is Poisson with a mean set by the quality of the grounds the officer gives
    (Nawaz & Tankebe 2018: explanation is the weak dimension; specific grounds go with it).
(c) De-escalation works. After an officer turn block holding a ``deesc_*`` code, the subject's
    next turn is less resistant far more often than after other officer turns (Todak & James
    2018), whatever the phase of the encounter.
(d) No ethnic disparity, unless the caller passes ``ethnic_disparity`` (odds multipliers by
    self-defined ethnicity) to the generator; the default is none.
"""

from __future__ import annotations

from types import MappingProxyType

# --- (a) opening move --------------------------------------------------------------------
#: Share of encounters by the officer's opening move (first officer turn).
OPENING_MOVE_SHARES = MappingProxyType({
    "reason": 0.28, "greeting": 0.24, "question": 0.25, "command": 0.15, "accusation": 0.08,
})
#: P(escalated outcome | opening move), planted.
ESCALATION_BY_OPENING = MappingProxyType({
    "reason": 0.20, "greeting": 0.24, "question": 0.30, "command": 0.55, "accusation": 0.50,
})
#: Tests require command − reason ≥ this difference in the realised (observed) rates.
ESCALATION_MARGIN = 0.20

# --- (b) grounds → explanation -----------------------------------------------------------
#: Mean number of ``pj_explains_action`` turns per clip, by the planned quality of grounds.
EXPLANATION_MEAN_BY_GROUNDS = MappingProxyType({
    "none": 0.5, "label_only": 1.2, "generic": 2.5, "specific": 5.5, "not_applicable": 2.2,
})
#: Tests require mean(specific) ≥ this ratio × mean(none), and the order none < generic <
#: specific.
EXPLANATION_RATIO = 2.0

# --- (c) de-escalation → drop in resistance ----------------------------------------------
#: P(next subject turn one step less resistant | officer block kind, phase), when the
#: subject's level is above ``compliant``; and P(one step more) (capped at the planned peak).
RESISTANCE_TRANSITIONS = MappingProxyType({
    # phase: {block kind: (P(down), P(up))}
    "flat": {"deesc": (0.60, 0.02), "neutral": (0.30, 0.02), "esc": (0.08, 0.25)},
    "rise": {"deesc": (0.50, 0.05), "neutral": (0.06, 0.35), "esc": (0.03, 0.60)},
    "fall": {"deesc": (0.70, 0.02), "neutral": (0.22, 0.04), "esc": (0.05, 0.30)},
})
#: Tests require P(drop | deesc) − P(drop | other officer turns) ≥ this margin.
DEESCALATION_DROP_MARGIN = 0.25

# --- (d) ethnicity -----------------------------------------------------------------------
#: Default: no planted disparity (odds multiplier 1 for every group).
ETHNIC_DISPARITY_DEFAULT: MappingProxyType[str, float] = MappingProxyType({})

# --- simulated coders --------------------------------------------------------------------
#: Per-code error rate of a simulated coder: the probability of departing from the truth on
#: a unit the truth codes (a miss or a wrong option). False positives are added on turns of
#: the right role at a rate giving as many extra codes as misses (``FALSE_POSITIVE_SHARE``).
DEFAULT_ERROR_PROFILE = MappingProxyType({
    # clearly reliable (observable events, checklist items)
    "evt_search_begins": 0.02, "evt_handcuffs": 0.02, "legal_explanation": 0.02,
    "out_find": 0.02, "out_disposal": 0.02, "out_handcuffing": 0.03, "bwv_coverage": 0.03,
    "esc_opening_move": 0.04, "gow_identity": 0.04, "gow_legal_power": 0.05,
    "gow_object": 0.05, "gow_entitlement": 0.05, "gow_detained": 0.05,
    # middling
    "esc_threat": 0.06, "pj_courtesy": 0.08, "out_force": 0.08, "gow_grounds": 0.10,
    "pj_invites_account": 0.10, "pj_responds_to_question": 0.10, "esc_command": 0.10,
    "subj_resistance": 0.10, "subj_participation": 0.12, "pj_explains_action": 0.12,
    "esc_accusation": 0.12, "deesc_reassurance": 0.12, "deesc_offers_options": 0.12,
    "esc_hostility": 0.15, "subj_disrespect": 0.15, "pj_disrespect": 0.18,
    "deesc_creates_space": 0.18,
    # clearly unreliable (judgements of tone and intent)
    "pj_safety_motive": 0.20, "subj_distress": 0.20, "deesc_calm_after_provocation": 0.22,
    "out_trajectory": 0.22, "pj_protects_dignity": 0.25, "deesc_humanises": 0.25,
    "deesc_empathy": 0.25,
})
#: Extra codes on turns the truth leaves uncoded, as a share of the expected misses.
FALSE_POSITIVE_SHARE = 1.0
#: Share of ordinal errors that move one step (the rest move to any other step).
ORDINAL_ADJACENT_SHARE = 0.85
#: Share of errors on categorical/ordinal utterance codes that are misses (rest: wrong option).
MISS_SHARE_FOR_OPTIONS = 0.5
#: Codes the default profile makes clearly reliable / unreliable (expected agreement order).
EXPECTED_RELIABLE: tuple[str, ...] = ("evt_search_begins", "evt_handcuffs", "legal_explanation",
                                      "out_find", "out_disposal")
EXPECTED_UNRELIABLE: tuple[str, ...] = ("pj_protects_dignity", "deesc_humanises",
                                        "deesc_empathy", "out_trajectory")
#: An example of the optional per-coder bias: coder "c3" over-applies empathy on 10 % of
#: officer turns the truth leaves uncoded.
EXAMPLE_CODER_BIAS = MappingProxyType({"c3": {"deesc_empathy": 0.10}})


def planted_parameters() -> dict[str, object]:
    """All planted parameters as plain JSON-ready data (written to ``_truth/effects.json``)."""
    return {
        "opening_move_shares": dict(OPENING_MOVE_SHARES),
        "escalation_by_opening": dict(ESCALATION_BY_OPENING),
        "escalation_margin": ESCALATION_MARGIN,
        "explanation_mean_by_grounds": dict(EXPLANATION_MEAN_BY_GROUNDS),
        "explanation_ratio": EXPLANATION_RATIO,
        "resistance_transitions": {p: {k: list(v) for k, v in d.items()}
                                   for p, d in RESISTANCE_TRANSITIONS.items()},
        "deescalation_drop_margin": DEESCALATION_DROP_MARGIN,
        "default_error_profile": dict(DEFAULT_ERROR_PROFILE),
        "expected_reliable": list(EXPECTED_RELIABLE),
        "expected_unreliable": list(EXPECTED_UNRELIABLE),
    }
