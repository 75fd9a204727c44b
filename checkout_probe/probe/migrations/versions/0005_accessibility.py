"""Each round's accessibility: axe-core violations by step and impact, as many as one
checkout of the round saw (the most of any).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("probe_rounds", sa.Column("a11y_counts", sa.JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("probe_rounds", "a11y_counts")
