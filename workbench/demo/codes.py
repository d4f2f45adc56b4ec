"""The `stop-search` 1.0.0 code ids the demo ground truth uses (exactly as the team brief fixes).

Only what the generator and the simulated coders need: unit, who a code applies to, level and
the option keys in order. The codebook YAML (``codebooks/stop-search/``) is the authority for
labels, definitions and examples; a test keeps the two in step once that file exists.

Truth conventions (also followed by the simulated coders):

- nominal codes store ``"present"``; absence is no row;
- ordinal utterance codes whose lowest step means "nothing happened" (``esc_command`` and
  ``esc_hostility``, floor ``none``) store no row for that floor;
- ``subj_resistance`` is stored on **every** subject turn, ``compliant`` included, since
  trajectories and the force factor need a level at every subject turn;
- clip codes are stored once per clip; ``esc_opening_move`` is left out when the recording
  started after first contact (the opening words are not on the recording).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.model import Role

NOMINAL, CATEGORICAL, ORDINAL = "nominal", "categorical", "ordinal"
OFFICER, SUBJECT, ANY = Role.OFFICER.value, Role.SUBJECT.value, "any"


@dataclass(frozen=True)
class CodeSpec:
    """One code: ``unit`` is "utterance" or "clip"; ``options`` ordered for ordinal codes.

    ``floor`` is the ordinal step that is stored as no row (``None``: every step is stored).
    ``extra`` holds options outside the ordinal scale (``not_applicable``).
    """

    code_id: str
    unit: str
    applies_to: str
    level: str
    options: tuple[str, ...] = ()
    floor: str | None = None
    extra: tuple[str, ...] = ()

    @property
    def coded_on_every_turn(self) -> bool:
        """True if the truth holds a row on every eligible turn (no absence)."""
        return self.code_id == "subj_resistance"


def _utt(code_id: str, applies_to: str, level: str = NOMINAL,
         options: tuple[str, ...] = (), floor: str | None = None) -> CodeSpec:
    return CodeSpec(code_id, "utterance", applies_to, level, options, floor)


def _clip(code_id: str, level: str, options: tuple[str, ...],
          extra: tuple[str, ...] = ()) -> CodeSpec:
    return CodeSpec(code_id, "clip", ANY, level, options, None, extra)


_GOW = ("absent", "partial", "clear")
_NA = ("not_applicable",)

CODE_SPECS: dict[str, CodeSpec] = {spec.code_id: spec for spec in (
    _utt("pj_invites_account", OFFICER),
    _utt("pj_responds_to_question", OFFICER, CATEGORICAL, ("answers", "ignores", "talks_over")),
    _utt("pj_explains_action", OFFICER),
    _utt("pj_courtesy", OFFICER),
    _utt("pj_disrespect", OFFICER),
    _utt("pj_safety_motive", OFFICER),
    _utt("pj_protects_dignity", OFFICER),
    _utt("esc_command", OFFICER, ORDINAL,
         ("none", "softened_request", "bare_order", "repeated_or_shouted"), floor="none"),
    _utt("esc_threat", OFFICER),
    _utt("esc_accusation", OFFICER),
    _utt("esc_hostility", OFFICER, ORDINAL,
         ("none", "raised_voice", "swearing", "crowding_in"), floor="none"),
    _utt("deesc_calm_after_provocation", OFFICER),
    _utt("deesc_humanises", OFFICER),
    _utt("deesc_empathy", OFFICER),
    _utt("deesc_reassurance", OFFICER),
    _utt("deesc_offers_options", OFFICER),
    _utt("deesc_creates_space", OFFICER),
    _utt("legal_explanation", OFFICER, CATEGORICAL,
         ("grounds", "object", "identity", "station", "entitlement", "legal_power", "detained")),
    _utt("subj_resistance", SUBJECT, ORDINAL,
         ("compliant", "verbal_refusal", "passive", "active", "assaultive")),
    _utt("subj_participation", SUBJECT, CATEGORICAL,
         ("account", "question", "challenge", "rights_request")),
    _utt("subj_disrespect", SUBJECT),
    _utt("subj_distress", SUBJECT),
    _utt("evt_search_begins", ANY),
    _utt("evt_handcuffs", ANY),
    _clip("esc_opening_move", CATEGORICAL,
          ("reason", "greeting", "question", "command", "accusation")),
    _clip("gow_grounds", ORDINAL, ("none", "label_only", "generic", "specific"), _NA),
    _clip("gow_object", ORDINAL, _GOW, _NA),
    _clip("gow_identity", ORDINAL, _GOW, _NA),
    _clip("gow_entitlement", ORDINAL, _GOW, _NA),
    _clip("gow_legal_power", ORDINAL, _GOW, _NA),
    _clip("gow_detained", ORDINAL, _GOW, _NA),
    _clip("bwv_coverage", CATEGORICAL,
          ("before_first_contact", "before_search", "after_search_began")),
    _clip("out_find", CATEGORICAL, ("object_of_search", "other_item", "nothing")),
    _clip("out_disposal", CATEGORICAL, ("nfa", "arrest", "community_resolution",
                                        "drugs_warning", "penalty_notice", "summons", "other")),
    _clip("out_handcuffing", CATEGORICAL, ("none", "compliant", "non_compliant")),
    _clip("out_force", ORDINAL, ("none", "guiding_holds", "restraint", "unarmed_strikes",
                                 "weapon_drawn", "weapon_used")),
    _clip("out_trajectory", CATEGORICAL, ("calm", "escalated", "de_escalated",
                                          "escalated_then_resolved", "volatile")),
)}

DEESCALATION_CODES: tuple[str, ...] = tuple(c for c in CODE_SPECS if c.startswith("deesc_"))
RESISTANCE_LEVELS: tuple[str, ...] = CODE_SPECS["subj_resistance"].options
FORCE_LEVELS: tuple[str, ...] = CODE_SPECS["out_force"].options


def rank(code_id: str, value: str) -> int:
    """Position of ``value`` on the ordinal scale of ``code_id`` (0 = lowest)."""
    return CODE_SPECS[code_id].options.index(value)


def is_escalated_outcome(handcuffing: str, disposal: str, force: str) -> bool:
    """The brief's "escalated outcome": handcuffs, or arrest, or force ≥ restraint."""
    return handcuffing != "none" or disposal == "arrest" or rank("out_force", force) >= 2
