"""The store's tables, defined once (SQLAlchemy Core) and imported by the store and the tests.

Only portable types and constructs are used so that one code path serves SQLite and
PostgreSQL. Changing a table means adding a step to :mod:`workbench.store.migrations`.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

clips = sa.Table(
    "clips",
    metadata,
    sa.Column("clip_id", sa.String(100), primary_key=True),
    sa.Column("source_file", sa.String(500), nullable=False, default=""),
    sa.Column("source_hash", sa.String(64), nullable=False, default=""),
    sa.Column("media_path", sa.String(500)),
    sa.Column("duration", sa.Float),
    sa.Column("borough", sa.String(100)),
    sa.Column("bcu", sa.String(100)),
    sa.Column("date", sa.Date),
    sa.Column("power", sa.String(100)),
    sa.Column("outcome", sa.String(100)),
    sa.Column("ethnicity", sa.String(100)),
    sa.Column("age_band", sa.String(50)),
    sa.Column("gender", sa.String(50)),
    sa.Column("n_officers", sa.Integer),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
    sa.Column("synthetic", sa.Boolean, nullable=False, default=False),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
)

utterances = sa.Table(
    "utterances",
    metadata,
    sa.Column(
        "clip_id", sa.String(100), sa.ForeignKey("clips.clip_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("start_s", sa.Float, nullable=False),
    sa.Column("end_s", sa.Float, nullable=False),
    sa.Column("speaker", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

coders = sa.Table(
    "coders",
    metadata,
    sa.Column("coder_id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, default=""),
    sa.Column("status", sa.String(20), nullable=False, default="certified"),
)

#: A person's roles (``workbench.model.UserRole``): one row per role held.
user_roles = sa.Table(
    "user_roles",
    metadata,
    sa.Column("coder_id", sa.String(100), sa.ForeignKey("coders.coder_id"), primary_key=True),
    sa.Column("role", sa.String(20), primary_key=True),
)

#: Extra rights on top of a role (``workbench.model.Grant``).
user_grants = sa.Table(
    "user_grants",
    metadata,
    sa.Column("coder_id", sa.String(100), sa.ForeignKey("coders.coder_id"), primary_key=True),
    sa.Column("grant_name", sa.String(40), primary_key=True),
)

#: Scopes that narrow a role to some clips (``workbench.model.Scope``).
scopes = sa.Table(
    "scopes",
    metadata,
    sa.Column("scope_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("coder_id", sa.String(100), sa.ForeignKey("coders.coder_id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("ref", sa.String(100), nullable=False),
    sa.Column("clip_ids", sa.JSON, nullable=False, default=list),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_scopes_coder", "coder_id", "active"),
)

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("clip_id", sa.String(100), sa.ForeignKey("clips.clip_id"), primary_key=True),
    sa.Column("coder_id", sa.String(100), sa.ForeignKey("coders.coder_id"), primary_key=True),
    sa.Column("reliability", sa.Boolean, nullable=False, default=False),
    sa.Column("status", sa.String(20), nullable=False, default="todo"),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("last_utterance", sa.Integer, nullable=False, default=0),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    sa.Column("kind", sa.String(20), nullable=False, default="ordinary"),
)

annotations = sa.Table(
    "annotations",
    metadata,
    sa.Column("annotation_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("clip_id", sa.String(100), sa.ForeignKey("clips.clip_id"), nullable=False),
    sa.Column("utterance_index", sa.Integer),
    sa.Column("code_id", sa.String(100), nullable=False),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("coder_id", sa.String(100), nullable=False),
    sa.Column("layer", sa.String(20), nullable=False, default="coder"),
    sa.Column("codebook_id", sa.String(100), nullable=False),
    sa.Column("codebook_version", sa.String(40), nullable=False),
    sa.Column("codebook_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="active"),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("supersedes", sa.Integer),
    sa.Column("from_hint", sa.Boolean, nullable=False, default=False),
    sa.Column("audit_id", sa.String(100)),
    sa.Index("ix_annotations_clip_coder", "clip_id", "coder_id", "layer", "status"),
    sa.Index("ix_annotations_code", "code_id", "status"),
    sa.Index("ix_annotations_unit", "clip_id", "code_id", "utterance_index"),
)


def _active(consensus: bool) -> sa.ColumnElement[bool]:
    layer = annotations.c.layer == "consensus"
    return (annotations.c.status == "active") & (layer if consensus else ~layer)


#: At most one active value per unit, code and layer: a second one is impossible, whatever the
#: caller does (clip-level codes have no utterance index, hence the coalesce).
ACTIVE_UNIQUE: tuple[sa.Index, ...] = (
    sa.Index("uq_annotations_active_layer", annotations.c.clip_id,
             sa.func.coalesce(annotations.c.utterance_index, -1), annotations.c.code_id,
             annotations.c.layer, annotations.c.coder_id,
             sa.func.coalesce(annotations.c.audit_id, ""), unique=True,
             sqlite_where=_active(False), postgresql_where=_active(False)),
    sa.Index("uq_annotations_active_consensus", annotations.c.clip_id,
             sa.func.coalesce(annotations.c.utterance_index, -1), annotations.c.code_id,
             unique=True, sqlite_where=_active(True), postgresql_where=_active(True)),
)

utterance_notes = sa.Table(
    "utterance_notes",
    metadata,
    sa.Column("clip_id", sa.String(100), sa.ForeignKey("clips.clip_id"), primary_key=True),
    sa.Column("utterance_index", sa.Integer, primary_key=True),
    sa.Column("coder_id", sa.String(100), primary_key=True),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("flagged", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

codebooks = sa.Table(
    "codebooks",
    metadata,
    sa.Column("codebook_id", sa.String(100), primary_key=True),
    sa.Column("version", sa.String(40), primary_key=True),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)

speaker_roles = sa.Table(
    "speaker_roles",
    metadata,
    sa.Column("clip_id", sa.String(100), sa.ForeignKey("clips.clip_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("speaker", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("set_by", sa.String(100), nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
)

audit_events = sa.Table(  # the hash chain: who, when, what, and hashes — never content
    "audit_events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),  # 1, 2, 3, …
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("clip_id", sa.String(100)),
    sa.Column("old_hash", sa.String(64)),
    sa.Column("new_hash", sa.String(64)),
    sa.Column("detail_hash", sa.String(64), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.UniqueConstraint("prev_hash", name="uq_audit_prev"),  # a chain cannot fork
    sa.Index("ix_audit_clip", "clip_id"),
    sa.Index("ix_audit_action", "action"),
)

audit_details = sa.Table(  # the content beside the chain: erasable, verified by detail_hash
    "audit_details",
    metadata,
    sa.Column("event_id", sa.Integer, sa.ForeignKey("audit_events.event_id"),
              primary_key=True, autoincrement=False),
    sa.Column("clip_id", sa.String(100)),
    sa.Column("detail", sa.Text),  # canonical JSON exactly as hashed; NULL once erased
    sa.Column("erased_by", sa.Integer),  # event id of the clip_erased record
    sa.Index("ix_audit_details_clip", "clip_id"),
)

audit_head = sa.Table(  # one row: the last record, locked by every append (serialises writers)
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.Integer, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

# ---- panel screenings (workbench.panels; schema version 5) --------------------------------
screenings = sa.Table(  # a screening: panel, date, clips, access code (salted hash only)
    "screenings",
    metadata,
    sa.Column("screening_id", sa.String(100), primary_key=True),
    sa.Column("panel", sa.String(200), nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("clip_ids", sa.JSON, nullable=False, default=list),
    sa.Column("selection", sa.JSON, nullable=False, default=dict),  # how the clips were chosen
    sa.Column("code_salt", sa.String(32), nullable=False),
    sa.Column("code_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="open"),  # open, closed
    sa.Column("media_reviewed", sa.Boolean, nullable=False, default=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
)

panel_members = sa.Table(  # one row per member per screening; the person row is in ``coders``
    "panel_members",
    metadata,
    sa.Column("member_id", sa.String(100), sa.ForeignKey("coders.coder_id"), primary_key=True),
    sa.Column("screening_id", sa.String(100), sa.ForeignKey("screenings.screening_id"),
              nullable=False),
    sa.Column("pseudonym", sa.String(100), nullable=False),
    sa.Column("member_group", sa.JSON, nullable=False, default=dict),  # self-described
    sa.Column("consent", sa.Boolean, nullable=False, default=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("screening_id", "pseudonym", name="uq_panel_pseudonym"),
)

panel_answers = sa.Table(  # one row per answer, saved as it is given (latest value kept)
    "panel_answers",
    metadata,
    sa.Column("member_id", sa.String(100), sa.ForeignKey("panel_members.member_id"),
              primary_key=True),
    sa.Column("clip_id", sa.String(100), primary_key=True),
    sa.Column("kind", sa.String(20), primary_key=True),  # rating, flag, comment
    sa.Column("item", sa.String(100), primary_key=True),  # dimension, utterance index, ""
    sa.Column("screening_id", sa.String(100), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_panel_answers_screening", "screening_id", "clip_id"),
)

panel_actions = sa.Table(  # what the facilitator will do about a theme: what, who, by when
    "panel_actions",
    metadata,
    sa.Column("action_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("theme", sa.String(200), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("who", sa.String(200), nullable=False),  # a team or role, not a panel member
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("done", sa.Boolean, nullable=False, default=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("done_at", sa.DateTime(timezone=True)),
)

# ---- panel learning (workbench.panels; schema version 6) ----------------------------------
panel_theme_rules = sa.Table(  # the facilitator's keyword rules: theme -> words
    "panel_theme_rules",
    metadata,
    sa.Column("theme", sa.String(200), primary_key=True),
    sa.Column("words", sa.JSON, nullable=False, default=list),
    sa.Column("updated_by", sa.String(100), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

panel_comment_themes = sa.Table(  # an accepted clustering: comment (by its text's hash) -> theme
    "panel_comment_themes",
    metadata,
    sa.Column("screening_id", sa.String(100), primary_key=True),
    sa.Column("clip_id", sa.String(100), primary_key=True),
    sa.Column("text_hash", sa.String(64), primary_key=True),
    sa.Column("theme", sa.String(200), primary_key=True),
    sa.Column("accepted_by", sa.String(100), nullable=False),
    sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
)

facilitator_logins = sa.Table(  # the panel app's facilitator sessions (token hash only)
    "facilitator_logins",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("coder_id", sa.String(100), sa.ForeignKey("coders.coder_id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)
