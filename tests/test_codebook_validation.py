"""Codebook validation: every error names the file, line, code and field; helpers behave."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.codebook import Codebook, load_codebook, load_ref, loads_codebook
from workbench.exceptions import CodebookError

DATA = Path(__file__).parent / "data" / "codebooks"
INVALID = DATA / "invalid"
MINI = DATA / "mini" / "1.0.0.yaml"


@pytest.mark.parametrize(
    ("fixture", "code_id", "field", "line", "fragment"),
    [
        ("duplicate_id.yaml", "a", "id", 17, "duplicate code id"),
        ("missing_definition.yaml", "b", "definition", 17, "required field is missing"),
        ("ordinal_without_scale.yaml", "b", "scale", 17, "needs 'scale': an ordered list"),
        ("shortcut_clash.yaml", "b", "shortcut", 25, "already used by 'a' in group 'g'"),
        ("unknown_group.yaml", "b", "group", 19, "unknown group 'nowhere'; groups: g"),
        ("bad_version.yaml", None, "version", 3, "not a semantic version"),
        ("yaml_syntax.yaml", None, None, 24, "YAML syntax error"),
        ("missing_examples.yaml", "b", "examples", 24, "at least one example"),
        ("missing_examples_key.yaml", "b", "examples", 17, "required field is missing"),
        ("duplicate_key.yaml", "b", "definition", 24, "appears twice"),
        ("unknown_key.yaml", "b", "defintion", 23, "did you mean 'definition'"),
        ("example_bad_value.yaml", "b", "examples", 27, "'medium' is not a value"),
        ("derived_unknown_code.yaml", "zz_missing", "derived[0]", 21, "unknown code"),
        ("migration_unknown_target.yaml", "not_here", "migrations.rules[0].rename", 20,
         "not a code of version 1.1.0"),
        ("categorical_one_option.yaml", "b", "options", 24, "at least two named options"),
        ("multiple_not_categorical.yaml", "b", "multiple", 23, "fits a categorical code"),
    ],
)
def test_invalid_codebook_is_refused_at_load_with_its_location(
    fixture: str, code_id: str | None, field: str | None, line: int, fragment: str
) -> None:
    path = INVALID / fixture
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    error = caught.value
    assert (error.code_id, error.field, error.line) == (code_id, field, line)
    assert error.path == path
    assert fragment in str(error)
    assert str(path) in str(error) and f"line {line}" in str(error)


def test_file_name_must_match_declared_version(tmp_path: Path) -> None:
    folder = tmp_path / "mini"
    folder.mkdir()
    wrong = folder / "2.0.0.yaml"
    wrong.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CodebookError, match=r"file name says version 2\.0\.0"):
        load_codebook(wrong)


def test_unknown_reference_lists_available_versions() -> None:
    with pytest.raises(CodebookError, match=r"available: 1\.0\.0, 1\.1\.0"):
        load_ref("mini@9.9.9", DATA)


def test_bare_name_resolves_to_newest_version() -> None:
    assert load_ref("mini", DATA).version == "1.1.0"


@pytest.fixture(scope="module")
def mini() -> Codebook:
    return load_codebook(MINI)


@pytest.mark.parametrize(
    ("unit", "role", "expected"),
    [
        ("utterance", "officer",
         ["polite", "rude", "threat", "accuse", "chat", "calm", "command", "searched"]),
        ("utterance", "subject", ["resist", "searched"]),
        ("utterance", "third_party", ["searched"]),
        ("utterance", "unknown", ["searched"]),
        ("clip", None, ["grounds", "power", "outcome", "duration"]),
    ],
)
def test_codes_for_unit_and_role_include_codes_for_any(
    mini: Codebook, unit: str, role: str | None, expected: list[str]
) -> None:
    assert [c.id for c in mini.codes_for(unit, role)] == expected


@pytest.mark.parametrize(
    ("code_id", "keys"),
    [
        ("polite", ["present"]),
        ("outcome", ["nfa", "arrest", "other"]),
        ("grounds", ["none", "generic", "specific", "not_applicable"]),
        ("duration", []),
    ],
)
def test_option_keys_by_level(mini: Codebook, code_id: str, keys: list[str]) -> None:
    assert mini.option_keys(code_id) == keys


@pytest.mark.parametrize(
    ("code_id", "key", "rank"),
    [("command", "none", 0), ("command", "shouted", 3), ("grounds", "specific", 2),
     ("grounds", "not_applicable", None)],
)
def test_ordinal_rank_orders_the_scale_and_excludes_not_applicable(
    mini: Codebook, code_id: str, key: str, rank: int | None
) -> None:
    assert mini.ordinal_rank(code_id, key) == rank


@pytest.mark.parametrize(
    ("code_id", "value", "fragment"),
    [
        ("polite", "yes", "allowed: present"),
        ("outcome", "fine", "allowed: nfa, arrest, other"),
        ("duration", "4000", "outside 0.0–3600.0 seconds"),
        ("duration", "four", "not a decimal number"),
        ("politeness", "present", "did you mean polite"),
    ],
)
def test_validate_value_refuses_unknown_codes_and_values(
    mini: Codebook, code_id: str, value: str, fragment: str
) -> None:
    with pytest.raises(CodebookError, match=re.escape(fragment)):
        mini.validate_value(code_id, value)


@pytest.mark.parametrize(("code_id", "value"), [("polite", "present"), ("outcome", "arrest"),
                                                ("duration", "240.5"),
                                                ("grounds", "not_applicable")])
def test_validate_value_accepts_allowed_values(mini: Codebook, code_id: str, value: str) -> None:
    assert mini.validate_value(code_id, value) == value


def test_ordinal_rank_of_a_nominal_code_is_an_error(mini: Codebook) -> None:
    with pytest.raises(CodebookError, match="not ordinal"):
        mini.ordinal_rank("polite", "present")


def test_text_is_normalised_when_loaded() -> None:
    text = MINI.read_text(encoding="utf-8")
    codebook = loads_codebook(text)
    assert codebook.code("polite").definition == \
        "The officer says please, thank you, or greets the person."


# ---- the stop-search codebook uses exactly the ids and option keys the team fixed ----------
BRIEF_CODES: dict[str, tuple[str, str, str, list[str]]] = {
    # id: (unit, applies_to, level, option keys in order; [] for nominal)
    "pj_invites_account": ("utterance", "officer", "nominal", []),
    "pj_responds_to_question": ("utterance", "officer", "categorical",
                                ["answers", "ignores", "talks_over"]),
    "pj_explains_action": ("utterance", "officer", "nominal", []),
    "pj_courtesy": ("utterance", "officer", "nominal", []),
    "pj_disrespect": ("utterance", "officer", "nominal", []),
    "pj_safety_motive": ("utterance", "officer", "nominal", []),
    "pj_protects_dignity": ("utterance", "officer", "nominal", []),
    "esc_command": ("utterance", "officer", "ordinal",
                    ["none", "softened_request", "bare_order", "repeated_or_shouted"]),
    "esc_threat": ("utterance", "officer", "nominal", []),
    "esc_accusation": ("utterance", "officer", "nominal", []),
    "esc_hostility": ("utterance", "officer", "ordinal",
                      ["none", "raised_voice", "swearing", "crowding_in"]),
    "deesc_calm_after_provocation": ("utterance", "officer", "nominal", []),
    "deesc_humanises": ("utterance", "officer", "nominal", []),
    "deesc_empathy": ("utterance", "officer", "nominal", []),
    "deesc_reassurance": ("utterance", "officer", "nominal", []),
    "deesc_offers_options": ("utterance", "officer", "nominal", []),
    "deesc_creates_space": ("utterance", "officer", "nominal", []),
    "legal_explanation": ("utterance", "officer", "categorical",
                          ["grounds", "object", "identity", "station", "entitlement",
                           "legal_power", "detained"]),
    "subj_resistance": ("utterance", "subject", "ordinal",
                        ["compliant", "verbal_refusal", "passive", "active", "assaultive"]),
    "subj_participation": ("utterance", "subject", "categorical",
                           ["account", "question", "challenge", "rights_request"]),
    "subj_disrespect": ("utterance", "subject", "nominal", []),
    "subj_distress": ("utterance", "subject", "nominal", []),
    "evt_search_begins": ("utterance", "any", "nominal", []),
    "evt_handcuffs": ("utterance", "any", "nominal", []),
    "esc_opening_move": ("clip", "any", "categorical",
                         ["reason", "greeting", "question", "command", "accusation"]),
    "gow_grounds": ("clip", "any", "ordinal",
                    ["none", "label_only", "generic", "specific", "not_applicable"]),
    **{g: ("clip", "any", "ordinal", ["absent", "partial", "clear", "not_applicable"])
       for g in ("gow_object", "gow_identity", "gow_entitlement", "gow_legal_power",
                 "gow_detained")},
    "bwv_coverage": ("clip", "any", "categorical",
                     ["before_first_contact", "before_search", "after_search_began"]),
    "out_find": ("clip", "any", "categorical", ["object_of_search", "other_item", "nothing"]),
    "out_disposal": ("clip", "any", "categorical",
                     ["nfa", "arrest", "community_resolution", "drugs_warning",
                      "penalty_notice", "summons", "other"]),
    "out_handcuffing": ("clip", "any", "categorical", ["none", "compliant", "non_compliant"]),
    "out_force": ("clip", "any", "ordinal",
                  ["none", "guiding_holds", "restraint", "unarmed_strikes", "weapon_drawn",
                   "weapon_used"]),
    "out_trajectory": ("clip", "any", "categorical",
                       ["calm", "escalated", "de_escalated", "escalated_then_resolved",
                        "volatile"]),
}


def test_stop_search_1_0_0_has_exactly_the_fixed_codes() -> None:
    codebook = load_ref("stop-search@1.0.0")
    assert len(codebook.codes) == 37
    assert sorted(codebook.code_ids) == sorted(BRIEF_CODES)
    for code in codebook.codes:
        unit, applies_to, level, keys = BRIEF_CODES[code.id]
        assert (code.unit, code.applies_to, code.level) == (unit, applies_to, level), code.id
        assert code.option_keys() == (keys or ["present"]), code.id
    assert [g.id for g in codebook.groups] == [
        "officer_pj", "officer_escalation", "officer_deescalation", "legal_explanation",
        "subject", "events", "outcomes"]


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0", "1.2.0"])
def test_stop_search_codes_all_have_rules_and_one_to_three_examples(version: str) -> None:
    codebook = load_ref(f"stop-search@{version}")
    for code in codebook.codes:
        assert 1 <= len(code.examples) <= 3, code.id
        assert code.include and code.exclude, code.id
        assert len(code.definition) > 40, code.id
    utterance_keys = [c.shortcut for c in codebook.codes_for("utterance")]
    assert None not in utterance_keys, "every utterance-level code has a shortcut"
