"""Self-tests: ``checkout-probe verify`` exit codes and summary, against real demo shops."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from checkout_probe.target import LocalShop
from checkout_probe.verify.command import build_parser
from selftests.helpers import ROOT, run_verify

TOKEN = "verify-token-Lk2p"


def _summary(reports: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((reports / "summary.json").read_text())
    return data


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[LocalShop]:
    """A running demo shop, as a deploy target."""
    with LocalShop(tmp_path / "shop", api_token=TOKEN) as started:
        yield started


def test_healthy_shop_exits_0_with_each_journey_listed(tmp_path: Path) -> None:
    code, output, _ = run_verify("--env", "local", "--reports", str(tmp_path))
    assert code == 0, output
    assert output.count("  PASS ") == 3
    assert "3 passed, 0 failed" in output
    assert _summary(tmp_path)["totals"] == {"passed": 3}


def test_broken_order_database_exits_1_naming_request_category_and_dependency(
    tmp_path: Path,
) -> None:
    code, output, _ = run_verify(
        "--env", "local", "--reports", str(tmp_path), "--retries", "0", "--workers", "0",
        "--shop-arg=--fault=bad-db-connection-string",
    )  # fmt: skip
    assert code == 1, output
    assert "[payment_error]" in output
    assert "request: POST /api/orders → 500" in output
    assert "/health: degraded — order-service database" in output
    assert "trace: " in output
    failed = [t for t in _summary(tmp_path)["tests"] if t["outcome"] == "failed"]
    assert failed and failed[0]["diagnosis"]["failed_requests"][0]["path"] == "/api/orders"


def test_unreachable_target_exits_3_in_seconds(tmp_path: Path) -> None:
    code, output, seconds = run_verify(
        "--env", "local", "--base-url", "http://127.0.0.1:9", "--reports", str(tmp_path)
    )
    assert code == 3, output
    assert "cannot connect to http://127.0.0.1:9/health" in output
    assert seconds < 20


def test_waits_for_the_expected_version_then_tests(tmp_path: Path, shop: LocalShop) -> None:
    def deploy() -> None:
        time.sleep(3)  # the "rollout" this test waits through
        httpx.post(
            f"{shop.url}/admin/version",
            json={"version": "2.0.0"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ).raise_for_status()

    rollout = threading.Thread(target=deploy)
    rollout.start()
    code, output, _ = run_verify(
        "--env", "local", "--base-url", str(shop.url), "--expect-version", "2.0.0",
        "--version-interval", "0.5", "--version-timeout", "30", "--reports", str(tmp_path),
        env={"CHECKOUT_PROBE_API_TOKEN": TOKEN},
    )  # fmt: skip
    rollout.join()
    assert code == 0, output
    assert "version 2.0.0 is live after" in output
    assert _summary(tmp_path)["shop_versions"] == ["2.0.0"]
    assert _summary(tmp_path)["rollout_s"] >= 2.5


def test_version_that_never_comes_exits_3_after_the_timeout(
    tmp_path: Path, shop: LocalShop
) -> None:
    code, output, seconds = run_verify(
        "--env", "local", "--base-url", str(shop.url), "--expect-version", "9.9.9",
        "--version-interval", "0.5", "--version-timeout", "2", "--reports", str(tmp_path),
    )  # fmt: skip
    assert code == 3, output
    assert "version 9.9.9 never went live" in output and "still reports 1.0.0" in output
    assert seconds < 15


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--retries", "5"], "invalid choice: 5"),
        (["--env", "nowhere"], "unknown environment 'nowhere'"),
    ],
)
def test_bad_option_or_environment_exits_2_with_one_line(args: list[str], message: str) -> None:
    code, output, _ = run_verify(*args)
    assert code == 2
    assert message in output
    assert "Traceback" not in output


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_examples_call_verify_with_options_it_has(name: str) -> None:
    document = yaml.safe_load((ROOT / "examples" / "ci" / name).read_text())
    text = json.dumps(document)
    assert "checkout-probe verify" in text
    known = {opt for action in build_parser()._actions for opt in action.option_strings}
    commands = [c for c in _strings(document) if "checkout-probe verify" in c]
    used = {word for c in commands for word in c.split() if word.startswith("--")}
    assert used and used <= known, used - known
    assert "reports/" in text  # archived as artifacts


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []
