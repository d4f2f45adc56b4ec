"""Consent and retention of panel members' data: settings with stated defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from workbench import textfiles
from workbench.exceptions import ParameterError

#: What a member agrees to when joining (``{days}``: the retention period). The store's
#: audit record of the join keeps this text's SHA-256.
CONSENT_STATEMENT = (
    "I agree that my answers, my pseudonym and the details I give about myself are stored "
    "for this panel's learning reports. My comments, pseudonym and those details are erased "
    "{days} days after the screening closes; reports show only redacted, unattributed "
    "quotes and pooled group figures.")


@dataclass(frozen=True)
class PanelSettings:
    """How members' data are kept (defaults stated in the README, "Panels").

    Consent is not a setting: the store refuses a join without it
    (:meth:`Store.join_screening`) and records it. ``retention_days``: comments, pseudonyms
    and the self-described groups are kept this long after the screening closes (default
    365: a year covers four quarterly reports), then erased by
    :meth:`Store.expire_panel_data` (``bwv panel expire``). ``min_group_cell``: the
    disclosure threshold of group breakdowns (default 10 members,
    :data:`workbench.privacy.disclosure.DEFAULT_THRESHOLD`).

    A project sets them in ``bwv.yaml``: ``panels: {retention_days: 180}``.
    """

    retention_days: int = 365
    min_group_cell: int = 10

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ParameterError(f"{f.name} = {value!r}: a whole number, at least 1",
                                     field=f"panels.{f.name}")

    @property
    def consent_statement(self) -> str:
        return CONSENT_STATEMENT.format(days=self.retention_days)

    @classmethod
    def from_project(cls, root: str | Path) -> PanelSettings:
        """The ``panels:`` section of ``root/bwv.yaml`` (defaults for what it leaves out)."""
        path = Path(root) / "bwv.yaml"
        data, _ = textfiles.load_yaml(path, error=ParameterError)
        section = (data or {}).get("panels") or {} if isinstance(data, dict) else {}
        if not isinstance(section, dict):
            raise ParameterError("expected a mapping, e.g. {retention_days: 365}", path=path,
                                 field="panels")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(section) - known)
        if unknown:
            raise ParameterError(f"unknown panel settings {unknown}; known: "
                                 f"{', '.join(sorted(known))}", path=path, field="panels")
        try:
            return cls(**section)
        except ParameterError as exc:
            raise ParameterError(exc.message, path=path, field=exc.field) from None
