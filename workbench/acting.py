"""Whom the command line acts as (``bwv --as USER``): read by ``Project.open_store``.

Kept in a module of its own, with no imports, so that the CLI can set it without loading the
store (``import workbench.cli`` stays light).
"""

from __future__ import annotations

_ACTING: dict[str, str | None] = {}


def act_as(user: str | None) -> None:
    """Open stores as ``user`` from now on (None: fall back to ``$BWV_USER``, else the owner)."""
    _ACTING["user"] = user or None


def acting_user() -> str | None:
    return _ACTING.get("user")
