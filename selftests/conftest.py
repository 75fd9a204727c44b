"""Self-tests' collection order: the longest first, so the xdist workers end together.

xdist hands tests out in collection order; a five-minute module collected last keeps one
worker busy while the others idle, and ``./run tests`` ends minutes later than it needs to.
"""

from __future__ import annotations

import pytest

#: Modules in the order they should start (the longest, by the suite's JUnit timings, first).
LONGEST_FIRST = (
    "selftests/test_project_from_wheel.py",
    "selftests/test_detection_matrix.py",
    "selftests/probe/test_probe_command.py",
    "selftests/test_artifact_scan.py",
    "selftests/test_oscar.py",
    "selftests/test_baseline_runs.py",
    "selftests/probe/test_probe_resilience.py",
    "selftests/test_verify.py",
    "selftests/test_gate.py",
    "selftests/probe/test_probe_concurrency.py",
    "selftests/test_staging_and_production.py",
    "selftests/test_browser_endpoint.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: within a module, and among the rest, the usual order
