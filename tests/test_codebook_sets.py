"""Set-valued codes (``multiple: true``, stop-search 1.2.0): values, labels, diff and the
1.1.0 → 1.2.0 migration, which flags old single values for re-coding and never guesses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.codebook import apply_migration, diff_codebooks, load_ref, render_markdown
from workbench.codebook.migration import plan_migration
from workbench.exceptions import CodebookError
from workbench.model import Annotation, AnnotationStatus, Clip, Role, Utterance
from workbench.store import Store, default_sqlite_url

OLD, NEW = load_ref("stop-search@1.1.0"), load_ref("stop-search@1.2.0")

#: The content hashes stores recorded for the immutable versions (never to change).
RECORDED = {"1.0.0": "c07b7466ea9f72df1345a0eff4957720b7f259daf0a6485f57cb099d7b4963bf",
            "1.1.0": "176353da3ec94bbe9ad38e0947aa61bd31ccc593c7e6be40f79d761231681b3f"}


@pytest.mark.parametrize("version", sorted(RECORDED))
def test_the_used_versions_keep_their_content_hash(version: str) -> None:
    assert load_ref(f"stop-search@{version}").hash == RECORDED[version]


@pytest.mark.parametrize(("value", "problem"), [
    ("grounds+object", None),
    ("detained", None),
    ("object+grounds", "canonical form: store 'grounds+object'"),
    ("grounds+grounds", "canonical form: store 'grounds'"),
    ("grounds+warrant", "warrant unknown"),
    ("", "an empty set"),
])
def test_a_set_value_is_one_canonical_string_of_known_elements(value: str,
                                                               problem: str | None) -> None:
    code = NEW.code("legal_explanation")
    if problem is None:
        assert code.validate_value(value) == value
    else:
        with pytest.raises(CodebookError, match=re.escape(problem)):
            code.validate_value(value)


def test_only_the_gowisely_turn_code_changed_and_it_reads_as_labels() -> None:
    assert [c.id for c in NEW.codes if c.multiple] == ["legal_explanation"]
    assert NEW.code("legal_explanation").value_labels("legal_power+object") == [
        "Object", "Legal power"]                            # codebook order, not storage order
    changes = {(c.kind, c.field) for c in diff_codebooks(OLD, NEW)}
    assert ("level_changed", "multiple") in changes
    assert "categorical, several may apply: grounds + object" in render_markdown(NEW)


def _annotation(value: str, turn: int | None = 2, code: str = "legal_explanation",
                ident: int = 1) -> Annotation:
    return Annotation("k1", turn, code, value, "c1", OLD.id, OLD.version, OLD.hash,
                      annotation_id=ident)


def test_the_migration_flags_old_single_values_for_recoding_and_carries_the_rest() -> None:
    plan = plan_migration(OLD, NEW, [_annotation("grounds", ident=1),
                                     _annotation("present", 3, "pj_courtesy_formal", 2)])
    by_id = {s.old[0].annotation_id: s for s in plan.steps}
    assert by_id[1].action == "to_set" and by_id[1].new is None
    assert by_id[1].outcome == AnnotationStatus.NEEDS_RECODE
    assert "holds one ('grounds'): re-code" in by_id[1].reason
    assert by_id[2].action == "carry" and by_id[2].new.codebook_version == "1.2.0"
    assert plan.counts()["to_set"] == 1


def test_applying_it_keeps_the_old_row_flagged_and_guesses_nothing(tmp_path: Path) -> None:
    store = Store(default_sqlite_url(tmp_path / "s.sqlite"))
    store.put_clip(Clip("k1", source_file="k1.vtt", synthetic=True),
                   [Utterance("k1", i, i, i + 0.5, "PC A", Role.OFFICER, "Synthetic.")
                    for i in range(4)], source_hash="h")
    [ident] = store.add_annotations([_annotation("object", ident=None)])  # type: ignore[arg-type]
    plan = plan_migration(OLD, NEW, store.annotations(layer=None))
    assert apply_migration(store, plan, actor="lead")["to_set"] == 1
    [row] = store.annotations(layer=None, statuses=tuple(AnnotationStatus))
    assert (row.annotation_id, row.value, row.status) == (ident, "object",
                                                          AnnotationStatus.NEEDS_RECODE)
    store.close()


def test_the_manual_shows_the_session_key_map_with_keys_as_people_write_them() -> None:
    from workbench.codebook import render_html

    md, html = render_markdown(NEW), render_html(NEW)
    assert "| Space | media: play / pause |" in md
    assert "| Backspace or Delete | clear the code last set here |" in md
    assert "<tr><td><kbd>a set code&#39;s key, then 1–9</kbd></td>" in html
