"""``bwv assist`` and ``bwv assign --order``: the active-learning queue feeds the assignment.

A fresh project ingests a few demo transcripts (uncoded clips); models trained on a small
demo subset rank them; the assignment deals the single clips in that order. Suggestions
write nothing.
"""

from __future__ import annotations

from pathlib import Path

import joblib
import pandas as pd
import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.model import AssignmentKind
from workbench.project import Project

runner = CliRunner()


def bwv(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def fresh(demo_project: Path, demo_data, tmp_path_factory) -> tuple[Path, Path]:
    """(a new project holding 8 uncoded demo clips, a model file trained on 40 others)."""
    from workbench.assist.suggest import train

    root = tmp_path_factory.mktemp("assist") / "fresh"
    assert bwv("init", root).exit_code == 0
    files = sorted((demo_project / "corpus" / "transcripts" / "webvtt").glob("*.vtt"))[:8]
    result = bwv("ingest", "-p", root, "--no-progress", *files)
    assert result.exit_code == 0, result.output
    clips = sorted(demo_data.clips["clip_id"])[-40:]
    u = demo_data.utterances[demo_data.utterances["clip_id"].isin(clips)]
    c = demo_data.codes[demo_data.codes["clip_id"].isin(clips)]
    models = train(u, c, demo_data.codebook, only=["pj_courtesy", "esc_command=bare_order"])
    path = root.parent / "models.joblib"
    joblib.dump(models, path)
    return root, path


def test_the_queue_feeds_the_assignment_order(fresh: tuple[Path, Path], tmp_path: Path):
    root, models = fresh
    order_csv = tmp_path / "queue.csv"
    result = bwv("assist", "queue", "-p", root, "--models", models, "--strategy",
                 "uncertainty", "--csv", order_csv)
    assert result.exit_code == 0, result.output
    order = pd.read_csv(order_csv)
    with Project.load(root).open_store() as store:
        every = sorted(store.clips_frame()["clip_id"])
    assert sorted(order["clip_id"]) == every and order["uncertainty"].is_monotonic_decreasing
    for coder in ("a1", "a2"):
        assert bwv("coder", "add", coder, "-p", root).exit_code == 0
    result = bwv("assign", "-p", root, "--coders", "a1,a2", "--overlap", "0.25",
                 "--order", order_csv)
    assert result.exit_code == 0, result.output
    rank = {c: i for i, c in enumerate(order["clip_id"])}
    with Project.load(root).open_store() as store:
        plan = store.assignments(kind=AssignmentKind.ORDINARY)
    for coder in ("a1", "a2"):
        singles = [a.clip_id for a in sorted(plan, key=lambda a: a.position)
                   if a.coder_id == coder and not a.reliability]
        assert singles == sorted(singles, key=rank.get)
    # the whole queue is now assigned: nothing left to rank
    assert "no uncoded clips" in bwv("assist", "queue", "-p", root, "--models",
                                     models).output


def test_suggest_prints_and_writes_nothing(fresh: tuple[Path, Path]):
    root, models = fresh
    with Project.load(root).open_store() as store:
        clip = sorted(store.clips_frame()["clip_id"])[0]
    result = bwv("assist", "suggest", "-p", root, "--models", models, "--clip", clip,
                 "--threshold", "0")
    assert result.exit_code == 0, result.output
    assert "pj_courtesy" in result.output
    with Project.load(root).open_store() as store:
        assert len(store.annotations_frame(layer=None)) == 0


def test_bad_model_files_and_orders_are_named(fresh: tuple[Path, Path], tmp_path: Path):
    root, _ = fresh
    missing = bwv("assist", "queue", "-p", root, "--models", tmp_path / "none.joblib")
    assert missing.exit_code == 2 and "no model file" in missing.output
    junk = tmp_path / "junk.joblib"
    junk.write_text("not a pickle", encoding="utf-8")
    bad = bwv("assist", "suggest", "-p", root, "--models", junk, "--clip", "x")
    assert bad.exit_code == 2 and "not a model file" in bad.output
    no_column = tmp_path / "order.csv"
    no_column.write_text("clip,rank\nx,1\n", encoding="utf-8")
    result = bwv("assign", "-p", root, "--coders", "a1", "--overlap", "0", "--order",
                 no_column)
    assert result.exit_code == 2 and "no clip_id column" in result.output
    assert bwv("coder", "add", "a1", "-p", root).exit_code == 0
    stranger = tmp_path / "stranger.csv"
    stranger.write_text("clip_id\nnot-a-clip\n", encoding="utf-8")
    result = bwv("assign", "-p", root, "--coders", "a1", "--overlap", "0", "--order",
                 stranger, "--dry-run")
    assert result.exit_code == 2 and "not in the store" in result.output


def test_real_models_give_hints_in_a_session_only_off_the_reliability_sample(fresh):
    from workbench.coding import CodingSession
    from workbench.model import Assignment, Coder

    root, path = fresh
    models = joblib.load(path)
    p = Project.load(root)
    with p.open_store() as store:
        first, second = sorted(store.clips_frame()["clip_id"])[:2]
        store.add_coder(Coder("h1", "Hinted"))
        store.assign([Assignment(first, "h1", position=90),
                      Assignment(second, "h1", reliability=True, position=91)])
        session = CodingSession(store, p.load_codebook(), "h1", hints=models)
        session.open(second)
        assert session.hints == {} and "reliability" in session.hints_off
        session.open(first)
        assert session.hints_off is None and session.hints
        turn = min(session.hints)
        hint = session.hints[turn][0]
        session.go(turn)
        session.press("Enter")
        (a,) = store.annotations(clip_id=first, coder_id="h1")
        assert (a.code_id, a.value, a.utterance_index, a.from_hint) == (
            hint.code_id, hint.value, turn, True)
