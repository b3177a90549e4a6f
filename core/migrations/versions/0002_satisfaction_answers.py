"""satisfaction answers

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "satisfaction_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("slot_kind", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "score BETWEEN 1 AND 5", name=op.f("ck_satisfaction_answer_score_1_to_5")
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_satisfaction_answer_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
            name=op.f("fk_satisfaction_answer_site_id_site"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["slot.id"],
            name=op.f("fk_satisfaction_answer_slot_id_slot"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_answer")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_satisfaction_answer_booking_id")),
    )
    with op.batch_alter_table("satisfaction_answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_satisfaction_answer_site_kind", ["site_id", "slot_kind"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_satisfaction_answer_slot_id"), ["slot_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("satisfaction_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_satisfaction_answer_slot_id"))
        batch_op.drop_index("ix_satisfaction_answer_site_kind")

    op.drop_table("satisfaction_answer")
