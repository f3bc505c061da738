"""alert thread key and source health

Updates about one story go into the thread of its first message; a source
records what its last run found and why it is unhealthy.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_found", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_new", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("empty_runs", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("unhealthy_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("unhealthy_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_key", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_alert_thread_key"), ["thread_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_thread_key"))
        batch_op.drop_column("thread_key")
    with op.batch_alter_table("source", schema=None) as batch_op:
        for column in (
            "unhealthy_reason",
            "unhealthy_since",
            "empty_runs",
            "last_new",
            "last_found",
        ):
            batch_op.drop_column(column)
