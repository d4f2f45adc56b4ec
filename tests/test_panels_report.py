"""The quarterly learning report on the synthetic panel: what it shows (screenings, clips,
ratings, pooled group breakdowns under disclosure control, themes with redacted quotes, good
practice, concerns, actions), what it never shows (members, pseudonyms, unredacted text),
and the papermill notebook run by `bwv panel report`."""

from __future__ import annotations

import functools
import json
import re
from datetime import date
from pathlib import Path

import pytest

from tests.test_panels_store import _clip
from workbench.exceptions import ParameterError, StoreError
from workbench.model import Coder, UserRole
from workbench.panels.demo import add_synthetic_panel
from workbench.panels.learning import learning_tables, load_learning, parse_quarter
from workbench.panels.learning_report import write_learning_report
from workbench.panels.themes import DEFAULT_RULES
from workbench.privacy.disclosure import CONFIDENTIAL
from workbench.project import Project
from workbench.store import Store

PII_COMMENT = "The officer shouted at Mr John Smith, call 07700 900123, no reason given."


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("panel-report") / "p"
    loaded = Project.init(root)
    with Store(loaded.store_url) as store:
        for i in range(1, 9):
            store.put_clip(*_clip(f"c{i}"), f"h{i}")
        store.add_coder(Coder("anl", roles=frozenset({UserRole.ANALYST})))
        made = add_synthetic_panel(store, seed=17)
    with Store.open(loaded.store_url, as_user="fac-demo") as fac:
        extra = fac.create_screening("SYNTHETIC panel (demo) Q3 extra", date(2026, 9, 1),
                                     ["c1"], "extra-123").screening_id
        member, _ = fac.join_screening(extra, "extra-123", "Plover", consent=True)
        fac.record_action("explanation", "Brief officers on giving grounds", "Lambeth BCU",
                          date(2026, 8, 1))
        done = fac.record_action("respect", "Share a good-practice clip", "Central South SLT",
                                 date(2026, 12, 1))
        fac.set_action_done(done)
    with Store.open(loaded.store_url, as_user=member) as me:
        me.save_answer("c1", "comment", "", PII_COMMENT)
        me.save_answer("c1", "flag", "1", "concern")
    with Store.open(loaded.store_url, as_user="fac-demo") as fac:
        fac.close_screening(extra)
        fac.set_theme_rules({**DEFAULT_RULES, "shouting": ("shout",)})
    assert len(made.screening_ids) == 4
    with Store(loaded.store_url) as store, pytest.raises(StoreError, match="already"):
        add_synthetic_panel(store)  # `bwv panel demo` twice adds nothing
    return root


@functools.cache
def _data(project: Path, quarter: str, user: str = "anl"):
    """The report's data (read once per quarter and reader; the tests only read it)."""
    loaded = Project.load(project)
    with loaded.open_store(as_user=user) as store:
        return load_learning(store, quarter, codebook=loaded.load_codebook())


def test_the_quarter_shows_its_screenings_clips_ratings_and_actions(project) -> None:
    data = _data(project, "2026Q3")
    tables = learning_tables(data)
    assert list(tables["screenings"]["held_on"]) == ["2026-08-11", "2026-09-01"]
    assert list(tables["screenings"]["members"]) == [12, 1]  # members who joined
    assert len(tables["clips"]) == 3 + 1 and set(tables["clips"]["members"]) == {12, 1}
    ratings = tables["ratings"].set_index("item")
    mine = data.ratings[(data.ratings["held_on"] == date(2026, 8, 11))
                        & (data.ratings["item"] == "pj_respect")]
    assert ratings.loc["pj_respect", "mean_score"] == round(((mine["rating"] - 1) * 25).mean(), 1)
    assert ratings.loc["pj_respect", "ratings"] == 12 * 3
    actions = tables["actions"].set_index("what")
    assert actions.loc["Brief officers on giving grounds", "status"] == "overdue"
    assert actions.loc["Share a good-practice clip", "status"] == "done"
    concern = tables["concern"]
    assert (concern["members"] >= 1).all() and len(concern) <= 5


def test_group_breakdowns_pool_quarters_so_something_survives_suppression(project) -> None:
    first = learning_tables(_data(project, "2026Q1"))["groups_age_band"]
    assert set(first["n_members"]) == set(first["mean_score"]) == {CONFIDENTIAL}  # 4 each
    third = learning_tables(_data(project, "2026Q3"))["groups_age_band"]
    assert set(third["n_members"]) == {12} and CONFIDENTIAL not in set(third["mean_score"])
    last = learning_tables(_data(project, "2026Q4"))
    diffs = last["differences_age_band"]
    flagged = diffs[diffs["flagged"]]
    assert set(flagged["item"]) == {"pj_respect"}
    assert not diffs[(diffs["group_a"] == "25-39") & (diffs["group_b"] == "40+")]["flagged"].any()


def test_quotes_are_redacted_and_nothing_names_a_member(project, tmp_path) -> None:
    loaded = Project.load(project)
    data = _data(project, "2026Q3", user="fac-demo")
    tables = learning_tables(data)
    quotes = " ".join(tables["quotes"]["text"])
    shouting = tables["quotes"][tables["quotes"]["theme"] == "shouting"]
    assert list(shouting["clip_id"]) == ["c1"]  # the facilitator's rule finds the comment
    assert "no reason given" in shouting["text"].iloc[0] and "[NAME]" in quotes
    assert "John Smith" not in quotes and "07700 900123" not in quotes
    html = write_learning_report(data, tables, loaded.store_url, tmp_path / "out")
    text = html.read_text(encoding="utf-8")
    with Store(loaded.store_url) as owner:
        members = owner.panel_members()
    published = [text] + [p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*")
                          if p.suffix in (".csv", ".json")]
    for out in published:
        assert "John Smith" not in out and "07700 900123" not in out
        for m in members:
            assert m.member_id not in out and m.pseudonym not in out
    for heading in ("Screenings held", "Clips reviewed", "Ratings", "Members&#39; groups",
                    "Themes", "Good practice", "Concerns", "Actions", "Provenance"):
        assert heading in text
    assert "SYNTHETIC data" in text
    sources = set(re.findall(r"<code>([\w-]+\.csv)</code>", text))
    assert len(sources) >= 10 and all((tmp_path / "out" / name).is_file() for name in sources)
    record = json.loads((tmp_path / "out" / "provenance.json").read_text())
    assert record["answers_sha256"] == data.data_hash and record["read_as"] == "fac-demo"
    assert set(record["outputs_sha256"]) >= {"quotes.csv", "actions.csv"}
    assert "codes are not shown" in text  # a facilitator may not read the coders' layers


def test_a_bad_quarter_or_one_without_screenings_is_refused(project) -> None:
    with pytest.raises(ParameterError, match="YEARQn"):
        parse_quarter("Q3 2026")
    with pytest.raises(ParameterError, match="no screening was held in 2025Q4"):
        _data(project, "2025Q4")


@pytest.mark.slow
def test_bwv_panel_report_runs_the_notebook(project, tmp_path) -> None:
    from typer.testing import CliRunner

    from workbench.cli import app

    out = tmp_path / "q3"
    result = CliRunner().invoke(app, ["--as", "anl", "panel", "report", "--quarter", "2026Q3",
                                      "--no-pdf", "--out", str(out), "--project",
                                      str(project)])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file() and (out / "quarterly_report.ipynb").is_file()
    record = json.loads((out / "provenance.json").read_text())
    assert record["read_as"] == "anl" and record["quarter"] == "2026Q3"
    assert record["answers_sha256"] == _data(project, "2026Q3").data_hash
    bad = CliRunner().invoke(app, ["panel", "report", "--quarter", "2025Q1", "--no-pdf",
                                   "--out", str(tmp_path / "none"), "--project", str(project)])
    assert bad.exit_code != 0 and "no screening was held" in bad.output


def test_the_demo_project_carries_the_synthetic_panel_and_its_planted_difference(
        demo_project) -> None:
    loaded = Project.load(demo_project)
    with loaded.open_store() as owner:  # the owner reads the coders' layers too
        screenings = owner.screenings()
        assert len(screenings) == 4 and all("SYNTHETIC" in s.panel for s in screenings)
        assert len(owner.panel_members()) == 48
        data = load_learning(owner, "2026Q4", codebook=loaded.load_codebook())
    tables = learning_tables(data)
    assert data.synthetic and data.missing == []
    coders = tables["coders"]
    shown = {c for s in data.screenings for c in s.clip_ids}
    assert set(coders["clip_id"]) == shown and coders["coder_id"].notna().all()
    assert coders["consensus_score"].notna().any() and coders["codes"].str.contains("=").any()
    diffs = tables["differences_age_band"]
    assert set(diffs[diffs["flagged"]]["item"]) == {"pj_respect"}
    null_pair = diffs[(diffs["group_a"] == "25-39") & (diffs["group_b"] == "40+")]
    assert len(null_pair) == 9 and not null_pair["flagged"].any()
    assert len(tables["theme_counts"]) >= 3
