"""Generated history rows written fast: ``COPY`` on PostgreSQL, ``executemany`` elsewhere,
into the tables ``HistoryStore`` created (``bench/history_fill.py`` generates them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

RoundTuple = tuple[Any, ...]
FailureTuple = tuple[Any, ...]
ROUND_COLUMNS = (
    "id, started_at, finished_at, env, shop_version, k, failures, failures_by_category, rate, "
    "low, high, step_p50, step_p95, verdict, by_journey, cleanup_failures, vitals_p75, a11y_counts"
)
FAILURE_COLUMNS = (
    "id, round_id, category, journey, device, failing_step, message, evidence, trace_id"
)


def insert(connection: Any, rounds: list[RoundTuple], failures: list[FailureTuple]) -> None:
    """Insert ``rounds`` and ``failures`` (ids included) in ``connection``'s transaction."""
    if connection.dialect.name == "postgresql":
        _copy(connection, rounds, failures)
    else:
        _executemany(connection, rounds, failures)


def _naive(moment: datetime) -> str:
    # SQLAlchemy's SQLite DateTime storage format; UTC without a zone, as UTCDateTime stores it.
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _executemany(connection: Any, rounds: list[RoundTuple], failures: list[FailureTuple]) -> None:
    if not rounds:
        return
    marks = ", ".join("?" * len(ROUND_COLUMNS.split(",")))
    rows = [(r[0], _naive(r[1]), _naive(r[2]), *r[3:]) for r in rounds]
    connection.exec_driver_sql(f"INSERT INTO probe_rounds ({ROUND_COLUMNS}) VALUES ({marks})", rows)
    if failures:
        marks = ", ".join("?" * len(FAILURE_COLUMNS.split(",")))
        sql = f"INSERT INTO probe_failures ({FAILURE_COLUMNS}) VALUES ({marks})"
        connection.exec_driver_sql(sql, failures)


def _copy(connection: Any, rounds: list[RoundTuple], failures: list[FailureTuple]) -> None:
    cursor = connection.connection.driver_connection.cursor()
    for table, columns, rows in (("probe_rounds", ROUND_COLUMNS, rounds),
                                 ("probe_failures", FAILURE_COLUMNS, failures)):  # fmt: skip
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                if table == "probe_rounds":
                    row = (row[0], row[1].replace(tzinfo=None), row[2].replace(tzinfo=None),
                           *row[3:])  # fmt: skip
                copy.write_row(row)
