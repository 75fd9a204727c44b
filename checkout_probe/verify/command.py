"""``checkout-probe verify``: decide "keep or roll back" right after a deploy.

Runs the same pytest suites and fixtures as everything else (the smoke
selection by default) in one bounded pytest process, after waiting for the
expected version and a preflight check, and prints a short diagnosis.

Exit codes:
  0  all checkouts passed (a checkout that failed, then passed on retry, is reported as FLAKY)
  1  a checkout failed: the shop is broken (also when the time budget ran out)
  2  usage or configuration error
  3  target unreachable, or the expected version never went live
  4  harness error (a bug in checkout-probe)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checkout_probe.config import build_settings
from checkout_probe.errors import ExitCode
from checkout_probe.health import HealthSnapshot
from checkout_probe.remote import check_reachable
from checkout_probe.verify.rollout import wait_for_version

#: pytest's exit codes, as verify's.
_PYTEST_CODES = {0: ExitCode.OK, 1: ExitCode.CHECKOUT_FAILED, 3: ExitCode.TARGET_UNREACHABLE,
                 4: ExitCode.USAGE, 5: ExitCode.USAGE}  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """verify's options (``checkout-probe verify --help``)."""
    parser = argparse.ArgumentParser(
        prog="checkout-probe verify",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--env", default=None, help="environment from environments.toml")
    parser.add_argument("--config", default=None, help="environments file")
    parser.add_argument("--base-url", default=None, help="override the environment's URL")
    parser.add_argument("--expect-version", default=None, help="wait until the shop reports it")
    parser.add_argument("--version-interval", type=float, default=2.0, metavar="S")
    parser.add_argument("--version-timeout", type=float, default=300.0, metavar="S")
    parser.add_argument("-m", "--marker", default="smoke", help="checkouts to run (pytest -m)")
    parser.add_argument("--workers", type=int, default=2, help="parallel browsers (0: none)")
    parser.add_argument(
        "--retries", type=int, default=1, choices=(0, 1), help="re-runs per failure"
    )
    parser.add_argument("--timeout", type=float, default=600.0, metavar="S", help="total budget")
    parser.add_argument("--reports", type=Path, default=Path("reports"), help="reports folder")
    parser.add_argument(
        "--project", type=Path, default=Path.cwd(), help="folder with tests/ and environments.toml"
    )
    parser.add_argument("--allow-production-orders", action="store_true")
    parser.add_argument(
        "--shop-arg", action="append", default=[], help="option for the local demo shop"
    )
    parser.add_argument(
        "--browser-endpoint", default=os.environ.get("CHECKOUT_PROBE_BROWSER_ENDPOINT"),
        metavar="WS", help="run the checkouts in this Playwright server's browsers "
        "(ws://… of `playwright run-server`; default $CHECKOUT_PROBE_BROWSER_ENDPOINT)",
    )  # fmt: skip
    return parser


def _pytest_command(args: argparse.Namespace, settings_env: str) -> list[str]:
    reports: Path = args.reports.resolve()
    command = [
        sys.executable, "-m", "pytest", "tests", "-m", args.marker,
        "-p", "no:terminal", "-p", "no:cacheprovider", "-p", "checkout_probe.verify.progress",
        f"--env={settings_env}", f"--alluredir={reports / 'allure-results'}",
        f"--junitxml={reports / 'junit.xml'}", f"--output={reports / 'artifacts'}",
        "--tracing=retain-on-failure",
    ]  # fmt: skip
    options = (
        ("--config", args.config), ("--base-url", args.base_url),
        ("--browser-endpoint", args.browser_endpoint),
    )  # fmt: skip
    for option, value in options:
        if value:
            command.append(f"{option}={value}")
    if args.workers > 1:
        command += ["-n", str(args.workers)]
    if args.retries:
        command += ["--reruns", str(args.retries)]
    if args.allow_production_orders:
        command.append("--allow-production-orders")
    command += [f"--shop-arg={arg}" for arg in args.shop_arg]
    return command


def _print_summary(summary: dict[str, Any], rollout_s: float | None, wall_s: float) -> None:
    versions = ", ".join(summary.get("shop_versions") or []) or "unknown"
    totals = summary.get("totals", {})
    rollout = f" · rollout took {rollout_s:.0f} s" if rollout_s is not None else ""
    print(f"env {summary.get('env')} · {summary.get('target')} · shop version {versions}{rollout}")
    print(
        f"{totals.get('passed', 0)} passed, {totals.get('failed', 0)} failed, "
        f"{totals.get('skipped', 0)} skipped, {summary.get('flaky', 0)} flaky · {wall_s:.1f} s"
    )
    for test in summary.get("tests", []):
        diagnosis = test.get("diagnosis")
        if test.get("flaky"):
            print(f"FLAKY {test['nodeid']}: {test['note']}")
        if test.get("outcome") != "failed":
            continue
        print(f"FAILED {test['nodeid']} [{test.get('category')}]")
        if diagnosis:
            print(f"  step '{diagnosis['step']}': {diagnosis['reason']}")
            for request in diagnosis.get("failed_requests", [])[:2]:
                status = request.get("status") or f"no response ({request.get('error')})"
                print(f"  request: {request['method']} {request['path']} → {status} "
                      f"{request.get('body_excerpt', '')[:160]!r}")  # fmt: skip
            if diagnosis.get("health"):
                print(f"  /health: {HealthSnapshot.from_dict(diagnosis['health']).describe()}")
            print(f"  look first at: {diagnosis['look_first']}")
        traces = [a for a in test.get("artifacts", []) if a.endswith(".zip")]
        if traces:
            print(f"  trace: {traces[-1]}")


def _exit_code(pytest_code: int, summary: dict[str, Any] | None) -> ExitCode:
    code = _PYTEST_CODES.get(pytest_code, ExitCode.HARNESS_ERROR)
    if code != ExitCode.CHECKOUT_FAILED or not summary:
        return code
    failed = [t for t in summary["tests"] if t.get("outcome") == "failed"]
    categories = {t.get("category") for t in failed}
    if categories == {"target_unreachable"}:
        return ExitCode.TARGET_UNREACHABLE
    if categories == {"harness_error"}:
        return ExitCode.HARNESS_ERROR
    return ExitCode.CHECKOUT_FAILED


def main(argv: Sequence[str]) -> int:
    """Run verify; every outcome maps to one of the documented exit codes."""
    args = build_parser().parse_args(argv)
    started = time.monotonic()
    options = {
        "env": args.env, "config": args.config, "base_url": args.base_url,
        "browser_endpoint": args.browser_endpoint,
    }  # fmt: skip
    environ = dict(os.environ)
    environ.setdefault("CHECKOUT_PROBE_CONFIG", str(args.project / "environments.toml"))
    settings = build_settings(options, environ)  # ConfigError → exit 2 in checkout_probe.cli
    if settings.browser_endpoint:
        # Before any wait for a rollout: a browser server that is down is known now.
        check_reachable(settings.browser_endpoint)  # ConfigError → exit 2, one line
    rollout_s = None
    if args.expect_version:
        version_url = (settings.base_url or "") + (settings.environment.version_path or "")
        if settings.is_local or not settings.environment.version_path:
            print("checkout-probe verify: --expect-version needs a running shop with a version "
                  "endpoint (--env with base_url, or --base-url)", file=sys.stderr)  # fmt: skip
            return int(ExitCode.USAGE)
        print(f"waiting for version {args.expect_version} at {version_url} …", flush=True)
        rollout_s = wait_for_version(
            version_url, args.expect_version, args.version_interval,
            min(args.version_timeout, args.timeout),
        )  # fmt: skip
        print(f"version {args.expect_version} is live after {rollout_s:.0f} s", flush=True)
    print(f"verifying env {settings.env} (checkouts: -m {args.marker})", flush=True)
    args.reports.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CHECKOUT_PROBE_REPORTS_DIR": str(args.reports.resolve())}
    remaining = args.timeout - (time.monotonic() - started)
    try:
        result = subprocess.run(
            _pytest_command(args, settings.env), cwd=args.project, env=env,
            timeout=max(remaining, 1.0),
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        print(f"checkout-probe verify: checkouts did not finish within --timeout "
              f"{args.timeout:.0f} s: treating the shop as broken", file=sys.stderr)  # fmt: skip
        return int(ExitCode.CHECKOUT_FAILED)
    summary_path = args.reports / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else None
    if summary is not None:
        summary["rollout_s"] = rollout_s
        summary_path.write_text(json.dumps(summary, indent=2))
        _print_summary(summary, rollout_s, time.monotonic() - started)
    code = _exit_code(result.returncode, summary)
    print(f"verify: exit {int(code)} ({code.name.lower().replace('_', ' ')}) · "
          f"reports in {args.reports}/")  # fmt: skip
    return int(code)
