"""Self-test through a real Alertmanager (Debian's prometheus-alertmanager on 127.0.0.1, its
``resolve_timeout`` 5 s): an outage of the demo shop much longer than that, probed in
long-running mode with ``--webhook-format alertmanager`` and no other alert option, reaches
Alertmanager's receiver as one "firing" and, only after the shop recovered, one "resolved".

Before the probe sent the firing alert again each round (with an ``endsAt`` ahead),
Alertmanager resolved it by its ``resolve_timeout`` while every checkout still failed.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from selftests.alertmanager import alertmanager
from selftests.probe.running import admin, catalog_only_project, demo_shop, live_probe
from selftests.probe.support import Receiver, http_receiver

RESOLVE_TIMEOUT_S = 5


def _notifications(receiver: Receiver) -> list[tuple[datetime, str, dict[str, Any]]]:
    found = []
    for request in receiver.requests:
        body = json.loads(request.body)
        found.append((request.at, str(body["status"]), body["alerts"][0]["labels"]))
    return found


def _wait_for(receiver: Receiver, count: int, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while len(receiver.requests) < count and time.monotonic() < deadline:
        time.sleep(0.2)  # polling a receiver another process posts to: nothing to await


def test_an_outage_longer_than_resolve_timeout_is_one_firing_and_one_resolved_after_recovery(
    tmp_path: Path,
) -> None:
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with (
        http_receiver() as receiver,
        alertmanager(f"{receiver.url}/hook", RESOLVE_TIMEOUT_S) as am,
        demo_shop(tmp_path / "shop", "--fault=catalog-db-down") as shop,
        live_probe(
            shop.url or "", tmp_path, "--interval", "2", "--checkouts", "3", project,
            "--webhook", am.url, "--webhook-format", "alertmanager",
        ) as probe,
    ):  # fmt: skip
        failing = probe.wait_for("ALERT firing", 120, anywhere=True)
        fired_at = datetime.now(UTC)
        # The outage goes on for three resolve_timeouts, round after round.
        while (datetime.now(UTC) - fired_at).total_seconds() < 3 * RESOLVE_TIMEOUT_S:
            probe.wait_for("round ", 60)
        during = _notifications(receiver)
        admin(shop, "/admin/faults", {"fault": None})
        recovered_at = datetime.now(UTC)
        probe.wait_for("ALERT resolved", 120, anywhere=True)
        _wait_for(receiver, 2, 30)
        code = probe.stop()

    got = _notifications(receiver)
    print("\n".join(f"{at:%H:%M:%S.%f} {status} {labels}" for at, status, labels in got))
    print(f"outage: fired {fired_at:%H:%M:%S}, shop fixed {recovered_at:%H:%M:%S}")
    assert "FAILING" in probe.text() and "server_error" in failing, probe.text()
    assert [status for _, status, _ in during] == ["firing"], during
    assert [status for _, status, _ in got] == ["firing", "resolved"], got
    assert got[1][0] > recovered_at, "resolved before the shop recovered"
    labels = got[0][2]
    assert labels["alertname"] == "CheckoutProbeFailing" and labels["severity"] == "critical"
    assert code == 0 and "Traceback" not in probe.text(), probe.text()
