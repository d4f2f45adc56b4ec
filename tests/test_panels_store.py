"""Panel screenings in the store: joining with the code, answers saved one by one, a member
confined to their screening's redacted clips while it is open, seeded clip selection."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.exceptions import AccessError, ParameterError, StoreError
from workbench.model import Clip, Coder, Role, UserRole, Utterance
from workbench.panels import at_random, by_hand, by_rule
from workbench.store import Store

PII = "my name is John Smith and I live at 12 High Street, SW9 8AB"


def _clip(clip_id: str, power: str = "s23_misuse_of_drugs") -> tuple[Clip, list[Utterance]]:
    clip = Clip(clip_id, borough="Lambeth", bcu="Central South", power=power,
                date=date(2026, 1, int(clip_id[1:]) % 27 + 1), synthetic=True)
    texts = ["Stop there please.", f"Why, {PII}?", "Because of the smell of cannabis."]
    return clip, [Utterance(clip_id, i, 2.0 * i, 2.0 * i + 2, "PC A" if i != 1 else "Subject",
                            Role.OFFICER if i != 1 else Role.SUBJECT, t)
                  for i, t in enumerate(texts)]


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'panel.sqlite'}"
    with Store(url) as store:
        for i in range(1, 7):
            store.put_clip(*_clip(f"c{i}", "s1_pace" if i > 4 else "s23_misuse_of_drugs"),
                           f"h{i}")
        store.add_coder(Coder("fac", roles=frozenset({UserRole.FACILITATOR})))
    return url


def _two_screenings(url: str) -> tuple[str, str]:
    with Store.open(url, as_user="fac") as fac:
        a = fac.create_screening("Lambeth PEP", date(2026, 1, 20), ["c1", "c2"], "alpha-123")
        b = fac.create_screening("Brent PEP", date(2026, 1, 21), ["c3"], "bravo-456")
    return a.screening_id, b.screening_id


def test_a_member_joins_with_the_code_and_reads_only_their_screening_redacted(url) -> None:
    a, b = _two_screenings(url)
    with Store.open(url, as_user="fac") as fac:
        with pytest.raises(AccessError, match="wrong access code"):
            fac.join_screening(a, "bravo-456", "Kestrel", consent=True)
        with pytest.raises(StoreError, match="consent"):
            fac.join_screening(a, "alpha-123", "Kestrel")
        member_id, token = fac.join_screening(a, "alpha-123", "Kestrel", consent=True,
                                              group={"age_band": "18-24"})
        assert fac.member_for_token(token) == member_id
        assert fac.member_for_token(token + "x") is None
        with pytest.raises(StoreError, match="taken"):
            fac.join_screening(a, "alpha-123", " Kestrel ", consent=True)
    with Store.open(url, as_user=member_id) as me:
        assert [c.clip_id for c in me.clips()] == ["c1", "c2"]
        assert [s.screening_id for s in me.screenings()] == [a]
        text = me.utterances("c1")[1].text
        assert "John Smith" not in text and "SW9 8AB" not in text and "Why," in text
        for other in ("c3", "c4"):
            with pytest.raises(AccessError):
                me.utterances(other)
            with pytest.raises(AccessError):
                me.save_answer(other, "rating", "pj_voice", "3")
        with pytest.raises(StoreError, match="unknown screening"):
            me.screening(b)
        assert me.panel_members()[0].group == {"age_band": "18-24"}


def test_answers_are_saved_one_by_one_checked_and_audited(url) -> None:
    a, _ = _two_screenings(url)
    with Store.open(url, as_user="fac") as fac:
        m1, _ = fac.join_screening(a, "alpha-123", "Kestrel", consent=True)
        m2, _ = fac.join_screening(a, "alpha-123", "Heron", consent=True)
    with Store.open(url, as_user=m1) as me:
        me.save_answer("c1", "rating", "pj_voice", "4")
        me.save_answer("c1", "rating", "pj_voice", "5")  # a change keeps the latest
        me.save_answer("c1", "flag", "1", "concern")
        me.save_answer("c1", "comment", "", "He never said why.")
        me.save_answer("c1", "flag", "1", "")  # blank clears
        for kind, item, value, what in (("rating", "pj_voice", "6", "1–5"),
                                        ("rating", "volume", "3", "rating item"),
                                        ("flag", "3", "concern", "turn number"),
                                        ("flag", "0", "bad", "good_practice"),
                                        ("comment", "x", "hi", "no item"),
                                        ("vote", "", "1", "answer kind")):
            with pytest.raises(StoreError, match=what):
                me.save_answer("c1", kind, item, value)
        assert [(x.kind, x.item, x.value) for x in me.panel_answers()] == [
            ("comment", "", "He never said why."), ("rating", "pj_voice", "5")]
    with Store.open(url, as_user=m2) as other:
        other.save_answer("c2", "rating", "fair", "2")
        assert {x.member_id for x in other.panel_answers()} == {m2}
    with Store.open(url, as_user="fac") as fac:
        assert len(fac.panel_answers(a)) == 3
        assert {m.pseudonym for m in fac.panel_members(a)} == {"Kestrel", "Heron"}
    with Store(url) as owner:
        events = [e for e in owner.audit_events() if e.action == "panel_answer"]
        assert len(events) == 6 and all("never said" not in str(e.detail) for e in events)
        assert owner.verify_audit().ok


def test_closing_a_screening_ends_reading_and_answering(url) -> None:
    a, _ = _two_screenings(url)
    with Store.open(url, as_user="fac") as fac:
        m1, _ = fac.join_screening(a, "alpha-123", "Kestrel", consent=True)
    live = Store.open(url, as_user=m1)  # a handle opened before the close
    with Store.open(url, as_user="fac") as fac:
        assert fac.close_screening(a) == 1
        with pytest.raises(AccessError, match="closed"):
            fac.join_screening(a, "alpha-123", "Late", consent=True)
    with pytest.raises(AccessError, match="closed"):
        live.save_answer("c1", "rating", "pj_voice", "3")
    live.close()
    with Store.open(url, as_user=m1) as me:
        assert me.clips() == [] and me.screenings() == []
        with pytest.raises(AccessError):
            me.utterances("c1")


def test_clips_by_hand_by_rule_and_at_random(url) -> None:
    with Store.open(url, as_user="fac") as fac:
        assert by_hand(fac, ["c2", "c1", "c2"])[0] == ["c2", "c1"]
        with pytest.raises(StoreError, match="c9"):
            by_hand(fac, ["c9"])
        ids, sel = by_rule(fac, power="s1_pace")
        assert ids == ["c5", "c6"] and sel["method"] == "by_rule"
        with pytest.raises(ParameterError, match="ethnicity"):
            by_rule(fac, ethnicity="x")
        first, sel = at_random(fac, 3, seed=7)
        assert at_random(fac, 3, seed=7)[0] == first and len(set(first)) == 3
        assert sel == {"method": "at_random", "n": 3, "seed": 7, "pool_size": 6}
        assert {tuple(at_random(fac, 3, seed=s)[0]) for s in range(20)} != {tuple(first)}
        with pytest.raises(ParameterError):
            at_random(fac, 7, seed=1)
        screening = fac.create_screening("Lambeth PEP", date(2026, 3, 1), first, "code-xyz",
                                         selection=sel)
        assert screening.selection["seed"] == 7 and screening.clip_ids == tuple(first)


def test_actions_against_themes_are_recorded_done_and_audited(url) -> None:
    a, _ = _two_screenings(url)
    with Store.open(url, as_user="fac") as fac:
        first = fac.record_action("explanation", "Brief officers on giving grounds",
                                  "Lambeth BCU training", date(2026, 4, 1))
        second = fac.record_action("respect", "Share the good-practice clip",
                                   "Central South SLT", date(2026, 3, 1))
        with pytest.raises(StoreError, match="'who'"):
            fac.record_action("respect", "x", " ", date(2026, 3, 1))
        fac.set_action_done(first)
        with pytest.raises(StoreError, match="unknown action"):
            fac.set_action_done(99)
        got = [(x.action_id, x.theme, x.done) for x in fac.panel_actions()]
        assert got == [(second, "respect", False), (first, "explanation", True)]
        member_id, _ = fac.join_screening(a, "alpha-123", "Kestrel", consent=True)
    with Store.open(url, as_user=member_id) as me:
        assert me.panel_actions() == []
    with Store(url) as owner:
        assert [e.action for e in owner.audit_events()].count("panel_action") == 2
