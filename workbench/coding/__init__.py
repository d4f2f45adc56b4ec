"""Coding sessions without UI: queue, navigation, applying codes, notes, blind coding, pace.

The Jupyter widgets in ``widgets/`` render these objects and forward events to them.
"""

from workbench.coding.lookup import CodeHelp, code_help, search_codes
from workbench.coding.overview import CoderPace, active_hours, coder_overview
from workbench.coding.queue import Progress, QueueEntry, resume_clip
from workbench.coding.session import Change, CodingSession, TurnState, grouped
from workbench.coding.visibility import HIDDEN_FIELDS, VISIBLE_FIELDS, visible_metadata

__all__ = [
    "HIDDEN_FIELDS",
    "VISIBLE_FIELDS",
    "Change",
    "CodeHelp",
    "CoderPace",
    "CodingSession",
    "Progress",
    "QueueEntry",
    "TurnState",
    "active_hours",
    "code_help",
    "coder_overview",
    "grouped",
    "resume_clip",
    "search_codes",
    "visible_metadata",
]
