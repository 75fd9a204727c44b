"""Each failed checkout's W3C trace id, so a history row leads to the shop's trace; each
round's web vitals (p75 per step and metric).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("probe_failures", sa.Column("trace_id", sa.String(32), nullable=True))
    op.add_column("probe_rounds", sa.Column("vitals_p75", sa.JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("probe_rounds", "vitals_p75")
    op.drop_column("probe_failures", "trace_id")
