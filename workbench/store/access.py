"""Who may call what on the store: one rule per public method, checked in one place.

A :class:`~workbench.store.Store` is opened *as* someone (``Store.open(url, as_user="c01")``);
the handle's :class:`Principal` holds their roles, coder status, grants and scopes, read from
the store when it is opened. Every public method declares its :class:`Rule` with the
:func:`rule` decorator; the decorator refuses a call whose rule none of the principal's roles
allows (:class:`AccessError`), and the method narrows the rows it reads or writes with the
helpers below (a coder's own rows; a reviewer blind to an audit sample; an analyst without
coder identities). ``tests/test_store_access.py`` lists the public methods by introspection
and fails on any without a rule.

A handle opened without ``as_user`` is the store's *owner* (every rule passes, the actor in
the audit is the one the caller names): on SQLite that is file-level trust — whoever can open
the file can do anything — and on PostgreSQL it is the database role of the connection, whose
rights the database enforces itself (:mod:`workbench.store.pg_security`).

The handle's ``transaction`` and ``engine`` attributes give a raw connection: the library's
rules do not apply to SQL sent through it, which is why a team server needs PostgreSQL's own
roles, and why SQLite is single-user trust.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from workbench.exceptions import AccessError
from workbench.model import CoderStatus, Grant, Scope, ScopeKind, UserRole

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute the :func:`rule` decorator sets on a method.
RULE_ATTR = "__access_rule__"
#: The actor recorded for the owner's own changes when the caller names nobody.
OWNER_ACTOR = "system"


class Rule(StrEnum):
    """Access rules of the store's public methods (the roles each allows: :data:`ALLOWED`)."""

    HANDLE = "handle"  # the handle itself: close, context manager, dialect
    READ_CORPUS = "read_corpus"  # clips, utterances (coders: their clips, hidden fields blank)
    WRITE_CORPUS = "write_corpus"  # ingest, metadata, bulk loads
    READ_PEOPLE = "read_people"  # coders and roles (coders, analysts: themselves only)
    MANAGE_PEOPLE = "manage_people"  # add people, change roles and grants
    CERTIFY = "certify"  # change a coder's status (trainee → certified → retired)
    ASSIGN = "assign"  # assign clips, scopes
    READ_ASSIGNMENTS = "read_assignments"  # coders: their own
    PROGRESS = "progress"  # a coder's place and status in their own clip
    CODE = "code"  # apply or remove a code, notes (own layer; reviewers: consensus, review)
    READ_ANNOTATIONS = "read_annotations"  # coders: their own; analysts: consensus only
    ADJUDICATE = "adjudicate"  # bulk consensus rows, status changes of many rows
    REGISTER_CODEBOOK = "register_codebook"  # record a codebook version in use
    READ_CODEBOOKS = "read_codebooks"
    READ_AUDIT = "read_audit"  # reviewers, admins; coders: their own events
    APPEND_AUDIT = "append_audit"  # the actor is always the handle's user
    RUN_SCREENING = "run_screening"  # create, close screenings (facilitators)
    JOIN_SCREENING = "join_screening"  # enrol a member with the access code (the panel app)
    ANSWER = "answer"  # a panel member's answers, in their own open screening only
    READ_PANEL = "read_panel"  # screenings and answers (members: their own)


_EVERYONE = frozenset(UserRole)
_CODING = frozenset({UserRole.CODER, UserRole.REVIEWER})
_STAFF = frozenset({UserRole.ADMIN, UserRole.REVIEWER})

#: Roles that may call a method of each rule (the owner may call everything).
ALLOWED: dict[Rule, frozenset[UserRole]] = {
    Rule.HANDLE: _EVERYONE,
    Rule.READ_CORPUS: _EVERYONE,
    Rule.WRITE_CORPUS: frozenset({UserRole.ADMIN}),
    Rule.READ_PEOPLE: _EVERYONE,
    Rule.MANAGE_PEOPLE: frozenset({UserRole.ADMIN}),
    Rule.CERTIFY: frozenset({UserRole.REVIEWER}),
    Rule.ASSIGN: _STAFF,
    Rule.READ_ASSIGNMENTS: _STAFF | {UserRole.CODER, UserRole.ANALYST},
    Rule.PROGRESS: _CODING | {UserRole.ADMIN},
    Rule.CODE: _CODING,
    Rule.READ_ANNOTATIONS: _STAFF | {UserRole.CODER, UserRole.ANALYST},
    Rule.ADJUDICATE: _STAFF,
    Rule.REGISTER_CODEBOOK: _STAFF | {UserRole.CODER},
    Rule.READ_CODEBOOKS: _EVERYONE,
    Rule.READ_AUDIT: _STAFF | {UserRole.CODER},
    Rule.APPEND_AUDIT: _EVERYONE,
    Rule.RUN_SCREENING: frozenset({UserRole.FACILITATOR}),
    Rule.JOIN_SCREENING: frozenset({UserRole.FACILITATOR}),
    Rule.ANSWER: frozenset({UserRole.PANEL_MEMBER}),
    Rule.READ_PANEL: frozenset({UserRole.FACILITATOR, UserRole.ADMIN, UserRole.ANALYST,
                                UserRole.PANEL_MEMBER}),
}


@dataclass(frozen=True)
class Principal:
    """Who a store handle acts for; ``user_id`` None is the store's owner (see module doc)."""

    user_id: str | None
    roles: frozenset[UserRole] = frozenset()
    status: CoderStatus | None = None
    grants: frozenset[Grant] = frozenset()
    scopes: tuple[Scope, ...] = ()

    @classmethod
    def owner(cls) -> Principal:
        return cls(None, frozenset(UserRole))

    @property
    def is_owner(self) -> bool:
        return self.user_id is None

    @property
    def name(self) -> str:
        return self.user_id or "the store owner"

    def has(self, role: UserRole) -> bool:
        return self.is_owner or role in self.roles

    def granted(self, grant: Grant) -> bool:
        return self.is_owner or grant in self.grants

    def may(self, rule_: Rule) -> bool:
        return self.is_owner or bool(self.roles & ALLOWED[rule_])

    def require(self, rule_: Rule, what: str) -> None:
        """Raise :class:`AccessError` unless one of the roles allows ``rule_``."""
        if not self.may(rule_):
            roles = ", ".join(sorted(self.roles)) or "no role"
            allowed = ", ".join(sorted(ALLOWED[rule_]))
            raise AccessError(f"{self.name} ({roles}) may not {what}: rule {rule_} is for "
                              f"{allowed}")

    def require_role(self, role: UserRole, what: str) -> None:
        if not self.has(role):
            raise AccessError(f"{self.name} may not {what}: only a {role} may")

    def acting_as(self, actor: str | None) -> str:
        """The actor to record: the owner names anyone; a user acts only as themselves."""
        if self.is_owner:
            return actor or OWNER_ACTOR
        if actor in (None, OWNER_ACTOR, self.user_id):
            return str(self.user_id)
        raise AccessError(f"{self.user_id} may not act as {actor!r}")

    def require_self(self, user_id: str, what: str) -> None:
        """Unless owner: ``user_id`` must be the handle's own user."""
        if not self.is_owner and user_id != self.user_id:
            raise AccessError(f"{self.user_id} may not {what} for {user_id!r}: only their own")

    # ---- row filters -------------------------------------------------------------------------
    @property
    def sees_all_people(self) -> bool:
        return (self.is_owner or bool(self.roles & {UserRole.ADMIN, UserRole.REVIEWER,
                                                    UserRole.FACILITATOR})
                or self.granted(Grant.CODER_IDENTITIES))

    @property
    def coder_only(self) -> bool:
        """Sees only their own coding work and their own clips (no reviewer/admin role)."""
        return not self.is_owner and not self.roles & {UserRole.ADMIN, UserRole.REVIEWER,
                                                       UserRole.ANALYST, UserRole.FACILITATOR}

    @property
    def sees_hidden_metadata(self) -> bool:
        """Outcome and subject demographics (coders are blind to them, see coding.visibility)."""
        return self.is_owner or bool(self.roles & {UserRole.ADMIN, UserRole.REVIEWER,
                                                   UserRole.ANALYST, UserRole.FACILITATOR})

    @property
    def screening_only(self) -> bool:
        """A panel member with no other role: only their screenings' clips, redacted."""
        return not self.is_owner and self.roles <= {UserRole.PANEL_MEMBER}

    def scoped_clips(self, kind: ScopeKind) -> frozenset[str]:
        """Clips of the active scopes of ``kind``."""
        return frozenset().union(*(s.clip_ids for s in self.scopes
                                   if s.kind == kind and s.active))

    @property
    def blind_clips(self) -> frozenset[str]:
        """Clips whose coder and consensus layers this handle may not read (audit samples)."""
        return self.scoped_clips(ScopeKind.AUDIT_SAMPLE)


def rule(rule_: Rule) -> Callable[[F], F]:
    """Declare a public store method's access rule; calls are refused unless it allows them."""

    def decorate(method: F) -> F:
        what = method.__name__.replace("_", " ")

        @functools.wraps(method)
        def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
            self.principal.require(rule_, what)
            return method(self, *args, **kwargs)

        setattr(guarded, RULE_ATTR, rule_)
        return guarded  # type: ignore[return-value]

    return decorate


def rule_of(member: object) -> Rule | None:
    """The rule a method (or property getter) declares, None if it declares none."""
    target = member.fget if isinstance(member, property) else member
    return getattr(target, RULE_ATTR, None)


def pseudonym(coder_id: str, known: list[str]) -> str:
    """A coder id shown to someone without :data:`Grant.CODER_IDENTITIES`: ``coder-N``."""
    return f"coder-{known.index(coder_id) + 1}" if coder_id in known else "coder-?"
