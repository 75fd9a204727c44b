"""Self-tests: the checkout-probe command and pytest options, as a user types them."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from checkout_probe.target import LocalShop
from selftests.helpers import CLI, ROOT


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_shop_command_prints_its_url_serves_health_and_stops_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [CLI, "shop", "--port", "0", f"--database-url=sqlite:///{tmp_path / 'shop.db'}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("demo shop listening on http://127.0.0.1:"), line
        url = line.split()[4]
        health = httpx.get(f"{url}/health", timeout=5).json()
        assert health["status"] == "ok"
        assert set(health["components"]) == {
            "storefront database",
            "order-service database",
            "payment gateway",
        }
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_unknown_subcommand_is_a_usage_error_with_exit_2() -> None:
    result = _cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr


@pytest.mark.parametrize(
    "command",
    [(), ("verify",), ("probe",), ("history",), ("report",), ("shop",), ("init",)],
    ids=lambda c: " ".join(c) or "-",
)
def test_help_reads_as_text_without_the_docstrings_markup(command: tuple[str, ...]) -> None:
    result = _cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: checkout-probe" in result.stdout
    assert "``" not in result.stdout and ":class:" not in result.stdout, result.stdout
    # argparse's own placeholder (the option's dest in capitals) says nothing a user can use.
    assert re.findall(r"--[\w-]+ [A-Z]+_[A-Z_]+\b", result.stdout) == []


def test_report_without_results_says_what_to_run_first(tmp_path: Path) -> None:
    result = _cli("report", "--results", str(tmp_path / "none"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"checkout-probe report: no Allure results in {tmp_path / 'none'}: "
        "run the suites first (./run checkout)"
    ]


def _pytest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unknown_environment_stops_pytest_with_one_line_and_no_traceback() -> None:
    result = _pytest("--env", "nowhere", "--collect-only")
    assert result.returncode == 4  # pytest's usage-error code
    assert "ERROR: unknown environment 'nowhere'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_browser_path_is_a_usage_error_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "chrome"
    result = _pytest("--browser-path", str(missing), "-k", "zero")
    assert result.returncode == 4, result.stdout[-2000:]
    assert f"browser '{missing}'" in result.stdout + result.stderr
    assert "is not an executable file" in result.stdout + result.stderr


def test_local_shop_that_cannot_start_is_reported_as_target_unreachable(tmp_path: Path) -> None:
    shop = LocalShop(tmp_path, ["--shop-version", "not a version\n"])
    try:
        shop.start(timeout_s=15)
    except Exception as exc:  # the exception type and message are the contract
        assert type(exc).__name__ == "TargetUnreachable"
        assert str(exc).startswith("the demo shop did not start: ")
        assert str(shop.log_path) in str(exc)
    else:
        shop.stop()
        raise AssertionError("the shop started with an invalid version")
