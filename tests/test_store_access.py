"""Crossing every role line through every public Store call, and failing to.

One small SYNTHETIC project with one person per role. ``ATTEMPTS`` holds, for every public
method, an attempt that crosses a line (someone else's layer, a clip not assigned, a role
change) and the people who may make it; every other person must get :class:`AccessError`,
and nothing stored changes. A test checks that ``ATTEMPTS`` covers every public method.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.test_store_access_rules import public_members
from workbench.codebook import load_ref, register_codebook
from workbench.exceptions import AccessError, CodebookError
from workbench.model import (
    REVIEWER_ROLES,
    Annotation,
    AnnotationStatus,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Clip,
    Coder,
    CoderStatus,
    Grant,
    Layer,
    Role,
    Scope,
    ScopeKind,
    UserRole,
    Utterance,
)
from workbench.project import BUNDLED_CODEBOOKS
from workbench.store import Store, default_sqlite_url, schema

BOOK = load_ref("stop-search@1.0.0", BUNDLED_CODEBOOKS)
REF = BOOK.ref
PEOPLE = {
    "adm": Coder("adm", roles=frozenset({UserRole.ADMIN})),
    "rev": Coder("rev", roles=REVIEWER_ROLES),
    "ana": Coder("ana"),
    "ben": Coder("ben"),
    "tra": Coder("tra", status=CoderStatus.TRAINEE),
    "anl": Coder("anl", roles=frozenset({UserRole.ANALYST})),
    "fac": Coder("fac", roles=frozenset({UserRole.FACILITATOR})),
    "pan": Coder("pan", roles=frozenset({UserRole.PANEL_MEMBER})),
}
EVERYONE = frozenset(PEOPLE)
CODING = frozenset({"rev", "ana", "ben", "tra"})
AUDIT_READERS = frozenset({"adm", "ana", "ben", "tra", "rev"})
PANEL_READERS = frozenset({"adm", "anl", "fac", "pan"})


def _clip(clip_id: str, outcome: str = "arrest") -> tuple[Clip, list[Utterance]]:
    clip = Clip(clip_id, borough="Lambeth", outcome=outcome, ethnicity="White",
                extra={"object_sought": "drugs", "officer_collar": "PC 123"}, synthetic=True)
    texts = ["Stop there, my name is PC Jones.", "Why, I am John Smith, 12 High Street.",
             "Because of the smell.", "Fine."]
    return clip, [Utterance(clip_id, i, i, i + 1, "PC A" if i % 2 == 0 else "Subject",
                            Role.OFFICER if i % 2 == 0 else Role.SUBJECT, t)
                  for i, t in enumerate(texts)]


def _build(url: str) -> None:
    with Store(url) as store:
        register_codebook(store, BOOK)
        for k in ("k1", "k2", "k3"):
            store.put_clip(*_clip(k), f"h{k}")
        for person in PEOPLE.values():
            store.add_coder(person)
        store.assign([Assignment("k1", "ana", True), Assignment("k1", "ben", True),
                      Assignment("k2", "ana"), Assignment("k3", "ben"),
                      Assignment("k2", "tra", kind=AssignmentKind.PRACTICE)])
        for coder, clip, value in (("ana", "k1", "bare_order"), ("ben", "k1", "none"),
                                   ("ana", "k2", "bare_order"), ("ben", "k3", "none"),
                                   ("tra", "k2", "none")):
            store.apply_code(coder, clip, 0, "esc_command", value, REF)
            store.set_note(clip, 0, coder, note=f"{coder} thinks so")
            store.set_progress(clip, coder, status=AssignmentStatus.DONE)
        for clip in ("k1", "k2"):
            store.apply_code("rev", clip, 0, "esc_command", "bare_order", REF,
                             layer=Layer.CONSENSUS)
        store.create_screening("Lambeth PEP", date(2026, 1, 15), ["k2"], "code-S1",
                               screening_id="S1")
        store.add_scope(Scope("pan", ScopeKind.SCREENING, "S1", frozenset({"k2"})))
        store.record_action("explanation", "Brief on grounds", "Lambeth BCU", date(2026, 2, 1))
        with store.transaction() as conn:  # "pan" as a member of S1 (fixture: owner's trust)
            conn.execute(schema.panel_members.insert(), {
                "member_id": "pan", "screening_id": "S1", "pseudonym": "Kestrel",
                "member_group": {}, "consent": True, "token_hash": "t" * 64,
                "joined_at": datetime.now(UTC)})


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("access") / "store.sqlite"
    _build(default_sqlite_url(path))
    return path


@pytest.fixture
def url(template: Path, tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "store.sqlite"
    shutil.copy(template, path)
    yield default_sqlite_url(path)


def _row(coder: str, layer: Layer) -> Annotation:
    return Annotation("k3", 2, "esc_command", "none", coder, REF.codebook_id, REF.version,
                      REF.hash, layer=layer)


Attempt = Callable[[Store, str], Any]
#: method → (an attempt that crosses a line, who may make it).
ATTEMPTS: dict[str, list[tuple[Attempt, frozenset[str]]]] = {
    "put_clip": [(lambda s, me: s.put_clip(*_clip("k9"), "h9"), frozenset({"adm"}))],
    "update_clip_metadata": [(lambda s, me: s.update_clip_metadata("k1", {"outcome": "none"}),
                              frozenset({"adm"}))],
    "clip": [(lambda s, me: s.clip("k3"), frozenset({"adm", "rev", "anl", "fac", "ben"}))],
    "utterances": [(lambda s, me: s.utterances("k3"),
                    frozenset({"adm", "rev", "anl", "fac", "ben"}))],
    "clips": [(lambda s, me: s.clips(outcome="arrest"), frozenset({"adm", "rev", "anl", "fac"})),
              (lambda s, me: s.clips(), EVERYONE)],
    "has_clip": [(lambda s, me: s.has_clip("k3"), EVERYONE)],
    "count_clips": [(lambda s, me: s.count_clips(), EVERYONE)],
    "clips_frame": [(lambda s, me: s.clips_frame(), EVERYONE)],
    "utterances_frame": [(lambda s, me: s.utterances_frame(), EVERYONE)],
    "assign": [(lambda s, me: s.assign([Assignment("k3", "ana")]), frozenset({"adm", "rev"}))],
    "assignments": [(lambda s, me: s.assignments(coder_id="ben"),
                     frozenset({"adm", "rev", "ben"}))],
    "set_progress": [(lambda s, me: s.set_progress("k3", "ben", last_utterance=2),
                      frozenset({"adm", "rev", "ben"}))],
    "reliability_clip_ids": [(lambda s, me: s.reliability_clip_ids(),
                              EVERYONE - {"fac", "pan"})],
    "apply_code": [
        (lambda s, me: s.apply_code("ben", "k3", 1, "esc_command", "none", REF),
         frozenset({"ben"})),
        (lambda s, me: s.apply_code(me, "k3", 2, "esc_command", "none", REF),
         frozenset({"ben"})),  # only clips assigned to oneself
        (lambda s, me: s.apply_code(me, "k3", 2, "esc_command", "none", REF,
                                    layer=Layer.CONSENSUS), frozenset({"rev"})),
        (lambda s, me: s.apply_code(me, "k3", 2, "esc_command", "none", REF,
                                    layer=Layer.REVIEW, audit_id="A1"),
         frozenset()),  # a review layer only on its audit's open sample (k1, further down)
    ],
    "remove_code": [(lambda s, me: s.remove_code("ben", "k3", 0, "esc_command"),
                     frozenset({"ben"})),
                    (lambda s, me: s.remove_code("rev", "k1", 0, "esc_command",
                                                 layer=Layer.CONSENSUS), frozenset({"rev"}))],
    "lock_unit": [(lambda s, me: s.lock_unit("k1", 0, "esc_command"), CODING)],
    "add_annotations": [
        (lambda s, me: s.add_annotations([_row("ben", Layer.CODER)]), frozenset({"adm"})),
        (lambda s, me: s.add_annotations([_row(me, Layer.CONSENSUS)]),
         frozenset({"adm", "rev"}))],
    "set_annotation_status": [(lambda s, me: s.set_annotation_status(
        [1], AnnotationStatus.REMOVED, actor=me, reason="test"), frozenset({"adm", "rev"}))],
    "annotations": [
        (lambda s, me: s.annotations(coder_id="ben"), frozenset({"adm", "rev", "ben"})),
        (lambda s, me: s.annotations(layer=Layer.CONSENSUS), frozenset({"adm", "rev", "anl"}))],
    "annotations_frame": [
        (lambda s, me: s.annotations_frame(coder_id="ben"), frozenset({"adm", "rev", "ben"})),
        (lambda s, me: s.annotations_frame(layer=Layer.CODER),
         frozenset({"adm", "rev", "ana", "ben", "tra"}))],
    "notes": [(lambda s, me: s.notes(coder_id="ben"), frozenset({"adm", "rev", "ben"}))],
    "set_note": [(lambda s, me: s.set_note("k3", 0, "ben", note="hi"), frozenset({"ben"}))],
    "add_coder": [(lambda s, me: s.add_coder(Coder("new")), frozenset({"adm"})),
                  (lambda s, me: s.add_coder(Coder(me, roles=frozenset(UserRole))),
                   frozenset({"adm"}))],
    "set_roles": [(lambda s, me: s.set_roles(me, [UserRole.ADMIN]), frozenset({"adm"}))],
    "set_grants": [(lambda s, me: s.set_grants(me, [Grant.CODER_IDENTITIES]),
                    frozenset({"adm"}))],
    "set_coder_status": [(lambda s, me: s.set_coder_status("tra", CoderStatus.CERTIFIED,
                                                           reason="test"), frozenset({"rev"}))],
    "coders": [(lambda s, me: s.coders(), EVERYONE)],
    "coder": [(lambda s, me: s.coder("ben"), frozenset({"adm", "rev", "fac", "ben"}))],
    "counted_coder_ids": [(lambda s, me: s.counted_coder_ids(), frozenset({"adm", "rev", "fac"}))],
    "add_scope": [
        (lambda s, me: s.add_scope(Scope(me, ScopeKind.AUDIT_SAMPLE, "A1", frozenset({"k1"}))),
         frozenset({"rev"})),
        (lambda s, me: s.add_scope(Scope("pan", ScopeKind.SCREENING, "S2", frozenset({"k1"}))),
         frozenset({"adm", "rev"}))],
    "end_scope": [(lambda s, me: s.end_scope(ScopeKind.SCREENING, "S1"),
                   frozenset({"adm", "rev"}))],
    "scopes": [(lambda s, me: s.scopes(), EVERYONE)],
    "record_codebook": [(lambda s, me: s.record_codebook("other", "1.0.0", "h", "{}"),
                         frozenset({"adm"}) | CODING)],
    "codebook_hash": [(lambda s, me: s.codebook_hash("stop-search", "1.0.0"), EVERYONE)],
    "codebook_versions": [(lambda s, me: s.codebook_versions("stop-search"), EVERYONE)],
    "audit": [(lambda s, me: s.audit("ben", "forged"), frozenset({"ben"}))],
    "audit_events": [(lambda s, me: s.audit_events(), frozenset({"adm", "ana", "ben", "tra",
                                                                "rev"}))],
    "audit_head": [(lambda s, me: s.audit_head(), AUDIT_READERS)],
    "verify_audit": [(lambda s, me: s.verify_audit(), frozenset({"adm", "rev"}))],
    "export_audit_head": [(lambda s, me: s.export_audit_head(), frozenset({"adm", "rev"}))],
    "erase_clip": [(lambda s, me: s.erase_clip("k3", reason="retention"), frozenset({"adm"}))],
    "table_counts": [(lambda s, me: s.table_counts(), frozenset({"adm", "rev"}))],
    "bulk": [(lambda s, me: s.bulk().__enter__(), frozenset({"adm"}))],
    "close": [(lambda s, me: s.close(), EVERYONE)],
    "user_id": [(lambda s, me: s.user_id, EVERYONE)],
    "speaker_roles": [(lambda s, me: s.speaker_roles("k3"),
                       EVERYONE - {"ana", "tra", "pan"})],
    "set_speaker_role": [(lambda s, me: s.set_speaker_role(me, "k3", "Subject", "third_party"),
                          frozenset({"adm"}))],
    "correct_utterance": [(lambda s, me: s.correct_utterance(me, "k3", 1, "Why?"),
                           frozenset({"adm"}))],
    "clip_source_hash": [(lambda s, me: s.clip_source_hash("k3"),
                          EVERYONE - {"ana", "tra", "pan"})],
    "count_clip_annotations": [(lambda s, me: s.count_clip_annotations("k3"),
                                EVERYONE - {"ana", "tra", "pan"})],
    "clip_source_hashes": [(lambda s, me: s.clip_source_hashes(), EVERYONE)],  # filtered
    "coded_clip_ids": [(lambda s, me: s.coded_clip_ids(), frozenset({"adm"}))],
    "add_new_clips": [(lambda s, me: s.add_new_clips([(*_clip("k8"), "h8")]),
                       frozenset({"adm"}))],
    "realign_clip": [(lambda s, me: s.realign_clip(me, _clip("k3")[0], _clip("k3")[1], "hk3b"),
                      frozenset({"adm"}))],
    "dialect": [(lambda s, me: s.dialect, EVERYONE)],
    "create_screening": [(lambda s, me: s.create_screening(
        "Brent PEP", date(2026, 2, 1), ["k1"], "code-S2"), frozenset({"fac"}))],
    "close_screening": [(lambda s, me: s.close_screening("S1"), frozenset({"fac"}))],
    "join_screening": [(lambda s, me: s.join_screening("S1", "code-S1", f"x-{me}",
                                                       consent=True), frozenset({"fac"}))],
    "member_for_token": [(lambda s, me: s.member_for_token("t"), frozenset({"fac"}))],
    "save_answer": [(lambda s, me: s.save_answer("k2", "rating", "pj_voice", "4"),
                     frozenset({"pan"})),
                    (lambda s, me: s.save_answer("k1", "rating", "pj_voice", "4"),
                     frozenset())],  # a clip outside the member's screening
    "screenings": [(lambda s, me: s.screenings(), PANEL_READERS)],
    "screening": [(lambda s, me: s.screening("S1"), PANEL_READERS)],
    "panel_members": [(lambda s, me: s.panel_members(), PANEL_READERS)],
    "panel_answers": [(lambda s, me: s.panel_answers(), PANEL_READERS)],
    "record_action": [(lambda s, me: s.record_action("explanation", "Brief on grounds",
                                                     "Lambeth BCU", date(2026, 3, 1)),
                       frozenset({"fac"}))],
    "set_action_done": [(lambda s, me: s.set_action_done(1), frozenset({"fac"}))],
    "panel_actions": [(lambda s, me: s.panel_actions(), PANEL_READERS)],
    "set_theme_rules": [(lambda s, me: s.set_theme_rules({"respect": ["polite"]}),
                         frozenset({"fac"}))],
    "theme_rules": [(lambda s, me: s.theme_rules(), PANEL_READERS)],
    "accept_comment_themes": [(lambda s, me: s.accept_comment_themes(
        [("S1", "k2", "a" * 64, "respect")]), frozenset({"fac"}))],
    "comment_themes": [(lambda s, me: s.comment_themes(), PANEL_READERS)],
    "issue_facilitator_login": [(lambda s, me: s.issue_facilitator_login(),
                                 frozenset({"fac"}))],
    "facilitator_for_token": [(lambda s, me: s.facilitator_for_token("t"), frozenset({"fac"}))],
    "expire_panel_data": [(lambda s, me: s.expire_panel_data(365), frozenset({"fac"}))],
}


def test_every_public_method_has_a_crossing_attempt() -> None:
    assert sorted(set(public_members()) - {"open"}) == sorted(ATTEMPTS)


CASES = [(method, i, person) for method, attempts in ATTEMPTS.items()
         for i in range(len(attempts)) for person in PEOPLE]


@pytest.mark.parametrize(("method", "i", "person"), CASES,
                         ids=[f"{m}-{i}-{p}" for m, i, p in CASES])
def test_a_role_line_holds(url: str, method: str, i: int, person: str) -> None:
    attempt, allowed = ATTEMPTS[method][i]
    store = Store.open(url, as_user=person)
    if person in allowed:
        attempt(store, person)
        return
    before = Store(url).table_counts()
    with pytest.raises(AccessError):
        attempt(store, person)
    assert Store(url).table_counts() == before


# ---------------------------------------------------------------------------- what is read
def test_a_coder_reads_only_their_own_work_and_never_hidden_metadata(url: str) -> None:
    ana = Store.open(url, as_user="ana")
    assert {a.coder_id for a in ana.annotations(layer=None)} == {"ana"}
    assert set(ana.annotations_frame(layer=None)["coder_id"]) == {"ana"}
    assert {n.coder_id for n in ana.notes()} == {"ana"}
    assert [c.clip_id for c in ana.clips()] == ["k1", "k2"] and ana.count_clips() == 2
    assert not ana.has_clip("k3")
    k1 = ana.clip("k1")
    assert (k1.outcome, k1.ethnicity, k1.extra) == (None, None, {"object_sought": "drugs"})
    frame = ana.clips_frame()
    assert "outcome" not in frame and "ethnicity" not in frame and "officer_collar" not in frame
    assert set(ana.utterances_frame()["clip_id"]) == {"k1", "k2"}
    assert {e.actor for e in ana.audit_events()} == {"ana"}
    assert [c.coder_id for c in ana.coders()] == ["ana"]


def test_the_owner_and_a_reviewer_see_everything(url: str) -> None:
    for store in (Store(url), Store.open(url, as_user="rev")):
        assert {a.coder_id for a in store.annotations(layer=Layer.CODER)} == {"ana", "ben",
                                                                              "tra"}
        assert store.clip("k3").outcome == "arrest"


def test_an_analyst_reads_the_consensus_without_coder_identities_unless_granted(
        url: str) -> None:
    analyst = Store.open(url, as_user="anl")
    rows = analyst.annotations(layer=None)
    assert {a.layer for a in rows} == {Layer.CONSENSUS} and len(rows) == 2
    assert {a.coder_id for a in rows} == {"coder-7"}  # rev, pseudonymised
    assert set(analyst.annotations_frame(layer=Layer.CONSENSUS)["coder_id"]) == {"coder-7"}
    assert analyst.clip("k1").outcome == "arrest"  # outputs need the metadata
    with pytest.raises(AccessError):
        analyst.notes()
    Store(url).set_grants("anl", [Grant.CODER_IDENTITIES])
    granted = Store.open(url, as_user="anl")
    assert {a.coder_id for a in granted.annotations(layer=None)} == {"rev"}


def test_a_panel_member_sees_only_their_screening_redacted(url: str) -> None:
    panel = Store.open(url, as_user="pan")
    assert [c.clip_id for c in panel.clips()] == ["k2"]
    assert panel.clip("k2").outcome is None
    texts = [u.text for u in panel.utterances("k2")]
    assert "John Smith" not in " ".join(texts) and "[NAME]" in " ".join(texts)
    assert "John Smith" not in " ".join(panel.utterances_frame()["text"])
    for forbidden in (lambda: panel.clip("k1"), lambda: panel.annotations(),
                      lambda: panel.assignments()):
        with pytest.raises(AccessError):
            forbidden()


def test_a_reviewer_recoding_an_audit_sample_is_blind_to_its_layers_until_sign_off(
        url: str) -> None:
    Store(url).add_scope(Scope("rev", ScopeKind.AUDIT_SAMPLE, "A1", frozenset({"k1"})))
    blind = Store.open(url, as_user="rev")
    assert blind.annotations(clip_id="k1", layer=None) == []
    assert blind.annotations_frame(layer=None)["clip_id"].tolist() == ["k2", "k3", "k2", "k2"]
    blind.apply_code("rev", "k1", 0, "esc_command", "none", REF, layer=Layer.REVIEW,
                     audit_id="A1")
    assert [a.layer_name for a in blind.annotations(clip_id="k1", layer=None)] == ["review:A1"]
    with pytest.raises(AccessError, match="hint"):  # hints are off for review re-coding
        blind.apply_code("rev", "k1", 0, "esc_command", "bare_order", REF, layer=Layer.REVIEW,
                         audit_id="A1", from_hint=True)
    blind.end_scope(ScopeKind.AUDIT_SAMPLE, "A1")
    signed_off = Store.open(url, as_user="rev")
    assert len(signed_off.annotations(clip_id="k1", layer=None)) == 4


def test_identity_is_not_whatever_the_caller_says(url: str) -> None:
    ana = Store.open(url, as_user="ana")
    with pytest.raises(AccessError, match="act as"):
        ana.apply_code("ana", "k2", 2, "esc_command", "none", REF, actor="ben")
    ana.audit("system", "note")
    assert ana.audit_events(action="note")[0].actor == "ana"
    with pytest.raises(AccessError, match="not a person"):
        Store.open(url, as_user="mallory")


def test_writes_are_checked_against_the_recorded_codebook(url: str) -> None:
    ana = Store.open(url, as_user="ana")
    with pytest.raises(CodebookError):
        ana.apply_code("ana", "k2", 2, "no_such_code", "present", REF)
    with pytest.raises(CodebookError):
        ana.apply_code("ana", "k2", 2, "esc_command", "invented", REF)
    with pytest.raises(CodebookError, match="not recorded"):
        ana.apply_code("ana", "k2", 2, "esc_command", "none",
                       REF.__class__("stop-search", "9.9.9", "x"))
    assert len(ana.annotations()) == 2


def test_a_trainee_is_never_given_study_work_and_never_counts(url: str) -> None:
    owner = Store(url)
    with pytest.raises(AccessError, match="trainee"):
        owner.assign([Assignment("k3", "tra")])
    counted = owner.annotations_frame(layer=Layer.CODER, counted_only=True)
    assert set(counted["coder_id"]) == {"ana", "ben"}
    owner.set_coder_status("tra", CoderStatus.CERTIFIED, reason="passed", actor="rev")
    # a practice clip stays practice after certification
    assert set(owner.annotations_frame(layer=Layer.CODER, counted_only=True)["coder_id"]) == {
        "ana", "ben"}
    event = owner.audit_events(action="coder_status")[-1]
    assert (event.actor, event.detail["old"], event.detail["new"]) == ("rev", "trainee",
                                                                      "certified")
