"""PostgreSQL row-level security of the scopes, tried with raw SQL on each person's own login:
a reviewer blind to their open audit sample until its lead signs it off (issue 14), and a
panel member held to their own answers in their own open screening (issue 17)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.test_pg_row_security import _fresh_schema, _login, _sql
from tests.test_store_access import REF, _build
from workbench.exceptions import AccessError
from workbench.model import Coder, Layer, ScopeKind, UserRole
from workbench.review.audit_sample import AuditDesign, AuditSample, open_review, sign_off
from workbench.store import Store
from workbench.store.pg_security import install_row_security, provision_login

pytestmark = pytest.mark.slow

#: The audit: clip k1 (coded by ana and ben, with a consensus value) re-coded by two
#: reviewers, lead "lea"; k2 and k3 stay outside it.
AUDIT, SAMPLE = "A1", ["k1"]
REVIEWERS = {"lea": "lead reviewer", "rv3": "second reviewer"}
DENIED = r"permission denied|row-level security"


@pytest.fixture(scope="module")
def pg(postgres_url: str) -> Iterator[str]:
    """The access fixture's store on PostgreSQL, an open audit, logins for everyone."""
    _fresh_schema(postgres_url)
    _build(postgres_url)
    with Store(postgres_url) as owner:
        for rid, name in REVIEWERS.items():
            owner.add_coder(Coder(rid, name, frozenset({UserRole.REVIEWER})))
        clips = pd.DataFrame({"clip_id": SAMPLE, "coder_id": ["ana"], "stratum": ["ana"]})
        open_review(owner, AuditSample(AuditDesign(AUDIT, size=1), clips), list(REVIEWERS),
                    lead="lea")
        with owner.transaction() as conn:
            install_row_security(conn)
            for person in owner.coders():
                provision_login(conn, person.coder_id, person.roles, password="pw")
    yield postgres_url
    _fresh_schema(postgres_url)


def _as(url: str, user: str) -> Store:
    return Store.open(_login(url, user), as_user=user)


def _changed(url: str, user: str, statement: str) -> int:
    """Rows a statement on ``user``'s login changed (row-level security hides the others)."""
    engine = sa.create_engine(_login(url, user))
    try:
        with engine.begin() as conn:
            return conn.execute(sa.text(statement)).rowcount
    finally:
        engine.dispose()


def _values_on(url: str, user: str, clip: str) -> set[tuple]:
    return set(_sql(url, user, "SELECT layer, coder_id, value FROM annotations "
                               f"WHERE clip_id = '{clip}'"))


# ---- issue 14: quality review ------------------------------------------------------------
def test_a_reviewer_is_blind_to_the_sample_until_the_lead_signs_off(pg: str) -> None:
    with _as(pg, "lea") as lea:  # the library on the lead's own login
        lea.apply_code("lea", "k1", 0, "esc_command", "none", REF, layer=Layer.REVIEW,
                       audit_id=AUDIT)
        lea.set_note("k1", 0, "lea", note="my own note")
        assert {(a.layer, a.coder_id) for a in lea.annotations(layer=None)} >= {
            (Layer.REVIEW, "lea"), (Layer.CODER, "ben")}  # k3 (outside) readable
        with pytest.raises(AccessError, match="verified after the sign-off"):
            lea.verify_audit()
    for who in REVIEWERS:
        mine = {("review", "lea", "none")} if who == "lea" else set()
        assert _values_on(pg, who, "k1") == mine  # no coder, consensus or other review row
        assert ("coder", "ana", "bare_order") in _values_on(pg, who, "k2")  # outside the sample
        assert set(_sql(pg, who, "SELECT DISTINCT coder_id FROM utterance_notes WHERE "
                                 "clip_id = 'k1'")) <= {("lea",)}
        # nor the audit records of others there: their hashes of a short value could be tried
        assert {r[0] for r in _sql(pg, who, "SELECT actor FROM audit_events WHERE "
                                            "clip_id = 'k1'")} <= {who}
        assert _sql(pg, who, "SELECT count(*) FROM audit_details d JOIN audit_events e "
                             "USING (event_id) WHERE d.clip_id = 'k1' AND e.actor <> "
                             f"'{who}'") == [(0,)]
    owner_k1 = _values_on(pg, "adm", "k1")
    assert {("coder", "ana", "bare_order"), ("consensus", "rev", "bare_order")} <= owner_k1

    # no way around it: ending, shrinking or dropping the scope touches no row …
    for who in REVIEWERS:
        for statement in ("UPDATE scopes SET active = false", "UPDATE scopes SET clip_ids = "
                          "'[]'", "DELETE FROM scopes"):
            assert _changed(pg, who, statement) == 0
        with _as(pg, who) as handle:
            assert handle.end_scope(ScopeKind.AUDIT_SAMPLE, AUDIT) == 0
        assert _values_on(pg, who, "k1") <= {("review", "lea", "none")}
    # … the drawn record (which names the lead) cannot be rewritten, nor a sign-off forged
    for statement in ("UPDATE audit_details SET detail = replace(detail, 'lea', 'rv3')",
                      "DELETE FROM audit_events WHERE action = 'audit_sample_drawn'",
                      "INSERT INTO audit_events (event_id, created_at, actor, action, "
                      "detail_hash, prev_hash, hash) VALUES (9999, now(), 'lea', "
                      "'audit_signed_off', 'x', 'y', 'z')"):
        with pytest.raises(sa.exc.ProgrammingError, match=DENIED):
            _sql(pg, "rv3", statement)
    # a sign-off by someone other than the lead unlocks nothing (tried, then rolled back)
    engine = sa.create_engine(_login(pg, "rv3"))
    with engine.connect() as conn:
        conn.execute(sa.text(
            "INSERT INTO audit_events (event_id, created_at, actor, action, detail_hash, "
            "prev_hash, hash) VALUES (9999, now(), 'rv3', 'audit_signed_off', 'x', 'y', 'z');"
            "INSERT INTO audit_details (event_id, clip_id, detail) VALUES "
            f"(9999, NULL, '{{\"audit_id\": \"{AUDIT}\"}}')"))
        assert conn.execute(sa.text("UPDATE scopes SET active = false")).rowcount == 0
        conn.rollback()
    engine.dispose()
    # a coder value on the blind clip cannot be written either
    with pytest.raises(sa.exc.ProgrammingError, match=DENIED):
        _sql(pg, "rv3", "INSERT INTO annotations (clip_id, utterance_index, code_id, value, "
                        "coder_id, layer, codebook_id, codebook_version, codebook_hash, "
                        "status, note, created_at, from_hint) VALUES ('k1', 3, 'esc_command', "
                        "'none', 'ana', 'coder', 'stop-search', '1.0.0', 'h', 'active', '', "
                        "now(), false)")
    assert _values_on(pg, "adm", "k1") == owner_k1

    # the lead signs off (the library, on her own login): both reviewers see the originals
    with _as(pg, "lea") as lea:
        sign_off(lea, AUDIT, lead="lea", statement="Reviewed blind.")
    for who in REVIEWERS:
        assert _values_on(pg, who, "k1") == owner_k1
        assert ("ana",) in _sql(pg, who, "SELECT coder_id FROM utterance_notes WHERE "
                                         "clip_id = 'k1'")
    with _as(pg, "lea") as lea:
        assert lea.verify_audit().ok  # every write above extended the one chain
    with Store(pg) as owner:
        actions = [e.action for e in owner.audit_events()]
        assert actions.index("audit_signed_off") < len(actions) - 1
        assert actions[-1] == "scope_ended" and owner.verify_audit().ok


# ---- issue 17: panel screenings ----------------------------------------------------------
@pytest.fixture(scope="module")
def panel(pg: str) -> dict[str, str]:
    """Screening S2 (clip k3) made by the facilitator on her own login, two members joined
    there, each given a login; S1 (clip k2, member "pan") is the access fixture's."""
    with _as(pg, "fac") as fac:
        fac.create_screening("Croydon PEP", date(2026, 2, 3), ["k3"], "code-S2",
                             screening_id="S2")
        joined = {name: fac.join_screening("S2", "code-S2", name, consent=True,
                                           group={"age_band": "25-34"})[0]
                  for name in ("Heron", "Otter")}
    with Store(pg) as owner, owner.transaction() as conn:
        for member in [*joined.values(), "pan"]:
            provision_login(conn, member, {UserRole.PANEL_MEMBER}, password="pw")
    for name, member in joined.items():
        with _as(pg, member) as me:  # the library on the member's own login
            me.save_answer("k3", "rating", "pj_voice", "4")
            me.save_answer("k3", "comment", "", f"{name} says: no grounds given")
    with _as(pg, "pan") as pan:
        pan.save_answer("k2", "rating", "fair", "2")
    return joined


def test_a_panel_member_reads_only_their_own_open_screening(pg: str, panel: dict) -> None:
    heron, otter = panel["Heron"], panel["Otter"]
    assert _sql(pg, heron, "SELECT screening_id FROM screenings") == [("S2",)]
    assert _sql(pg, heron, "SELECT member_id, pseudonym FROM panel_members") == [
        (heron, "Heron")]
    assert set(_sql(pg, heron, "SELECT member_id, value FROM panel_answers")) == {
        (heron, "4"), (heron, "Heron says: no grounds given")}
    assert _sql(pg, heron, "SELECT clip_id FROM clips") == [("k3",)]
    assert _sql(pg, heron, "SELECT DISTINCT clip_id FROM utterances") == [("k3",)]
    assert _sql(pg, heron, "SELECT coder_id FROM coders") == [(heron,)]
    assert _sql(pg, heron, "SELECT coder_id FROM user_roles") == [(heron,)]
    assert {r[0] for r in _sql(pg, heron, "SELECT coder_id FROM scopes")} == {heron}
    assert _sql(pg, "pan", "SELECT DISTINCT screening_id FROM panel_answers") == [("S1",)]
    with _as(pg, otter) as me:  # the library agrees: their own answers only
        assert {a.member_id for a in me.panel_answers()} == {otter}


@pytest.mark.parametrize("statement", [
    "SELECT text FROM utterances",  # unredacted text: only the workbench redacts it
    "SELECT speaker FROM utterances",
    "SELECT outcome FROM clips",
    "SELECT token_hash FROM panel_members",
    "SELECT actor FROM audit_events",
    "SELECT value FROM annotations",
    "SELECT note FROM utterance_notes",
    "SELECT what FROM panel_actions",
    "INSERT INTO panel_answers VALUES ('{me}', 'k2', 'rating', 'fair', 'S2', '5', now())",
    "INSERT INTO panel_answers VALUES ('{other}', 'k3', 'rating', 'fair', 'S2', '5', now())",
    "INSERT INTO panel_answers VALUES ('{me}', 'k2', 'rating', 'fair', 'S1', '5', now())",
    "UPDATE screenings SET status = 'open'",
    "INSERT INTO user_roles VALUES ('{me}', 'analyst')",
])
def test_a_panel_member_cannot_cross_a_line_with_sql(pg: str, panel: dict,
                                                     statement: str) -> None:
    me, other = panel["Heron"], panel["Otter"]
    with pytest.raises(sa.exc.ProgrammingError, match=DENIED):
        _sql(pg, me, statement.format(me=me, other=other))
    # an update of another member's answers matches no row
    _sql(pg, me, f"UPDATE panel_answers SET value = '1' WHERE member_id = '{other}'")
    assert ("4",) in _sql(pg, other, "SELECT value FROM panel_answers")


def test_roles_around_a_screening_and_its_closing(pg: str, panel: dict) -> None:
    heron = panel["Heron"]
    # an analyst reads answers and groups, never a pseudonym, token or access code
    assert len(_sql(pg, "anl", "SELECT member_id, value FROM panel_answers")) == 5
    for column, table in (("pseudonym", "panel_members"), ("token_hash", "panel_members"),
                          ("code_hash", "screenings")):
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            _sql(pg, "anl", f"SELECT {column} FROM {table}")
    with _as(pg, "anl") as anl:
        assert {m.pseudonym for m in anl.panel_members()} == {""}
    # a facilitator enrols members, and only members; audit samples are not theirs
    for statement in ("INSERT INTO user_roles VALUES ('ana', 'panel_member')",
                      f"INSERT INTO user_roles VALUES ('{heron}', 'admin')",
                      "INSERT INTO scopes (coder_id, kind, ref, clip_ids, active, created_at) "
                      "VALUES ('ana', 'screening', 'S2', '[\"k1\"]', true, now())"):
        with pytest.raises(sa.exc.ProgrammingError, match=DENIED):
            _sql(pg, "fac", statement)
    assert _sql(pg, "fac", "SELECT count(*) FROM scopes WHERE kind = 'audit_sample'") == [(0,)]
    # closed: the members read nothing of it, and write nothing
    with _as(pg, "fac") as fac:
        assert fac.close_screening("S2") == 2
    for table in ("screenings", "panel_members", "panel_answers", "clips", "utterances"):
        assert _sql(pg, heron, f"SELECT count(*) FROM {table}") == [(0,)], table
    with pytest.raises(sa.exc.ProgrammingError, match=DENIED):
        _sql(pg, heron, f"INSERT INTO panel_answers VALUES ('{heron}', 'k3', 'rating', "
                        "'safe', 'S2', '5', now())")
    assert _sql(pg, "pan", "SELECT screening_id FROM screenings") == [("S1",)]  # still open
    assert len(_sql(pg, "fac", "SELECT value FROM panel_answers")) == 5
    with Store(pg) as owner:
        assert owner.verify_audit().ok


# ---- issue 17: panel learning (migration 6) ----------------------------------------------
LEARNING = ("panel_theme_rules", "panel_comment_themes", "facilitator_logins")
THEMED = ("S2", "k3", "a" * 64, "grounds")


@pytest.fixture(scope="module")
def learning(pg: str, panel: dict) -> dict[str, str]:
    """A second facilitator "fa2"; each facilitator's login code, issued on their own login;
    rules and one accepted theme saved by "fac" on hers."""
    with Store(pg) as owner:
        owner.add_coder(Coder("fa2", roles=frozenset({UserRole.FACILITATOR})))
        with owner.transaction() as conn:
            provision_login(conn, "fa2", {UserRole.FACILITATOR}, password="pw")
    codes = {}
    for who in ("fac", "fa2"):
        with _as(pg, who) as fac:
            codes[who] = fac.issue_facilitator_login()
    with _as(pg, "fac") as fac:
        fac.set_theme_rules({"grounds": ["grounds", "reason"]})
        fac.accept_comment_themes([THEMED])
    return codes


def test_facilitators_run_panel_learning_on_their_own_logins(pg: str, learning: dict) -> None:
    with _as(pg, "fac") as fac:  # the facilitator pages' calls, on her login
        assert fac.theme_rules() == {"grounds": ("grounds", "reason")}
        assert fac.comment_themes() == [THEMED]
        # the panel app's joiner (a facilitator) resolves either facilitator's code
        assert fac.facilitator_for_token(learning["fa2"]) == "fa2"
        assert fac.facilitator_for_token(learning["fac"]) == "fac"
        assert fac.facilitator_for_token(learning["fac"] + "x") is None
        short = fac.issue_facilitator_login(hours=0.0001)
    with _as(pg, "fa2") as fa2:  # another facilitator replaces the rules, signed as herself
        fa2.set_theme_rules({"respect": ["rude"]})
    assert _sql(pg, "fac", "SELECT theme, updated_by FROM panel_theme_rules") == [
        ("respect", "fa2")]
    # login codes: each facilitator's login reads its own rows only …
    for who in ("fac", "fa2"):
        assert _sql(pg, who, "SELECT DISTINCT coder_id FROM facilitator_logins") == [(who,)]
    # … and forges, extends or drops none; rules and themes are signed as oneself
    for statement in (
            f"INSERT INTO facilitator_logins VALUES ('{'b' * 64}', 'fa2', now(), now())",
            "UPDATE facilitator_logins SET expires_at = now() + interval '1 year'",
            "DELETE FROM facilitator_logins",
            "INSERT INTO panel_theme_rules VALUES ('x', '[\"y\"]', 'fa2', now())",
            f"INSERT INTO panel_comment_themes VALUES ('S2', 'k3', '{'c' * 64}', 'x', 'fa2', "
            "now())"):
        with pytest.raises(sa.exc.ProgrammingError, match=DENIED):
            _sql(pg, "fac", statement)
    with Store(pg) as owner:  # the database function keeps the library's checks
        assert len(_sql(pg, "fac", "SELECT * FROM facilitator_logins")) == 2
        assert owner.facilitator_for_token(learning["fac"]) == "fac"  # the app as owner
        time.sleep(0.5)
        assert owner.facilitator_for_token(short) is None  # expired
        owner.set_roles("fa2", [UserRole.ANALYST])
        with _as(pg, "fac") as fac:
            assert fac.facilitator_for_token(learning["fa2"]) is None  # no longer one
        owner.set_roles("fa2", [UserRole.FACILITATOR])


def test_no_one_else_reaches_panel_learning_with_sql(pg: str, panel: dict,
                                                     learning: dict) -> None:
    # analysts read the rules and the accepted clustering (the quarterly report), no codes
    with _as(pg, "anl") as anl:
        assert anl.comment_themes() == [THEMED]
    assert _sql(pg, "anl", "SELECT theme FROM panel_theme_rules") != []
    assert _sql(pg, "adm", "SELECT count(*) FROM panel_comment_themes") == [(1,)]
    heron = panel["Heron"]
    denied = [*((who, f"SELECT * FROM {t}") for who in (heron, "ana", "lea", "rv3")
                for t in LEARNING),  # members, coders, reviewers: nothing
              *((who, "SELECT * FROM facilitator_logins") for who in ("anl", "adm")),
              *((who, "SELECT * FROM bwv_facilitator_for_token('x')")
                for who in (heron, "anl", "adm", "ana")),
              ("anl", "DELETE FROM panel_comment_themes"),
              ("anl", "INSERT INTO panel_theme_rules VALUES ('x', '[\"y\"]', 'anl', now())")]
    for who, statement in denied:
        with pytest.raises(sa.exc.ProgrammingError, match=DENIED):
            _sql(pg, who, statement)
    with _as(pg, heron) as me:  # the library gives members none of it either
        assert me.comment_themes() == [] and me.theme_rules() is None


def test_retention_on_the_facilitators_login_erases_closed_screenings_only(
        pg: str, panel: dict, learning: dict) -> None:
    if _sql(pg, "fac", "SELECT status FROM screenings WHERE screening_id = 'S2'") == [
            ("open",)]:
        with _as(pg, "fac") as fac:
            fac.close_screening("S2")
    # raw SQL: no comment of an open screening, no rating, is erased
    for statement in ("DELETE FROM panel_answers WHERE screening_id = 'S1'",
                      "DELETE FROM panel_answers WHERE kind <> 'comment'"):
        assert _changed(pg, "fac", statement) == 0
    with _as(pg, "fac") as fac:
        done = fac.expire_panel_data(1, now=datetime.now(UTC) + timedelta(days=2))
    assert done.screenings == {"S2": {"members": 2, "comments": 2}}
    assert _sql(pg, "fac", "SELECT DISTINCT kind FROM panel_answers WHERE screening_id = "
                           "'S2'") == [("rating",)]
    assert _sql(pg, "fac", "SELECT count(*) FROM panel_comment_themes") == [(0,)]
    assert _sql(pg, "pan", "SELECT value FROM panel_answers") == [("2",)]
    with Store(pg) as owner:
        assert owner.verify_audit().ok
