"""Self-tests: ``checkout-probe verify`` exit codes and summary, against real demo shops."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from checkout_probe.basics.errors import ExitCode
from checkout_probe.cli.init import project_files
from checkout_probe.target import LocalShop
from checkout_probe.verify.command import build_parser
from selftests.doc_samples import assert_sample_in
from selftests.helpers import CLI, ROOT, lenient_budgets, run_verify

TOKEN = "verify-token-Lk2p"


def _summary(reports: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((reports / "summary.json").read_text())
    return data


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[LocalShop]:
    """A running demo shop, as a deploy target."""
    with LocalShop(tmp_path / "shop", api_token=TOKEN) as started:
        yield started


def test_broken_order_database_exits_1_naming_request_category_and_dependency(
    tmp_path: Path,
) -> None:
    code, output, _ = run_verify(
        "--env", "local", "--reports", str(tmp_path), "--retries", "0", "--workers", "0",
        "--shop-arg=--fault=bad-db-connection-string",
        *lenient_budgets(),  # every checkout fails where the fault is, not where the load is
    )  # fmt: skip
    assert code == 1, output
    assert "[payment_error]" in output
    assert "request: POST /api/orders → 500" in output
    assert "/health: degraded — order-service database" in output
    assert "trace: " in output
    failed = [t for t in _summary(tmp_path)["tests"] if t["outcome"] == "failed"]
    assert failed and failed[0]["diagnosis"]["failed_requests"][0]["path"] == "/api/orders"
    assert_sample_in("verify-broken-order-database", output, paths=[str(tmp_path)])


def test_unreachable_target_exits_3_in_seconds(tmp_path: Path) -> None:
    code, output, seconds = run_verify(
        "--env", "local", "--base-url", "http://127.0.0.1:9", "--reports", str(tmp_path)
    )
    assert code == 3, output
    assert "cannot connect to http://127.0.0.1:9/health" in output
    assert seconds < 20


def _version_polls(shop: LocalShop) -> int:
    return shop.log_path.read_text().count("GET /version")


def test_waits_for_the_expected_version_then_tests(tmp_path: Path, shop: LocalShop) -> None:
    def deploy() -> None:
        # The "rollout" this test waits through: the new version goes live only after
        # verify has polled the old one three times (0.5 s apart, so 1 s at least).
        deadline = time.monotonic() + 60
        while _version_polls(shop) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
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
        "--gate-checkouts", "0",  # the rollout wait is under test, not the gate's burst
        env={"CHECKOUT_PROBE_API_TOKEN": TOKEN},
    )  # fmt: skip
    rollout.join()
    assert code == 0, output
    assert "version 2.0.0 is live after" in output
    assert _summary(tmp_path)["shop_versions"] == ["2.0.0"]
    assert _summary(tmp_path)["rollout_s"] >= 1.0


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


def test_a_selection_with_no_test_is_no_checkout_exit_5_with_one_line(tmp_path: Path) -> None:
    stale = tmp_path / "summary.json"
    stale.write_text(
        json.dumps(
            {
                "run_id": "old",
                "env": "local",
                "target": "x",
                "tests": [
                    {"nodeid": "tests/test_old.py::test_from_a_previous_run", "outcome": "passed"}
                ],
            }
        )
    )

    code, output, _ = run_verify("-m", "nothing_marked_so", "--reports", str(tmp_path))

    assert code == ExitCode.NO_CHECKOUT, output
    lines = [ln for ln in output.splitlines() if "ran no checkout" in ln]
    assert lines == [
        "checkout-probe verify: verify ran no checkout: no test is marked 'nothing_marked_so' "
        "in the project"
    ]
    assert "test_from_a_previous_run" not in output, "a previous run's report was shown"
    assert not stale.exists() or json.loads(stale.read_text())["run_id"] != "old"


def test_a_selection_whose_every_checkout_is_skipped_is_no_checkout_exit_5(
    tmp_path: Path, shop: LocalShop
) -> None:
    # Production without the opt-in: every smoke checkout stops before charging.
    config = tmp_path / "environments.toml"
    config.write_text(f'[production]\nbase_url = "{shop.url}"\nproduction = true\n')
    code, output, _ = run_verify("--env", "production", "--config", str(config),
                                 "--reports", str(tmp_path / "r"),
                                 env={"CHECKOUT_PROBE_API_TOKEN": TOKEN})  # fmt: skip

    assert code == ExitCode.NO_CHECKOUT, output
    lines = [ln for ln in output.splitlines() if "ran no checkout" in ln]
    assert len(lines) == 1, output
    assert "3 selected, 3 skipped (stopped before charging: environment 'production'" in lines[0]
    assert "verify: exit 5 (no checkout)" in output
    assert_sample_in("verify-no-checkout", output, paths=[str(tmp_path / "r")])


def test_without_an_api_token_the_checkouts_still_run_and_only_the_read_back_is_not_done(
    tmp_path: Path, shop: LocalShop
) -> None:
    # One browser: what is checked is the read-back, not how the shop copes with load.
    code, output, _ = run_verify("--base-url", str(shop.url), "--reports", str(tmp_path),
                                 "--workers", "0", "--gate-checkouts", "0",
                                 env={"CHECKOUT_PROBE_API_TOKEN": ""})  # fmt: skip

    assert code == ExitCode.OK, output
    assert output.count("  PASS ") == 3
    not_done = [ln for ln in output.splitlines() if ln.startswith("NOT DONE ")]
    assert len({ln.split("[chromium]")[0] for ln in not_done}) == 3, output
    assert all("not read back: no API token for local" in ln for ln in not_done)
    assert "CLEANUP FAILED order" in output  # what could not be removed is said, not dropped
    summary = _summary(tmp_path)
    assert summary["checkouts"] == 3 and summary["not_done"] == 3


def test_without_an_api_token_a_broken_shop_fails_the_gate_and_says_the_read_back_was_not_done(
    tmp_path: Path,
) -> None:
    # The false pass this guards against: every checkout skipped ("stored orders cannot
    # be checked") and exit 0, on a shop whose every order fails.
    no_token = {"CHECKOUT_PROBE_API_TOKEN": ""}
    with LocalShop(tmp_path / "shop", ["--fault=bad-db-connection-string"]) as broken:
        code, output, _ = run_verify("--base-url", str(broken.url), "--reports",
                                     str(tmp_path / "verify"), env=no_token)  # fmt: skip

    assert code == ExitCode.CHECKOUT_FAILED, output
    assert output.count("FAILED tests/") == 3 and output.count("[payment_error]") >= 3, output
    not_done = [ln for ln in output.splitlines() if ln.startswith("NOT DONE ")]
    assert len(not_done) == 3, output
    assert all("order read-back not done: no API token for local" in ln for ln in not_done)
    assert "[ui_broken]" not in output, "a retry tripped over its first attempt's account"
    assert _summary(tmp_path / "verify")["not_done"] == 3


def test_pytests_internal_error_at_the_gate_is_a_harness_error_not_unreachable(
    tmp_path: Path, shop: LocalShop
) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "flows", project / "flows")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    (project / "environments.toml").write_text("[local]\ndemo_shop = true\n")
    (project / "tests").mkdir()
    (project / "tests" / "test_smoke.py").write_text(
        "import pytest\n\n@pytest.mark.smoke\ndef test_x():\n    pass\n"
    )
    (project / "conftest.py").write_text(
        "def pytest_collection_modifyitems(items):\n    raise RuntimeError('a bug in a hook')\n"
    )

    code, output, _ = run_verify("--project", str(project), "--reports", str(tmp_path / "r"))

    assert code == ExitCode.HARNESS_ERROR, output
    assert "pytest exited 3 (internal error)" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--retries", "5"], "invalid choice: 5"),
        (["--step-budget", "plac order=3"], "--step-budget: unknown step 'plac order'"),
        (["--timeout", "0"], "0 is not a positive number of seconds"),
        (["--version-interval", "nan"], "'nan' is not a positive number of seconds"),
        (["--project", "/nonexistent"], "project folder /nonexistent does not exist"),
        (["--env", "nowhere"], "unknown environment 'nowhere'"),
    ],
)
def test_bad_option_or_environment_exits_2_with_one_line(args: list[str], message: str) -> None:
    code, output, _ = run_verify(*args)
    assert code == 2
    assert message in output
    assert "Traceback" not in output


@pytest.mark.parametrize("name", [".github/workflows/checkout-probe.yml", ".gitlab-ci.yml"])
def test_the_ci_jobs_init_writes_call_verify_with_options_it_has(name: str) -> None:
    files = dict(project_files("our-shop"))
    document = yaml.safe_load(files[name])
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


def test_sigterm_stops_verify_and_its_pytest_child_before_verify_exits(tmp_path: Path) -> None:
    # A cancelled CI job: nothing may go on checking out after verify has exited.
    reports = tmp_path / "cancelled"
    process = subprocess.Popen(
        [CLI, "verify", "--reports", str(reports)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("verifying env"):
            break
    # Stopped in the middle: once pytest's workers have started their browser drivers.
    deadline = time.monotonic() + 60
    tree = _below(process.pid)
    while not any("playwright" in c and "node" in c for c in tree.values()):
        assert time.monotonic() < deadline, f"no browser driver started: {tree}"
        time.sleep(0.2)
        tree = _below(process.pid)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=90)
    running = _running()  # the moment verify has exited (its output is read after)
    rest = process.communicate(timeout=30)[0]

    assert process.returncode == 128 + signal.SIGTERM, rest
    assert "stopped by SIGTERM: no verdict" in rest
    # pytest, its xdist workers, their browser drivers and browsers: all gone.
    assert len(tree) >= 3, tree  # pytest, a worker, its driver at least
    left = {pid: command for pid, command in tree.items() if running.get(pid) == command}
    assert left == {}, f"still running after verify exited: {left}"


def _running() -> dict[int, str]:
    """pid → command line of every process (ps), zombies left out."""
    out = subprocess.run(
        ["ps", "-ww", "-e", "-o", "pid=,stat=,args="], capture_output=True, text=True, check=True
    ).stdout
    rows = (line.split(None, 2) for line in out.splitlines())
    return {int(r[0]): r[2] for r in rows if len(r) == 3 and not r[1].startswith("Z")}


def _below(root: int) -> dict[int, str]:
    """pid → command line of every process below ``root`` (ps)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    parent = {int(a): int(b) for a, b in (line.split() for line in out.splitlines())}
    running = _running()
    below, todo = set(), [root]
    while todo:
        pid = todo.pop()
        kids = [c for c, p in parent.items() if p == pid]
        below.update(kids)
        todo.extend(kids)
    return {pid: running[pid] for pid in below if pid in running}
