"""Panel learning in the store: theme rules, accepted clustering, facilitator logins, the
retention step and recorded consent; each coder's own scores beside the panel's."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.test_panels_store import _clip
from workbench.codebook import compute_derived, load_ref, register_codebook
from workbench.exceptions import AccessError, ParameterError, StoreError
from workbench.model import Coder, Layer, UserRole
from workbench.panels import PanelSettings
from workbench.panels.comparison import beside_coders, coder_codes, ratings_frame
from workbench.panels.settings import CONSENT_STATEMENT
from workbench.panels.themes import (
    DEFAULT_RULES,
    accept_proposal,
    acceptance_rows,
    cluster_proposal,
    comments_frame,
    current_rules,
    store_themes,
)
from workbench.project import BUNDLED_CODEBOOKS
from workbench.store import Store, schema
from workbench.store.chain import content_hash

BOOK = load_ref("stop-search@1.0.0", BUNDLED_CODEBOOKS)


def _seed(url: str) -> str:
    with Store(url) as store:
        for i in range(1, 5):
            store.put_clip(*_clip(f"c{i}"), f"h{i}")
        store.add_coder(Coder("fac", roles=frozenset({UserRole.FACILITATOR})))
        store.add_coder(Coder("anl", roles=frozenset({UserRole.ANALYST})))
    return url


@pytest.fixture
def url(tmp_path) -> str:
    return _seed(f"sqlite:///{tmp_path / 'panel.sqlite'}")


@pytest.fixture
def both(store_url) -> str:
    """The store on SQLite, then on PostgreSQL."""
    return _seed(store_url)


def _screening_with_comments(url: str) -> tuple[str, list[str]]:
    with Store.open(url, as_user="fac") as fac:
        sid = fac.create_screening("Lambeth PEP", date(2026, 1, 20), ["c1", "c2"],
                                   "alpha-123").screening_id
        members = [fac.join_screening(sid, "alpha-123", name, consent=True,
                                      consent_statement=PanelSettings().consent_statement,
                                      group={"age_band": "18-24"})[0]
                   for name in ("Kestrel", "Heron")]
    texts = ("He never explained why, call me on 07700 900123.", "Polite and calm.")
    for member, text in zip(members, texts, strict=True):
        with Store.open(url, as_user=member) as me:
            me.save_answer("c1", "comment", "", text)
            me.save_answer("c1", "rating", "pj_respect", "4")
    return sid, members


def test_theme_rules_are_saved_whole_cleaned_audited_and_read_back(url) -> None:
    with Store.open(url, as_user="fac") as fac:
        assert fac.theme_rules() is None and current_rules(fac) == DEFAULT_RULES
        saved = fac.set_theme_rules({" Explanation ": ["Explain", "reason", "explain"],
                                     "voice": ["talked  over"]})
        assert saved == {"Explanation": ["explain", "reason"], "voice": ["talked over"]}
        assert fac.theme_rules() == {"Explanation": ("explain", "reason"),
                                     "voice": ("talked over",)}
        for bad, what in (({"x": []}, "non-blank"), ({"a": ["w"], "A": ["v"]}, "twice"),
                          ({}, "at least one")):
            with pytest.raises(ParameterError, match=what):
                fac.set_theme_rules(bad)
    with Store.open(url, as_user="anl") as analyst:
        assert set(analyst.theme_rules()) == {"Explanation", "voice"}
        with pytest.raises(AccessError):
            analyst.set_theme_rules({"x": ["y"]})
    with Store(url) as owner:
        event = owner.audit_events(action="panel_theme_rules")[-1]
        with owner.transaction.read() as conn:
            new_hash = conn.execute(sa.select(schema.audit_events.c.new_hash).where(
                schema.audit_events.c.event_id == event.event_id)).scalar_one()
        assert event.actor == "fac" and new_hash == content_hash(saved)


def test_an_accepted_clustering_is_kept_by_text_hash_and_themes_comments(both) -> None:
    sid, _ = _screening_with_comments(both)
    with Store.open(both, as_user="fac") as fac:
        comments = comments_frame(fac)
        assert "07700 900123" not in " ".join(comments["text"])  # redacted
        proposal = cluster_proposal(comments, 2, seed=0)
        names = {c: "all comments" for c in set(proposal["cluster"])}  # merge both
        assert fac.accept_comment_themes(acceptance_rows(accept_proposal(proposal, names))) == 2
        themed = store_themes(fac)
        clustered = themed[themed["source"] == "cluster"]
        assert sorted(clustered["text"]) == sorted(comments["text"])
        assert set(clustered["theme"]) == {"all comments"}
        ruled = themed[themed["source"] == "rule"]
        assert set(ruled["theme"]) == {"explanation", "respect"}
        with pytest.raises(ParameterError, match="text hash"):
            fac.accept_comment_themes([(sid, "c1", "not-a-hash", "x")])
        with pytest.raises(StoreError, match="unknown screenings"):
            fac.accept_comment_themes([("nope", "c1", "a" * 64, "x")])
    with Store.open(both, as_user="anl") as analyst:
        assert len(analyst.comment_themes()) == 2
        with pytest.raises(AccessError):
            analyst.accept_comment_themes([])


def test_facilitator_logins_expire_and_end_with_the_role(both) -> None:
    with Store.open(both, as_user="fac") as fac:
        code = fac.issue_facilitator_login()
        short = fac.issue_facilitator_login(hours=0.0001)
        assert fac.facilitator_for_token(code) == "fac"
        assert fac.facilitator_for_token(code + "x") is None
        with pytest.raises(AccessError):
            fac.issue_facilitator_login("anl")  # only for themselves
    with Store(both) as owner:
        with pytest.raises(AccessError, match="not a facilitator"):
            owner.issue_facilitator_login("anl")
        owner_code = owner.issue_facilitator_login("fac")
        assert owner.facilitator_for_token(owner_code) == "fac"
        time.sleep(0.5)
        assert owner.facilitator_for_token(short) is None  # expired
        owner.set_roles("fac", [UserRole.ANALYST])
        assert owner.facilitator_for_token(code) is None  # no longer a facilitator
        with owner.transaction.read() as conn:
            stored = set(conn.execute(sa.select(schema.facilitator_logins.c.token_hash))
                         .scalars())
        assert len(stored) == 3 and code not in stored  # only hashes are kept


def test_members_data_expire_after_the_retention_period_audited(both) -> None:
    sid, members = _screening_with_comments(both)
    with Store.open(both, as_user="fac") as fac:
        fac.close_screening(sid)
        now = datetime.now(UTC)
        assert fac.expire_panel_data(365, now=now + timedelta(days=364)).screenings == {}
        done = fac.expire_panel_data(365, now=now + timedelta(days=366))
        assert done.screenings == {sid: {"members": 2, "comments": 2}}
        assert "2 members, 2 comments erased" in done.summary()
        left = fac.panel_answers(sid)
        assert {a.kind for a in left} == {"rating"} and len(left) == 2  # ratings stay
        assert {(m.pseudonym, tuple(m.group)) for m in fac.panel_members(sid)} == {
            (m, ()) for m in members}
        assert fac.expire_panel_data(365, now=now + timedelta(days=400)).screenings == {}
        with pytest.raises(ParameterError):
            fac.expire_panel_data(0)
    with Store.open(both, as_user="anl") as analyst, pytest.raises(AccessError):
        analyst.expire_panel_data(365)
    with Store(both) as owner:
        joined = owner.audit_events(action="panel_joined")
        expected = hashlib.sha256(CONSENT_STATEMENT.format(days=365).encode()).hexdigest()
        assert all(e.detail["consent"] is True and e.detail["consent_statement"] == expected
                   for e in joined)
        erased = owner.audit_events(action="panel_data_expired")
        assert len(erased) == 1 and erased[0].detail["comments"] == 2
        assert "explained" not in str(erased[0].detail)
        assert owner.verify_audit().ok


def test_retention_and_disclosure_settings_come_from_the_project(tmp_path) -> None:
    assert (PanelSettings().retention_days, PanelSettings().min_group_cell) == (365, 10)
    (tmp_path / "bwv.yaml").write_text("store: sqlite://\npanels: {retention_days: 180}\n")
    assert PanelSettings.from_project(tmp_path).retention_days == 180
    assert "180 days" in PanelSettings.from_project(tmp_path).consent_statement
    (tmp_path / "bwv.yaml").write_text("store: sqlite://\npanels: {retention: 5}\n")
    with pytest.raises(ParameterError, match="unknown panel settings"):
        PanelSettings.from_project(tmp_path)
    (tmp_path / "bwv.yaml").write_text("store: sqlite://\npanels: {retention_days: 0}\n")
    with pytest.raises(ParameterError, match="retention_days"):
        PanelSettings.from_project(tmp_path)


def test_each_coders_own_codes_and_scores_sit_beside_the_panel(url) -> None:
    _screening_with_comments(url)
    ref = BOOK.ref
    with Store(url) as owner:
        register_codebook(owner, BOOK)
        owner.apply_code("ana", "c1", 0, "pj_courtesy", "present", ref)
        owner.apply_code("ana", "c1", 2, "pj_courtesy", "present", ref)
        owner.apply_code("ben", "c1", 0, "pj_disrespect", "present", ref)
        owner.apply_code("rev", "c1", 0, "pj_courtesy", "present", ref, layer=Layer.CONSENSUS)
        individual = owner.annotations_frame(layer=Layer.CODER)
        turns = owner.utterances_frame()
        consensus = owner.annotations_frame(layer=Layer.CONSENSUS)
        ratings = ratings_frame(owner)
    codes = coder_codes(BOOK, individual, turns, ["c1"])
    respect = codes[codes["item"] == "pj_respect"].set_index("coder_id")
    assert respect.loc["ana", "codes"] == "pj_courtesy=present ×2"
    assert respect.loc["ben", "codes"] == "pj_disrespect=present ×1"
    for coder in ("ana", "ben"):  # each coder's score is the measure on their layer alone
        alone = compute_derived(BOOK, individual[individual["coder_id"] == coder],
                                turns[turns["clip_id"] == "c1"])
        assert respect.loc[coder, "coder_score"] == pytest.approx(alone.loc["c1",
                                                                            "pj_respect"])
    assert respect.loc["ana", "coder_score"] != respect.loc["ben", "coder_score"]
    derived = compute_derived(BOOK, consensus, turns[turns["clip_id"] == "c1"])
    table = beside_coders(ratings, derived, codes)
    rows = table[table["item"] == "pj_respect"]
    assert list(rows["coder_id"]) == ["ana", "ben"]
    assert set(rows["panel_score"]) == {75.0}  # two members rated 4: (4 − 1) × 25
    assert set(rows["consensus_score"]) == {derived.loc["c1", "pj_respect"]}
    assert rows["coder_score"].notna().all() and not pd.isna(rows["panel_score"]).any()


def test_login_and_expire_on_the_command_line(tmp_path) -> None:
    from typer.testing import CliRunner

    from workbench.cli import app
    from workbench.project import Project

    project = Project.init(tmp_path / "p")
    with Store(project.store_url) as owner:
        owner.add_coder(Coder("fac", roles=frozenset({UserRole.FACILITATOR})))
    run = CliRunner()
    got = run.invoke(app, ["--as", "fac", "panel", "login", "--project", str(project.root)])
    assert got.exit_code == 0, got.output
    code = got.output.split("): ")[1].split()[0]
    with Store.open(project.store_url, as_user="fac") as fac:
        assert fac.facilitator_for_token(code) == "fac"
    got = run.invoke(app, ["--as", "fac", "panel", "expire", "--project", str(project.root)])
    assert got.exit_code == 0 and "nothing to erase" in got.output
    refused = run.invoke(app, ["--as", "nobody", "panel", "login", "--project",
                               str(project.root)])
    assert refused.exit_code != 0 and "Traceback" not in refused.output
