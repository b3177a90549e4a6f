"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("code", name=op.f("uq_partner_code")),
    )
    op.create_table(
        "processed_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_update")),
    )
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_update_processed_at"), ["processed_at"], unique=False
        )

    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("arrondissement", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("opening_hours", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
        sa.UniqueConstraint("code", name=op.f("uq_site_code")),
    )
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_user_email")),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column(
            "before", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("after", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_user.id"],
            name=op.f("fk_audit_entry_staff_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_entry_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "slot_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("local_start", sa.Time(), nullable=False),
        sa.Column("local_end", sa.Time(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_slot_series_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_slot_series_site_id_site"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot_series")),
    )
    op.create_table(
        "staff_site",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_staff_site_site_id_site"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_site_staff_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "site_id", name=op.f("pk_staff_site")),
    )
    op.create_table(
        "youth",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("consent_version", sa.Integer(), nullable=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("share_diagnostic", sa.Boolean(), nullable=False),
        sa.Column("age_group", sa.String(length=16), nullable=True),
        sa.Column("origin", sa.String(length=64), nullable=True),
        sa.Column("food_parcel_eligible", sa.Boolean(), nullable=False),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_youth_site_id_site"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_youth")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_youth_telegram_user_id")),
    )
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_youth_last_seen_at"), ["last_seen_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_youth_origin"), ["origin"], unique=False)

    op.create_table(
        "contact_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("answer", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
            name=op.f("fk_contact_request_site_id_site"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["taken_by"],
            ["staff_user.id"],
            name=op.f("fk_contact_request_taken_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"],
            ["youth.id"],
            name=op.f("fk_contact_request_youth_id_youth"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_request")),
    )
    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_request_inbox", ["site_id", "status", "urgent"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_request_youth_id"), ["youth_id"], unique=False)

    op.create_table(
        "conversation_state",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("flow", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column(
            "offered", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("last_button", sa.String(length=128), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["youth_id"],
            ["youth.id"],
            name=op.f("fk_conversation_state_youth_id_youth"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_conversation_state")),
    )
    with op.batch_alter_table("conversation_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_state_youth_id"), ["youth_id"], unique=False
        )

    op.create_table(
        "diagnostic_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "answers", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "signals", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "orientations", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"],
            ["youth.id"],
            name=op.f("fk_diagnostic_result_youth_id_youth"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnostic_result")),
    )
    with op.batch_alter_table("diagnostic_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_diagnostic_result_youth_id"), ["youth_id"], unique=False
        )

    op.create_table(
        "slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "title_translations",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("what_to_bring", sa.String(length=1000), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("place_name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("modality", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booking_opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booking_closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancellation_cutoff_minutes", sa.Integer(), nullable=False),
        sa.Column("waitlist_enabled", sa.Boolean(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_slot_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_slot_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_slot_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["slot_series.id"],
            name=op.f("fk_slot_series_id_slot_series"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_slot_site_id_site"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot")),
    )
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.create_index("ix_slot_kind_starts_at", ["kind", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_slot_series_id"), ["series_id"], unique=False)
        batch_op.create_index("ix_slot_site_starts_at", ["site_id", "starts_at"], unique=False)

    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=True),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmation", sa.String(length=32), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("interpreter_language", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=32), nullable=True),
        sa.Column("cancel_reason", sa.String(length=1000), nullable=True),
        sa.Column("attendance_marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attendance_marked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attendance_marked_by"],
            ["staff_user.id"],
            name=op.f("fk_booking_attendance_marked_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["slot.id"], name=op.f("fk_booking_slot_id_slot"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youth.id"], name=op.f("fk_booking_youth_id_youth"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index("ix_booking_slot_status", ["slot_id", "status"], unique=False)
        batch_op.create_index("ix_booking_youth_status", ["youth_id", "status"], unique=False)
        batch_op.create_index(
            "uq_booking_active_youth_slot",
            ["youth_id", "slot_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('booked', 'waitlisted')"),
            postgresql_where=sa.text("status IN ('booked', 'waitlisted')"),
        )

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("youth_id", sa.Integer(), nullable=True),
        sa.Column("offset_minutes", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("skip_reason", sa.String(length=200), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "history", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_reminder_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youth.id"], name=op.f("fk_reminder_youth_id_youth"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_booking_id", ["booking_id"], unique=False)
        batch_op.create_index("ix_reminder_status_due_at", ["status", "due_at"], unique=False)
        batch_op.create_index("ix_reminder_youth_id", ["youth_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_youth_id")
        batch_op.drop_index("ix_reminder_status_due_at")
        batch_op.drop_index("ix_reminder_booking_id")

    op.drop_table("reminder")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_booking_active_youth_slot",
            sqlite_where=sa.text("status IN ('booked', 'waitlisted')"),
            postgresql_where=sa.text("status IN ('booked', 'waitlisted')"),
        )
        batch_op.drop_index("ix_booking_youth_status")
        batch_op.drop_index("ix_booking_slot_status")

    op.drop_table("booking")
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.drop_index("ix_slot_site_starts_at")
        batch_op.drop_index(batch_op.f("ix_slot_series_id"))
        batch_op.drop_index("ix_slot_kind_starts_at")

    op.drop_table("slot")
    with op.batch_alter_table("diagnostic_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_diagnostic_result_youth_id"))

    op.drop_table("diagnostic_result")
    with op.batch_alter_table("conversation_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_state_youth_id"))

    op.drop_table("conversation_state")
    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_request_youth_id"))
        batch_op.drop_index("ix_contact_request_inbox")

    op.drop_table("contact_request")
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_youth_origin"))
        batch_op.drop_index(batch_op.f("ix_youth_last_seen_at"))

    op.drop_table("youth")
    op.drop_table("staff_site")
    op.drop_table("slot_series")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_entity")
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))

    op.drop_table("audit_entry")
    op.drop_table("staff_user")
    op.drop_table("site")
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_update_processed_at"))

    op.drop_table("processed_update")
    op.drop_table("partner")
