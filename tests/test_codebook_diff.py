"""Diff between codebook versions: declared and inferred renames, merges, splits, changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.codebook import (
    diff_codebooks,
    diff_markdown,
    diff_text,
    load_codebook,
    load_ref,
    loads_codebook,
)

DATA = Path(__file__).parent / "data" / "codebooks" / "mini"


@pytest.fixture(scope="module")
def changes() -> list[tuple[str, tuple[str, ...], tuple[str, ...], str | None]]:
    old, new = load_codebook(DATA / "1.0.0.yaml"), load_codebook(DATA / "1.1.0.yaml")
    return [(c.kind, c.old_ids, c.new_ids, c.field) for c in diff_codebooks(old, new)]


@pytest.mark.parametrize(
    "expected",
    [
        ("renamed", ("rude",), ("disrespect",), None),
        ("merged", ("threat", "accuse"), ("pressure",), None),
        ("split", ("polite",), ("polite_formal", "polite_greeting"), None),
        ("retired", ("chat",), (), None),
        ("added", (), ("empathy",), None),
        ("level_changed", ("calm",), ("calm",), "level"),
        ("definition_changed", ("resist",), ("resist",), "definition"),
        ("options_changed", ("command",), ("command",), "scale"),
        ("options_changed", ("grounds",), ("grounds",), "scale"),
        ("options_changed", ("outcome",), ("outcome",), "options"),
        ("options_changed", ("command",), ("command",), "values"),
        ("measure_changed", ("respect",), ("respect",), None),
    ],
)
def test_diff_reports_each_kind_of_change(changes: list, expected: tuple) -> None:
    assert expected in changes


def test_declared_renames_and_merges_are_not_reported_as_added_or_removed(
    changes: list,
) -> None:
    added = {new for kind, _, ids, _ in changes if kind == "added" for new in ids}
    removed = {old for kind, ids, _, _ in changes if kind == "removed" for old in ids}
    assert added == {"empathy"}
    assert removed == set()


def test_undeclared_rename_is_inferred_from_matching_definitions() -> None:
    old = load_codebook(DATA / "1.0.0.yaml")
    new = loads_codebook((DATA / "1.0.0.yaml").read_text(encoding="utf-8")
                         .replace("version: 1.0.0", "version: 1.0.1", 1)
                         .replace("- id: chat", "- id: small_talk"))
    renames = [c for c in diff_codebooks(old, new) if c.kind == "renamed"]
    assert [(c.old_ids, c.new_ids, c.declared) for c in renames] == \
        [(("chat",), ("small_talk",), False)]
    assert "renamed (inferred)" in diff_text(old, new)


def test_unrelated_definitions_are_added_and_removed_not_renamed() -> None:
    old = load_codebook(DATA / "1.0.0.yaml")
    new = loads_codebook((DATA / "1.0.0.yaml").read_text(encoding="utf-8")
                         .replace("version: 1.0.0", "version: 1.0.1", 1)
                         .replace("- id: chat", "- id: weather")
                         .replace("The officer makes small talk unrelated to the stop.",
                                  "Rain or snow is audible on the recording."))
    kinds = {(c.kind, c.old_ids, c.new_ids) for c in diff_codebooks(old, new)}
    assert ("removed", ("chat",), ()) in kinds
    assert ("added", (), ("weather",)) in kinds


def test_identical_versions_have_no_changes() -> None:
    codebook = load_codebook(DATA / "1.0.0.yaml")
    assert diff_codebooks(codebook, codebook) == []
    assert "(no changes)" in diff_text(codebook, codebook)


def test_stop_search_1_1_0_diff_shows_its_merge_split_and_rename() -> None:
    old, new = load_ref("stop-search@1.0.0"), load_ref("stop-search@1.1.0")
    markdown = diff_markdown(old, new)
    assert "| merged | esc_threat, esc_accusation → esc_threat_or_accusation |" in markdown
    assert "| split | pj_courtesy → pj_courtesy_formal, pj_courtesy_greeting |" in markdown
    assert "| renamed | deesc_humanises → deesc_rapport |" in markdown
    assert "drugs_warning → cannabis_khat_warning" in markdown
