"""A whole screening in headless Chromium (playwright, the system's /usr/bin/chromium): the
facilitator logs in and creates it in the browser, three members in separate browser
contexts join, rate, flag and comment — one by keyboard only, one dropping offline and coming
back — and the facilitator sees who joined (pseudonyms only), closes it (after which the
members' page shows nothing more), records an action and runs the quarterly report (HTML and
PDF, redacted, naming no member)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_panels_store import _clip
from workbench.model import Coder, UserRole
from workbench.report.pdf import CHROMIUM_ARGS, find_chromium
from workbench.store import Store

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[str, str, Path]]:
    import uvicorn

    from workbench.panels.app import create_app
    from workbench.project import Project

    project = Project.init(tmp_path / "project")
    url = project.store_url
    with Store(url) as store:
        for i in range(1, 5):
            store.put_clip(*_clip(f"c{i}"), f"h{i}")
        store.add_coder(Coder("fac", roles=frozenset({UserRole.FACILITATOR})))
    port = _free_port()
    app = create_app(url, join_as="fac", project=project.root)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started
    yield url, f"http://127.0.0.1:{port}", project.root
    server.should_exit = True
    thread.join(timeout=10)


def _answers(url: str, screening: str) -> dict[str, set[tuple[str, str, str, str]]]:
    with Store.open(url, as_user="fac") as fac:
        names = {m.member_id: m.pseudonym for m in fac.panel_members(screening)}
        found: dict[str, set[tuple[str, str, str, str]]] = {}
        for a in fac.panel_answers(screening):
            found.setdefault(names[a.member_id], set()).add((a.clip_id, a.kind, a.item,
                                                             a.value))
    return found


def _join(page, base: str, screening: str, name: str, group: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Screening", exact=True).fill(screening)
    page.get_by_label("Access code").fill("panel-2026")
    page.get_by_label("A name for this screening").fill(name)
    page.get_by_label("Age band").fill(group)
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(base + "/clips")


def test_a_whole_screening_in_three_browsers(served) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, base, root = served
    with Store.open(url, as_user="fac") as fac:  # the code `bwv --as fac panel login` prints
        code = fac.issue_facilitator_login()
    chromium = find_chromium()
    assert chromium is not None, "CI has Debian's chromium (.ci/run installs it)"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(chromium),
                                         args=list(CHROMIUM_ARGS))
        desk = browser.new_context().new_page()  # the facilitator creates the screening
        desk.goto(base + "/facilitator")
        desk.get_by_label("Login code").fill(code)
        desk.get_by_role("button", name="Log in").click()
        expect(desk.get_by_role("heading", level=1)).to_have_text("Screenings")
        desk.get_by_label("Panel", exact=True).fill("Lambeth PEP")
        desk.get_by_label("Date", exact=True).fill("2026-01-20")
        desk.get_by_label("Access code for members").fill("panel-2026")
        desk.get_by_label("Chosen by hand").check()
        desk.get_by_label("Clip ids").fill("c1 c2")
        desk.get_by_role("button", name="Create screening").click()
        expect(desk.locator("#screening-status")).to_have_text("open")
        screening = desk.locator("#screening-id").inner_text()
        with Store.open(url, as_user="fac") as fac:
            assert fac.screening(screening).clip_ids == ("c1", "c2")
        contexts = [browser.new_context(viewport={"width": 390, "height": 844})
                    for _ in range(3)]
        pages = [c.new_page() for c in contexts]
        for page, name, group in zip(pages, ("Kestrel", "Heron", "Wren"),
                                     ("18-24", "25-34", "18-24"), strict=True):
            _join(page, base, screening, name, group)
            expect(page.get_by_role("link", name="Clip 1")).to_be_visible()
            assert page.get_by_role("link", name="Clip 3").count() == 0

        kestrel, heron, wren = pages
        # Kestrel: the mouse, and every control has a label
        kestrel.get_by_role("link", name="Clip 1").click()
        assert "John Smith" not in kestrel.content()
        unlabelled = kestrel.evaluate("""() => [...document.querySelectorAll(
            'input, textarea')].filter(e => !e.labels || e.labels.length === 0).length""")
        assert unlabelled == 0
        voice = kestrel.get_by_role("group", name="Voice: the person could give their side")
        voice.get_by_label("4", exact=True).check()
        kestrel.get_by_role("group", name="Mark turn 2", exact=True).get_by_label("Concern").check()
        kestrel.get_by_label("Your comment").fill("He was never told why he was stopped.")
        kestrel.get_by_label("Your comment").blur()  # change: saved now, not after the pause
        expect(kestrel.locator("#status")).to_have_text("All answers saved", timeout=10000)

        # Heron: keyboard only (Space picks, arrow keys move within the group)
        heron.get_by_role("link", name="Clip 2").click()
        respect = heron.get_by_role("group", name="Respect: courtesy and dignity")
        respect.get_by_label("1", exact=True).focus()
        heron.keyboard.press("Space")
        heron.keyboard.press("ArrowRight")
        heron.keyboard.press("ArrowRight")
        expect(heron.locator("#status")).to_have_text("All answers saved", timeout=10000)

        # Wren drops offline, answers, and comes back
        wren.get_by_role("link", name="Clip 1").click()
        contexts[2].set_offline(True)
        wren.get_by_role("group", name="Fair", exact=True).get_by_label("2", exact=True).check()
        wren.get_by_label("Your comment").fill("Calm and polite throughout.")
        wren.get_by_label("Your comment").blur()
        expect(wren.locator("#status")).to_contain_text("Offline", timeout=10000)
        assert "Wren" not in _answers(url, screening)
        contexts[2].set_offline(False)
        expect(wren.locator("#status")).to_have_text("All answers saved", timeout=15000)

        got = _answers(url, screening)
        for _ in range(50):  # a status line may say "saved" for an earlier answer under load
            if sum(len(v) for v in got.values()) >= 6:
                break
            time.sleep(0.2)
            got = _answers(url, screening)
        assert got["Kestrel"] == {("c1", "rating", "pj_voice", "4"),
                                  ("c1", "flag", "1", "concern"),
                                  ("c1", "comment", "", "He was never told why he was stopped.")}
        assert got["Heron"] == {("c2", "rating", "pj_respect", "3")}
        assert got["Wren"] == {("c1", "rating", "fair", "2"),
                               ("c1", "comment", "", "Calm and polite throughout.")}

        desk.reload()  # who joined: pseudonyms only, never their self-described groups
        expect(desk.locator("#joined")).to_have_text("3 members joined.")
        for name in ("Kestrel", "Heron", "Wren"):
            expect(desk.get_by_role("listitem").filter(has_text=name)).to_have_count(1)
        assert "18-24" not in desk.content()
        desk.get_by_role("button", name="Close the screening").click()  # the facilitator closes
        expect(desk.locator("#screening-status")).to_have_text("closed")
        kestrel.reload()
        expect(kestrel.get_by_role("heading", level=1)).to_have_text(
            "This screening is not available")
        assert "stopped" not in kestrel.content()

        desk.get_by_role("link", name="Actions").click()  # an action against a theme
        desk.get_by_label("Theme").fill("explanation")
        desk.get_by_label("What").fill("Brief officers on giving grounds")
        desk.get_by_label("Who (a team or role)").fill("Lambeth BCU")
        desk.get_by_label("By when").fill("2026-03-01")
        desk.get_by_role("button", name="Record the action").click()
        expect(desk.get_by_role("cell", name="Brief officers on giving grounds", exact=True)
               ).to_be_visible()

        desk.get_by_role("link", name="Screenings").click()  # ... and runs the quarterly report
        desk.get_by_label("Quarter").fill("2026Q1")
        desk.set_default_timeout(240_000)  # a kernel starts: slow on a busy machine
        desk.get_by_role("button", name="Run the quarterly report").click()
        expect(desk.get_by_role("heading", level=1)).to_have_text(
            "Panel learning report 2026Q1", timeout=240_000)
        report = desk.content()
        for shown in ("Lambeth PEP", "He was never told why he was stopped.",
                      "Brief officers on giving grounds", "Turns members marked as a concern"):
            assert shown in report
        for hidden in ("Kestrel", "Heron", "Wren", "John Smith", "SW9 8AB"):
            assert hidden not in report
        pdf = root / "outputs" / "panels" / "2026Q1" / "report.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        desk.goto(base + "/facilitator")  # the report stays listed, HTML and PDF
        got = desk.request.get(base + desk.get_by_role("link", name="PDF").get_attribute("href"))
        assert got.ok and got.body().startswith(b"%PDF")
        browser.close()

