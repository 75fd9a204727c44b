"""Fixtures shared by the probe's self-tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checkout_probe.probe.history import HistoryStore
from selftests.postgres import PostgresServer


@pytest.fixture
def history(tmp_path: Path) -> Iterator[tuple[HistoryStore, str]]:
    """An empty history in a SQLite file, and its URL."""
    url = f"sqlite:///{tmp_path / 'history.sqlite'}"
    store = HistoryStore(url)
    yield store, url
    store.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test session's own (one per xdist worker)."""
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty history database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.sqlite'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()
