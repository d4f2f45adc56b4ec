"""One call per notebook: start a coding session, review disagreements, open the coder
overview or the codebook.

The project folder defaults to ``$BWV_PROJECT``, the coder to ``$BWV_CODER`` and the reviewer
to ``$BWV_REVIEWER``; without a coder id the coder picks their id from the store's list first.
The session's store is opened *as* the coder (``Store.open(url, as_user=coder)``), and the
review's as the reviewer, so the store's access rules apply to them. Each call also shows
one line saying what to do if the widget is gone after a page reload (:data:`RELOAD_HINT`;
hidden while the widget is live).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import ipywidgets as W
from IPython.display import HTML, display

from widgets.adjudication import AdjudicationPanel
from widgets.help import CodebookBrowser
from widgets.overview import CoderOverview
from widgets.progress import ProgressIndicator
from widgets.session import SessionWidget
from workbench.codebook.book import Codebook
from workbench.codebook.loading import load_ref
from workbench.coding import CodingSession
from workbench.exceptions import WorkbenchError
from workbench.project import Project
from workbench.store import Store

#: Extra metadata columns coders may see (the demo corpus's object of the search).
DEFAULT_VISIBLE_EXTRA: tuple[str, ...] = ("object_sought", "object")
#: Saved with the notebook, so a reload without a live widget still says what to do.
RELOAD_HINT = ("<div class='bwv-reload-hint' style='color:#8a4b00'>If nothing shows below "
               "(after reloading the page or restarting the kernel), run this cell again "
               "(Shift+Enter): every action was saved, and you resume where you stopped.</div>")


def _hint() -> None:
    display(HTML(RELOAD_HINT))


def _project(project: str | Path = "") -> tuple[Project, Store, Codebook]:
    loaded = Project.load(project or None)
    codebook = load_ref(loaded.codebook, loaded.codebooks_dir)
    return loaded, loaded.open_store(), codebook


def start_session(coder: str = "", project: str | Path = "", *,
                  visible_extra: Sequence[str] = DEFAULT_VISIBLE_EXTRA,
                  show: bool = True, audit: str = "") -> W.VBox:
    """Display a coding session for ``coder`` on ``project`` and return its container.

    The container first shows a progress indicator while the project, codebook and clip
    load, then the :class:`SessionWidget` (its ``.children[0]``), or the error to fix.
    ``audit``: a reviewer's blind re-coding of that audit sample (queue: the sample; codes:
    the ``review:<audit>`` layer; the original coding hidden by the store; hints off).
    """
    box = W.VBox([ProgressIndicator(steps=4, label="opening the project…")])
    if show:
        _hint()
        display(box)
    progress = box.children[0]
    assert isinstance(progress, ProgressIndicator)
    try:
        found, store, codebook = _project(project)
        progress.step(f"codebook {codebook.label} loaded")
        coder = coder or os.environ.get("BWV_CODER", "")
        if not coder:
            box.children = (_coder_picker(box, found, store, codebook, visible_extra,
                                          audit),)
            return box
        box.children = (_session(found, store, codebook, coder, visible_extra, progress,
                                 audit),)
    except WorkbenchError as exc:
        box.children = (W.HTML(f"<b style='color:#b00020'>Cannot start: {exc}</b>"),)
    return box


def _session(project: Project, store: Store, codebook: Codebook, coder: str,
             visible_extra: Sequence[str], progress: ProgressIndicator,
             audit: str = "") -> SessionWidget:
    if store.user_id != coder:  # the session acts as the coder: the store enforces their rules
        store = project.open_store(as_user=coder)
    session = CodingSession(store, codebook, coder, visible_extra=visible_extra,
                            audit_id=audit or None)
    if audit and not session.queue:
        raise WorkbenchError(f"{coder} has no clips of audit {audit!r} to re-code (is the "
                             "audit drawn, and are they one of its reviewers?)")
    progress.step(f"{len(session.queue)} clips assigned to {coder}"
                  + (f" for review {audit}" if audit else ""))
    widget = SessionWidget(session, media_root=project.root, open_clip=False)
    progress.step("opening the clip to resume…")
    widget.render(session.open())
    progress.finish()
    return widget


def _coder_picker(box: W.VBox, project: Project, store: Store, codebook: Codebook,
                  visible_extra: Sequence[str], audit: str = "") -> W.Widget:
    coders = [c.coder_id for c in store.coders()]
    pick = W.Dropdown(options=coders, description="Coder id")
    start = W.Button(description="Start coding", button_style="primary")
    problem = W.HTML()

    def go(_: object) -> None:
        progress = ProgressIndicator(steps=3)
        box.children = (progress,)
        try:
            box.children = (_session(project, store, codebook, str(pick.value), visible_extra,
                                     progress, audit),)
        except WorkbenchError as exc:
            problem.value = f"<b style='color:#b00020'>{exc}</b>"
            box.children = (W.HBox([pick, start]), problem)

    start.on_click(go)
    return W.VBox([W.HTML("Who is coding?"), W.HBox([pick, start]), problem])


def recode_audit(audit: str, reviewer: str = "", project: str | Path = "", *,
                 show: bool = True) -> W.VBox:
    """Open the ordinary coding widget on ``reviewer``'s queue of audit ``audit`` (default
    ``$BWV_REVIEWER``): blind re-coding into ``review:<audit>``, hints off."""
    return start_session(reviewer or os.environ.get("BWV_REVIEWER", ""), project,
                         show=show, audit=audit)


def review(project: str | Path = "", reviewer: str = "", *, show: bool = True) -> W.Widget:
    """Display the reviewer's adjudication panel (keys: 1–9, w, Ctrl+Enter, n, p) for
    ``reviewer`` (default ``$BWV_REVIEWER``) on ``project``; returns it, or the error to fix."""
    try:
        found, store, codebook = _project(project)
        reviewer = reviewer or os.environ.get("BWV_REVIEWER", "")
        if not reviewer:
            raise WorkbenchError("no reviewer id: pass review(project, reviewer='…') or set "
                                 "$BWV_REVIEWER")
        store.coder(reviewer)
        store.close()
        store = found.open_store(as_user=reviewer)  # the review acts as the reviewer
        widget: W.Widget = AdjudicationPanel(store, codebook, reviewer)
    except WorkbenchError as exc:
        widget = W.HTML(f"<b style='color:#b00020'>Cannot start the review: {exc}</b>")
    if show:
        _hint()
        display(widget)
    return widget


def open_overview(project: str | Path = "") -> CoderOverview:
    """The lead's coder overview for ``project`` (default ``$BWV_PROJECT``)."""
    return CoderOverview(_project(project)[1])


def open_codebook(project: str | Path = "") -> CodebookBrowser:
    """A searchable browser of the project's codebook."""
    return CodebookBrowser(_project(project)[2])
