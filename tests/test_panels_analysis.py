"""The synthetic panel: one planted group difference found, a pair without one not flagged;
comparison with the consensus scores and agreement checked against the krippendorff package;
themes by keyword rules and a clustering proposal; Holm against statsmodels."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from tests.test_panels_store import _clip
from workbench.exceptions import ParameterError
from workbench.model import Coder, UserRole
from workbench.panels.comparison import (
    agreement,
    compare_with_coders,
    group_differences,
    group_means,
    holm,
    ratings_frame,
)
from workbench.panels.demo import PLANTED_RESPECT_GAP, add_synthetic_panel
from workbench.panels.themes import (
    accept_proposal,
    cluster_proposal,
    comments_frame,
    keyword_themes,
    theme_counts,
)
from workbench.privacy.disclosure import CONFIDENTIAL
from workbench.store import Store


@pytest.fixture(scope="module")
def panel(tmp_path_factory) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    url = f"sqlite:///{tmp_path_factory.mktemp('panel') / 'panel.sqlite'}"
    with Store(url) as store:
        for i in range(1, 9):
            store.put_clip(*_clip(f"c{i}"), f"h{i}")
        store.add_coder(Coder("anl", roles=frozenset({UserRole.ANALYST})))
        made = add_synthetic_panel(store, seed=17)
    assert made.n_members == 48 and len(made.screening_ids) == 4
    with Store.open(url, as_user="anl") as analyst:  # analysts: no pseudonyms
        assert {m.pseudonym for m in analyst.panel_members()} == {""}
        return url, ratings_frame(analyst), comments_frame(analyst)


def test_the_planted_group_difference_is_found_and_the_null_pair_is_not(panel) -> None:
    _, ratings, _ = panel
    diffs = group_differences(ratings, "age_band", threshold=10)
    flagged = diffs[diffs["flagged"]]
    assert len(flagged) >= 1
    assert set(flagged["item"]) == {"pj_respect"}
    assert all("18-24" in (a, b) for a, b in zip(flagged["group_a"], flagged["group_b"],
                                                 strict=True))
    respect = diffs[(diffs["item"] == "pj_respect") & (diffs["group_a"] == "18-24")]
    assert (respect["difference"] < -PLANTED_RESPECT_GAP * 25 / 2).all()
    null_pair = diffs[(diffs["group_a"] == "25-39") & (diffs["group_b"] == "40+")]
    assert len(null_pair) == 9 and not null_pair["flagged"].any()


def test_group_breakdowns_are_pooled_and_small_groups_suppressed(panel) -> None:
    _, ratings, _ = panel
    pooled = group_means(ratings, "age_band", threshold=10)
    assert set(pooled["n_members"]) == {16}  # 4 screenings × 4 members per band
    strict = group_means(ratings, "age_band", threshold=17)
    assert set(strict["mean_score"]) == {CONFIDENTIAL}
    assert group_differences(ratings, "age_band", threshold=17).empty
    one = ratings[ratings["screening_id"] == ratings["screening_id"].iloc[0]]
    assert set(group_means(one, "age_band")["mean_score"]) == {CONFIDENTIAL}
    with pytest.raises(ParameterError, match="known: age_band, lived_experience"):
        group_means(ratings, "religion")


def test_panel_beside_the_consensus_and_agreement_as_published(panel) -> None:
    _, ratings, _ = panel
    clips = sorted(ratings["clip_id"].unique())
    rng = np.random.default_rng(3)
    consensus = pd.DataFrame({d: rng.uniform(0, 100, len(clips)) for d in
                              ("pj_voice", "pj_neutrality", "pj_respect", "pj_trust")},
                             index=pd.Index(clips, name="clip_id"))
    side = compare_with_coders(ratings, consensus)
    row = side[(side["item"] == "pj_voice") & (side["clip_id"] == clips[0])].iloc[0]
    mine = ratings[(ratings["item"] == "pj_voice") & (ratings["clip_id"] == clips[0])]
    assert row["panel_score"] == pytest.approx(((mine["rating"] - 1) * 25).mean())
    assert row["difference"] == pytest.approx(row["panel_score"] - consensus.loc[clips[0],
                                                                                 "pj_voice"])
    table = agreement(ratings, consensus).set_index("item")
    voice = side[side["item"] == "pj_voice"].set_index("clip_id")
    expected = krippendorff.alpha(reliability_data=np.vstack([
        voice["panel_score"].to_numpy(), voice["consensus_score"].to_numpy()]),
        level_of_measurement="interval")
    assert table.loc["pj_voice", "alpha_panel_vs_consensus"] == pytest.approx(expected)
    members = ratings[ratings["item"] == "pj_voice"].assign(
        unit=lambda f: f["screening_id"] + "/" + f["clip_id"])
    wide = members.pivot(index="member_id", columns="unit", values="rating")
    expected = krippendorff.alpha(reliability_data=wide.to_numpy(dtype=float),
                                  level_of_measurement="ordinal")
    assert table.loc["pj_voice", "alpha_member_vs_member"] == pytest.approx(expected)


def test_holm_matches_statsmodels() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.5, 0.04])
    assert holm(p) == pytest.approx(multipletests(p, method="holm")[1])


def test_themes_by_rules_and_by_an_accepted_clustering(panel) -> None:
    _, _, comments = panel
    assert len(comments) == 4 * 12 * 3 and "member_id" not in comments.columns
    themed = keyword_themes(comments)
    explained = themed[themed["theme"] == "explanation"]["text"]
    assert explained.str.contains("explain|reason|grounds|why", case=False).all()
    untouched = comments[~comments["text"].str.contains(
        "explain|reason|grounds|why", case=False)]
    assert not set(untouched.index) & set(
        keyword_themes(untouched, {"explanation": ("explain", "reason", "grounds", "why")})
        .index)
    counts = theme_counts(themed)
    assert list(counts.columns) == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert counts.loc["explanation"].sum() == len(explained)
    with pytest.raises(ParameterError, match="non-blank"):
        keyword_themes(comments, {"empty": ()})
    proposal = cluster_proposal(comments, 4, seed=0)
    assert proposal.equals(cluster_proposal(comments, 4, seed=0))  # seeded
    # identical comments always share a cluster
    assert (proposal.groupby("text")["cluster"].nunique() == 1).all()
    names = {0: "first", 1: "first", 2: "second", 3: None}  # merge, rename, drop
    accepted = accept_proposal(proposal, names)
    assert set(accepted["theme"]) <= {"first", "second"}
    assert len(accepted) == int((proposal["cluster"] != 3).sum())
    with pytest.raises(ParameterError, match="neither named nor dropped"):
        accept_proposal(proposal, {0: "x"})
