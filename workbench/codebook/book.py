"""The :class:`Codebook`: a named, semantically versioned, validated set of codes.

Validation runs when the object is built (fail early): structural checks by pydantic, then the
cross-field checks here (unique ids, known groups, shortcut clashes, migration rules, derived
measures). The first problem found is raised as a :class:`CodebookError` naming the code and
field; :func:`workbench.codebook.loading.load_codebook` adds the file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, model_validator

from workbench.codebook.fields import (
    CodebookId,
    CodebookProblem,
    OptionalText,
    SemVer,
    Strict,
    Text,
)
from workbench.codebook.identity import canonical_json, content_hash
from workbench.codebook.measures import DerivedMeasure, check_measures
from workbench.codebook.rules import Migrations, check_migrations
from workbench.codebook.schema import ChangelogEntry, Code, Group
from workbench.exceptions import CodebookError
from workbench.model import CodebookRef, Role, UnitType

ROLES: tuple[str, ...] = tuple(r.value for r in Role)


class Codebook(Strict):
    """A codebook version. Build with :func:`workbench.codebook.load_codebook`.

    ``hash`` identifies the content (sha256 of canonical JSON; see
    :mod:`workbench.codebook.identity`); ``source_path`` is where it was read from.
    """

    id: CodebookId
    version: SemVer
    title: Text
    description: OptionalText = ""
    changelog: list[ChangelogEntry] = []
    groups: list[Group] = Field(min_length=1)
    codes: list[Code] = Field(min_length=1)
    migrations: Migrations | None = None
    derived: list[DerivedMeasure] = []

    _source_path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> Codebook:
        first = next(self._problems(), None)
        if first is not None:
            raise first
        return self

    def _problems(self) -> Iterator[CodebookProblem]:
        group_ids = [g.id for g in self.groups]
        for i, group_id in enumerate(group_ids):
            if group_id in group_ids[:i]:
                yield CodebookProblem(f"group id '{group_id}' is used twice",
                                      field="groups", loc=("groups", i, "id"))
        seen: dict[str, int] = {}
        shortcuts: dict[tuple[str, str], str] = {}
        for i, code in enumerate(self.codes):
            if code.id in seen:
                yield CodebookProblem(
                    f"duplicate code id (also code #{seen[code.id] + 1}); ids must be unique",
                    code_id=code.id, field="id", loc=("codes", i, "id"))
            seen.setdefault(code.id, i)
            if code.group not in group_ids:
                yield CodebookProblem(
                    f"unknown group '{code.group}'; groups: {', '.join(group_ids)}",
                    code_id=code.id, field="group", loc=("codes", i, "group"))
            if code.shortcut is not None:
                key = (code.group, code.shortcut.lower())
                if key in shortcuts:
                    yield CodebookProblem(
                        f"shortcut '{code.shortcut}' is already used by '{shortcuts[key]}' in "
                        f"group '{code.group}'", code_id=code.id, field="shortcut",
                        loc=("codes", i, "shortcut"))
                shortcuts.setdefault(key, code.id)
        by_id = {c.id: c for c in self.codes}
        if self.migrations is not None:
            yield from check_migrations(self.migrations, self.version, by_id)
        yield from check_measures(self.derived, by_id)

    # ---- identity --------------------------------------------------------------------------
    @cached_property
    def hash(self) -> str:
        """sha256 (hex) of the canonical JSON of the validated content."""
        return content_hash(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Codebook:
        """A copy without the cached hash and look-ups (they would be stale after ``update``).

        Note that pydantic does not validate ``update``; prefer ``model_validate``.
        """
        copy = super().model_copy(update=update, deep=deep)
        for cached in ("hash", "_by_id"):
            copy.__dict__.pop(cached, None)
        return copy

    def canonical_json(self) -> str:
        return canonical_json(self)

    @property
    def ref(self) -> CodebookRef:
        """What an annotation records: id, version and hash."""
        return CodebookRef(self.id, self.version, self.hash)

    @property
    def source_path(self) -> Path | None:
        return self._source_path

    @property
    def label(self) -> str:
        """``id@version``, as used on the command line."""
        return f"{self.id}@{self.version}"

    # ---- look-ups --------------------------------------------------------------------------
    @cached_property
    def _by_id(self) -> dict[str, Code]:
        return {c.id: c for c in self.codes}

    @property
    def code_ids(self) -> list[str]:
        return [c.id for c in self.codes]

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._by_id

    def code(self, code_id: str) -> Code:
        """The code with this id, or :class:`CodebookError` suggesting near matches."""
        try:
            return self._by_id[code_id]
        except KeyError:
            near = difflib.get_close_matches(code_id, self._by_id, n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise CodebookError(f"not a code of {self.label}{hint}", code_id=code_id,
                                path=self.source_path, field="code_id") from None

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise CodebookError(f"unknown group '{group_id}' in {self.label}; groups: "
                            f"{', '.join(g.id for g in self.groups)}", field="group")

    def codes_in(self, group_id: str) -> list[Code]:
        """Codes of one group, in codebook order."""
        self.group(group_id)
        return [c for c in self.codes if c.group == group_id]

    def codes_for(self, unit: UnitType | str, role: Role | str | None = None) -> list[Code]:
        """Codes a coder may apply to a unit, in codebook order.

        Parameters
        ----------
        unit : "utterance" or "clip".
        role : speaker role of the turn (officer, subject, third_party, unknown); codes that
            apply to "any" apply to every role. None: every code of the unit.
        """
        if str(unit) not in {u.value for u in UnitType}:
            raise CodebookError(f"unknown unit '{unit}'; expected utterance or clip",
                                field="unit")
        if role is not None and str(role) not in ROLES:
            raise CodebookError(f"unknown role '{role}'; expected one of {', '.join(ROLES)}",
                                field="role")
        return [c for c in self.codes if c.unit == str(unit)
                and (role is None or c.applies_to_role(str(role)))]

    def option_keys(self, code_id: str) -> list[str]:
        """Allowed stored values of a code (see :meth:`Code.option_keys`)."""
        return self.code(code_id).option_keys()

    def ordinal_rank(self, code_id: str, key: str) -> int | None:
        """0-based rank of ``key`` on an ordinal code's scale; None for not_applicable."""
        return self.code(code_id).ordinal_rank(key)

    def validate_value(self, code_id: str, value: str) -> str:
        """Return ``value`` if ``code_id`` may take it; else :class:`CodebookError`."""
        return self.code(code_id).validate_value(value)

    def measure(self, measure_id: str) -> DerivedMeasure:
        for measure in self.derived:
            if measure.id == measure_id:
                return measure
        raise CodebookError(f"unknown derived measure '{measure_id}'; known: "
                            f"{', '.join(m.id for m in self.derived) or '(none)'}",
                            field="derived")
