"""Alembic's entry point: migrate on the connection ``history_migrations`` hands over.

There is no alembic.ini and no URL here: the probe opens the database itself (one
URL, one set of connect options) and runs the migrations inside its own transaction.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
