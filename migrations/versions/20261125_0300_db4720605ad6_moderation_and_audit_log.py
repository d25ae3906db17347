"""Moderation: reports and the review queue, watched words, canned replies, coordinators' scopes, site
settings, the append-only audit log, and the hidden / awaiting-review flags on content and members.

Revision ID: db4720605ad6
Revises: 805e56bcd363
Create Date: 2026-11-25 02:49:37.760492

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "db4720605ad6"
down_revision = "805e56bcd363"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("body_es", sa.Text(), nullable=False),
        sa.Column("body_pt", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "dismiss_reports",
                "hide",
                "restore",
                "approve_content",
                "edit",
                "lock",
                "unlock",
                "pin",
                "unpin",
                "move",
                "auto_hide",
                "reply",
                "warn",
                "silence",
                "unsilence",
                "suspend",
                "unsuspend",
                "approve_member",
                "verify_member",
                "unverify_member",
                "change_role",
                "change_scope",
                "change_setting",
                "create_category",
                "edit_category",
                "create_expertise",
                "edit_expertise",
                "create_institution",
                "edit_institution",
                "add_watched_word",
                "remove_watched_word",
                "create_canned_reply",
                "edit_canned_reply",
                "delete_canned_reply",
                name="auditaction",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_log_actor_id_users")),
        sa.ForeignKeyConstraint(["target_user_id"], ["users.id"], name=op.f("fk_audit_log_target_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_action_created_at", ["action", "created_at"], unique=False)
        batch_op.create_index("ix_audit_log_actor_id_created_at", ["actor_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_audit_log_target", ["target_kind", "target_id"], unique=False)
        batch_op.create_index("ix_audit_log_target_user_id_created_at", ["target_user_id", "created_at"], unique=False)
    # Append-only: the database refuses updates whatever the client (as community/audit/models.py does).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )

    op.create_table(
        "moderation_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("post", "thread", "event", "profile", "message", name="contentkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum("open", "closed", name="casestatus", native_enum=False, length=20), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("awaiting_review", sa.Boolean(), nullable=False),
        sa.Column(
            "signal",
            sa.Enum(
                "first_posts", "watched_word", "links", "report_threshold", name="signal", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column("signal_detail", sa.String(length=100), nullable=False),
        sa.Column("is_auto_hidden", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_moderation_cases_author_id_users")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["forum_categories.id"],
            name=op.f("fk_moderation_cases_category_id_forum_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"], name=op.f("fk_moderation_cases_closed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_cases")),
    )
    with op.batch_alter_table("moderation_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_cases_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_cases_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_cases_country"), ["country"], unique=False)
        batch_op.create_index(
            "ix_moderation_cases_one_open_per_item",
            ["kind", "target_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.create_index("ix_moderation_cases_status_updated_at", ["status", "updated_at"], unique=False)

    op.create_table(
        "moderator_scopes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "country IS NOT NULL OR category_id IS NOT NULL", name=op.f("ck_moderator_scopes_country_or_category")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["forum_categories.id"],
            name=op.f("fk_moderator_scopes_category_id_forum_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_moderator_scopes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderator_scopes")),
        sa.UniqueConstraint("user_id", "country", "category_id", name=op.f("uq_moderator_scopes_user_id")),
    )
    with op.batch_alter_table("moderator_scopes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderator_scopes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "site_settings",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_site_settings_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_site_settings")),
    )
    op.create_table(
        "watched_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column(
            "action", sa.Enum("block", "review", name="watchedwordaction", native_enum=False, length=20), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_watched_words_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watched_words")),
        sa.UniqueConstraint("language", "word", name=op.f("uq_watched_words_language")),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "spam",
                "harassment",
                "off_topic",
                "confidential",
                "other",
                name="reportreason",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["moderation_cases.id"], name=op.f("fk_reports_case_id_moderation_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], name=op.f("fk_reports_reporter_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("case_id", "reporter_id", name=op.f("uq_reports_case_id")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_reporter_id"), ["reporter_id"], unique=False)

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_hidden", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("awaiting_review", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_hidden", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("awaiting_review", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("moderator_edited_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_hidden", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("awaiting_review", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("silenced_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("suspended_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("suspension_reason", sa.String(length=500), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("suspension_reason")
        batch_op.drop_column("suspended_until")
        batch_op.drop_column("silenced_until")

    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_column("awaiting_review")
        batch_op.drop_column("is_hidden")

    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("moderator_edited_at")
        batch_op.drop_column("awaiting_review")
        batch_op.drop_column("is_hidden")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("awaiting_review")
        batch_op.drop_column("is_hidden")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_reporter_id"))

    op.drop_table("reports")
    op.drop_table("watched_words")
    op.drop_table("site_settings")
    with op.batch_alter_table("moderator_scopes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderator_scopes_user_id"))

    op.drop_table("moderator_scopes")
    with op.batch_alter_table("moderation_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_cases_status_updated_at")
        batch_op.drop_index(
            "ix_moderation_cases_one_open_per_item",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_moderation_cases_country"))
        batch_op.drop_index(batch_op.f("ix_moderation_cases_category_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_cases_author_id"))

    op.drop_table("moderation_cases")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_target_user_id_created_at")
        batch_op.drop_index("ix_audit_log_target")
        batch_op.drop_index(batch_op.f("ix_audit_log_created_at"))
        batch_op.drop_index("ix_audit_log_actor_id_created_at")
        batch_op.drop_index("ix_audit_log_action_created_at")

    op.drop_table("audit_log")  # its trigger goes with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("canned_replies")
