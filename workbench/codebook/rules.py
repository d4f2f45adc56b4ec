"""Migration declarations: how the codes of an older version map onto this version.

A new version may declare, in YAML::

    migrations:
      from: 1.0.0
      rules:
        - rename: {from: deesc_humanises, to: deesc_rapport}
        - merge: {from: [esc_threat, esc_accusation], to: esc_threat_or_accusation}
        - split: {from: pj_courtesy, to: [pj_courtesy_formal, pj_courtesy_greeting]}
        - retire: some_old_code
        - recode_options: {code: out_disposal, map: {drugs_warning: cannabis_khat_warning}}

``rename`` and ``merge`` relabel annotations (values carried over, or mapped with ``values``);
``split`` never guesses: its annotations need re-coding; ``retire`` keeps them under the old
version, flagged. The rules are checked against this version when the codebook is loaded, and
against the older version when a migration is planned.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from workbench.codebook.fields import CodebookProblem, SemVer, Slug, Strict, version_key

if TYPE_CHECKING:
    from workbench.codebook.schema import Code

RuleKind = Literal["rename", "merge", "split", "retire", "recode_options"]
RULE_KINDS: tuple[RuleKind, ...] = ("rename", "merge", "split", "retire", "recode_options")


class Rename(Strict):
    """``from`` is now called ``to``; ``values`` maps old option keys to new ones."""

    from_: Slug = Field(alias="from")
    to: Slug
    values: dict[str, str] = {}


class Merge(Strict):
    """Several old codes become one; ``values`` maps old option keys to the target's keys."""

    from_: list[Slug] = Field(alias="from", min_length=2)
    to: Slug
    values: dict[str, str] = {}


class Split(Strict):
    """One old code becomes several: its annotations must be re-coded by a person."""

    from_: Slug = Field(alias="from")
    to: list[Slug] = Field(min_length=2)


class RecodeOptions(Strict):
    """A code keeps its id but some option keys change: ``map`` old key → new key."""

    code: Slug
    map: dict[str, str] = Field(min_length=1)


class MigrationRule(Strict):
    """Exactly one of the rule kinds."""

    rename: Rename | None = None
    merge: Merge | None = None
    split: Split | None = None
    retire: Slug | None = None
    recode_options: RecodeOptions | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> MigrationRule:
        given = [k for k in RULE_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a rule has exactly one of {', '.join(RULE_KINDS)}; found {given or 'none'}")
        return self

    @property
    def kind(self) -> RuleKind:
        return next(k for k in RULE_KINDS if getattr(self, k) is not None)

    def sources(self) -> list[str]:
        """Old code ids this rule consumes (recode_options consumes none)."""
        if self.rename is not None:
            return [self.rename.from_]
        if self.merge is not None:
            return list(self.merge.from_)
        if self.split is not None:
            return [self.split.from_]
        if self.retire is not None:
            return [self.retire]
        return []

    def targets(self) -> list[str]:
        """New code ids this rule produces or changes."""
        if self.rename is not None:
            return [self.rename.to]
        if self.merge is not None:
            return [self.merge.to]
        if self.split is not None:
            return list(self.split.to)
        if self.recode_options is not None:
            return [self.recode_options.code]
        return []


class Migrations(Strict):
    """The rules mapping version ``from`` onto the version declaring them."""

    from_: SemVer = Field(alias="from")
    rules: list[MigrationRule] = Field(default_factory=list)

    def rule_for(self, old_code_id: str) -> MigrationRule | None:
        """The rename/merge/split/retire rule consuming ``old_code_id``, if any."""
        return next((r for r in self.rules if old_code_id in r.sources()), None)

    def recode_map(self, code_id: str) -> dict[str, str]:
        """Option key map declared by ``recode_options`` for ``code_id`` (empty if none)."""
        for rule in self.rules:
            if rule.recode_options is not None and rule.recode_options.code == code_id:
                return dict(rule.recode_options.map)
        return {}


def check_migrations(migrations: Migrations, version: str,
                     codes: Mapping[str, Code]) -> Iterator[CodebookProblem]:
    """Problems of the declarations against the version declaring them (``codes`` by id)."""
    if version_key(migrations.from_) >= version_key(version):
        yield CodebookProblem(
            f"migrations.from ({migrations.from_}) must be an older version than {version}",
            field="migrations.from", loc=("migrations", "from"))
    consumed: dict[str, int] = {}
    for i, rule in enumerate(migrations.rules):
        kind = rule.kind
        loc: tuple[str | int, ...] = ("migrations", "rules", i, kind)
        field = f"migrations.rules[{i}].{kind}"
        for target in rule.targets():
            if target not in codes:
                yield CodebookProblem(
                    f"{kind} names '{target}', which is not a code of version {version}",
                    code_id=target, field=field, loc=loc)
        merge_target = rule.merge.to if rule.merge is not None else None
        for source in rule.sources():
            if source in codes and source != merge_target:
                yield CodebookProblem(
                    f"{kind} consumes '{source}', but version {version} still defines it",
                    code_id=source, field=field, loc=loc)
            if source in consumed:
                yield CodebookProblem(
                    f"'{source}' is consumed by two rules (#{consumed[source]} and #{i}); "
                    "an old code maps in one way only", code_id=source, field=field, loc=loc)
            consumed[source] = i
        value_map = _value_map(rule)
        target_id = rule.targets()[0] if value_map else None
        if target_id is not None and target_id in codes:
            allowed = codes[target_id].option_keys()
            for old, new in value_map.items():
                if new not in allowed:
                    yield CodebookProblem(
                        f"{kind} maps '{old}' to '{new}', not a value of '{target_id}'; "
                        f"allowed: {', '.join(allowed)}", code_id=target_id, field=field,
                        loc=loc)


def _value_map(rule: MigrationRule) -> dict[str, str]:
    if rule.rename is not None:
        return rule.rename.values
    if rule.merge is not None:
        return rule.merge.values
    if rule.recode_options is not None:
        return rule.recode_options.map
    return {}
