"""PostgreSQL row-level security, tried with raw SQL on each person's own database login."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.test_store_access import REF, _build
from workbench.exceptions import AccessError
from workbench.model import Layer, UserRole
from workbench.store import Store
from workbench.store.pg_security import install_row_security, provision_login

pytestmark = pytest.mark.slow


def _fresh_schema(url: str) -> None:
    """Drop every table with its policies (the other tests' fixture drops tables only)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def pg(postgres_url: str) -> Iterator[str]:
    _fresh_schema(postgres_url)
    _build(postgres_url)
    with Store(postgres_url) as owner, owner.transaction() as conn:
        install_row_security(conn)
        for person in owner.coders():
            provision_login(conn, person.coder_id, person.roles, password="pw")
    yield postgres_url
    _fresh_schema(postgres_url)


def _login(url: str, user: str) -> str:
    return sa.engine.make_url(url).set(username=user, password="pw").render_as_string(
        hide_password=False)


def _sql(url: str, user: str, statement: str) -> list[tuple]:
    engine = sa.create_engine(_login(url, user))
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.text(statement))
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_a_coders_own_login_reads_only_their_rows_even_with_sql(pg: str) -> None:
    assert _sql(pg, "ana", "SELECT DISTINCT coder_id, layer FROM annotations") == [
        ("ana", "coder")]
    assert _sql(pg, "ana", "SELECT DISTINCT coder_id FROM utterance_notes") == [("ana",)]
    assert sorted(_sql(pg, "ana", "SELECT clip_id FROM clips")) == [("k1",), ("k2",)]
    assert _sql(pg, "ana", "SELECT DISTINCT clip_id FROM utterances ORDER BY 1") == [
        ("k1",), ("k2",)]
    assert _sql(pg, "ana", "SELECT DISTINCT coder_id FROM assignments") == [("ana",)]
    assert _sql(pg, "ana", "SELECT coder_id FROM coders") == [("ana",)]
    assert {r[0] for r in _sql(pg, "ana", "SELECT actor FROM audit_events")} == {"ana"}
    assert {r[0] for r in _sql(pg, "ana", "SELECT e.actor FROM audit_details d JOIN "
                                          "audit_events e USING (event_id)")} == {"ana"}


@pytest.mark.parametrize("statement", [
    "SELECT outcome FROM clips",
    "SELECT ethnicity FROM clips",
    "UPDATE coders SET status = 'certified'",
    "INSERT INTO user_roles VALUES ('ana', 'admin')",
    "INSERT INTO annotations (clip_id, utterance_index, code_id, value, coder_id, layer, "
    "codebook_id, codebook_version, codebook_hash, status, note, created_at, from_hint) "
    "VALUES ('k1', 3, 'esc_command', 'none', 'ben', 'coder', 'stop-search', '1.0.0', 'h', "
    "'active', '', now(), false)",
    "INSERT INTO annotations (clip_id, utterance_index, code_id, value, coder_id, layer, "
    "codebook_id, codebook_version, codebook_hash, status, note, created_at, from_hint) "
    "VALUES ('k3', 3, 'esc_command', 'none', 'ana', 'coder', 'stop-search', '1.0.0', 'h', "
    "'active', '', now(), false)",
    "INSERT INTO audit_events (event_id, created_at, actor, action, detail_hash, prev_hash, "
    "hash) VALUES (999, now(), 'rev', 'adjudicated', 'x', 'y', 'z')",
    "UPDATE audit_events SET actor = 'ana'",
    "DELETE FROM audit_events",
    "UPDATE audit_details SET detail = '{}'",
    "DELETE FROM audit_details",
    "DELETE FROM annotations",
    "INSERT INTO assignments (clip_id, coder_id, reliability, status, position, "
    "last_utterance, kind) VALUES ('k3', 'ana', false, 'todo', 0, 0, 'ordinary')",
])
def test_a_coders_own_login_cannot_cross_a_line_with_sql(pg: str, statement: str) -> None:
    before = Store(pg).table_counts()
    with pytest.raises(sa.exc.ProgrammingError, match=r"permission denied|row-level security"):
        _sql(pg, "ana", statement)
    assert Store(pg).table_counts() == before


def test_silent_no_ops_change_nothing(pg: str) -> None:
    # updates of rows the login cannot see match no rows (RLS hides them), and change nothing
    _sql(pg, "ana", "UPDATE annotations SET value = 'x' WHERE coder_id = 'ben'")
    assert {a.value for a in Store(pg).annotations(coder_id="ben")} == {"none"}


def test_an_analysts_login_reads_only_the_consensus_layer(pg: str) -> None:
    assert _sql(pg, "anl", "SELECT DISTINCT layer FROM annotations") == [("consensus",)]
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
        _sql(pg, "anl", "SELECT note FROM utterance_notes")


def test_the_library_runs_on_a_coders_own_login_and_refuses_another_name(pg: str) -> None:
    ana = Store.open(_login(pg, "ana"), as_user="ana")
    assert ana.clip("k2").outcome is None
    ana.apply_code("ana", "k2", 2, "esc_command", "none", REF)
    ana.set_note("k2", 2, "ana", note="seen")
    assert len(ana.annotations()) == 3
    assert {a.layer for a in ana.annotations(layer=None)} == {Layer.CODER}
    assert {e.actor for e in ana.audit_events()} == {"ana"}  # verified as far as ana sees
    ana.close()
    assert Store(pg).verify_audit().ok  # her writes extended the one chain
    with pytest.raises(AccessError, match="database login"):
        Store.open(_login(pg, "ana"), as_user="ben")
    rev = Store.open(_login(pg, "rev"), as_user="rev")
    assert rev.principal.has(UserRole.REVIEWER)
    assert {a.coder_id for a in rev.annotations(layer=Layer.CODER)} == {"ana", "ben", "tra"}
    rev.close()


def test_every_table_of_the_schema_is_under_row_security() -> None:
    """A migration's new table needs its grants and policies (``pg_policies.TABLES``)."""
    from workbench.store import schema
    from workbench.store.pg_policies import POLICIES, TABLES

    assert set(TABLES) == {t.name for t in schema.metadata.sorted_tables}
    assert {t for t, *_ in POLICIES} == set(TABLES) - {"schema_version"}
