"""Self-tests: the diagnosis is right on a shop that is not ours, for failures any shop can have.

A project written here (its own Shop, journey and tests, outside the demo project)
runs against a real demo shop in a real browser: the shop dies mid-journey, the
project's own HTTP read-back gets a 500 page, and a check in a test body fails after
the journey. Each must read as the shop's problem, with the readable error text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from checkout_probe.target import LocalShop

SHOP_MODULE = """
from checkout_probe.shop.data import TestCard
from checkout_probe.shop import Shop

SHOP = Shop(
    name="any shop",
    steps={"open shop": 5.0, "open product": 5.0, "read back": 5.0},
    cards={"test": {"approved": TestCard("4111 1111 1111 1111", "12 / 34", "123", "approved")}},
    health_path="/health",
)


def open_shop(journey):
    with journey.step("open shop"):
        journey.page.goto("/")
        journey.wait_for_page(journey.page.get_by_role("heading", name="Products"), "the shop")
"""

TESTS = """
import os
import signal

import httpx

from shop import open_shop


def test_shop_dies_mid_journey(journey):
    open_shop(journey)
    os.kill(int(os.environ["SHOP_PID"]), signal.SIGKILL)
    with journey.step("open product"):
        journey.page.get_by_role("link", name="Trail Mug").click()
        journey.wait_for_page(journey.page.get_by_role("button", name="Add to cart"), "a product")


def test_read_back_gets_a_500_page(journey, target):
    with journey.step("read back"):
        httpx.get(target.base_url + "/", timeout=5).raise_for_status()


def test_a_check_whose_message_carries_the_api_token(journey):
    token = os.environ["CHECKOUT_PROBE_API_TOKEN"]
    open_shop(journey)
    with journey.step("read back"):
        assert token == "what the shop sent", f"the shop echoed the token {token}"


def test_check_in_the_test_body_after_the_journey(journey):
    open_shop(journey)
    journey.remember("order", "X-1042")
    stored_total = 4999
    assert stored_total == 5035, "stored total differs from the confirmation"
"""


def _project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        '[tool.checkout-probe]\nshop = "shop:SHOP"\n[tool.pytest.ini_options]\n'
        'testpaths = ["tests"]\n'
    )
    # Checkouts against a shop known to be broken: the preflight must not stop them.
    (folder / "environments.toml").write_text('[local]\npreflight = "reachable"\n')
    (folder / "shop.py").write_text(SHOP_MODULE)
    (folder / "tests").mkdir()
    (folder / "tests" / "test_any.py").write_text(TESTS)
    return folder


def _run(
    project: Path, shop: LocalShop, test: str, reports: Path, *args: str, **env_vars: str
) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKOUT_PROBE_")}
    env.update(SHOP_PID=str(shop.pid), **env_vars)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--base-url={shop.url}",
         f"--reports={reports}", "--action-timeout=4", f"tests/test_any.py::{test}", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    (record,) = json.loads((reports / "summary.json").read_text())["tests"]
    record["output"] = result.stdout + result.stderr
    return dict(record)


def test_a_shop_that_dies_mid_journey_is_unreachable_not_a_missing_element(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "project")
    with LocalShop(tmp_path / "shop") as shop:
        record = _run(project, shop, "test_shop_dies_mid_journey", tmp_path / "r")
    assert record["category"] == "target_unreachable", record["output"]
    assert "the shop stopped answering" in str(record["output"])


def test_a_500_page_on_the_projects_read_back_is_the_shops_error_with_its_readable_text(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "project")
    with LocalShop(tmp_path / "shop", ["--fault=catalog-db-down"]) as shop:
        record = _run(project, shop, "test_read_back_gets_a_500_page", tmp_path / "r")
    assert record["category"] == "server_error", record["output"]
    diagnosis = record["diagnosis"]
    assert isinstance(diagnosis, dict)
    (request,) = diagnosis["failed_requests"]
    assert (request["method"], request["path"], request["status"]) == ("GET", "/", 500)
    # The page's title and message, not the first bytes of its <head>.
    assert request["body_excerpt"].startswith("Something went wrong"), request
    assert "<" not in request["body_excerpt"]


def test_a_failed_check_in_a_test_body_is_a_data_mismatch_naming_the_order(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "project")
    with LocalShop(tmp_path / "shop") as shop:
        record = _run(project, shop, "test_check_in_the_test_body_after_the_journey",
                      tmp_path / "r")  # fmt: skip
    assert record["category"] == "data_mismatch", record["output"]
    assert record["reason"] == (
        "the test's own check of order X-1042 failed: stored total differs from the confirmation"
    )


def test_a_secret_in_a_failed_checks_message_reaches_no_report_in_clear(tmp_path: Path) -> None:
    token = "any-shop-token-Zq7"
    project = _project(tmp_path / "project")
    reports = tmp_path / "r"
    with LocalShop(tmp_path / "shop") as shop:
        record = _run(
            project, shop, "test_a_check_whose_message_carries_the_api_token", reports,
            f"--alluredir={reports / 'allure'}", f"--junitxml={reports / 'junit.xml'}",
            CHECKOUT_PROBE_API_TOKEN=token,
        )  # fmt: skip
    assert "the shop echoed the token [redacted]" in json.dumps(record), record["output"]
    assert token not in str(record["output"])
    files = [p for p in reports.rglob("*") if p.is_file()]
    assert any(p.name == "junit.xml" for p in files) and any(p.suffix == ".json" for p in files)
    leaked = [str(p) for p in files if token.encode() in p.read_bytes()]
    assert leaked == [], leaked  # summary.json, JUnit, Allure's results, the trace
