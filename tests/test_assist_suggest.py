"""Learned suggestions: targets, versions, too-few codes, no annotations, held-out folds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.assist import code_table, cross_validate, fold_plan, targets, template_of, train
from workbench.assist.features import feature_frame
from workbench.assist.templates import template_ids
from workbench.exceptions import ParameterError

KEYS = ["pj_courtesy", "esc_command=softened_request", "esc_command=bare_order"]


def test_targets_cover_every_utterance_level_code(demo_data) -> None:
    book = demo_data.codebook
    assert {t.code_id for t in targets(book)} == {c.id for c in book.codes_for("utterance")}
    assert "esc_command=bare_order" in {t.key for t in targets(book)}
    assert not any(t.code_id == "out_disposal" for t in targets(book))  # a clip code


def test_template_recovery_finds_the_demo_bank_lines() -> None:
    assert template_of("Stand still.").startswith("officer.BARE_ORDERS:")
    assert template_of("Erm, could you turn the music off for a sec, please?") == (
        "officer.SOFT_REQUESTS:Could you turn the music off for a sec, please?")
    assert template_of("A sentence no template holds, surely.") is None


@pytest.fixture(scope="module")
def small(demo_data):
    """The first 150 clips of the demo (the suggestion tests need no more)."""
    clips = sorted(demo_data.clips["clip_id"])[:150]
    u = demo_data.utterances[demo_data.utterances["clip_id"].isin(clips)]
    c = demo_data.codes[demo_data.codes["clip_id"].isin(clips)]
    return u, c, demo_data.codebook


def test_models_are_versioned_and_rare_codes_suggest_nothing(small, demo_project) -> None:
    u, c, book = small
    safety = c[c["code_id"] == "pj_safety_motive"]
    c = pd.concat([c[c["code_id"] != "pj_safety_motive"], safety.head(5)])  # made rare
    models = train(u, c, book, only=[*KEYS, "pj_safety_motive"])
    assert models.version.startswith(book.hash[:12] + "-")
    assert set(models.models) == set(KEYS)
    assert models.too_few == {"pj_safety_motive": 5}
    out = models.suggest(u.head(200))
    assert set(out["key"]) <= set(KEYS)
    assert out["probability"].between(0, 1).all()
    # same data → same version; other data → another version
    assert train(u, c, book, only=KEYS[:1]).version == models.version
    assert train(u.iloc[1:], c, book, only=KEYS[:1]).version != models.version


def test_suggestions_never_create_annotations(small, demo_project) -> None:
    from workbench.project import Project
    from workbench.store import Store

    project = Project.load(demo_project)
    with Store(project.store_url) as store:
        before = len(store.annotations_frame())
    u, c, book = small
    train(u, c, book, only=KEYS[:1]).suggest(u)
    with Store(project.store_url) as store:
        assert len(store.annotations_frame()) == before


def test_held_out_folds_share_neither_clips_nor_templates(small) -> None:
    frame = feature_frame(small[0])
    templates = pd.Series(template_ids(frame["text"]), index=frame.index)
    for train_mask, test_mask in fold_plan(frame, "held_out", folds=3):
        assert test_mask.any()
        assert not set(frame.loc[train_mask, "clip_id"]) & set(frame.loc[test_mask, "clip_id"])
        shared = set(templates[train_mask].dropna()) & set(templates[test_mask].dropna())
        assert not shared
    for train_mask, test_mask in fold_plan(frame, "within", folds=3):
        assert not set(frame.loc[train_mask, "clip_id"]) & set(frame.loc[test_mask, "clip_id"])
    with pytest.raises(ParameterError, match="scheme"):
        fold_plan(frame, "random")


def test_cross_validation_reports_both_schemes_and_beats_chance(small) -> None:
    u, c, book = small
    table = cross_validate(u, c, book, folds=3, only=[*KEYS, "evt_handcuffs"])
    assert set(table["scheme"]) == {"held_out", "within"}
    held = table[table["scheme"] == "held_out"].set_index("key")
    soft = held.loc["esc_command=softened_request"]
    # precision far above the base rate of the code among officer turns, and kappa > 0
    base_rate = soft["n_pos"] / soft["n_test"]
    assert soft["precision"] > 3 * base_rate and soft["kappa"] > 0.2
    rare = held.loc["evt_handcuffs"]
    assert np.isnan(rare["f1"]) == (rare["note"] != "")


def test_code_table_puts_the_held_out_figures_first_and_scores_against_a_reference(small):
    u, c, book = small
    keys = ["esc_command=softened_request", "pj_courtesy"]
    scores = cross_validate(u, c, book, folds=3, only=keys)
    table = code_table(scores).set_index("key")
    assert list(table.columns[:6]) == ["n_test", "n_pos", "precision", "recall", "f1", "kappa"]
    for scheme, suffix in (("held_out", ""), ("within", "_within")):
        part = scores[scores["scheme"] == scheme].set_index("key")
        for key in keys:
            assert table.loc[key, f"f1{suffix}"] == part.loc[key, "f1"]
            assert table.loc[key, f"kappa{suffix}"] == part.loc[key, "kappa"]
    # scored against a reference without courtesy codes: no positives to find, F1 0
    reference = c[c["code_id"] != "pj_courtesy"]
    other = code_table(cross_validate(u, c, book, folds=3, only=keys, schemes=("held_out",),
                                      reference=reference)).set_index("key")
    assert other.loc["pj_courtesy", "n_pos"] == 0 and other.loc["pj_courtesy", "f1"] == 0
    assert other.loc["esc_command=softened_request", "f1"] == table.loc[
        "esc_command=softened_request", "f1"]


def test_suggest_scores_every_applicable_turn_like_each_model_alone(small):
    u, c, book = small
    models = train(u, c, book, only=KEYS)
    turns = u.head(60)
    out = models.suggest(turns).set_index(["key", "clip_id", "utterance_index"])
    frame = feature_frame(turns)
    x = models.features.transform(frame)
    for key, model in models.models.items():
        rows = frame["role"].isin(models.targets[key].roles).to_numpy()
        want = model.predict_proba(x[rows])[:, 1]
        got = out.loc[key].loc[list(zip(frame.loc[rows, "clip_id"],
                                        frame.loc[rows, "utterance_index"], strict=True)),
                               "probability"].to_numpy()
        np.testing.assert_allclose(got, want, rtol=1e-9)
