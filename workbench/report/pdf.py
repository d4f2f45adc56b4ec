"""PDF of a rendered HTML report, printed by Chromium (headless, through playwright).

Chromium lays the page out exactly as the screen version, with the report's print
stylesheet: A4, every collapsible group opened, table headers repeated on each page, page
numbers in the footer. Nothing is downloaded: the browser is the system's Chromium
(``/usr/bin/chromium``, or ``$BWV_CHROMIUM``) — never ``playwright install``.

When Chromium or playwright is missing, :func:`write_pdf` raises :class:`PdfUnavailable`
saying what is missing and how to get it; the study prints that and goes on without a PDF.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from workbench.exceptions import WorkbenchError

#: Where Chromium is looked for, after ``$BWV_CHROMIUM``.
CHROMIUM_PATHS: tuple[str, ...] = ("/usr/bin/chromium", "/usr/bin/chromium-browser",
                                   "/usr/bin/google-chrome")
#: Flags for a quiet, offline headless browser (LIBRARIES.md).
CHROMIUM_ARGS: tuple[str, ...] = ("--headless", "--no-sandbox", "--disable-gpu",
                                  "--disable-background-networking",
                                  "--disable-component-update", "--no-first-run")
INSTALL_HINT = ("install Chromium (Debian/Ubuntu: `apt-get install chromium`) or set "
                "$BWV_CHROMIUM to a Chromium binary; playwright comes with the workbench "
                "(`pip install playwright`, never `playwright install`)")
FOOTER = ('<div style="font-size:7pt;width:100%;text-align:center;color:#555">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
#: Milliseconds allowed for loading and printing one report.
TIMEOUT_MS = 120_000


class PdfUnavailable(WorkbenchError):
    """No PDF can be printed here: ``reason`` says what is missing, the message how to fix."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"PDF skipped: {reason}; to get it, {INSTALL_HINT}")


def find_chromium() -> Path | None:
    """The Chromium binary to use: ``$BWV_CHROMIUM``, a usual path, or one on ``PATH``."""
    named = os.environ.get("BWV_CHROMIUM")
    if named:
        return Path(named) if Path(named).is_file() else None
    for candidate in CHROMIUM_PATHS:
        if Path(candidate).is_file():
            return Path(candidate)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def write_pdf(html_path: str | Path, pdf_path: str | Path | None = None, *,
              chromium: str | Path | None = None) -> Path:
    """Print ``html_path`` to ``pdf_path`` (default: the same name, ``.pdf``); return it.

    Raises
    ------
    PdfUnavailable
        no Chromium binary, or playwright not installed.
    """
    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path) if pdf_path is not None else html_path.with_suffix(".pdf")
    browser_path = Path(chromium) if chromium is not None else find_chromium()
    if browser_path is None or not browser_path.is_file():
        raise PdfUnavailable("no Chromium browser found"
                             + (f" at {browser_path}" if browser_path else ""))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfUnavailable("the playwright package is not installed") from None
    tmp = pdf_path.with_name(pdf_path.name + ".part")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(browser_path),
                                         args=list(CHROMIUM_ARGS), headless=True)
        try:
            page = browser.new_page()
            page.goto(html_path.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
            page.emulate_media(media="print")
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            page.pdf(path=str(tmp), format="A4", print_background=True,
                     display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER, prefer_css_page_size=True)
        finally:
            browser.close()
    tmp.replace(pdf_path)  # never a half-written report.pdf
    return pdf_path
