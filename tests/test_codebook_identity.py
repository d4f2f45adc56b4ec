"""Content hash and the rule that a codebook version is immutable once used."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from workbench.codebook import check_immutable, load_codebook, loads_codebook, register_codebook
from workbench.exceptions import CodebookError
from workbench.store import Store

DATA = Path(__file__).parent / "data" / "codebooks"
MINI = DATA / "mini" / "1.0.0.yaml"


def test_reformatted_yaml_has_the_same_hash() -> None:
    original = load_codebook(MINI)
    reformatted = load_codebook(DATA / "mini_reformatted.yaml")
    assert reformatted.hash == original.hash
    assert MINI.read_text(encoding="utf-8") != \
        (DATA / "mini_reformatted.yaml").read_text(encoding="utf-8")


def test_hash_is_sha256_of_sorted_compact_json() -> None:
    codebook = load_codebook(MINI)
    data = json.loads(codebook.canonical_json())
    recomputed = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert codebook.hash == hashlib.sha256(recomputed.encode("utf-8")).hexdigest()
    assert data["codes"][0]["id"] == "polite"


@pytest.mark.parametrize(
    ("old", "new", "same"),
    [
        ("The officer insults or mocks the person.",
         "The officer insults or mocks the person, or swears at them.", False),
        ("The officer insults or mocks the person.",
         "The officer   insults or mocks\n      the person.", True),
        ("Every level of measurement appears.", "A different comment.", True),
        ("shortcut: r\n  - id: threat", "shortcut: x\n  - id: threat", False),
        ("anchor: Not named.}", "anchor: Not named at all.}", False),
    ],
)
def test_hash_changes_with_content_not_with_layout(old: str, new: str, same: bool) -> None:
    text = MINI.read_text(encoding="utf-8")
    assert old in text
    changed = loads_codebook(text.replace(old, new, 1))
    assert (changed.hash == load_codebook(MINI).hash) is same


def test_check_immutable_accepts_unused_or_identical_versions() -> None:
    codebook = load_codebook(MINI)
    check_immutable(codebook, None)
    check_immutable(codebook, codebook.hash)


def test_check_immutable_refuses_an_edited_version_in_use() -> None:
    codebook = load_codebook(MINI)
    with pytest.raises(CodebookError, match="immutable once used") as caught:
        check_immutable(codebook, "0" * 64)
    assert caught.value.path == MINI
    assert "mini@1.0.0" in str(caught.value)


def test_register_records_once_then_refuses_edited_content(store: Store) -> None:
    codebook = load_codebook(MINI)
    assert register_codebook(store, codebook) == codebook.hash
    assert store.codebook_hash("mini", "1.0.0") == codebook.hash
    register_codebook(store, codebook)  # same content again: fine
    edited = loads_codebook(MINI.read_text(encoding="utf-8").replace(
        "The officer insults or mocks the person.", "The officer is rude."))
    with pytest.raises(CodebookError, match="immutable"):
        register_codebook(store, edited)
    assert store.codebook_versions("mini") == [("1.0.0", codebook.hash)]


def test_a_modified_copy_gets_its_own_hash() -> None:
    codebook = load_codebook(MINI)
    original = codebook.hash
    copy = codebook.model_copy(update={"title": "Another title"})
    assert copy.hash != original and codebook.hash == original
