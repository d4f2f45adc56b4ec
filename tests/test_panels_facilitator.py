"""The facilitator's pages in-process (Starlette's test client): a login the store checks,
screenings created by hand / by a rule / at random, who joined (pseudonyms only), closing,
theme rules, a clustering accepted with a merge and a drop, actions recorded and done."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.testclient import TestClient

from tests.test_panels_store import _clip
from workbench.model import Coder, UserRole
from workbench.panels.app import COOKIE as MEMBER_COOKIE
from workbench.panels.app import create_app
from workbench.panels.facilitator import COOKIE
from workbench.store import Store


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'panel.sqlite'}"
    with Store(url) as store:
        for i in range(1, 7):
            store.put_clip(*_clip(f"c{i}", "s1_pace" if i > 4 else "s23_misuse_of_drugs"),
                           f"h{i}")
        store.add_coder(Coder("fac", roles=frozenset({UserRole.FACILITATOR})))
        store.add_coder(Coder("anl", roles=frozenset({UserRole.ANALYST})))
    return url


def _login(url: str) -> TestClient:
    client = TestClient(create_app(url, join_as="fac"))
    with Store.open(url, as_user="fac") as fac:
        code = fac.issue_facilitator_login()
    got = client.get(f"/facilitator/login?code={code}", follow_redirects=False)
    assert got.status_code == 303 and COOKIE in got.cookies
    return client


def test_the_pages_need_a_facilitators_login(url) -> None:
    client = TestClient(create_app(url, join_as="fac"))
    for path in ("/facilitator", "/facilitator/themes", "/facilitator/actions"):
        assert client.get(path, follow_redirects=False).headers["location"] == \
            "/facilitator/login"
    assert client.post("/facilitator/login", data={"code": "guess"}).status_code == 403
    client.cookies.set(COOKIE, "forged")
    assert client.get("/facilitator", follow_redirects=False).status_code == 303
    with Store.open(url, as_user="fac") as fac:  # a member's session is not a login
        sid = fac.create_screening("Lambeth PEP", date(2026, 1, 20), ["c1"],
                                   "alpha-123").screening_id
        _, token = fac.join_screening(sid, "alpha-123", "Kestrel", consent=True)
    member = TestClient(create_app(url, join_as="fac"))
    member.cookies.set(MEMBER_COOKIE, token)
    member.cookies.set(COOKIE, token)
    assert member.get("/facilitator", follow_redirects=False).status_code == 303
    client = _login(url)
    assert client.get("/facilitator").status_code == 200
    with Store(url) as owner:  # the role ends: the login ends with it
        owner.set_roles("fac", [UserRole.ANALYST])
    assert client.get("/facilitator", follow_redirects=False).status_code == 303


def test_screenings_are_created_three_ways_shown_by_pseudonym_and_closed(url) -> None:
    client = _login(url)
    base = {"panel": "Lambeth PEP", "held_on": "2026-02-10", "code": "panel-2026"}
    made = client.post("/facilitator/screenings", data={**base, "method": "by_hand",
                                                       "clips": "c2, c1"},
                       follow_redirects=False)
    assert made.status_code == 303
    sid = made.headers["location"].rsplit("/", 1)[1]
    client.post("/facilitator/screenings", data={**base, "method": "by_rule",
                                                "power": "s1_pace"})
    client.post("/facilitator/screenings", data={**base, "method": "at_random", "n": "3",
                                                "seed": "7", "media_reviewed": "yes"})
    bad = client.post("/facilitator/screenings", data={**base, "method": "by_hand",
                                                      "clips": "c9"})
    assert bad.status_code == 400 and "c9" in bad.text
    short = client.post("/facilitator/screenings", data={**base, "code": "abc",
                                                        "method": "by_hand", "clips": "c1"})
    assert short.status_code == 400 and "at least 6" in short.text
    with Store.open(url, as_user="fac") as fac:
        found = {s.selection["method"]: s.clip_ids for s in fac.screenings()}
        reviewed = {s.selection["method"]: s.media_reviewed for s in fac.screenings()}
        assert reviewed == {"by_hand": False, "by_rule": False, "at_random": True}
        from workbench.panels import at_random
        assert found == {"by_hand": ("c2", "c1"), "by_rule": ("c5", "c6"),
                         "at_random": tuple(at_random(fac, 3, seed=7)[0])}
        fac.join_screening(sid, "panel-2026", "Kestrel", consent=True,
                           group={"age_band": "18-24", "ethnicity": "Black British"})
    page = client.get(f"/facilitator/screenings/{sid}")
    assert "Kestrel" in page.text and "1 member joined" in page.text
    assert "18-24" not in page.text and "Black British" not in page.text  # pseudonyms only
    assert "Close the screening" in page.text
    client.post(f"/facilitator/screenings/{sid}")
    with Store.open(url, as_user="fac") as fac:
        assert fac.screening(sid).status == "closed"
    assert "Close the screening" not in client.get(f"/facilitator/screenings/{sid}").text
    assert client.get("/facilitator/screenings/nope").status_code == 404


def test_theme_rules_clustering_and_actions_from_the_pages(url) -> None:
    client = _login(url)
    with Store.open(url, as_user="fac") as fac:
        sid = fac.create_screening("Lambeth PEP", date(2026, 1, 20), ["c1", "c2"],
                                   "alpha-123").screening_id
        members = [fac.join_screening(sid, "alpha-123", f"m{i}", consent=True)[0]
                   for i in range(4)]
    texts = ["Never explained the reason.", "No reason was explained.",
             "Polite, calm tone.", "Calm and polite."]
    for member, text in zip(members, texts, strict=True):
        with Store.open(url, as_user=member) as me:
            me.save_answer("c1", "comment", "", text)
    page = client.get("/facilitator/themes")
    assert 'value="explanation"' in page.text and "2026Q1" in page.text
    saved = client.post("/facilitator/themes/rules", data={
        "theme": ["Reasons", "", "Courtesy"], "words": ["reason, explain", "", "polite"]})
    assert saved.status_code == 200
    with Store.open(url, as_user="fac") as fac:
        assert fac.theme_rules() == {"Courtesy": ("polite",), "Reasons": ("reason", "explain")}
    bad = client.post("/facilitator/themes/rules", data={"theme": ["Empty"], "words": [""]})
    assert bad.status_code == 400 and "non-blank" in bad.text
    proposed = client.post("/facilitator/themes/propose", data={"k": "2", "seed": "0"})
    assert "Cluster 1" in proposed.text and "Cluster 2" in proposed.text
    assert client.post("/facilitator/themes/propose", data={"k": "9"}).status_code == 400
    fingerprint = proposed.text.split('name="fingerprint" value="')[1].split('"')[0]
    accept = {"k": "2", "seed": "0", "fingerprint": fingerprint}
    client.post("/facilitator/themes/accept", data={**accept, "name-0": "Everything",
                                                    "name-1": ""})
    with Store.open(url, as_user="fac") as fac:
        accepted = fac.comment_themes()
    assert {t for *_, t in accepted} == {"Everything"} and 0 < len(accepted) < 4  # one dropped
    client.post("/facilitator/themes/accept", data={**accept, "name-0": "Same",
                                                    "name-1": "Same"})
    with Store.open(url, as_user="fac") as fac:
        assert len(fac.comment_themes()) == 4  # merged
    with Store.open(url, as_user=members[0]) as me:  # a comment changes after the proposal
        me.save_answer("c2", "comment", "", "Handcuffs for no reason.")
    stale = client.post("/facilitator/themes/accept", data={**accept, "name-0": "X",
                                                            "name-1": "Y"})
    assert stale.status_code == 400 and "changed since" in stale.text
    recorded = client.post("/facilitator/actions", data={
        "theme": "Reasons", "what": "Brief officers on grounds", "who": "Lambeth BCU",
        "due": "2026-04-01"})
    assert "Brief officers on grounds" in recorded.text
    assert client.post("/facilitator/actions", data={"theme": "x", "what": "y", "who": " ",
                                                     "due": "2026-04-01"}).status_code == 400
    with Store.open(url, as_user="fac") as fac:
        action = fac.panel_actions()[0]
    client.post(f"/facilitator/actions/{action.action_id}", data={"done": "yes"})
    with Store.open(url, as_user="fac") as fac:
        assert fac.panel_actions()[0].done
    with Store(url) as owner:
        actions = [e.action for e in owner.audit_events()]
    assert actions.count("panel_themes_accepted") == 2 and "panel_action_done" in actions
