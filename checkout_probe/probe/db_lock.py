"""One transaction that holds a lock other probes sharing the database wait for.

PostgreSQL: a transaction-scoped advisory lock on a key (a name hashed by the
server), released at commit or rollback. SQLite: the database's write lock,
taken at once with ``BEGIN IMMEDIATE`` (pysqlite otherwise begins lazily and
never around DDL). Other databases get a plain transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection


@contextmanager
def locked(connection: Connection, name: str) -> Iterator[None]:
    """Begin a transaction on ``connection`` holding lock ``name``; commit on success."""
    if connection.dialect.name == "postgresql":
        key = {"name": f"checkout-probe {name}"}
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), key)
        yield
        connection.commit()
        return
    if connection.dialect.name != "sqlite":
        with connection.begin():
            yield
        return
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    previous = raw.isolation_level
    raw.isolation_level = None  # autocommit mode: the BEGIN below is ours, DDL included
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield
        connection.commit()
    finally:
        if raw.in_transaction:
            raw.rollback()
        raw.isolation_level = previous
