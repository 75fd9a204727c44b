"""The history as the first release wrote it: rounds and their failed checkouts.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "probe_rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
        sa.Column("env", sa.String(100), nullable=False),
        sa.Column("shop_version", sa.String(100)),
        sa.Column("k", sa.Integer, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("failures_by_category", sa.JSON, nullable=False),
        sa.Column("rate", sa.Float, nullable=False),
        sa.Column("low", sa.Float, nullable=False),
        sa.Column("high", sa.Float, nullable=False),
        sa.Column("step_p50", sa.JSON, nullable=False),
        sa.Column("step_p95", sa.JSON, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
    )
    op.create_index("ix_probe_rounds_started_at", "probe_rounds", ["started_at"])
    op.create_index("ix_probe_rounds_env", "probe_rounds", ["env"])
    op.create_table(
        "probe_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_id",
            sa.Integer,
            sa.ForeignKey("probe_rounds.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("category", sa.String(64)),
        sa.Column("failing_step", sa.String(200)),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("probe_failures")
    op.drop_table("probe_rounds")
