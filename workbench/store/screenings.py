"""Panel screenings, their members and answers (mixed into ``Store``; front door
:mod:`workbench.panels`).

A facilitator creates a screening with an access code (only a salted SHA-256 of it is kept);
a member joins with that code under a pseudonym and becomes a person of role
``panel_member`` whose scope (:data:`ScopeKind.SCREENING`) is the screening's clips — so the
store's own clip filter and redaction (:meth:`Store.utterances`) decide what they read. Each
answer (a rating, a flag on a transcript moment, a comment) is saved on its own, as it is
given; closing a screening ends the members' scopes, after which they read nothing and
answer nothing. Every write is audited with hashes of content, never the content.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from workbench.exceptions import AccessError, StoreError
from workbench.model import CoderStatus, ScopeKind, UserRole
from workbench.store import schema
from workbench.store.access import Principal, Rule, rule
from workbench.store.connection import utc_now

if TYPE_CHECKING:
    from workbench.store.connection import TransactionScope

SC, PM, PA, S = schema.screenings, schema.panel_members, schema.panel_answers, schema.scopes
ACT = schema.panel_actions
#: The columns of a screening every reader may see (not the access code's salt and hash).
_LISTED = tuple(c for c in SC.c if c.name not in ("code_salt", "code_hash"))

#: The four procedural-justice dimensions (codebook derived scores of the same ids).
PJ_DIMENSIONS: tuple[str, ...] = ("pj_voice", "pj_neutrality", "pj_respect", "pj_trust")
#: How the encounter felt, each rated like a dimension.
FELT_ITEMS: tuple[str, ...] = ("respectful", "fair", "explained", "escalating", "safe")
RATING_ITEMS: tuple[str, ...] = PJ_DIMENSIONS + FELT_ITEMS
#: Ratings are 1 (not at all) … 5 (completely).
RATING_VALUES: tuple[str, ...] = ("1", "2", "3", "4", "5")
FLAG_VALUES: tuple[str, ...] = ("good_practice", "concern")
ANSWER_KINDS: tuple[str, ...] = ("rating", "flag", "comment")
MAX_COMMENT = 4000  # characters
MIN_CODE = 6  # characters of an access code


@dataclass(frozen=True)
class Screening:
    """A screening: ``panel`` on ``held_on``, showing ``clip_ids``; ``selection`` says how."""

    screening_id: str
    panel: str
    held_on: date
    clip_ids: tuple[str, ...]
    selection: dict[str, Any] = field(default_factory=dict)
    status: str = "open"
    media_reviewed: bool = False


@dataclass(frozen=True)
class PanelMember:
    """A member of one screening; ``pseudonym`` blank for readers who may not see it."""

    member_id: str
    screening_id: str
    pseudonym: str
    group: dict[str, str]
    consent: bool


@dataclass(frozen=True)
class PanelAction:
    """An action recorded against a theme: ``what``, by ``who`` (a team), by ``due``."""

    action_id: int
    theme: str
    what: str
    who: str
    due: date
    done: bool


@dataclass(frozen=True)
class PanelAnswer:
    """One answer: ``kind`` rating (item a dimension), flag (item an utterance index) or
    comment (item "")."""

    member_id: str
    screening_id: str
    clip_id: str
    kind: str
    item: str
    value: str


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def check_answer(kind: str, item: str, value: str, n_utterances: int) -> None:
    """Refuse an answer outside its kind's items and values (:class:`StoreError`)."""
    if kind not in ANSWER_KINDS:
        raise StoreError(f"answer kind {kind!r}: expected one of {', '.join(ANSWER_KINDS)}")
    if kind == "rating":
        if item not in RATING_ITEMS:
            raise StoreError(f"rating item {item!r}: expected one of {', '.join(RATING_ITEMS)}")
        if value not in (*RATING_VALUES, ""):
            raise StoreError(f"rating {item} = {value!r}: expected 1–5, or blank to clear")
    elif kind == "flag":
        if not item.isdigit() or int(item) >= n_utterances:
            raise StoreError(f"flag on moment {item!r}: expected a turn number 0–"
                             f"{n_utterances - 1}")
        if value not in (*FLAG_VALUES, ""):
            raise StoreError(f"flag {value!r}: expected good_practice, concern or blank")
    else:
        if item != "":
            raise StoreError("a comment has no item")
        if len(value) > MAX_COMMENT:
            raise StoreError(f"comment of {len(value)} characters: at most {MAX_COMMENT}")


class ScreeningQueries:
    """Screening operations; requires ``transaction``, ``principal``, ``audit`` and the
    clip reads of ``Store``."""

    transaction: TransactionScope
    principal: Principal

    def audit(self, actor: str, action: str, clip_id: str | None = None,
              **detail: Any) -> Any:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def has_clip(self, clip_id: str) -> bool:  # pragma: no cover - provided by Store
        raise NotImplementedError

    # ---- facilitator -----------------------------------------------------------------------
    @rule(Rule.RUN_SCREENING)
    def create_screening(self, panel: str, held_on: date, clip_ids: Iterable[str],
                         access_code: str, *, selection: dict[str, Any] | None = None,
                         media_reviewed: bool = False,
                         screening_id: str | None = None) -> Screening:
        """Create an open screening of ``clip_ids`` (facilitator; audited without the code)."""
        clips = tuple(dict.fromkeys(clip_ids))
        if not panel.strip():
            raise StoreError("a screening needs the panel's name")
        if not clips:
            raise StoreError("a screening needs at least one clip")
        if len(access_code) < MIN_CODE:
            raise StoreError(f"access code: at least {MIN_CODE} characters")
        unknown = [c for c in clips if not self.has_clip(c)]
        if unknown:
            raise StoreError(f"unknown clips for the screening: {', '.join(unknown)}")
        sid = screening_id or f"scr-{held_on:%Y%m%d}-{secrets.token_hex(3)}"
        salt = secrets.token_hex(8)
        with self.transaction() as conn:
            if conn.execute(sa.select(SC.c.screening_id).where(
                    SC.c.screening_id == sid)).first():
                raise StoreError(f"screening {sid!r} exists already")
            conn.execute(SC.insert(), {
                "screening_id": sid, "panel": panel, "held_on": held_on,
                "clip_ids": list(clips), "selection": selection or {"method": "by_hand"},
                "code_salt": salt, "code_hash": _sha(salt + access_code), "status": "open",
                "media_reviewed": media_reviewed,
                "created_by": self.principal.acting_as(None), "created_at": utc_now()})
            self.audit(self.principal.acting_as(None), "screening_created", screening=sid,
                       panel=panel, n_clips=len(clips), new_content=list(clips))
        return self.screening(sid)

    @rule(Rule.RUN_SCREENING)
    def close_screening(self, screening_id: str) -> int:
        """Close a screening and end its members' scopes; returns members closed out."""
        with self.transaction() as conn:
            self._screening_row(conn, screening_id)
            conn.execute(SC.update().where(SC.c.screening_id == screening_id).values(
                status="closed", closed_at=utc_now()))
            n = conn.execute(S.update().where(
                (S.c.kind == str(ScopeKind.SCREENING)) & (S.c.ref == screening_id)
                & S.c.active.is_(True)).values(active=False)).rowcount
            self.audit(self.principal.acting_as(None), "screening_closed",
                       screening=screening_id, members=n)
            return n

    @rule(Rule.RUN_SCREENING)
    def record_action(self, theme: str, what: str, who: str, due: date) -> int:
        """Record an action against a theme (facilitator; audited); returns its id."""
        for name, text in (("theme", theme), ("what", what), ("who", who)):
            if not text.strip():
                raise StoreError(f"an action needs {name!r}")
        with self.transaction() as conn:
            action_id = conn.execute(ACT.insert().returning(ACT.c.action_id), {
                "theme": theme, "what": what, "who": who, "due": due, "done": False,
                "recorded_by": self.principal.acting_as(None),
                "recorded_at": utc_now()}).scalar_one()
            self.audit(self.principal.acting_as(None), "panel_action", action_no=action_id,
                       theme=theme, new_content=what)
            return int(action_id)

    @rule(Rule.RUN_SCREENING)
    def set_action_done(self, action_id: int, done: bool = True) -> None:
        """Mark an action done (or not done again; audited)."""
        with self.transaction() as conn:
            n = conn.execute(ACT.update().where(ACT.c.action_id == action_id).values(
                done=done, done_at=utc_now() if done else None)).rowcount
            if not n:
                raise StoreError(f"unknown action {action_id}")
            self.audit(self.principal.acting_as(None), "panel_action_done",
                       action_no=action_id, done=done)

    @rule(Rule.READ_PANEL)
    def panel_actions(self) -> list[PanelAction]:
        """Actions by due date (panel members: none)."""
        if self.principal.screening_only:
            return []
        with self.transaction.read() as conn:
            return [PanelAction(r.action_id, r.theme, r.what, r.who, r.due, bool(r.done))
                    for r in conn.execute(sa.select(ACT).order_by(ACT.c.due,
                                                                   ACT.c.action_id))]

    # ---- joining (the panel app's handle) --------------------------------------------------
    @rule(Rule.JOIN_SCREENING)
    def join_screening(self, screening_id: str, access_code: str, pseudonym: str, *,
                       group: dict[str, str] | None = None, consent: bool = False,
                       consent_statement: str = "") -> tuple[str, str]:
        """Enrol a member: returns (member id, session token). Wrong code or a closed
        screening: :class:`AccessError`; no consent or a taken pseudonym: :class:`StoreError`.
        The consent is recorded with the member (and the time they joined); the audit record
        keeps the SHA-256 of the ``consent_statement`` they agreed to.
        """
        pseudonym = " ".join(pseudonym.split())
        if not 1 <= len(pseudonym) <= 40 or not pseudonym.isprintable():
            raise StoreError("pseudonym: 1–40 printable characters")
        if not consent:
            raise StoreError("joining needs the member's consent to store their answers")
        group = {str(k)[:40]: str(v)[:80] for k, v in (group or {}).items() if str(v).strip()}
        with self.transaction() as conn:
            row = self._screening_row(conn, screening_id)
            if not secrets.compare_digest(row.code_hash, _sha(row.code_salt + access_code)):
                raise AccessError(f"wrong access code for screening {screening_id!r}")
            if row.status != "open":
                raise AccessError(f"screening {screening_id!r} is closed")
            if conn.execute(sa.select(PM.c.member_id).where(
                    (PM.c.screening_id == screening_id) & (PM.c.pseudonym == pseudonym))).first():
                raise StoreError(f"the pseudonym {pseudonym!r} is taken in this screening")
            member_id, token = f"pm-{secrets.token_hex(5)}", secrets.token_urlsafe(24)
            conn.execute(schema.coders.insert(), {"coder_id": member_id, "name": "",
                                                  "status": str(CoderStatus.CERTIFIED)})
            conn.execute(schema.user_roles.insert(), {"coder_id": member_id,
                                                      "role": str(UserRole.PANEL_MEMBER)})
            conn.execute(S.insert(), {"coder_id": member_id, "kind": str(ScopeKind.SCREENING),
                                      "ref": screening_id, "clip_ids": list(row.clip_ids),
                                      "active": True, "created_at": utc_now()})
            conn.execute(PM.insert(), {"member_id": member_id, "screening_id": screening_id,
                                       "pseudonym": pseudonym, "member_group": group,
                                       "consent": True, "token_hash": _sha(token),
                                       "joined_at": utc_now()})
            self.audit(self.principal.acting_as(None), "panel_joined", member=member_id,
                       screening=screening_id, consent=True,
                       consent_statement=_sha(consent_statement) if consent_statement else "",
                       new_content={"pseudonym": pseudonym, "group": group})
        return member_id, token

    @rule(Rule.JOIN_SCREENING)
    def member_for_token(self, token: str) -> str | None:
        """The member a session token belongs to (None: unknown token)."""
        with self.transaction.read() as conn:
            return conn.execute(sa.select(PM.c.member_id).where(
                PM.c.token_hash == _sha(token))).scalar()

    # ---- members ---------------------------------------------------------------------------
    @rule(Rule.ANSWER)
    def save_answer(self, clip_id: str, kind: str, item: str, value: str) -> None:
        """Save one answer of the handle's member (blank value clears it; audited)."""
        p = self.principal
        if p.is_owner or not p.has(UserRole.PANEL_MEMBER):
            raise AccessError(f"{p.name} may not answer: only a panel member may")
        if clip_id not in p.scoped_clips(ScopeKind.SCREENING):
            raise AccessError(f"{p.name} may not answer on clip {clip_id!r}: it is not in "
                              "their screening")
        with self.transaction() as conn:
            member = conn.execute(sa.select(PM.c.screening_id).where(
                PM.c.member_id == p.user_id)).first()
            if member is None:
                raise AccessError(f"{p.name} is not a member of a screening")
            if self._screening_row(conn, member.screening_id).status != "open":
                raise AccessError(f"screening {member.screening_id!r} is closed")
            n_utt = conn.execute(sa.select(sa.func.count()).select_from(schema.utterances)
                                 .where(schema.utterances.c.clip_id == clip_id)).scalar_one()
            check_answer(kind, item, value, n_utt)
            key = ((PA.c.member_id == p.user_id) & (PA.c.clip_id == clip_id)
                   & (PA.c.kind == kind) & (PA.c.item == item))
            old = conn.execute(sa.select(PA.c.value).where(key)).scalar()
            if old == value:
                return
            conn.execute(PA.delete().where(key))
            if value != "":
                conn.execute(PA.insert(), {
                    "member_id": p.user_id, "clip_id": clip_id, "kind": kind, "item": item,
                    "screening_id": member.screening_id, "value": value,
                    "updated_at": utc_now()})
            self.audit(str(p.user_id), "panel_answer", clip_id, old_content=old,
                       new_content=value, kind=kind, item=item)

    # ---- reading ---------------------------------------------------------------------------
    @rule(Rule.READ_PANEL)
    def screenings(self) -> list[Screening]:
        """Screenings by date (a member: their own)."""
        query = sa.select(*_LISTED).order_by(SC.c.held_on, SC.c.screening_id)
        if self.principal.screening_only:
            query = query.where(SC.c.screening_id.in_(self._own_screening_ids()))
        with self.transaction.read() as conn:
            return [_screening(r) for r in conn.execute(query)]

    @rule(Rule.READ_PANEL)
    def screening(self, screening_id: str) -> Screening:
        for found in self.screenings():
            if found.screening_id == screening_id:
                return found
        raise StoreError(f"unknown screening {screening_id!r}")

    @rule(Rule.READ_PANEL)
    def panel_members(self, screening_id: str | None = None) -> list[PanelMember]:
        """Members (a member: themselves; pseudonyms only for facilitators and admins)."""
        p = self.principal
        named = p.is_owner or bool(p.roles & {UserRole.FACILITATOR, UserRole.ADMIN}) \
            or p.screening_only
        # only the columns this reader may see (a PostgreSQL login has no others)
        query = sa.select(PM.c.member_id, PM.c.screening_id, PM.c.member_group, PM.c.consent,
                          (PM.c.pseudonym if named else sa.literal("")).label("pseudonym")
                          ).order_by(PM.c.screening_id, PM.c.member_id)
        if p.screening_only:
            query = query.where(PM.c.member_id == p.user_id)
        if screening_id is not None:
            query = query.where(PM.c.screening_id == screening_id)
        with self.transaction.read() as conn:
            return [PanelMember(r.member_id, r.screening_id, r.pseudonym,
                                dict(r.member_group or {}), bool(r.consent))
                    for r in conn.execute(query)]

    @rule(Rule.READ_PANEL)
    def panel_answers(self, screening_id: str | None = None) -> list[PanelAnswer]:
        """Answers (a member: their own), by screening, clip, member, kind and item."""
        query = sa.select(PA).order_by(PA.c.screening_id, PA.c.clip_id, PA.c.member_id,
                                       PA.c.kind, PA.c.item)
        if self.principal.screening_only:
            query = query.where(PA.c.member_id == self.principal.user_id)
        if screening_id is not None:
            query = query.where(PA.c.screening_id == screening_id)
        with self.transaction.read() as conn:
            return [PanelAnswer(r.member_id, r.screening_id, r.clip_id, r.kind, r.item,
                                r.value) for r in conn.execute(query)]

    # ---- private ---------------------------------------------------------------------------
    def _own_screening_ids(self) -> list[str]:
        return sorted({s.ref for s in self.principal.scopes
                       if s.kind == ScopeKind.SCREENING and s.active})

    @staticmethod
    def _screening_row(conn: sa.Connection, screening_id: str) -> sa.Row:
        row = conn.execute(sa.select(SC).where(SC.c.screening_id == screening_id)).first()
        if row is None:
            raise StoreError(f"unknown screening {screening_id!r}")
        return row


def _screening(r: sa.Row) -> Screening:
    return Screening(r.screening_id, r.panel, r.held_on, tuple(r.clip_ids or ()),
                     dict(r.selection or {}), r.status, bool(r.media_reviewed))
