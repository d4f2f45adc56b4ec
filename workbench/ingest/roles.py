"""Speaker label → role (officer, subject, third party, unknown).

The project config's ``speakers`` list holds the rules, tried in order, first match wins::

    speakers:
      - {pattern: '^(PC|PS|Sgt|Officer)\\b', role: officer}   # regex, case-insensitive
      - {label: SPEAKER_01, role: subject}                   # one exact label (any case)

Explicit ``label`` entries win over every pattern. A label no rule matches gets ``unknown``;
so does the empty label of an unlabelled caption. The default rules are
:data:`workbench.project.DEFAULT_SPEAKER_RULES`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from workbench.exceptions import ParameterError
from workbench.model import Role

_ROLES = ", ".join(r.value for r in Role)


def _role(value: object, where: str) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise ParameterError(f"unknown role {value!r}; expected one of {_ROLES}",
                             field=where) from None


@dataclass
class SpeakerRoles:
    """Maps speaker labels to roles; build it with :meth:`from_config`.

    >>> roles = SpeakerRoles.from_config([{"pattern": r"^PC\\b", "role": "officer"}],
    ...                                  labels={"SPEAKER_01": "subject"})
    >>> roles.role("pc Smith"), roles.role("speaker_01"), roles.role("Bystander")
    (<Role.OFFICER: 'officer'>, <Role.SUBJECT: 'subject'>, <Role.UNKNOWN: 'unknown'>)
    """

    patterns: list[tuple[re.Pattern[str], Role]]
    labels: dict[str, Role] = field(default_factory=dict)
    _cache: dict[str, Role] = field(default_factory=dict, repr=False)

    @classmethod
    def from_config(cls, rules: Sequence[Mapping[str, object]] | None = None,
                    labels: Mapping[str, str | Role] | None = None) -> SpeakerRoles:
        """Rules as in the project config (default: the project's default rules).

        Raises
        ------
        ParameterError
            naming the rule (``speakers[i]``) with a bad regex, a missing key or an unknown role.
        """
        if rules is None:
            from workbench.project import DEFAULT_SPEAKER_RULES
            rules = DEFAULT_SPEAKER_RULES
        patterns: list[tuple[re.Pattern[str], Role]] = []
        exact: dict[str, Role] = {}
        for i, rule in enumerate(rules):
            where = f"speakers[{i}]"
            if not isinstance(rule, Mapping) or "role" not in rule or not (
                    "pattern" in rule or "label" in rule):
                raise ParameterError(f"expected {{pattern: REGEX, role: ROLE}} or {{label: "
                                     f"LABEL, role: ROLE}}, got {rule!r}", field=where)
            role = _role(rule["role"], f"{where}.role")
            if "label" in rule:
                exact[" ".join(str(rule["label"]).split()).casefold()] = role
                continue
            try:
                patterns.append((re.compile(str(rule["pattern"]), re.IGNORECASE), role))
            except re.error as exc:
                raise ParameterError(f"invalid regular expression {rule['pattern']!r}: {exc}; "
                                     "expected a Python regular expression",
                                     field=f"{where}.pattern") from None
        for label, role in (labels or {}).items():
            exact[" ".join(str(label).split()).casefold()] = _role(role, f"labels[{label!r}]")
        return cls(patterns, exact)

    @classmethod
    def coerce(cls, value: SpeakerRoles | Sequence[Mapping[str, object]] | None) -> SpeakerRoles:
        """``value`` itself, or rules built from a config list (None: the defaults)."""
        return value if isinstance(value, SpeakerRoles) else cls.from_config(value)

    def role(self, label: str) -> Role:
        """The role of a speaker label; ``unknown`` when no rule matches."""
        found = self._cache.get(label)
        if found is None:
            found = self.labels.get(" ".join(label.split()).casefold())
            if found is None:
                found = next((role for pattern, role in self.patterns
                              if label and pattern.search(label.strip())), Role.UNKNOWN)
            self._cache[label] = found
        return found
