"""Several probes on one history send one alert per change (the Kubernetes example's regions).

Real ``checkout-probe probe --once`` processes, started together against one demo
shop and one history, on SQLite and on PostgreSQL; a real webhook receiver counts
what they sent. The project is the one-step catalog journey: the alert state's
concurrency does not depend on how long a journey is.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from selftests.helpers import ROOT, lenient_budgets
from selftests.probe.running import (
    admin,
    alerts,
    catalog_only_project,
    demo_shop,
    probe_args,
    probe_env,
)
from selftests.probe.support import http_receiver

PROBES = 3
#: One round each (--once), K=3 on one browser; --recover-below 0.5 lets a clean
#: two-round window (0 of 6) recover, which the default 0.10 could not with K this small.
#: Three probes' browsers at once on a loaded machine: the catalog step gets a lenient budget,
#: so a recovering round is not failed as slow (what is under test is the turns, not speed).
RULE_ARGS = (
    "--once", "--checkouts", "3", "--workers", "1", "--recover-below", "0.5",
    *lenient_budgets(steps=("open catalog",)),
)  # fmt: skip


def _together(base_url: str, workdir: Path, history: str, *args: str) -> list[int]:
    """Start PROBES ``--once`` probes at the same moment; their exit codes."""
    commands = [
        [*probe_args(base_url, workdir / f"probe-{i}", *RULE_ARGS, *args), "--history", history]
        for i in range(PROBES)
    ]
    out, err = subprocess.PIPE, subprocess.STDOUT
    processes = [
        subprocess.Popen(c, cwd=ROOT, env=probe_env(), text=True, stdout=out, stderr=err)
        for c in commands
    ]
    with ThreadPoolExecutor(PROBES) as pool:
        outputs = list(pool.map(lambda p: p.communicate(timeout=240)[0], processes))
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode in (0, 1), output
    return [p.returncode for p in processes]


@pytest.mark.xdist_group("probe-concurrency")  # six browsers at once are enough for 2 cores
def test_probes_started_together_send_one_firing_and_one_resolved(
    history_url: str, tmp_path: Path
) -> None:
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with demo_shop(tmp_path / "shop", "--fault=catalog-db-down") as shop, http_receiver() as hook:
        assert shop.url is not None
        codes = _together(shop.url, tmp_path, history_url, project, "--webhook", hook.url)
        assert codes == [1] * PROBES  # each saw the outage...
        assert [a["kind"] for a in alerts(hook.requests)] == ["firing"]  # ...one said so

        admin(shop, "/admin/faults", {"fault": None})
        # Turns follow one another: the first still has a failing round in its window, the
        # second sees the first's clean round and recovers, the third finds it recovered.
        codes = _together(shop.url, tmp_path, history_url, project, "--webhook", hook.url)
        assert sorted(codes) == [0, 0, 1], codes
        kinds = [a["kind"] for a in alerts(hook.requests)]
        assert kinds == ["firing", "resolved"], kinds
