"""The facilitator's side of panel learning (mixed into ``Store``; front door
:mod:`workbench.panels`): theme keyword rules, an accepted clustering of comments into
themes, facilitator logins for the panel app, and the retention step for members' data.

* **Rules** are the whole set of theme → words; saving replaces the set (audited, with the
  hash of the old and new set). :meth:`theme_rules` is None until a facilitator saves one
  (:data:`workbench.panels.themes.DEFAULT_RULES` apply meanwhile).
* **Accepted clustering**: each comment (screening, clip and the SHA-256 of its *redacted*
  text, :func:`workbench.panels.themes.comment_hash`) → the theme the facilitator named; a
  new acceptance replaces the old one. No member is stored with it.
* **Logins**: a facilitator (or the owner naming one) issues a login code; only its
  SHA-256 is kept, with an expiry; the app resolves a code to the facilitator, who must still
  hold the role, and then opens the store *as them*, so the store's rules decide the rest.
  With PostgreSQL row security a facilitator's login reads only their own codes, so the
  code is resolved by the database function ``bwv_facilitator_for_token``
  (:mod:`workbench.store.pg_policies`).
* **Retention** (:meth:`expire_panel_data`): once a screening has been closed for longer
  than the retention period, its members' comments, self-described groups and pseudonyms are
  erased (ratings and flags stay, tied to no description); one audit record per screening
  holds the hash of what was removed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from workbench.exceptions import AccessError, ParameterError, StoreError
from workbench.model import UserRole
from workbench.store import schema
from workbench.store.access import Principal, Rule, rule
from workbench.store.connection import utc_now

if TYPE_CHECKING:
    from workbench.store.connection import TransactionScope

RULES, THEMED = schema.panel_theme_rules, schema.panel_comment_themes
LOGINS, SC, PM, PA = (schema.facilitator_logins, schema.screenings, schema.panel_members,
                      schema.panel_answers)
HEX64 = re.compile(r"^[0-9a-f]{64}$")
LOGIN_HOURS = 12  # a facilitator login code is valid this long by default
MAX_THEME = 80  # characters of a theme name
MAX_WORDS = 40  # words per theme


@dataclass(frozen=True)
class PanelExpiry:
    """What :meth:`Store.expire_panel_data` erased: per screening, members and comments."""

    screenings: dict[str, dict[str, int]]
    event_ids: tuple[int, ...]

    def summary(self) -> str:
        if not self.screenings:
            return "nothing to erase: no screening is past the retention period"
        return "; ".join(f"{sid}: {n['members']} members, {n['comments']} comments erased"
                         for sid, n in self.screenings.items())


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _row_security(conn: sa.Connection) -> bool:
    """Whether the store has PostgreSQL row-level security installed
    (:mod:`workbench.store.pg_security`: login codes are then resolved by its function)."""
    return conn.dialect.name == "postgresql" and conn.execute(sa.text(
        "SELECT to_regprocedure('bwv_facilitator_for_token(text)')")).scalar() is not None


def check_rules(rules: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Theme rules cleaned (spaces squeezed, words lower-cased, duplicates dropped) or a
    :class:`ParameterError` naming the theme."""
    clean: dict[str, list[str]] = {}
    for theme, words in rules.items():
        name = " ".join(str(theme).split())
        if not name or len(name) > MAX_THEME:
            raise ParameterError(f"theme name {theme!r}: 1–{MAX_THEME} characters",
                                 field="rules")
        kept = list(dict.fromkeys(" ".join(str(w).split()).lower() for w in words
                                  if str(w).strip()))
        if not kept or len(kept) > MAX_WORDS:
            raise ParameterError(f"theme {name!r}: 1–{MAX_WORDS} non-blank words",
                                 field="rules")
        if name.casefold() in {t.casefold() for t in clean}:
            raise ParameterError(f"theme {name!r} is given twice", field="rules")
        clean[name] = kept
    if not clean:
        raise ParameterError("at least one theme rule is needed", field="rules")
    return clean


class PanelLearning:
    """Theme rules, accepted themes, facilitator logins, retention; requires
    ``transaction``, ``principal`` and ``audit`` of ``Store``."""

    transaction: TransactionScope
    principal: Principal

    def audit(self, actor: str, action: str, clip_id: str | None = None,
              **detail: Any) -> Any:  # pragma: no cover - provided by Store
        raise NotImplementedError

    # ---- theme rules -----------------------------------------------------------------------
    @rule(Rule.RUN_SCREENING)
    def set_theme_rules(self, rules: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
        """Replace the theme keyword rules (facilitator; audited); returns them cleaned."""
        clean = check_rules(rules)
        who = self.principal.acting_as(None)
        with self.transaction() as conn:
            old = {r.theme: list(r.words) for r in conn.execute(sa.select(RULES))}
            conn.execute(RULES.delete())
            now = utc_now()
            conn.execute(RULES.insert(), [{"theme": t, "words": w, "updated_by": who,
                                           "updated_at": now} for t, w in clean.items()])
            self.audit(who, "panel_theme_rules", themes=len(clean), old_content=old,
                       new_content=clean)
        return clean

    @rule(Rule.READ_PANEL)
    def theme_rules(self) -> dict[str, tuple[str, ...]] | None:
        """The saved rules by theme name (None: never saved; panel members: None)."""
        if self.principal.screening_only:
            return None
        with self.transaction.read() as conn:
            rows = conn.execute(sa.select(RULES).order_by(RULES.c.theme)).all()
        if not rows:
            return None
        return {r.theme: tuple(r.words) for r in rows}

    # ---- accepted clustering ---------------------------------------------------------------
    @rule(Rule.RUN_SCREENING)
    def accept_comment_themes(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        """Replace the accepted clustering: ``(screening id, clip id, text hash, theme)`` per
        comment and theme (facilitator; audited). Returns the rows kept."""
        who = self.principal.acting_as(None)
        kept = {(s, c, h, " ".join(t.split())) for s, c, h, t in rows}
        bad = [h for _, _, h, t in kept if not HEX64.match(h) or not t or len(t) > MAX_THEME]
        if bad:
            raise ParameterError(f"{len(bad)} accepted themes without a text hash (64 hex "
                                 f"digits) or a theme name of 1–{MAX_THEME} characters",
                                 field="themes")
        with self.transaction() as conn:
            known = set(conn.execute(sa.select(SC.c.screening_id)).scalars())
            unknown = sorted({s for s, *_ in kept} - known)
            if unknown:
                raise StoreError(f"unknown screenings: {', '.join(unknown)}")
            conn.execute(THEMED.delete())
            if kept:
                now = utc_now()
                conn.execute(THEMED.insert(), [
                    {"screening_id": s, "clip_id": c, "text_hash": h, "theme": t,
                     "accepted_by": who, "accepted_at": now} for s, c, h, t in sorted(kept)])
            self.audit(who, "panel_themes_accepted", rows=len(kept),
                       themes=len({t for *_, t in kept}), new_content=sorted(kept))
        return len(kept)

    @rule(Rule.READ_PANEL)
    def comment_themes(self) -> list[tuple[str, str, str, str]]:
        """The accepted clustering, ``(screening id, clip id, text hash, theme)`` (members:
        none)."""
        if self.principal.screening_only:
            return []
        with self.transaction.read() as conn:
            return [(r.screening_id, r.clip_id, r.text_hash, r.theme) for r in conn.execute(
                sa.select(THEMED).order_by(THEMED.c.theme, THEMED.c.screening_id,
                                           THEMED.c.clip_id, THEMED.c.text_hash))]

    # ---- facilitator logins (the panel app) ------------------------------------------------
    @rule(Rule.RUN_SCREENING)
    def issue_facilitator_login(self, facilitator: str | None = None, *,
                                hours: float = LOGIN_HOURS) -> str:
        """A login code for the panel app's facilitator pages (audited, hash kept only).

        A facilitator issues one for themselves; the owner names the ``facilitator``, who
        must hold the role. Valid for ``hours``.
        """
        if not 0 < hours <= 24 * 7:
            raise ParameterError(f"hours = {hours}: expected more than 0, at most a week",
                                 field="hours")
        who = self.principal.acting_as(facilitator)
        token = secrets.token_urlsafe(18)
        with self.transaction() as conn:
            if not self._is_facilitator(conn, who):
                raise AccessError(f"{who!r} is not a facilitator; only a facilitator may log "
                                  f"in to the facilitator pages")
            now = utc_now()
            conn.execute(LOGINS.insert(), {"token_hash": _sha(token), "coder_id": who,
                                           "created_at": now,
                                           "expires_at": now + timedelta(hours=hours)})
            self.audit(who, "facilitator_login_issued", hours=hours)
        return token

    @rule(Rule.JOIN_SCREENING)
    def facilitator_for_token(self, token: str) -> str | None:
        """The facilitator a login code belongs to (None: unknown, expired, or the person
        no longer holds the facilitator role)."""
        with self.transaction.read() as conn:
            if _row_security(conn):  # a facilitator's login reads only their own codes
                row = conn.execute(sa.text("SELECT * FROM bwv_facilitator_for_token(:h)"),
                                   {"h": _sha(token)}).first()  # and checks the role
            else:
                row = conn.execute(sa.select(LOGINS).where(
                    LOGINS.c.token_hash == _sha(token))).first()
                if row is not None and not self._is_facilitator(conn, row.coder_id):
                    return None
            if row is None or _aware(row.expires_at) <= utc_now():
                return None
            return str(row.coder_id)

    @staticmethod
    def _is_facilitator(conn: sa.Connection, coder_id: str) -> bool:
        return conn.execute(sa.select(schema.user_roles.c.role).where(
            (schema.user_roles.c.coder_id == coder_id)
            & (schema.user_roles.c.role == UserRole.FACILITATOR.value))).first() is not None

    # ---- retention -------------------------------------------------------------------------
    @rule(Rule.RUN_SCREENING)
    def expire_panel_data(self, retention_days: int, *,
                          now: datetime | None = None) -> PanelExpiry:
        """Erase comments, self-described groups and pseudonyms of the members of every
        screening closed more than ``retention_days`` ago (facilitator; one audit record
        per screening with the hash of what was removed). Running it again erases nothing
        more."""
        if retention_days < 1:
            raise ParameterError(f"retention_days = {retention_days}: at least 1",
                                 field="retention_days")
        cutoff = _aware(now or utc_now()) - timedelta(days=retention_days)
        who = self.principal.acting_as(None)
        done: dict[str, dict[str, int]] = {}
        events: list[int] = []
        with self.transaction() as conn:
            due = [r.screening_id for r in conn.execute(
                sa.select(SC.c.screening_id, SC.c.closed_at).where(SC.c.status == "closed")
                .order_by(SC.c.screening_id))
                   if r.closed_at is not None and _aware(r.closed_at) <= cutoff]
            for sid in due:
                members = conn.execute(sa.select(PM).where(PM.c.screening_id == sid)).all()
                comments = conn.execute(sa.select(PA).where(
                    (PA.c.screening_id == sid) & (PA.c.kind == "comment"))).all()
                named = [m for m in members if m.pseudonym != m.member_id or m.member_group]
                if not named and not comments:
                    continue
                removed = {"members": [(m.member_id, m.pseudonym, m.member_group)
                                       for m in named],
                           "comments": [(c.member_id, c.clip_id, c.value) for c in comments]}
                conn.execute(PA.delete().where((PA.c.screening_id == sid)
                                               & (PA.c.kind == "comment")))
                conn.execute(THEMED.delete().where(THEMED.c.screening_id == sid))
                for m in named:
                    conn.execute(PM.update().where(PM.c.member_id == m.member_id).values(
                        pseudonym=m.member_id, member_group={}))
                done[sid] = {"members": len(named), "comments": len(comments)}
                event = self.audit(who, "panel_data_expired", screening=sid,
                                   retention_days=retention_days, old_content=removed,
                                   **done[sid])
                events.append(int(event.event_id))
        return PanelExpiry(done, tuple(events))
