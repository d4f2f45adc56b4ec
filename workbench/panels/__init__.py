"""Community panel screenings: facilitators show redacted clips to panel members, who rate,
flag and comment; the answers are compared with the coders and grouped into themes.

The data live in the store (:mod:`workbench.store.screenings`, mixed into ``Store``: its
roles, scopes, redaction and audit trail apply; the facilitator's rules, accepted themes,
logins and the retention step in :mod:`workbench.store.panel_learning`); the members' and
facilitators' pages are a small ASGI app (:mod:`workbench.panels.app`,
:mod:`workbench.panels.facilitator`); the quarterly learning report is
:mod:`workbench.panels.learning` (data) and :mod:`workbench.panels.learning_report`.
"""

from workbench.panels.selection import at_random, by_hand, by_rule
from workbench.panels.settings import PanelSettings
from workbench.store.screenings import (
    FELT_ITEMS,
    FLAG_VALUES,
    PJ_DIMENSIONS,
    RATING_ITEMS,
    PanelAction,
    PanelAnswer,
    PanelMember,
    Screening,
)

__all__ = ["FELT_ITEMS", "FLAG_VALUES", "PJ_DIMENSIONS", "RATING_ITEMS", "PanelAction",
           "PanelAnswer", "PanelMember", "PanelSettings", "Screening", "at_random", "by_hand",
           "by_rule"]
