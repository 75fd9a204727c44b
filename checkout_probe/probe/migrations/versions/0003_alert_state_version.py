"""A version on each environment's alert state, so concurrent probes send one alert per change.

A probe advances the state with ``UPDATE … WHERE version = <what it read>``: the one
whose update matched a row sends the alert; the others read the new state again.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "probe_alert_state",
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("probe_alert_state", "version")
