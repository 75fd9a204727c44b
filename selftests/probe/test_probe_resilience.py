"""The probe keeps probing when things around it break: target, browser, network, disk, webhook.

A browser crash (and wedged pages) over 30 rounds: ``test_probe_soak.py``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from checkout_probe.basics.processes import alive
from checkout_probe.probe.history import HistoryStore
from selftests.helpers import ROOT
from selftests.postgres import PostgresServer
from selftests.probe.running import (
    BEARER,
    TOKEN,
    alerts,
    catalog_only_project,
    demo_shop,
    live_probe,
    module_project,
    run_probe,
    wedge_round_is_explained,
)
from selftests.probe.support import closed_port, http_receiver
from selftests.soak import browsers


def test_target_down_probe_keeps_running_and_alerts(tmp_path: Path) -> None:
    with http_receiver() as receiver:
        run = run_probe(
            f"http://127.0.0.1:{closed_port()}", tmp_path, "--rounds", "2", "--interval", "0",
            "--checkouts", "3", "--webhook", receiver.url, timeout_s=120,
        )  # fmt: skip
        sent = alerts(receiver.requests)
    assert run.returncode == 0, run.output
    assert len(run.rounds()) == 2 and all("3/3 failed" in r for r in run.rounds()), run.output
    assert [a["kind"] for a in sent] == ["firing"]
    assert sent[0]["top_category"] == "target_unreachable"


@contextmanager
def _silent_server() -> Iterator[str]:
    """Accepts connections and never answers: a hung load balancer."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        server.close()


def test_hanging_network_ends_the_round_by_timeouts_not_never(tmp_path: Path) -> None:
    with _silent_server() as url:
        run = run_probe(
            url, tmp_path, "--once", "--checkouts", "3", "--action-timeout", "3",
            "--round-timeout", "60", timeout_s=150,
        )  # fmt: skip
    assert run.returncode == 1, run.output
    assert "3/3 failed" in run.rounds()[0], run.output
    assert run.seconds < 120


def test_wedged_browser_costs_one_round_not_the_workers(tmp_path: Path) -> None:
    # SIGSTOP: the browsers live but never answer, so calls without a timeout of their
    # own (closing a context, stopping a trace) hang their workers past the round.
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with demo_shop(tmp_path / "shop") as shop:
        assert shop.url is not None
        with live_probe(
            shop.url, tmp_path, "--interval", "0", "--checkouts", "2",
            "--action-timeout", "3", "--round-timeout", "25", project,
        ) as probe:  # fmt: skip
            probe.wait_for("round 1 ", 120)
            wedged = browsers(probe.process.pid)
            assert wedged, "no browser process found under the probe"
            try:
                for pid in wedged:
                    os.kill(pid, signal.SIGSTOP)
                hung = probe.wait_for("round 2 ", 120)
                later = [probe.wait_for(f"round {n} ", 120) for n in (3, 4)]
                left = {pid for pid in wedged if alive(pid)}  # before the probe stops
                assert probe.stop() == 0, probe.text()
            finally:
                for pid in wedged:
                    with suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
    # Each checkout the stopped browser caught failed in its step, or is a harness error
    # (hung outside any step: opening or closing a context, keeping a trace); none passed.
    assert wedge_round_is_explained(hung, 2), probe.text()
    # Each wedged worker replaced once, in the round it hung; none for the rounds after.
    assert probe.text().count("is retired") == 2, probe.text()
    # ... and its stopped browser killed by the probe, not left to hold memory for months.
    assert not left, f"wedged browsers still there after the probe stopped: {left}"
    assert "0/2 failed" in later[-1] and "harness errors" not in later[-1], probe.text()


@contextmanager
def _full_disk(folder: Path) -> Iterator[str]:
    """A 64 KiB tmpfs at ``folder`` (root can mount); else a path no directory can be made at."""
    folder.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True
    ).returncode == 0  # fmt: skip
    if not mounted:
        folder.rmdir()
        folder.write_text("a file where the evidence folder should be")
    try:
        yield "tmpfs" if mounted else "file"
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def test_full_evidence_disk_loses_evidence_not_the_round(tmp_path: Path) -> None:
    # Every checkout fails and keeps evidence; one step of it is enough to fill the disk.
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with demo_shop(tmp_path / "shop", "--fault=catalog-db-down") as shop:
        assert shop.url is not None
        with _full_disk(tmp_path / "evidence") as kind:
            run = run_probe(shop.url, tmp_path, "--once", "--checkouts", "4", project)
            # What is kept is whole: no temporary or empty file that retention never removes.
            left = [
                p.name for p in (tmp_path / "evidence").rglob("*")
                if p.is_file() and (p.name.startswith((".", "tmp")) or p.stat().st_size == 0)
            ]  # fmt: skip
    assert left == [], left
    assert run.returncode == 1, run.output
    assert "4/4 failed" in run.rounds()[0] and "server_error" in run.rounds()[0], run.output
    assert "could not keep" in run.stderr, f"({kind}) {run.output}"
    assert "Traceback" not in run.output
    with sqlite3.connect(tmp_path / "history.sqlite") as db:
        (failures,) = db.execute("SELECT count(*) FROM probe_failures").fetchone()
    assert failures == 4


def test_webhook_down_is_logged_and_the_alert_is_sent_when_it_is_back(tmp_path: Path) -> None:
    # Alert delivery does not depend on the journey: the one-step project on a shop whose
    # storefront database is down fails fast, and every round alerts the same way.
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with demo_shop(tmp_path / "shop", "--fault=catalog-db-down") as shop:
        assert shop.url is not None
        down = run_probe(
            shop.url, tmp_path, "--once", "--checkouts", "3", project,
            "--webhook", f"http://127.0.0.1:{closed_port()}/hook",
        )  # fmt: skip
        with http_receiver() as receiver:
            back = run_probe(shop.url, tmp_path, "--once", "--checkouts", "3", project,
                             "--webhook", receiver.url)  # fmt: skip
            sent = alerts(receiver.requests)
    assert down.returncode == 1, down.output
    assert "alert not delivered" in down.stdout and "sent again after the next round" in down.stdout
    assert "Traceback" not in down.output
    assert back.returncode == 1, back.output
    assert [a["kind"] for a in sent] == ["firing"], "the lost alert was not sent again"


def test_a_long_running_probe_keeps_probing_through_a_history_database_outage(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    history = postgres.new_database()
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with demo_shop(tmp_path / "shop") as shop:
        assert shop.url is not None
        with live_probe(
            shop.url, tmp_path, "--interval", "0", "--checkouts", "1", project,
            "--history", history,
        ) as probe:  # fmt: skip
            before = probe.wait_for("round 1 ", 60)
            postgres.halt()
            try:
                # Rounds already judged may still be stored; the first one that is not:
                lost = probe.wait_for("not recorded: the history database failed", 60,
                                      anywhere=True)  # fmt: skip
            finally:
                postgres.resume()
            back = probe.wait_for("  the history database answers again", 60)
            after = probe.wait_for("round ", 60)
            code = probe.stop()

    print(probe.text())  # rounds before, during and after the outage (pytest -s shows them)
    # A round said "not recorded" was not stored (before: a round stored whose retention then
    # failed was also said "not recorded").
    lines = probe.text().splitlines()
    stored = {line.split(" · ")[0] for line in lines if " · version " in line}
    unstored = {line.split(" · ")[0] for line in lines if "not recorded: the history" in line}
    assert stored.isdisjoint(unstored), probe.text()
    assert "HEALTHY" in before, probe.text()
    assert "not recorded: the history database failed" in lost, probe.text()
    assert "probing goes on" in lost
    assert "round was not recorded" in back or "rounds were not recorded" in back
    assert "HEALTHY" in after, probe.text()
    assert code == 0 and "Traceback" not in probe.text(), probe.text()
    store = HistoryStore(history)
    try:
        assert len(store.recent("local")) >= 2  # before the outage and after it
    finally:
        store.close()


#: The demo project's guest checkout, then a bug of the project's own outside any step whose
#: message carries the API token and the shopper's password.
_BUGGY_SHOP = f"""
import dataclasses, os, sys
sys.path.insert(0, {str(ROOT)!r})  # the demo project's flows
from flows.journeys import checkout_as_guest
from flows.shop import SHOP as DEMO


def buggy(journey, shopper, card, **kwargs):
    checkout_as_guest(journey, shopper, card, **kwargs)
    token = os.environ["CHECKOUT_PROBE_API_TOKEN"]
    raise RuntimeError(f"journey bug: token {{token}}, password {{shopper.password}}")


SHOP = dataclasses.replace(DEMO, journeys={{"buggy checkout": buggy}})
"""


def test_a_journey_that_raises_outside_a_step_is_cleaned_up_and_leaks_no_secret(
    tmp_path: Path,
) -> None:
    project = module_project(tmp_path / "project", "buggy", _BUGGY_SHOP)
    fixed = catalog_only_project(tmp_path / "fixed")
    with demo_shop(tmp_path / "shop") as shop, http_receiver() as receiver:
        assert shop.url is not None
        hook = ("--webhook", f"{receiver.url}/api/v2/alerts", "--webhook-format", "alertmanager")
        run = run_probe(shop.url, tmp_path, "--once", "--checkouts", "2", f"--project={project}",
                        *hook)  # fmt: skip
        left = httpx.get(f"{shop.url}/api/synthetic", headers=BEARER, timeout=5).json()
        again = run_probe(shop.url, tmp_path, "--once", "--checkouts", "2",
                          f"--project={project}", *hook)  # fmt: skip
        mended = run_probe(shop.url, tmp_path, "--once", "--checkouts", "2",
                           f"--project={fixed}", *hook)  # fmt: skip
        sent: list[dict[str, Any]] = [
            item for r in receiver.requests for item in json.loads(r.body)
        ]

    # The project's bug: no verdict on the shop, exit 4 (not 1); the alert it raises is the
    # probe team's (its own name, about=harness, a warning), once, resolved once mended.
    assert [r.returncode for r in (run, again, mended)] == [4, 4, 0], mended.output
    # Alertmanager gets a firing alert each run it lasts (endsAt ahead), then the resolve
    # (endsAt: the round that judged again, in the past).
    now = datetime.now(UTC)
    kinds = [(a["labels"]["alertname"], datetime.fromisoformat(a["endsAt"]) > now) for a in sent]
    assert kinds == [
        ("CheckoutProbeHarnessError", True), ("CheckoutProbeHarnessError", True),
        ("CheckoutProbeHarnessError", False),
    ], sent  # fmt: skip
    labels = sent[0]["labels"]
    assert labels["about"] == "harness" and labels["severity"] == "warning", labels
    assert (
        "Probe cannot judge checkouts: 2/2 were harness errors" in sent[0]["annotations"]["summary"]
    )
    everything = "".join(r.body.decode() for r in receiver.requests)
    assert "CheckoutProbeFailing" not in everything and TOKEN not in everything
    assert "no verdict: 2 harness errors" in run.output, run.output
    assert (
        "outside a journey step: RuntimeError: journey bug: token [redacted], password [redacted]"
        in run.output
    ), run.output
    assert TOKEN not in run.output and "Traceback" in run.output  # the log keeps where
    # Both checkouts had ordered before the bug: cleaned up all the same.
    assert left["orders"] == [], left
