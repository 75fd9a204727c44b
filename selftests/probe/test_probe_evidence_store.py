"""Self-tests: a failing probe round's evidence, published to a real S3-compatible server (moto's,
on 127.0.0.1), is opened from the alert's links with plain HTTP after the probe has exited;
and a store that is down delays neither the verdict nor the alert, its uploads recorded
as failed and retried by the next run.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from selftests.helpers import CLI, ROOT
from selftests.probe.running import catalog_only_project, demo_shop, run_probe
from selftests.probe.support import Received, http_receiver
from selftests.s3_server import S3Server, aws_environment


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    server = S3Server()
    server.start()
    yield server
    server.stop()


def _alert(requests: list[Received]) -> dict[str, Any]:
    (alert,) = [json.loads(r.body) for r in requests]
    return dict(alert)


def test_a_failing_rounds_alert_links_open_the_screenshot_and_trace_after_the_probe_exited(
    tmp_path: Path, s3: S3Server
) -> None:
    bucket = f"evidence-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(bucket)
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with demo_shop(tmp_path / "shop", "--fault=catalog-db-down") as shop, http_receiver() as rx:
        run = run_probe(
            shop.url or "", tmp_path, "--once", "--checkouts", "3", project,
            "--webhook", rx.url, f"--evidence-store=s3://{bucket}/probe",
            env=aws_environment(s3, tmp_path),
        )  # fmt: skip
        alert = _alert(rx.requests)
    assert run.returncode == 1, run.output
    evidence = [str(e) for e in alert["evidence"]]
    viewer = evidence[0]
    assert viewer.startswith("https://trace.playwright.dev/?trace="), evidence
    links = [e for e in evidence if e.startswith(s3.endpoint) and "/checkout-1/" in e]
    # The probe has exited: the links lead to the store, not to its disk.
    fetched = {Path(urlsplit(link).path).name: httpx.get(link, timeout=10) for link in links}
    assert all(r.status_code == 200 for r in fetched.values()), fetched
    png = next(r for name, r in fetched.items() if name.endswith(".png"))
    assert png.content.startswith(b"\x89PNG"), "not the screenshot"
    trace = fetched["trace.zip"]
    assert trace.content.startswith(b"PK"), "not the trace"
    assert parse_qs(urlsplit(viewer).query)["trace"][0] in links
    assert "0 pending" in run.stdout and "evidence store s3://" in run.stdout, run.stdout
    # The history keeps the links too (checkout-probe history shows them).
    assert links[0] in run_history_json(tmp_path)


def run_history_json(workdir: Path) -> str:
    done = subprocess.run(
        [CLI, "history", "--history", f"sqlite:///{workdir / 'history.sqlite'}", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_store_that_is_down_delays_no_verdict_and_its_uploads_are_retried(
    tmp_path: Path, s3: S3Server
) -> None:
    bucket = f"evidence-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(bucket)
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    aws = aws_environment(s3, tmp_path)
    store = f"--evidence-store=s3://{bucket}/probe"
    with demo_shop(tmp_path / "shop", "--fault=catalog-db-down") as shop, http_receiver() as rx:
        s3.stop()
        try:
            down = run_probe(shop.url or "", tmp_path, "--once", "--checkouts", "3", project,
                             "--webhook", rx.url, store, env=aws)  # fmt: skip
        finally:
            s3.start()
            s3.create_bucket(bucket)  # moto keeps nothing across a restart
        alerted = len(rx.requests)
        back = run_probe(shop.url or "", tmp_path, "--once", "--checkouts", "3", project,
                         "--webhook", rx.url, store, env=aws)  # fmt: skip

    assert down.returncode == 1 and "FAILING" in down.rounds()[0], down.output
    assert alerted == 1, "the alert waited for the store"
    assert "failed attempts" in down.stdout and "pending" in down.stdout, down.stdout
    assert "0 pending" not in down.stdout.splitlines()[-1], down.stdout
    # The next run took the ledger's uploads first: everything the first run kept is there.
    assert "0 pending" in back.stdout, back.stdout
    first_round = {p.name for p in (tmp_path / "evidence" / "local").iterdir()}
    stored = {key.split("/")[2] for key in s3.keys(bucket)}
    assert first_round <= stored, (first_round, stored)
