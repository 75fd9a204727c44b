"""Indexes for a year of rounds: an environment's rounds in start order, a round's failures.

Every query of one environment (the probe's turn, ``history``, the correlation, retention)
asks for its newest rounds: with ``env`` alone indexed it sorted all of them, so a turn
grew with the history (1 s at a million rounds). ``(env, started_at, id)`` hands them over
already in order; the ``env`` index it starts with is dropped (the new one serves it). It also
carries ``k``, ``failures``, ``rate`` and ``verdict``: the history page sums those over a
period's rounds, and reads them from the index instead of every round's wide row (its JSON).
Reading one round's failures scanned the whole table: ``round_id`` gets its index. And a
partial one holds only the failures still listing evidence, which retention reads after every
round (older ones' lists are emptied: "[]").

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
#: Written out, not imported: a revision stays what it was when the schema moves on.
ROUND_INDEX = ("env", "started_at", "id", "k", "failures", "rate", "verdict")
LISTED = "CAST(evidence AS VARCHAR) != '[]'"


def upgrade() -> None:
    op.create_index("ix_probe_rounds_env_started", "probe_rounds", list(ROUND_INDEX))
    op.drop_index("ix_probe_rounds_env", "probe_rounds")
    op.create_index("ix_probe_failures_round_id", "probe_failures", ["round_id"])
    listed = sa.text(LISTED)
    op.create_index("ix_probe_failures_listed", "probe_failures", ["round_id"],
                    sqlite_where=listed, postgresql_where=listed)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_probe_failures_listed", "probe_failures")
    op.drop_index("ix_probe_failures_round_id", "probe_failures")
    op.create_index("ix_probe_rounds_env", "probe_rounds", ["env"])
    op.drop_index("ix_probe_rounds_env_started", "probe_rounds")
