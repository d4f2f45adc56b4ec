"""Active learning: uncertainty and diversity order, the assignment order, the simulation."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.stats import entropy

from workbench.assist.active import (
    binary_entropy,
    clip_uncertainty,
    order_clips,
    queue,
    simulate,
)
from workbench.exceptions import ParameterError
from workbench.review.assignment import plan_assignments

KEYS = ["pj_courtesy", "esc_command=bare_order"]


def test_entropy_and_clip_uncertainty_match_scipy():
    p = np.array([0.5, 0.9, 0.01, 1.0])
    expected = [entropy([q, 1 - q], base=2) for q in p]
    assert np.allclose(binary_entropy(p), expected, atol=1e-9)
    probs = pd.DataFrame({"clip_id": ["a", "a", "a", "a", "b"],
                          "utterance_index": [0, 0, 1, 1, 0],
                          "probability": [0.5, 0.99, 0.9, 0.8, 0.01]})
    u = clip_uncertainty(probs)
    # a: turn 0 max(H(.5), H(.99)) = 1; turn 1 max(H(.9), H(.8)) = H(.8); mean of the two
    assert np.isclose(u["a"], (1 + entropy([0.8, 0.2], base=2)) / 2)
    assert np.isclose(u["b"], entropy([0.01, 0.99], base=2))


def turns(texts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"clip_id": list(texts), "utterance_index": 0, "role": "officer",
                         "text": list(texts.values())})


def test_diversity_keeps_a_near_duplicate_out_of_the_batch_uncertainty_does_not():
    texts = {"k1": "stop right there hands out of your pockets now",
             "k2": "stop right there hands out of your pockets now please",
             "k3": "good evening i am stopping you under section one",
             "k4": "good evening officer smith from brixton station"}
    unc = pd.Series({"k1": 0.9, "k2": 0.85, "k3": 0.6, "k4": 0.1})
    by_unc = order_clips(unc, "uncertainty")
    assert list(by_unc["clip_id"]) == ["k1", "k2", "k3", "k4"]
    by_div = order_clips(unc, "diversity", utterances=turns(texts), balance=0.5)
    assert list(by_div["clip_id"][:2]) == ["k1", "k3"]
    assert by_div["similarity"].iloc[0] == 0 and by_div["similarity"].iloc[3] > 0
    # already-coded clips count too: with k1's twin coded, k1 drops behind k3
    coded = turns({"k0": texts["k1"]})
    both = pd.concat([turns(texts), coded])
    again = order_clips(unc, "diversity", utterances=both, coded=["k0"], balance=0.5)
    assert again["clip_id"].iloc[0] == "k3"
    r1, r2 = order_clips(unc, "random", seed=1), order_clips(unc, "random", seed=1)
    assert list(r1["clip_id"]) == list(r2["clip_id"]) and set(r1["clip_id"]) == set(unc.index)
    with pytest.raises(ParameterError, match="strategy"):
        order_clips(unc, "greedy")
    with pytest.raises(ParameterError, match="utterances"):
        order_clips(unc, "diversity")


def test_the_assignment_deals_single_clips_in_the_queue_order_and_keeps_the_overlap_sample():
    clips = pd.DataFrame({"clip_id": [f"k{i:02d}" for i in range(20)]})
    order = [f"k{i:02d}" for i in range(19, -1, -1)]
    plain = plan_assignments(clips, ["a", "b"], overlap=0.2, seed=3)
    ordered = plan_assignments(clips, ["a", "b"], overlap=0.2, seed=3, order=order)
    overlap = {x.clip_id for x in plain if x.reliability}
    assert {x.clip_id for x in ordered if x.reliability} == overlap
    for coder in ("a", "b"):
        singles = [x.clip_id for x in sorted(ordered, key=lambda x: x.position)
                   if x.coder_id == coder and not x.reliability]
        assert singles == sorted(singles, reverse=True)   # the queue's order, highest first
    dealt = [x.clip_id for x in ordered if not x.reliability]
    assert sorted(dealt) == sorted(set(clips["clip_id"]) - overlap)


@pytest.fixture(scope="module")
def small(demo_data):
    clips = sorted(demo_data.clips["clip_id"])[:40]
    u = demo_data.utterances[demo_data.utterances["clip_id"].isin(clips)]
    c = demo_data.codes[demo_data.codes["clip_id"].isin(clips)]
    return u, c, demo_data.codebook, clips


def test_the_queue_ranks_only_uncoded_clips_by_the_models_uncertainty(small):
    from workbench.assist.suggest import train

    u, c, book, clips = small
    coded, uncoded = clips[:20], clips[20:]
    models = train(u[u["clip_id"].isin(coded)], c[c["clip_id"].isin(coded)], book, only=KEYS)
    q = queue(models, u, uncoded, strategy="uncertainty", coded=coded)
    assert sorted(q["clip_id"]) == sorted(uncoded)
    assert q["uncertainty"].is_monotonic_decreasing and q["uncertainty"].iloc[0] > 0
    expected = clip_uncertainty(models.suggest(u[u["clip_id"].isin(uncoded)]))
    assert np.allclose(q.set_index("clip_id")["uncertainty"], expected.reindex(q["clip_id"]))
    mixed = queue(models, u, uncoded, strategy="diversity", coded=coded, limit=5)
    assert len(mixed) == 5 and set(mixed["clip_id"]) <= set(uncoded)


def test_the_simulation_counts_coded_clips_to_the_target_for_each_strategy(small):
    u, c, book, _ = small
    sim = simulate(u, c, book, keys=KEYS, start=10, batch=12, scheme="within")
    pool = int(sim.needed["pool"].iloc[0])
    for _, curve in sim.curves.groupby("strategy"):
        steps = list(curve["n_clips"])
        assert steps[0] == 10 and steps[-1] == pool
        assert all(b - a == 12 for a, b in itertools.pairwise(steps[:-1]))
        assert curve["f1"].between(0, 1).all()
    first = sim.curves[sim.curves["n_clips"] == 10]["f1"]
    last = sim.curves[sim.curves["n_clips"] == pool]["f1"]
    assert first.nunique() == 1 and last.nunique() == 1   # same start, same whole pool
    assert set(sim.needed["strategy"]) == {"uncertainty", "diversity", "random"}
    target = float(sim.needed["target_f1"].iloc[0])
    assert 0 < target <= last.iloc[0]                      # 95% of the whole pool's F1
    for _, row in sim.needed.iterrows():
        curve = sim.curves[sim.curves["strategy"] == row["strategy"]]
        assert row["clips"] == curve.loc[curve["f1"] >= target, "n_clips"].min()
    with pytest.raises(ParameterError, match="unknown target"):
        simulate(u, c, book, keys=["no_such_code"])
