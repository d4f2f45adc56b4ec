"""The study report as a reader sees it, in headless Chromium (playwright, the system's
/usr/bin/chromium): labels not ids, tables that fit or scroll with their header fixed, every
[c] footnoted, unique titles; screenshots of the main sections and the PDF are written to the
CI artefacts folder ($BWV_ARTIFACTS, default artifacts/ in the repository)."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO
from workbench.codebook import load_ref
from workbench.project import BUNDLED_CODEBOOKS
from workbench.report.pdf import CHROMIUM_ARGS, find_chromium

pytestmark = pytest.mark.slow
WIDTH = 1280
MODEL_TERM = re.compile(r"C\(|\[T\.|~")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def artefacts_dir() -> Path:
    folder = Path(os.environ.get("BWV_ARTIFACTS") or REPO / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _ids() -> set[str]:
    codebook = load_ref("stop-search@1.0.0", BUNDLED_CODEBOOKS)
    found = set(codebook.code_ids) | {m.id for m in codebook.derived}
    return found | {"group_var", "code_id", "clips_with", "pct_low", "pct_high"}


def _bad(text: str, ids: set[str]) -> list[str]:
    words = set(re.findall(r"[A-Za-z0-9_]+", text))
    return sorted((words & ids) | set(SNAKE.findall(text))
                  | ({text} if MODEL_TERM.search(text) else set()))


@pytest.fixture(scope="module")
def page(study_run):
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    assert chromium is not None, "CI has Debian's chromium (.ci/run installs it)"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(chromium),
                                         args=list(CHROMIUM_ARGS))
        view = browser.new_page(viewport={"width": WIDTH, "height": 900})
        view.goto(study_run.report.resolve().as_uri(), wait_until="load")
        yield view
        browser.close()


def test_no_header_shows_a_code_id_or_a_model_term(page) -> None:
    ids = _ids()
    headers = page.eval_on_selector_all("th, h1, h2, h3, summary, nav a",
                                        "els => els.map(e => e.textContent.trim())")
    assert len(headers) > 300
    bad = {h: _bad(h, ids) for h in headers if _bad(h, ids)}
    assert bad == {}


def test_no_axis_label_tick_or_legend_shows_a_code_id(study_run) -> None:
    ids = _ids()
    svgs = sorted((study_run.run_dir / "figures").glob("*.svg"))
    assert len(svgs) >= 8
    bad = {}
    for svg in svgs:
        texts = ["".join(t.itertext()).strip() for t in ET.parse(svg).iter()
                 if t.tag.endswith("}text")]
        assert texts, f"{svg.name}: text must stay text (svg.fonttype none)"
        found = [t for t in texts if _bad(t, ids)]
        if found:
            bad[svg.name] = found
    assert bad == {}


def test_every_table_fits_at_1280px_or_scrolls_with_its_header_fixed(page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    boxes = page.eval_on_selector_all(".tablewrap", """els => els.map(w => {
        const th = w.querySelector('thead th');
        const style = getComputedStyle(w);
        return {id: w.closest('article').id, scroll: w.scrollWidth, client: w.clientWidth,
                tall: w.scrollHeight > w.clientHeight + 1,
                scrolls: ['auto', 'scroll'].includes(style.overflowY),
                sticky: th ? getComputedStyle(th).position === 'sticky' : false};
    })""")
    assert len(boxes) > 60
    cut = [b for b in boxes if b["scroll"] > b["client"]]
    assert cut == [], "tables wider than the page at 1280 px"
    hidden = [b for b in boxes if b["tall"] and not (b["scrolls"] and b["sticky"])]
    assert hidden == [], "a table scrolls without its header fixed"


def test_each_suppressed_cell_links_to_the_rule_that_hid_it(page) -> None:
    missing = page.eval_on_selector_all("td", """tds => tds
        .filter(td => td.textContent.startsWith('[c]'))
        .filter(td => { const a = td.querySelector('sup a');
                        return !a || !document.getElementById(a.hash.slice(1)); })
        .length""")
    marked = page.eval_on_selector_all("td", "tds => tds.filter(td => "
                                             "td.textContent.startsWith('[c]')).length")
    assert marked > 50 and missing == 0
    notes = page.eval_on_selector_all(".footnotes li", "els => els.map(e => e.textContent)")
    assert any("fewer than 10 encounters" in n for n in notes)


def test_titles_in_the_contents_are_unique(page) -> None:
    titles = page.eval_on_selector_all("nav li li a", "els => els.map(e => "
                                       "e.textContent.replace(/^(Table|Figure) \\d+\\. /, ''))")
    assert len(titles) > 60 and len(titles) == len(set(titles))


def test_the_methods_appendix_and_the_sensitivity_table_are_in_the_report(page) -> None:
    text = page.inner_text("body")
    for needed in ("Appendix A. Methods", "Codebook version", "Coders and reliability",
                   "Consensus rule", "Disclosure rule", "Software versions",
                   "Headline shares under each consensus rule", "Majority vote",
                   "Unanimous only", "Any coder"):
        assert needed in text


def test_screenshots_and_the_pdf_go_to_the_artefacts_folder(page, study_run,
                                                           capsys) -> None:
    folder = artefacts_dir()
    written = []
    page.evaluate("document.querySelectorAll('details').forEach((d, i) => d.open = i < 0)")
    for section in page.eval_on_selector_all("section", "els => els.map(e => e.id)"):
        path = folder / f"report-{section}.png"
        page.locator(f"section[id='{section}'] > h2").scroll_into_view_if_needed()
        page.evaluate(f"document.getElementById('{section}').scrollIntoView()")
        page.screenshot(path=str(path))  # the section's first screen at 1280 × 900
        written.append(path)
    assert study_run.pdf is not None and study_run.pdf.read_bytes()[:5] == b"%PDF-"
    pdf = folder / "report.pdf"
    shutil.copyfile(study_run.pdf, pdf)
    written.append(pdf)
    assert all(p.stat().st_size > 1000 for p in written)
    with capsys.disabled():
        print("\nreport artefacts:\n" + "\n".join(f"  {p}" for p in written))
