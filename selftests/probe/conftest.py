"""Fixtures shared by the probe's self-tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checkout_probe.probe.history import HistoryStore


@pytest.fixture
def history(tmp_path: Path) -> Iterator[tuple[HistoryStore, str]]:
    """An empty history in a SQLite file, and its URL."""
    url = f"sqlite:///{tmp_path / 'history.sqlite'}"
    store = HistoryStore(url)
    yield store, url
    store.close()
