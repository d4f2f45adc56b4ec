"""The panel member's page in-process (Starlette's test client): joining, saving answers one
at a time and by the no-JavaScript form, and no way to another screening's clips or to
unredacted text."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.testclient import TestClient

from tests.test_panels_store import _clip
from workbench.model import Coder, UserRole
from workbench.panels.app import COOKIE, create_app
from workbench.store import Store


@pytest.fixture
def setup(tmp_path) -> tuple[str, str, str]:
    url = f"sqlite:///{tmp_path / 'panel.sqlite'}"
    with Store(url) as store:
        for i in range(1, 5):
            store.put_clip(*_clip(f"c{i}"), f"h{i}")
        store.add_coder(Coder("fac", roles=frozenset({UserRole.FACILITATOR})))
    with Store.open(url, as_user="fac") as fac:
        a = fac.create_screening("Lambeth PEP", date(2026, 1, 20), ["c1", "c2"], "alpha-123")
        b = fac.create_screening("Brent PEP", date(2026, 1, 21), ["c3"], "bravo-456")
    return url, a.screening_id, b.screening_id


def _join(client: TestClient, screening: str, code: str, name: str, **extra: str):
    return client.post("/join", data={"screening": screening, "code": code,
                                      "pseudonym": name, "consent": "yes", **extra},
                       follow_redirects=False)


def test_a_member_joins_answers_and_sees_only_redacted_text_of_their_clips(setup) -> None:
    url, a, _ = setup
    client = TestClient(create_app(url, join_as="fac"))
    page = client.get("/")
    assert page.status_code == 200 and '<label for="pseudonym">' in page.text
    bad = _join(client, a, "bravo-456", "Kestrel")
    assert bad.status_code == 403 and "wrong access code" in bad.text
    joined = _join(client, a, "alpha-123", "Kestrel", age_band="18-24")
    assert joined.status_code == 303 and COOKIE in joined.cookies
    listing = client.get("/clips")
    assert "/clips/c1" in listing.text and "/clips/c3" not in listing.text
    page = client.get("/clips/c1")
    assert page.status_code == 200
    assert "John Smith" not in page.text and "SW9 8AB" not in page.text
    assert 'for="rating-pj_voice-4"' in page.text and 'id="rating-pj_voice-4"' in page.text
    for other in ("c3", "c4"):
        assert client.get(f"/clips/{other}").status_code == 403
        refused = client.post("/api/answer", json={"clip_id": other, "kind": "rating",
                                                   "item": "pj_voice", "value": "2"})
        assert refused.status_code == 403
    ok = client.post("/api/answer", json={"clip_id": "c1", "kind": "rating",
                                          "item": "pj_voice", "value": "4"})
    assert ok.json() == {"saved": True}
    wrong = client.post("/api/answer", json={"clip_id": "c1", "kind": "rating",
                                             "item": "pj_voice", "value": "9"})
    assert wrong.status_code == 400 and "1–5" in wrong.json()["error"]
    form = client.post("/clips/c2", data={"rating:fair": "2", "flag:1": "concern",
                                          "comment:": "No reason given."})
    assert form.status_code == 200 and 'value="2" data-kind="rating" data-item="fair" checked' \
        in form.text
    with Store.open(url, as_user="fac") as fac:
        got = {(x.clip_id, x.kind, x.item, x.value) for x in fac.panel_answers(a)}
    assert got == {("c1", "rating", "pj_voice", "4"), ("c2", "rating", "fair", "2"),
                   ("c2", "flag", "1", "concern"), ("c2", "comment", "", "No reason given.")}


def test_without_a_session_or_after_closing_nothing_is_reachable(setup) -> None:
    url, a, _ = setup
    stranger = TestClient(create_app(url, join_as="fac"))
    assert stranger.get("/clips/c1", follow_redirects=False).status_code == 303
    assert stranger.post("/api/answer", json={"clip_id": "c1", "kind": "comment",
                                              "value": "x"}).status_code == 401
    stranger.cookies.set(COOKIE, "forged-token")
    assert stranger.get("/clips/c1", follow_redirects=False).status_code == 303
    member = TestClient(create_app(url, join_as="fac"))
    _join(member, a, "alpha-123", "Heron")
    assert member.get("/clips/c1").status_code == 200
    with Store.open(url, as_user="fac") as fac:
        fac.close_screening(a)
    assert member.get("/clips/c1").status_code == 403
    assert member.post("/api/answer", json={"clip_id": "c1", "kind": "comment",
                                            "value": "late"}).status_code == 403


def test_media_is_served_muted_and_only_for_the_members_clips(setup, tmp_path) -> None:
    import wave

    import numpy as np

    from tests.test_panels_media import RATE, _tone

    url, a, _ = setup
    root = tmp_path / "project"
    (root / "media").mkdir(parents=True)
    _tone(root / "media" / "c1.wav", 6.0, 2)
    _tone(root / "media" / "c3.wav", 6.0, 2)
    (root / "media" / "c2.mp4").write_bytes(b"not a wav")
    with Store(url) as owner:
        for clip in ("c1", "c2", "c3"):
            ext = "mp4" if clip == "c2" else "wav"
            owner.update_clip_metadata(clip, {"media_path": f"media/{clip}.{ext}"})
    client = TestClient(create_app(url, join_as="fac", media_root=root))
    _join(client, a, "alpha-123", "Kestrel")
    assert '<audio controls' in client.get("/clips/c1").text
    got = client.get("/media/c1")
    assert got.status_code == 200
    (tmp_path / "got.wav").write_bytes(got.content)
    with wave.open(str(tmp_path / "got.wav"), "rb") as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert (samples[int(2 * RATE):int(4 * RATE)] == 0).all()  # the turn with the name
    assert np.abs(samples[: int(1.5 * RATE)]).max() > 1000  # the rest is still heard
    assert client.get("/media/c3").status_code == 403
    assert client.get("/media/c2").status_code == 404  # cannot be muted, not reviewed
