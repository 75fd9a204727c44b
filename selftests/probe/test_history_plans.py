"""The history's queries at scale, without timing anything: every query a probe's turn,
``checkout-probe history`` and retention run finds its rows through an index (the query
plans say so), and retention deletes in bounded batches (the statements say so)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_batches import BATCH
from checkout_probe.probe.history_command import read_view
from checkout_probe.probe.rule import DecisionRule
from selftests.probe.support import make_round
from selftests.probe.test_history import record


@pytest.fixture
def store(history_url: str) -> Iterator[HistoryStore]:
    """A history of two environments, on SQLite and on PostgreSQL, with failing rounds."""
    history = HistoryStore(history_url)
    record(history, [make_round(i, i % 3, evidence=[f"ev/{i}.png"]) for i in range(12)])
    record(history, [make_round(i, env="staging") for i in range(3)])
    yield history
    history.close()


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (and parameters) run on ``engine`` inside the block."""
    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        seen.append((sql, params))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def full_scans(engine: Engine, sql: str, params: Any, *, sorts: bool = False) -> list[str]:
    """The plan's lines that read a whole history table (or, unless ``sorts``, sort what it
    read: a query that groups sorts its groups) instead of an index."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            explained = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [row[-1] for row in explained]
            sorted_ = [p for p in plan if "TEMP B-TREE" in p and not sorts]
            # Reading the whole partial index of failures still listing evidence is the point.
            scans = [p for p in plan if p.startswith("SCAN probe_") and "_listed" not in p]
            return scans + sorted_
        # Tiny tables: without this the planner rightly prefers reading them whole.
        connection.exec_driver_sql("SET enable_seqscan = off")
        plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}", params)]
        return [line for line in plan if "Seq Scan on probe_" in line]


def assert_indexed(store: HistoryStore, work: Callable[[], object], *, sorts: bool = False) -> int:
    """Run ``work``; every SELECT of the history's tables it ran must use an index."""
    with statements(store.engine) as seen:
        work()
    reads = [(sql, p) for sql, p in seen if sql.lstrip().upper().startswith(("SELECT", "WITH"))
             and "probe_" in sql]  # fmt: skip
    for sql, params in reads:
        assert full_scans(store.engine, sql, params, sorts=sorts) == [], sql
    return len(reads)


def a_turn(store: HistoryStore) -> None:
    rule = DecisionRule()
    with store.turn("prod") as turn:
        turn.alert_state()
        window = [(r.failures, r.k) for r in turn.recent(rule.window_rounds - 1)]
        turn.add(make_round(40, 1), rule.decide([*window, (1, 20)]))
        turn.save_alert_state({"state": "healthy"})


def test_a_probe_turn_reads_the_window_through_the_index(store: HistoryStore) -> None:
    assert assert_indexed(store, lambda: a_turn(store)) >= 2


def test_history_reads_its_rounds_and_failures_through_indexes(store: HistoryStore) -> None:
    def history() -> None:
        view = read_view(store, "prod", 5)
        assert view.rounds and view.total == 12
        store.latest_with_failures("prod")
        store.failures(view.rounds[-1].id)

    assert assert_indexed(store, history) >= 5


def test_the_environments_are_found_without_reading_every_round(store: HistoryStore) -> None:
    assert assert_indexed(store, lambda: store.envs()) == 1
    assert store.envs() == ["prod", "staging"]


def test_retention_finds_old_rounds_and_their_failures_through_indexes(
    store: HistoryStore, tmp_path: Path
) -> None:
    assert assert_indexed(store, lambda: store.retention.apply("prod", 4, 2, tmp_path)) >= 3
    assert store.count("prod") == 4


def test_retention_deletes_in_bulk_batches_each_its_own_transaction(
    history_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 23 old rounds in batches of 5: five transactions of two bulk DELETEs each, never one
    # DELETE per row, and no transaction holding more than a batch.
    monkeypatch.setattr("checkout_probe.probe.history_batches.BATCH", 5)
    history = HistoryStore(history_url)
    try:
        record(history, [make_round(i, 1, evidence=[f"/ev/{i}.png"]) for i in range(25)])
        commits: list[int] = []
        with statements(history.engine) as seen:
            event.listen(history.engine, "commit", lambda _: commits.append(len(seen)))
            result = history.retention.prune(keep_rounds=2, env="prod")
        assert result.rounds == 23
        assert sorted(result.evidence) == sorted(f"/ev/{i}.png" for i in range(23))
        deletes = [sql for sql, _ in seen if sql.lstrip().upper().startswith("DELETE")]
        assert len(deletes) == 2 * 5
        assert len(commits) >= 5
        assert [r.started_at for r in history.recent("prod", 10)] == [
            make_round(i).started_at for i in (23, 24)
        ]
    finally:
        history.close()


def test_the_default_batch_keeps_a_transaction_short() -> None:
    # A batch of rounds and their failure rows is a few milliseconds on either database;
    # SQLite's oldest builds cap a statement at 999 parameters.
    assert 100 <= BATCH <= 999
