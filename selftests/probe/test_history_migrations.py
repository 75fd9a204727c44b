"""The history's schema revisions: older databases are upgraded, newer ones refused in one line."""

from __future__ import annotations

import logging
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from threading import Barrier

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from checkout_probe.basics.errors import ConfigError, ExitCode
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_migrations import HEAD, alembic_config, current_revision
from checkout_probe.probe.history_url import open_history
from selftests.helpers import CLI
from selftests.probe.support import DEVICE, JOURNEY, make_round
from selftests.probe.test_history import record


def first_release_history(url: str) -> None:
    """A history as the first release left it: its tables, one round, no schema revision."""
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(
            text(
                "INSERT INTO probe_rounds (started_at, finished_at, env, shop_version, k, "
                "failures, failures_by_category, rate, low, high, step_p50, step_p95, verdict) "
                "VALUES (:t, :t, 'prod', '1.4.1', 20, 2, :cats, 0.1, 0.03, 0.3, '{}', '{}', "
                "'healthy')"
            ),
            {"t": datetime(2026, 3, 1, 12, 0), "cats": '{"payment_error": 2}'},
        )
    engine.dispose()


def revision_of(url: str) -> str | None:
    engine = create_engine(url)
    with engine.connect() as connection:
        revision = current_revision(connection)
    engine.dispose()
    return revision


def test_a_first_release_history_is_upgraded_and_keeps_its_rounds(
    history_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    first_release_history(history_url)
    assert revision_of(history_url) == "0001"
    with caplog.at_level(logging.WARNING):
        store = open_history(history_url, create=True)
    assert revision_of(history_url) == HEAD
    assert f"upgraded from schema revision 0001 to {HEAD}" in caplog.text

    record(store, [make_round(1, 1)])
    first, second = store.recent("prod")
    assert (first.failures, first.shop_version, first.by_journey) == (2, "1.4.1", {})
    assert second.by_journey[JOURNEY]["failures"] == 1
    totals = store.checkout_totals("prod")
    assert totals[("unknown", "unknown", "failed", "payment_error")] == 2
    assert totals[(JOURNEY, DEVICE, "failed", "payment_error")] == 1
    with store.turn("prod") as turn:
        turn.save_alert_state({"state": "healthy"})
    assert store.read_alert_state("prod").data == {"state": "healthy"}
    store.close()


def test_reading_an_older_history_names_the_upgrade_instead_of_failing(history_url: str) -> None:
    first_release_history(history_url)
    older = r"schema revision 0001, older .* next `checkout-probe probe` run upgrades it"
    with pytest.raises(ConfigError, match=older):
        open_history(history_url)
    assert revision_of(history_url) == "0001"  # a reader writes nothing


def test_a_history_from_a_newer_release_is_refused_by_probe_and_reader(history_url: str) -> None:
    HistoryStore(history_url).close()
    engine = create_engine(history_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    newer = r"schema revision 0099, newer than this checkout-probe knows .*: upgrade checkout-probe"
    with pytest.raises(ConfigError, match=newer):
        open_history(history_url, create=True)
    with pytest.raises(ConfigError, match=newer):
        open_history(history_url)


def test_probes_starting_together_on_an_empty_database_all_get_the_schema(
    history_url: str,
) -> None:
    start = Barrier(4)

    def open_store(_: int) -> str:
        start.wait()
        store = open_history(history_url, create=True)
        store.close()
        return "ok"

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(open_store, range(4))) == ["ok"] * 4
    assert revision_of(history_url) == HEAD


def test_a_database_host_that_never_answers_fails_in_one_line_not_a_hang() -> None:
    # Accepts the TCP connection (the kernel does) and never says a word.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"postgresql+psycopg://probe@127.0.0.1:{silent.getsockname()[1]}/history"
        done = subprocess.run(
            [CLI, "history", "--history", url], capture_output=True, text=True, timeout=60
        )
    assert done.returncode == ExitCode.TARGET_UNREACHABLE, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot read the history database" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_a_history_at_0006_gets_the_indexes_for_a_year_of_rounds_and_keeps_its_rounds(
    history_url: str,
) -> None:
    engine = create_engine(history_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0006")
    engine.dispose()
    older = HistoryStore(history_url, create_tables=False)
    record(older, [make_round(0, 1), make_round(1)])  # written as the 0006 release did
    older.close()

    store = open_history(history_url, create=True)
    with store.engine.connect() as connection:
        assert current_revision(connection) == HEAD
        inspector = inspect(connection)
        rounds = {i["name"]: i["column_names"] for i in inspector.get_indexes("probe_rounds")}
        failures = {i["name"]: i["column_names"] for i in inspector.get_indexes("probe_failures")}
    assert rounds["ix_probe_rounds_env_started"][:3] == ["env", "started_at", "id"]
    assert "ix_probe_rounds_env" not in rounds  # the new index starts with env
    assert failures["ix_probe_failures_round_id"] == ["round_id"]
    assert failures["ix_probe_failures_listed"] == ["round_id"]
    assert [r.failures for r in store.recent("prod")] == [1, 0]
    store.close()
