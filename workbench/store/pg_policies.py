"""PostgreSQL: the row-level policies and table privileges of each workbench role.

Declarative tables read by :func:`workbench.store.pg_security.install_row_security`. Every
policy names the group roles it binds (``bwv_<role>``) and compares rows with
``current_user``, the person's own database login (named as their id).

Scopes, as in :mod:`workbench.store.access`:

* **An audit sample blinds its reviewers** (``scopes`` of kind ``audit_sample``, active): on
  those clips a reviewer's login reads and writes only their own ``review:`` rows, their own
  notes and the audit records they made themselves — no coder or consensus value, no other
  person's note, no audit record (whose hashes of a short value could be tried) nor its
  detail. Only the sign-off ends the blindness: a reviewer may end (update or delete) an
  audit-sample scope (and no other kind) only once the chain holds that audit's
  ``audit_signed_off`` record made by the lead named in its ``audit_sample_drawn`` record; a
  reviewer's login may append that record only as itself, and changes no audit record or
  detail after it is written.
* **A screening scopes a panel member** to one screening while it is open
  (:data:`FUNCTIONS`): their own screening row, their own member row, their own
  answers (written only on the screening's clips), those clips' non-hidden columns and the
  turns' timing and roles — never a turn's text (the library redacts it in Python, so
  redacted material reaches members only through the workbench, e.g. the panel app) and
  never another member's row, pseudonym or answer. Once the screening closes they read and
  write nothing of it.
* Facilitators run screenings (they enrol members: person rows ``pm-…`` of role
  ``panel_member`` with a screening scope, nothing else); analysts read screenings, members'
  groups and answers without pseudonyms, tokens or access codes.
* Panel learning (migration 6): facilitators write the theme rules and the accepted
  clustering (rows signed as themselves) and, once a screening has closed, erase its
  comments (retention); analysts read rules and clustering, admins' logins may change them;
  members, coders and reviewers reach neither. ``facilitator_logins`` (hashes of login
  codes) is reachable only by the store's owner and, for their own rows, the facilitator
  who issued them (not even an admin's login); a code is resolved to its facilitator by
  ``bwv_facilitator_for_token`` (:data:`FUNCTIONS`), which answers for one hash only.
"""

from __future__ import annotations

from workbench.store import schema

_HIDDEN = ("outcome", "ethnicity", "age_band", "gender")
VISIBLE_CLIP_COLUMNS = [c.name for c in schema.clips.c if c.name not in _HIDDEN]

#: Tables under row-level security (``schema_version`` is readable by every login).
TABLES = ("clips", "utterances", "speaker_roles", "coders", "user_roles", "user_grants",
          "scopes", "assignments", "annotations", "utterance_notes", "codebooks",
          "audit_events", "audit_details", "audit_head", "screenings", "panel_members",
          "panel_answers", "panel_actions", "panel_theme_rules", "panel_comment_themes",
          "facilitator_logins", "schema_version")
SEQUENCES = ("annotations_annotation_id_seq", "scopes_scope_id_seq",
             "panel_actions_action_id_seq")
_CORPUS = ("clips", "utterances", "speaker_roles")
_LEARNING = ("panel_theme_rules", "panel_comment_themes")
_PANEL = ("screenings", "panel_members", "panel_answers", "panel_actions", *_LEARNING)
_LOGINS = "facilitator_logins"  # the owner's and each facilitator's own rows only
_AUDIT = ("audit_events", "audit_details")

_MINE_ASSIGNED = ("clip_id IN (SELECT a.clip_id FROM assignments a "
                  "WHERE a.coder_id = current_user)")
_OWN_EVENT = "event_id IN (SELECT e.event_id FROM audit_events e WHERE e.actor = current_user)"

#: Clips of the login's open audit samples (uncorrelated: evaluated once per query).
_BLIND_CLIPS = ("(SELECT jsonb_array_elements_text(s.clip_ids::jsonb) FROM scopes s "
                "WHERE s.coder_id = current_user AND s.kind = 'audit_sample' AND s.active)")
_SEEN = f"clip_id NOT IN {_BLIND_CLIPS}"


def _detail(alias: str, key: str) -> str:
    return f"({alias}.detail::jsonb ->> '{key}')"


#: The audits (refs) signed off by their own lead, as the chain records them.
_SIGNED_OFF = (
    f"(SELECT {_detail('d', 'audit_id')} FROM audit_events e "
    "JOIN audit_details d ON d.event_id = e.event_id "
    "WHERE e.action = 'audit_signed_off' AND e.actor = ("
    f"SELECT {_detail('dd', 'lead')} FROM audit_events ee "
    "JOIN audit_details dd ON dd.event_id = ee.event_id "
    f"WHERE ee.action = 'audit_sample_drawn' AND {_detail('dd', 'audit_id')} = "
    f"{_detail('d', 'audit_id')} ORDER BY ee.event_id LIMIT 1))")
_UNLOCKED = f"(kind = 'audit_sample' AND ref IN {_SIGNED_OFF})"

#: The member's open screening (a function: its policies and the screening's would
#: otherwise refer to each other).
_MY_SCREENING = "bwv_panel_screening()"
_SCREENED = ("clip_id IN (SELECT json_array_elements_text(s.clip_ids) FROM screenings s "
             f"WHERE s.screening_id = {_MY_SCREENING})")
_MY_ANSWER = f"member_id = current_user AND screening_id = {_MY_SCREENING}"

#: SQL functions: (name, the group roles that may call it, CREATE statement); ``{schema}``
#: is filled in. Both run as the store's owner and answer for the caller's own row or one
#: given hash only.
FUNCTIONS: tuple[tuple[str, str, str], ...] = ((
    "bwv_panel_screening()", "bwv_panel_member",
    "CREATE OR REPLACE FUNCTION bwv_panel_screening() RETURNS text LANGUAGE sql STABLE "
    "SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$ "
    "SELECT m.screening_id FROM panel_members m JOIN screenings s "
    "ON s.screening_id = m.screening_id WHERE m.member_id = session_user "
    "AND s.status = 'open' $$"), (
    # the panel app's check of a login code (Store.facilitator_for_token): who issued the
    # hash, when it expires, if they still hold the role; no hash is ever returned
    "bwv_facilitator_for_token(text)", "bwv_facilitator",
    "CREATE OR REPLACE FUNCTION bwv_facilitator_for_token(hash text) RETURNS TABLE "
    "(coder_id text, expires_at timestamptz) LANGUAGE sql STABLE SECURITY DEFINER "
    "SET search_path = {schema}, pg_temp AS $$ "
    "SELECT l.coder_id, l.expires_at FROM facilitator_logins l JOIN user_roles r "
    "ON r.coder_id = l.coder_id AND r.role = 'facilitator' WHERE l.token_hash = hash $$"))

_REVIEWER = "bwv_reviewer"
_REVIEWED_TABLES = ("annotations", "utterance_notes", "scopes", *_AUDIT, *_PANEL, _LOGINS)

#: (table, policy, command, roles, USING, WITH CHECK); permissive policies of a table OR
#: together, restrictive ones (marked by a name ending ``_only``) AND with them.
POLICIES: tuple[tuple[str, str, str, str, str | None, str | None], ...] = (
    *((t, f"{t}_admin", "ALL", "bwv_admin", "true", "true") for t in TABLES
      if t not in ("schema_version", _LOGINS)),
    *((t, f"{t}_reviewer", "ALL", _REVIEWER, "true", "true") for t in TABLES
      if t not in (*_REVIEWED_TABLES, "schema_version")),
    # a reviewer re-coding an audit sample is blind to the layers of its clips
    ("annotations", "annotations_reviewer", "ALL", _REVIEWER,
     f"{_SEEN} OR (layer = 'review' AND coder_id = current_user)",
     f"{_SEEN} OR (layer = 'review' AND coder_id = current_user)"),
    ("utterance_notes", "notes_reviewer", "ALL", _REVIEWER,
     f"{_SEEN} OR coder_id = current_user", f"{_SEEN} OR coder_id = current_user"),
    ("audit_events", "audit_reviewer", "SELECT", _REVIEWER,
     f"clip_id IS NULL OR {_SEEN} OR actor = current_user", None),
    ("audit_details", "audit_details_reviewer", "SELECT", _REVIEWER,
     f"clip_id IS NULL OR {_SEEN} OR {_OWN_EVENT}", None),
    ("audit_events", "audit_reviewer_append", "INSERT", _REVIEWER, None, "true"),
    ("audit_events", "audit_signoff_only", "INSERT", _REVIEWER, None,
     "action <> 'audit_signed_off' OR actor = current_user"),
    ("scopes", "scopes_reviewer_read", "SELECT", _REVIEWER, "true", None),
    ("scopes", "scopes_reviewer_add", "INSERT", _REVIEWER, None, "kind = 'audit_sample'"),
    ("scopes", "scopes_reviewer_end", "UPDATE", _REVIEWER, _UNLOCKED, "true"),
    ("scopes", "scopes_reviewer_drop", "DELETE", _REVIEWER, _UNLOCKED, None),
    # coders: their own clips, rows, notes and progress
    ("clips", "clips_coder", "SELECT", "bwv_coder", _MINE_ASSIGNED, None),
    ("utterances", "utterances_coder", "SELECT", "bwv_coder", _MINE_ASSIGNED, None),
    ("speaker_roles", "speaker_roles_coder", "SELECT", "bwv_coder", _MINE_ASSIGNED, None),
    *((t, f"{t}_reader", "SELECT", "bwv_analyst, bwv_facilitator", "true", None)
      for t in _CORPUS),
    ("annotations", "annotations_coder", "ALL", "bwv_coder",
     "coder_id = current_user AND layer = 'coder'",
     f"coder_id = current_user AND layer = 'coder' AND {_MINE_ASSIGNED}"),
    ("annotations", "annotations_analyst", "SELECT", "bwv_analyst", "layer = 'consensus'",
     None),
    ("utterance_notes", "notes_coder", "ALL", "bwv_coder", "coder_id = current_user",
     f"coder_id = current_user AND {_MINE_ASSIGNED}"),
    ("assignments", "assignments_coder", "SELECT", "bwv_coder", "coder_id = current_user",
     None),
    ("assignments", "assignments_progress", "UPDATE", "bwv_coder", "coder_id = current_user",
     "coder_id = current_user"),
    *((t, f"{t}_self", "SELECT", "PUBLIC", "coder_id = current_user", None)
      for t in ("coders", "user_roles", "user_grants", "scopes")),
    ("codebooks", "codebooks_read", "SELECT", "PUBLIC", "true", None),
    ("codebooks", "codebooks_record", "INSERT", "bwv_coder", None, "true"),
    ("audit_events", "audit_own", "SELECT", "bwv_coder", "actor = current_user", None),
    ("audit_events", "audit_append", "INSERT", "PUBLIC", None, "actor = current_user"),
    # the chain's detail: a coder reads their own; anyone appends (its primary and foreign
    # keys tie it to one existing record that has none yet); only admins change (erasure)
    ("audit_details", "audit_details_own", "SELECT", "bwv_coder", _OWN_EVENT, None),
    ("audit_details", "audit_details_append", "INSERT", "PUBLIC", None, "true"),
    # the chain's head: every writer locks and moves it (the chain itself refuses forks)
    ("audit_head", "audit_head_move", "ALL", "PUBLIC", "true", "true"),
    # facilitators run screenings and enrol members (person, role and scope rows)
    ("screenings", "screenings_facilitator", "ALL", "bwv_facilitator", "true", "true"),
    ("panel_members", "members_facilitator", "ALL", "bwv_facilitator", "true", "true"),
    ("panel_actions", "actions_facilitator", "ALL", "bwv_facilitator", "true", "true"),
    ("coders", "coders_enrol", "INSERT", "bwv_facilitator", None, "coder_id LIKE 'pm-%'"),
    ("user_roles", "roles_enrol", "INSERT", "bwv_facilitator", None,
     "coder_id LIKE 'pm-%' AND role = 'panel_member'"),
    ("scopes", "scopes_screening", "ALL", "bwv_facilitator", "kind = 'screening'",
     "kind = 'screening' AND coder_id LIKE 'pm-%'"),
    ("panel_answers", "answers_facilitator", "SELECT", "bwv_facilitator", "true", None),
    # panel learning: rules and the accepted clustering signed as themselves; retention
    # erases the comments of closed screenings only; their own login codes
    ("panel_theme_rules", "theme_rules_facilitator", "ALL", "bwv_facilitator", "true",
     "updated_by = current_user"),
    ("panel_comment_themes", "themes_facilitator", "ALL", "bwv_facilitator", "true",
     "accepted_by = current_user"),
    ("panel_answers", "answers_expire", "DELETE", "bwv_facilitator",
     "kind = 'comment' AND screening_id IN (SELECT s.screening_id FROM screenings s "
     "WHERE s.status = 'closed')", None),
    (_LOGINS, "logins_own", "ALL", "bwv_facilitator", "coder_id = current_user",
     "coder_id = current_user"),
    *((t, f"{t}_analyst", "SELECT", "bwv_analyst", "true", None) for t in _PANEL),
    # a panel member: their own open screening only
    ("screenings", "screenings_member", "SELECT", "bwv_panel_member",
     f"screening_id = {_MY_SCREENING}", None),
    ("panel_members", "members_self", "SELECT", "bwv_panel_member", _MY_ANSWER, None),
    ("panel_answers", "answers_member", "ALL", "bwv_panel_member", _MY_ANSWER,
     f"{_MY_ANSWER} AND {_SCREENED}"),
    ("clips", "clips_member", "SELECT", "bwv_panel_member", _SCREENED, None),
    ("utterances", "utterances_member", "SELECT", "bwv_panel_member", _SCREENED, None),
)

_MEMBER_COLUMNS = "member_id, screening_id, member_group, consent, joined_at"
_SCREENING_COLUMNS = ", ".join(c.name for c in schema.screenings.c
                               if c.name not in ("code_salt", "code_hash"))
_TIMING = "clip_id, idx, start_s, end_s, role"  # a turn without its speaker or text

#: Table privileges per group (row-level policies then narrow the rows).
GRANTS: tuple[tuple[str, str, str], ...] = (
    ("SELECT, INSERT, UPDATE, DELETE",
     ", ".join(t for t in TABLES if t not in ("schema_version", _LOGINS)), "bwv_admin"),
    ("SELECT, INSERT, UPDATE, DELETE",
     ", ".join(t for t in TABLES if t not in (*_AUDIT, *_PANEL, _LOGINS, "schema_version")),
     _REVIEWER),
    ("SELECT, INSERT", ", ".join(_AUDIT), _REVIEWER),
    ("SELECT", "schema_version, codebooks, coders, user_roles, user_grants, scopes",
     "PUBLIC"),
    ("SELECT", ", ".join(_CORPUS) + ", annotations", "bwv_analyst, bwv_facilitator"),
    (f"SELECT ({', '.join(VISIBLE_CLIP_COLUMNS)})", "clips",
     "bwv_coder, bwv_panel_member"),
    ("SELECT", "utterances, speaker_roles", "bwv_coder"),
    ("SELECT, INSERT, UPDATE", "annotations, utterance_notes", "bwv_coder"),
    ("SELECT, UPDATE (status, last_utterance, updated_at)", "assignments", "bwv_coder"),
    ("INSERT", "codebooks", "bwv_coder"),
    ("SELECT", "audit_events", "bwv_coder"),
    ("INSERT", "audit_events", "PUBLIC"),
    ("SELECT", "audit_details", "bwv_coder"),
    ("INSERT", "audit_details", "PUBLIC"),
    ("SELECT, UPDATE", "audit_head", "PUBLIC"),
    ("SELECT, INSERT, UPDATE", "screenings, panel_members, panel_actions", "bwv_facilitator"),
    ("SELECT, DELETE", "panel_answers", "bwv_facilitator"),
    ("SELECT, INSERT, DELETE", ", ".join(_LEARNING), "bwv_facilitator"),
    ("SELECT, INSERT", _LOGINS, "bwv_facilitator"),
    ("INSERT", "coders, user_roles", "bwv_facilitator"),
    ("INSERT, UPDATE", "scopes", "bwv_facilitator"),
    (f"SELECT ({_SCREENING_COLUMNS})", "screenings", "bwv_analyst"),
    (f"SELECT ({_MEMBER_COLUMNS})", "panel_members", "bwv_analyst"),
    (f"SELECT ({_MEMBER_COLUMNS}, pseudonym)", "panel_members", "bwv_panel_member"),
    ("SELECT", ", ".join(("panel_answers", "panel_actions", *_LEARNING)), "bwv_analyst"),
    ("SELECT", "screenings", "bwv_panel_member"),
    ("SELECT, INSERT, UPDATE, DELETE", "panel_answers", "bwv_panel_member"),
    (f"SELECT ({_TIMING})", "utterances", "bwv_panel_member"),
)
