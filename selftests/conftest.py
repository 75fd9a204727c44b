"""Self-tests' collection order (the longest first, so the xdist workers end together), and
no accessibility checks in the runs they start unless a test asks for them.

xdist hands tests out in collection order; a five-minute module collected last keeps one
worker busy while the others idle, and ``./run tests`` ends minutes later than it needs to.

axe-core costs about a second in the first checkout of a process (bench/README.md): the
self-tests start hundreds of such processes to test other things, and that second each
took ``./run tests`` past its 20 minutes. Their runs inherit
``CHECKOUT_PROBE_NO_ACCESSIBILITY``; the tests of accessibility (the detection matrix's
healthy and ``unlabelled-payment-field`` rows, ``selftests/test_accessibility.py``) run with
it unset (:data:`selftests.helpers.WITH_ACCESSIBILITY`). ``./run checkout`` checks every page.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("CHECKOUT_PROBE_NO_ACCESSIBILITY", "1")

#: Modules in the order they should start (the longest, by the suite's JUnit timings, first).
LONGEST_FIRST = (
    "selftests/test_project_from_wheel.py",
    "selftests/test_detection_matrix.py",
    "selftests/probe/test_probe_command.py",
    "selftests/test_artifact_scan.py",
    "selftests/test_oscar.py",
    "selftests/test_baseline_runs.py",
    "selftests/probe/test_probe_resilience.py",
    "selftests/probe/test_probe_soak.py",
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
