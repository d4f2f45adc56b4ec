"""Jupyter widgets of the workbench: coding session, codebook browser, coder overview.

They render objects of :mod:`workbench.coding` and forward events to them; no rule, SQL or
statistic lives here. Start from :func:`start_session` (see ``notebooks/code_clips.ipynb``)
or :func:`review` (``notebooks/review.ipynb``).
"""

from widgets.codes import CodePanel
from widgets.help import CodebookBrowser, HelpPanel
from widgets.launch import open_codebook, open_overview, recode_audit, review, start_session
from widgets.media import MediaPlayer
from widgets.overview import CoderOverview
from widgets.progress import ProgressIndicator
from widgets.queue import QueuePanel
from widgets.session import SessionWidget
from widgets.transcript import TranscriptView

__all__ = [
    "CodePanel",
    "CodebookBrowser",
    "CoderOverview",
    "HelpPanel",
    "MediaPlayer",
    "ProgressIndicator",
    "QueuePanel",
    "SessionWidget",
    "TranscriptView",
    "open_codebook",
    "open_overview",
    "recode_audit",
    "review",
    "start_session",
]
