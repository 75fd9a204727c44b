"""Alert state per environment; rounds per journey, cleanup failures, each failure's journey.

Histories from before migrations may already have some of these (they were
added on open then): only what is missing is added.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("probe_rounds", sa.Column("by_journey", sa.JSON, nullable=True)),
    ("probe_rounds", sa.Column("cleanup_failures", sa.JSON, nullable=True)),
    ("probe_failures", sa.Column("journey", sa.String(200), nullable=True)),
)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("probe_alert_state"):
        op.create_table(
            "probe_alert_state",
            sa.Column("env", sa.String(100), primary_key=True),
            sa.Column("data", sa.JSON, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False),
        )
    for table, column in _COLUMNS:
        if column.name not in {c["name"] for c in inspector.get_columns(table)}:
            op.add_column(table, column)


def downgrade() -> None:
    for table, column in reversed(_COLUMNS):
        op.drop_column(table, column.name)
    op.drop_table("probe_alert_state")
