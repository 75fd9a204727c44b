"""Self-tests: the suites against a separately started shop as "staging" and as "production".

The shop here is a second demo shop on its own port and database, reached only
through configuration (a temporary environments.toml) and a secret from an
environment variable, as a team's staging or production would be.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from checkout_probe.basics.errors import PYTEST_TARGET_UNHEALTHY, PYTEST_TARGET_UNREACHABLE
from checkout_probe.target import LocalShop
from flows.shop import SHOP
from flows.shop_api import OrderApi, SessionAuth
from selftests.helpers import SuiteRun, run_suites, run_verify

TOKEN = "staging-token-Zq8v"
PASSWORD = "Staging-Pa55-word!"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalShop]:
    """A demo shop started apart from any test run, as a team's staging would be."""
    with LocalShop(tmp_path_factory.mktemp("staging-shop"), api_token=TOKEN) as started:
        yield started


#: What these tests are about is the environment chosen and what it leaves behind, not
#: speed: generous step budgets, so the machine's load (the self-tests run on three
#: workers) cannot fail a step as slow.
_BUDGETS = "".join(f'"{step}" = 30.0\n' for step in SHOP.steps)


def _config(tmp_path: Path, shop: LocalShop) -> Path:
    path = tmp_path / "environments.toml"
    path.write_text(
        f'[staging]\nbase_url = "{shop.url}"\napi_token_env = "STAGING_SHOP_API_TOKEN"\n'
        'shopper_password_env = "STAGING_SHOPPER_PASSWORD"\n'
        f"[staging.step_budgets]\n{_BUDGETS}"
        f'[production]\nbase_url = "{shop.url}"\nproduction = true\n'
        'api_token_env = "STAGING_SHOP_API_TOKEN"\n'
        f"[production.step_budgets]\n{_BUDGETS}"
    )
    return path


def _run(tmp_path: Path, shop: LocalShop, *args: str) -> SuiteRun:
    return run_suites(
        tmp_path,
        "tests",
        "--config",
        str(_config(tmp_path, shop)),
        *args,
        env={"STAGING_SHOP_API_TOKEN": TOKEN, "STAGING_SHOPPER_PASSWORD": PASSWORD},
    )


def _leftovers(shop: LocalShop, run_id: str) -> dict[str, object]:
    """What the shop still holds of a run, read the way the harness reads it."""
    assert shop.url is not None
    api = OrderApi(shop.url, SessionAuth(shop.url, TOKEN))
    try:
        return api.leftovers(run_id)
    finally:
        api.close()


def test_suites_pass_against_staging_chosen_by_env_and_leave_nothing_behind(
    tmp_path: Path, shop: LocalShop
) -> None:
    # The smoke checkouts: a guest's and a registered shopper's orders and an account to
    # clean up (the whole suite's checkouts run against the embedded shop in ./run checkout).
    run = _run(tmp_path, shop, "--env", "staging", "-m", "smoke")

    assert run.returncode == 0, run.output[-3000:]
    summary = run.summary()
    assert summary["env"] == "staging"
    assert summary["target"] == shop.url
    assert summary["preflight"]["status"] == "ok"
    assert summary["totals"] == {"passed": 3}
    kinds = sorted(c["kind"] for t in summary["tests"] for c in t.get("cleanup", []))
    assert kinds == ["account", "order", "order", "order"], kinds
    assert summary["cleanup"]["done"] == 4 and summary["cleanup"]["failed"] == []
    assert _leftovers(shop, summary["run_id"]) == {"orders": [], "accounts": []}


def test_production_without_opt_in_creates_no_order_and_says_why(
    tmp_path: Path, shop: LocalShop
) -> None:
    run = _run(tmp_path, shop, "--env", "production", "-m", "smoke")

    assert run.returncode == 0, run.output[-3000:]
    summary = run.summary()
    assert summary["production"] is True and summary["orders_allowed"] is False
    skipped = [t for t in summary["tests"] if t["outcome"] == "skipped"]
    assert len(skipped) == 3, summary["totals"]
    assert all(t["steps"][-1] == {**t["steps"][-1], "status": "skipped"} for t in skipped)
    assert {t["skip_reason"] for t in skipped} == {
        "stopped before charging: environment 'production' does not allow orders "
        "(allow_orders = false)"
    }
    assert "orders not placed: environment 'production' does not allow orders" in run.output
    # Nothing of this run reached the shop's order database: none left, none cleaned up
    # (the registered-user journey did create an account, and removed it).
    assert _leftovers(shop, summary["run_id"]) == {"orders": [], "accounts": []}
    cleaned = [c for t in summary["tests"] for c in t.get("cleanup", [])]
    assert [c["kind"] for c in cleaned] == ["account"]
    assert summary["cleanup"]["failed"] == []


def test_unreachable_target_stops_in_seconds_with_its_own_exit_code_before_any_browser(
    tmp_path: Path, shop: LocalShop
) -> None:
    started = time.monotonic()
    run = _run(tmp_path, shop, "--env", "staging", "--base-url", "http://127.0.0.1:9")

    assert run.returncode == PYTEST_TARGET_UNREACHABLE, run.output[-2000:]
    assert time.monotonic() - started < 20
    assert "checkout-probe: cannot connect to http://127.0.0.1:9/health" in run.output
    assert "is the shop up?" in run.output


def test_health_naming_a_failing_dependency_stops_the_run_with_its_own_exit_code(
    tmp_path: Path, shop: LocalShop
) -> None:
    admin = {"Authorization": f"Bearer {TOKEN}"}
    httpx.post(
        f"{shop.url}/admin/faults", json={"fault": "bad-db-connection-string"}, headers=admin
    ).raise_for_status()
    try:
        run = _run(tmp_path, shop, "--env", "staging", "-m", "smoke")
        code, verified, _ = run_verify(
            "--env", "staging", "--config", str(_config(tmp_path, shop)),
            "--reports", str(tmp_path / "verify"),
            env={"STAGING_SHOP_API_TOKEN": TOKEN, "STAGING_SHOPPER_PASSWORD": PASSWORD},
        )  # fmt: skip
    finally:
        httpx.post(f"{shop.url}/admin/faults", json={"fault": None}, headers=admin)

    assert run.returncode == PYTEST_TARGET_UNHEALTHY, run.output[-2000:]
    assert "not starting browsers" in run.output
    # The shop answered: verify's exit 3 says "unhealthy", not "unreachable".
    assert code == 3 and "verify: exit 3 (unhealthy at preflight)" in verified, verified
    assert "order-service database: (sqlite3.OperationalError) unable to open database file" in (
        run.output
    )
