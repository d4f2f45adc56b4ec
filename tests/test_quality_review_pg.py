"""The cross-organisation quality review on PostgreSQL (issue 14): both organisations' stores
are databases on a real server, the reviewers' under row-level security with the lead reviewer
on her own login. The coding team's store is a small demo (60 clips: on the shared 500-clip
demo one bundle import into PostgreSQL alone takes ~26 s) restored from its SQLite store.

Export → import → sample → blind re-coding → sign-off → report → review bundle → import.
Nothing but the review layer (and the chain's new records) changes on the coding side, and
the report's tables are the same on both sides.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.test_pg_row_security import _fresh_schema, _login, _sql
from workbench.bundle import export_bundle, import_bundle
from workbench.bundle.review import export_review_bundle, import_review_bundle
from workbench.codebook import load_ref
from workbench.demo.project import DEMO_REVIEWER, create_demo_project
from workbench.demo.review import read_truth, simulate_review
from workbench.model import Coder, Layer, UserRole
from workbench.project import Project
from workbench.review.audit_sample import (
    AuditDesign,
    draw_sample,
    open_review,
    review_record,
    sign_off,
    signed_off,
)
from workbench.review.quality import assess
from workbench.review.quality_report import write_quality_report
from workbench.store import Store
from workbench.store.pg_security import install_row_security, provision_login

pytestmark = pytest.mark.slow
N_CLIPS, SEED, SAMPLE = 60, 7, 24
RESAMPLES = 20  # the two sides' tables are compared, not their intervals' precision


TEAM_DB = "bwv_team"


@pytest.fixture
def two_stores(postgres_url: str) -> Iterator[tuple[str, str]]:
    """(the coding team's URL, the reviewers' URL): two empty databases on the test server."""
    server = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {TEAM_DB}"))
        conn.execute(sa.text(f"CREATE DATABASE {TEAM_DB}"))
    _fresh_schema(postgres_url)
    team = sa.engine.make_url(postgres_url).set(database=TEAM_DB)
    yield team.render_as_string(hide_password=False), postgres_url
    _fresh_schema(postgres_url)
    with server.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE {TEAM_DB} WITH (FORCE)"))
    server.dispose()


@pytest.fixture(scope="module")
def team_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The coding team: a small synthetic demo project, with an admin."""
    root = tmp_path_factory.mktemp("team") / "demo"
    create_demo_project(root, n_clips=N_CLIPS, seed=SEED, progress=False, media_clips=0)
    project = Project.load(root)
    with project.open_store() as team:
        team.add_coder(Coder("lead", "Coding team admin", frozenset({UserRole.ADMIN})))
    return project


def test_cross_organisation_round_trip_on_postgresql(team_project: Project, tmp_path: Path,
                                                     two_stores: tuple[str, str]) -> None:
    project = team_project
    book = load_ref(project.codebook, project.codebooks_dir)
    team_url, reviewers_url = two_stores
    with project.open_store() as demo:  # the team's store moves to PostgreSQL
        export_bundle(demo, tmp_path / "demo.zip", actor="lead")
    with Store(team_url) as team:
        assert team.dialect == "postgresql"
        import_bundle(team, tmp_path / "demo.zip", actor="lead")
    with Store(team_url) as team:
        export_bundle(team, tmp_path / "team.zip", actor="lead")
        before = team.annotations_frame(layer=None, statuses=())
        counts = team.table_counts()
    reviewers = Store(reviewers_url)
    assert reviewers.dialect == "postgresql"
    import_bundle(reviewers, tmp_path / "team.zip", actor="lead")
    sample = draw_sample(reviewers, AuditDesign("X1", size=SAMPLE, seed=2), book)
    open_review(reviewers, sample, [DEMO_REVIEWER], lead=DEMO_REVIEWER)
    with reviewers.transaction() as conn:
        install_row_security(conn)
        reviewer = reviewers.coder(DEMO_REVIEWER)
        provision_login(conn, DEMO_REVIEWER, reviewer.roles, password="pw")
    ref = book.ref
    simulate_review(reviewers, read_truth(project.root), "X1", DEMO_REVIEWER, sample.clip_ids,
                    (ref.codebook_id, ref.version, ref.hash), seed=2)
    clips = ", ".join(f"'{c}'" for c in sample.clip_ids)
    originals = (f"SELECT count(*) FROM annotations WHERE clip_id IN ({clips}) "
                 f"AND layer <> 'review' AND coder_id <> '{DEMO_REVIEWER}'")
    hidden = _sql(reviewers_url, "bwv", originals)[0][0]
    assert hidden > 0 and _sql(reviewers_url, DEMO_REVIEWER, originals) == [(0,)]  # blind
    with Store.open(_login(reviewers_url, DEMO_REVIEWER), as_user=DEMO_REVIEWER) as lead:
        sign_off(lead, "X1", lead=DEMO_REVIEWER, statement=f"Reviewed {SAMPLE} clips blind.")
    assert _sql(reviewers_url, DEMO_REVIEWER, originals) == [(hidden,)]  # signed off
    result = assess(reviewers, book, "X1", n_resamples=RESAMPLES)
    files = write_quality_report(result, book, signed_off(reviewers, "X1"), tmp_path / "rep")
    manifest = export_review_bundle(reviewers, "X1", review_record(reviewers, "X1"),
                                    tmp_path / "review.zip", report_files=(files[0],),
                                    actor="lead")
    assert manifest.kind == "review" and manifest.layers == ("review:X1",)
    assert reviewers.verify_audit().ok
    reviewers.close()
    with Store(team_url) as team:
        head = team.audit_head()
        outcome = import_review_bundle(team, tmp_path / "review.zip", actor="lead",
                                       report_dir=tmp_path / "received")
        after = team.annotations_frame(layer=None, statuses=())
        assert team.verify_audit().ok and team.audit_head().event_id == head.event_id + 1
        new_counts = team.table_counts()
        changed = {t for t in counts if counts[t] != new_counts[t]}
        assert changed <= {"annotations", "audit_events", "audit_details"}, changed
        kept = after.loc[after["layer"] != Layer.REVIEW.value].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            kept, before.loc[before["layer"] != Layer.REVIEW.value].reset_index(drop=True))
        added = int((after["layer"] == Layer.REVIEW.value).sum()
                    - (before["layer"] == Layer.REVIEW.value).sum())
        assert outcome["rows"] == added > 0
        here = assess(team, book, "X1", n_resamples=RESAMPLES)
    pd.testing.assert_frame_equal(here.by_code, result.by_code)
    pd.testing.assert_frame_equal(here.by_coder, result.by_coder)
    assert (tmp_path / "received" / "X1" / "report.html").is_file()
