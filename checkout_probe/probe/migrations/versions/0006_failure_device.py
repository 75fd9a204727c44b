"""The device each failed checkout ran on (a Playwright descriptor's name).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("probe_failures", sa.Column("device", sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column("probe_failures", "device")
