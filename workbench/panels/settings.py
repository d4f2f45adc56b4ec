"""Consent and retention of panel members' data: settings with stated defaults."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.exceptions import ParameterError


@dataclass(frozen=True)
class PanelSettings:
    """How members' data are kept (defaults stated in the README, "Panels").

    Consent is not a setting: the store refuses a join without it
    (:meth:`Store.join_screening`). ``retention_days``: answers and the self-described
    group are kept this long after the screening closes (default 365: a year covers four
    quarterly reports), then erased. ``min_group_cell``: the disclosure threshold of group
    breakdowns (default 10, :data:`workbench.privacy.disclosure.DEFAULT_THRESHOLD`).
    """

    retention_days: int = 365
    min_group_cell: int = 10

    def __post_init__(self) -> None:
        if self.retention_days < 1:
            raise ParameterError(f"retention_days = {self.retention_days}: at least 1")
        if self.min_group_cell < 1:
            raise ParameterError(f"min_group_cell = {self.min_group_cell}: at least 1")
