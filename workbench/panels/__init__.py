"""Community panel screenings: facilitators show redacted clips to panel members, who rate,
flag and comment; the answers are compared with the coders and grouped into themes.

The data live in the store (:mod:`workbench.store.screenings`, mixed into ``Store``: its
roles, scopes, redaction and audit trail apply); the member's page is a small ASGI app
(:mod:`workbench.panels.app`).
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
