"""Self-tests: ``--browser-endpoint`` runs the journeys in a remote Playwright server's browsers.

No mocks: a real ``playwright run-server`` (``selftests.remote_browser``) launches
this machine's Chromium through a browsers folder of its own, whose Chromium
logs every launch with its parent pid. That log, and a local "Chromium" that is
a tripwire, show which side really ran the browser.
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Playwright, expect

from checkout_probe.basics.errors import ConfigError, ExitCode
from checkout_probe.checkout.remote import (
    LAUNCH_OPTIONS_HEADER,
    BrowserEndpointUnreachable,
    connect_options,
    open_browser,
)
from checkout_probe.settings.config import Settings, build_settings
from selftests.helpers import lenient_budgets, run_suites, run_verify
from selftests.remote_browser import launched_browsers, live, run_server, server_processes

UNREACHABLE = "ws://127.0.0.1:9/"  # the discard port: nothing listens there

#: A shop at a URL: settings of no project need one.
URL = {"base_url": "http://127.0.0.1:9"}


@dataclass(frozen=True)
class Server:
    """A running run-server and the log of the browsers it launched."""

    endpoint: str
    launch_log: Path

    def launches(self) -> int:
        """How many browsers the server has launched so far."""
        return len(launched_browsers(self.launch_log))

    def assert_launched_since(self, before: int) -> list[int]:
        """The browsers launched since ``before``; each one's parent is the server's Node."""
        new = launched_browsers(self.launch_log)[before:]
        assert new, "the run-server launched no browser"
        server = server_processes(self.endpoint)
        assert all(parent in server for _, parent in new), (new, server)
        return [pid for pid, _ in new]


@dataclass(frozen=True)
class Tripwire:
    """A local 'Chromium' that records any launch and fails it."""

    env: dict[str, str]
    log: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One run-server for the module; it must leave no process behind."""
    log = tmp_path_factory.mktemp("run-server") / "launches.log"
    with run_server(launch_log=log) as endpoint:
        yield Server(endpoint, log)
    assert server_processes(endpoint) == []


@pytest.fixture
def tripwire(tmp_path: Path) -> Tripwire:
    """Environment in which any local Chromium launch is recorded and fails."""
    log = tmp_path / "local-launches.log"
    chromium = tmp_path / "local-chromium"
    chromium.write_text(f"#!/bin/sh\necho local >> {log}\nexit 1\n")
    chromium.chmod(0o755)
    empty = tmp_path / "no-browsers"
    empty.mkdir()
    # The configured browser wins discovery; Playwright's own is not there either.
    return Tripwire(
        {"CHECKOUT_PROBE_BROWSER": str(chromium), "PLAYWRIGHT_BROWSERS_PATH": str(empty)}, log
    )


def _lines_with(output: str, text: str) -> list[str]:
    return [line for line in output.splitlines() if text in line]


def test_smoke_suite_with_browser_endpoint_passes_in_a_browser_the_server_launched(
    server: Server, tripwire: Tripwire, tmp_path: Path
) -> None:
    before = server.launches()

    run = run_suites(
        tmp_path, "tests", "-m", "smoke", f"--browser-endpoint={server.endpoint}",
        "--tracing=on", "--screenshot=on", *lenient_budgets(), env=tripwire.env,
    )  # fmt: skip

    assert run.returncode == 0, run.output
    summary = run.summary()
    assert set(summary["totals"]) == {"passed"}, summary["totals"]
    assert f"checkout-probe: browser remote, launched by {server.endpoint}" in run.output
    # One pytest session, one connection, one browser: launched by the server's Node.
    assert len(server.assert_launched_since(before)) == 1
    assert not tripwire.log.exists(), "a local Chromium was launched"
    for test in summary["tests"]:
        # Traces and screenshots come back over the connection into --output.
        (trace,) = [Path(a) for a in test["artifacts"] if a.endswith("trace.zip")]
        assert any(a.endswith(".png") for a in test["artifacts"]), test["artifacts"]
        with zipfile.ZipFile(trace) as archive:
            events = archive.read("trace.trace").decode()
        # A regex, not json.loads: the project's scrubber rewrites some lines.
        assert re.search(r'"type":\s*"before"', events), "the trace recorded no actions"


def test_verify_with_browser_endpoint_exits_0_on_the_healthy_local_shop(
    server: Server, tripwire: Tripwire, tmp_path: Path
) -> None:
    before = server.launches()

    code, output, _ = run_verify(
        "--env", "local", "--reports", str(tmp_path), "--browser-endpoint", server.endpoint,
        # The smoke checkouts in the server's browsers; the burst's pool is the probe's, whose
        # own test (test_a_round_through_browser_endpoint…) shows it uses them too.
        "--gate-checkouts", "0",
        env=tripwire.env,
    )  # fmt: skip

    assert code == 0, output
    assert json.loads((tmp_path / "summary.json").read_text())["totals"]["passed"] >= 1
    server.assert_launched_since(before)
    assert not tripwire.log.exists(), "a local Chromium was launched"


def test_pytest_with_unreachable_browser_endpoint_stops_with_one_line_and_exit_4(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    run = run_suites(tmp_path, "tests", "-m", "smoke", f"--browser-endpoint={UNREACHABLE}")
    seconds = time.monotonic() - started

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.output
    (line,) = _lines_with(run.output, f"cannot connect to browser endpoint {UNREACHABLE}")
    assert "is `playwright run-server`" in line
    assert "Traceback" not in run.output
    assert seconds < 20


def test_verify_with_unreachable_browser_endpoint_stops_with_one_line_and_exit_2(
    tmp_path: Path,
) -> None:
    code, output, seconds = run_verify(
        "--env", "local", "--reports", str(tmp_path), "--browser-endpoint", UNREACHABLE
    )

    assert code == ExitCode.USAGE, output
    assert _lines_with(output, "cannot connect to browser endpoint") == [output.strip()]
    assert seconds < 10


def test_malformed_browser_endpoint_is_a_usage_error_for_pytest_verify_and_settings(
    tmp_path: Path,
) -> None:
    run = run_suites(tmp_path, "tests", "--browser-endpoint=http://x")
    code, output, _ = run_verify("--env", "local", "--browser-endpoint", "http://x")

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.output
    assert "browser endpoint 'http://x' is not a ws:// or wss:// URL" in run.output
    assert "Traceback" not in run.output
    assert code == ExitCode.USAGE, output
    assert _lines_with(output, "is not a ws:// or wss:// URL") == [output.strip()]
    with pytest.raises(ConfigError, match="not a ws:// or wss:// URL"):
        build_settings(URL, {"CHECKOUT_PROBE_BROWSER_ENDPOINT": "localhost:3000"})


def test_browser_endpoint_comes_from_the_option_before_the_environment_variable() -> None:
    fleet = "wss://fleet.example/playwright?token=t"
    environ = {"CHECKOUT_PROBE_BROWSER_ENDPOINT": fleet}

    assert build_settings(URL, {}).browser_endpoint is None
    assert build_settings(URL, environ).browser_endpoint == fleet
    chosen = build_settings({**URL, "browser_endpoint": "ws://127.0.0.1:3000/"}, environ)
    assert chosen.browser_endpoint == "ws://127.0.0.1:3000/"


def test_connect_options_send_camel_case_launch_options_and_no_local_executable() -> None:
    remote = Settings(browser_endpoint="ws://fleet:3000/", browser_path="/usr/bin/chromium")

    assert connect_options(Settings()) is None
    default = connect_options(remote)
    assert default is not None and default["endpoint"] == "ws://fleet:3000/"
    # This machine's --browser-path means nothing on the server: it is not sent.
    assert json.loads(default["headers"][LAUNCH_OPTIONS_HEADER]) == {"headless": True}
    headed = connect_options(remote, "/srv/chrome", launch_args={"headless": False, "slow_mo": 50})
    assert headed is not None
    assert json.loads(headed["headers"][LAUNCH_OPTIONS_HEADER]) == {
        "headless": False, "slowMo": 50, "executablePath": "/srv/chrome",
    }  # fmt: skip


def test_open_browser_connects_to_the_run_server_and_loads_a_data_url(
    server: Server, playwright: Playwright
) -> None:
    before = server.launches()

    browser = open_browser(playwright, Settings(browser_endpoint=server.endpoint))
    try:
        page = browser.new_page()
        page.goto("data:text/html,<h1>served remotely</h1>")
        expect(page.get_by_role("heading")).to_have_text("served remotely")
        (launched,) = server.assert_launched_since(before)
    finally:
        browser.close()
    # The server closes the browser it launched for this connection.
    deadline = time.monotonic() + 10
    while live([launched]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live([launched]) == []


def test_open_browser_on_unreachable_endpoint_raises_a_one_line_config_error(
    playwright: Playwright,
) -> None:
    started = time.monotonic()
    with pytest.raises(BrowserEndpointUnreachable) as raised:
        open_browser(playwright, Settings(browser_endpoint=UNREACHABLE), timeout_s=5)

    message = str(raised.value)
    assert message.startswith(f"cannot connect to browser endpoint {UNREACHABLE}: ")
    assert "ECONNREFUSED" in message and "\n" not in message
    assert raised.value.exit_code == ExitCode.USAGE
    assert time.monotonic() - started < 5


def test_run_server_stops_its_node_child_and_the_browser_it_launched(
    playwright: Playwright, tmp_path: Path
) -> None:
    log = tmp_path / "launches.log"
    with run_server(launch_log=log) as endpoint:
        processes = server_processes(endpoint)
        assert len(processes) == 2, processes  # the Python parent and its Node child
        browser = open_browser(playwright, Settings(browser_endpoint=endpoint))
        browser.new_page()
        browsers = [pid for pid, _ in launched_browsers(log)]
        assert live(browsers) == browsers
        # Stopped with the browser still connected: the hard case.

    assert server_processes(endpoint) == []
    assert live(processes) == []
    assert live(browsers) == []
    with suppress(PlaywrightError):  # its server is gone
        browser.close()
