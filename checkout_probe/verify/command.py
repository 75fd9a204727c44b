"""``checkout-probe verify``: decide "keep or roll back" right after a deploy.

Runs the project's own checkouts (its smoke-marked tests, wherever its pytest
configuration puts them) in one bounded pytest process, after waiting for the
expected version and a preflight check; then, where the project declares probe
journeys, a burst of them in parallel until the gate's rule (a sequential test with
stated odds, docs/verify.md) decides whether checkouts fail at a healthy deploy's rate
or an outage's. It prints a short diagnosis. A verify that ran no checkout never passes.

Exit codes:
  0  keep: the rule decided the checkouts fail no more than a healthy deploy's do
  1  roll back: a checkout failed after its retry, or the rule decided the checkouts fail
     at an outage's rate (a retried checkout that passed still counts as a failure for the
     rule), or it could not decide within --timeout
  2  usage or configuration error
  3  target unreachable or unhealthy at preflight, or the expected version never went live
  4  harness error (a bug in checkout-probe or in the project's code, or pytest's own error)
  5  no checkout ran: none selected, or every one skipped (no token, production guard)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from checkout_probe.basics.errors import ConfigError, ExitCode
from checkout_probe.basics.output import MachineOutput, configure_logging
from checkout_probe.checkout.devices import check_devices
from checkout_probe.checkout.remote import check_reachable
from checkout_probe.evidence.record import RunSummary, read_summary
from checkout_probe.settings.argtypes import (
    OneLineParser,
    fraction,
    gate_checkouts,
    positive_seconds,
    workers,
)
from checkout_probe.settings.commandline import add_project_option, project_of, project_settings
from checkout_probe.settings.options import add_to_argparse, as_arguments, values
from checkout_probe.settings.output_options import add_output_options
from checkout_probe.settings.store_options import add_store_options
from checkout_probe.target import make_target
from checkout_probe.verify import child, github
from checkout_probe.verify.finish import say_verdict, start_line, write_reports
from checkout_probe.verify.gate import decide as gate_decides
from checkout_probe.verify.gate import gate_rule
from checkout_probe.verify.outcome import decide, label, print_summary
from checkout_probe.verify.progress import PROGRESS_FORMAT
from checkout_probe.verify.published import DRAIN_S, open_publisher
from checkout_probe.verify.rollout import wait_for_version

#: What verify writes, removed before each run so an old run is never read as this one's.
_OUTPUTS = ("summary.json", "junit.xml")


def build_parser() -> argparse.ArgumentParser:
    """verify's options (``checkout-probe verify --help``)."""
    parser = OneLineParser(
        prog="checkout-probe verify",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_project_option(parser)
    add_to_argparse(parser)
    gate = parser.add_argument_group("the gate")
    gate.add_argument(
        "--expect-version", default=None, metavar="VERSION",
        help="wait until the shop reports this version (default: do not wait)",
    )  # fmt: skip
    gate.add_argument(
        "--version-interval", type=positive_seconds, default=2.0, metavar="S",
        help="seconds between two reads of the version (default %(default)s)",
    )  # fmt: skip
    gate.add_argument(
        "--version-timeout", type=positive_seconds, default=300.0, metavar="S",
        help="longest wait for --expect-version to go live: then exit 3 (default %(default)s)",
    )  # fmt: skip
    gate.add_argument("-m", "--marker", default="smoke", metavar="MARKER",
                      help="checkouts to run: pytest -m (default %(default)s)")  # fmt: skip
    gate.add_argument("--workers", type=workers, default=2, metavar="N",
                      help="parallel browsers (0: none; default %(default)s)")  # fmt: skip
    gate.add_argument("--retries", type=int, default=1, choices=(0, 1),
                      help="re-runs of a failed checkout (default %(default)s)")  # fmt: skip
    gate.add_argument(
        "--timeout",
        type=positive_seconds,
        default=600.0,
        metavar="S",
        help="total time budget, version wait included (default %(default)s)",
    )
    add_store_options(parser.add_argument_group("evidence"))
    output = add_output_options(parser, "per checkout and for the run")
    output.add_argument(
        "--github", action="store_true",
        help="annotations and a job summary for GitHub Actions (default: on when "
        "GITHUB_ACTIONS=true)",
    )  # fmt: skip
    rule = parser.add_argument_group(
        "the gate's rule", "a sequential test over every checkout attempt (docs/verify.md)"
    )
    rule.add_argument(
        "--gate-checkouts", type=gate_checkouts, default=60, metavar="N",
        help="most checkouts the rule may take, smoke attempts included; 0: judge by the "
        "smoke checkouts alone (default %(default)s)",
    )  # fmt: skip
    rule.add_argument(
        "--healthy-rate", type=fraction, default=0.01, metavar="P",
        help="failure rate of a healthy deploy, e.g. the probe's measured rate "
        "(default %(default)s)",
    )  # fmt: skip
    rule.add_argument(
        "--outage-rate", type=fraction, default=0.2, metavar="P",
        help="failure rate of the partial outage the gate must catch (default %(default)s)",
    )  # fmt: skip
    rule.add_argument(
        "--false-rollback", type=fraction, default=0.01, metavar="P",
        help="largest probability of rolling back a healthy deploy (default %(default)s)",
    )  # fmt: skip
    rule.add_argument(
        "--missed-outage", type=fraction, default=0.05, metavar="P",
        help="largest probability of keeping a deploy with that outage (default %(default)s)",
    )  # fmt: skip
    return parser


def _pytest_command(args: argparse.Namespace, reports: Path) -> list[str]:
    given = {**values(args), "reports_dir": str(reports)}
    command = [
        sys.executable, "-m", "pytest", "-m", args.marker,
        "-p", "no:terminal", "-p", "no:cacheprovider", "-p", "checkout_probe.verify.progress",
        f"--alluredir={reports / 'allure-results'}", f"--junitxml={reports / 'junit.xml'}",
        f"--output={reports / 'artifacts'}", "--tracing=retain-on-failure",
        *as_arguments(given),
    ]  # fmt: skip
    if args.workers > 1:
        command += ["-n", str(args.workers)]
    if args.retries:
        command += ["--reruns", str(args.retries)]
    return command


def _reports_folder(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        for name in _OUTPUTS:
            (path / name).unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot use {path} for reports: {exc.strerror}: fix --reports") from None
    return path.resolve()


def main(argv: Sequence[str]) -> int:
    """Run verify; every outcome maps to one of the documented exit codes (a stopped verify:
    128 + the signal, once its pytest child and its burst's browsers are gone)."""
    child.install()
    try:
        return _verify(argv)
    except child.Stopped as stopped:
        print(f"checkout-probe verify: stopped by {stopped}: no verdict", file=sys.stderr,
              flush=True)  # fmt: skip
        return stopped.status


def _verify(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.log_format)
    with MachineOutput(args.json) as out:
        if args.json:  # the child's line per checkout becomes a JSON object on stdout
            os.environ[PROGRESS_FORMAT] = "json"
        return _run(args, out)


def _run(args: argparse.Namespace, out: MachineOutput) -> int:
    started = time.monotonic()
    deadline = started + args.timeout
    rule = gate_rule(args)
    if rule is not None:
        rule.check()  # before the project loads or a browser starts: ConfigError → exit 2
    project = project_of(args)
    settings = project_settings(args)  # ConfigError → exit 2 in checkout_probe.cli.main
    check_devices(settings.devices)  # a device Playwright does not know: one line, exit 2
    if settings.browser_endpoint:
        # Before any wait for a rollout: a browser server that is down is known now.
        check_reachable(settings.browser_endpoint)  # ConfigError → exit 2, one line
    reports = _reports_folder(settings.reports_dir)
    publisher = open_publisher(args, settings, reports)  # a store that cannot work: exit 2
    # What verify will do and wait for, before it waits (a mistake above is one line alone).
    print(start_line(args, settings, rule), flush=True)
    rollout_s = None
    if args.expect_version:
        version_url = (settings.base_url or "") + (settings.environment.version_path or "")
        if settings.is_local or not settings.environment.version_path:
            raise ConfigError(
                "--expect-version needs a running shop with a version endpoint "
                "(--env with base_url, or --base-url, and the shop's version_path)"
            )
        print(f"waiting for version {args.expect_version} at {version_url} …", flush=True)
        rollout_s = wait_for_version(
            version_url, args.expect_version, args.version_interval,
            min(args.version_timeout, args.timeout), settings.shop.version_header,
        )  # fmt: skip
        print(f"version {args.expect_version} is live after {rollout_s:.0f} s", flush=True)
    print(f"verifying env {settings.env} of {settings.shop.name} (checkouts: -m {args.marker} "
          f"in {project.root})", flush=True)  # fmt: skip
    if rule is not None and settings.shop.journeys:
        for line in rule.describe():
            print(line, flush=True)
    note = make_target(settings, settings.base_url or "http://embedded").sources_note()
    if note:
        print(note, flush=True)
    try:
        returncode = child.run(
            _pytest_command(args, reports), project.root, max(deadline - time.monotonic(), 1.0)
        )
    except subprocess.TimeoutExpired:
        print(f"checkout-probe verify: checkouts did not finish within --timeout "
              f"{args.timeout:.0f} s: treating the shop as broken", file=sys.stderr)  # fmt: skip
        return int(ExitCode.CHECKOUT_FAILED)
    summary_path = reports / "summary.json"
    written = read_summary(summary_path)
    summary = RunSummary.from_dict(written) if written is not None else None
    if summary is not None:
        print_summary(summary, rollout_s)
    code, why = decide(returncode, summary, args.marker)
    gate_data = None
    if code == ExitCode.OK and summary is not None:
        code, outcome = gate_decides(args, settings, rule, summary, deadline, reports, _say)
        gate_data = outcome.to_dict(rule) if rule is not None else None
    total_s = time.monotonic() - started
    if written is not None:
        try:
            write_reports(reports, written, {"rollout_s": rollout_s, "gate": gate_data},
                          total_s, publisher)  # fmt: skip
        except OSError as exc:
            # The verdict stands on stdout and in the exit code; the report is a second line.
            print(f"checkout-probe verify: could not write {summary_path}: {exc.strerror}",
                  file=sys.stderr, flush=True)  # fmt: skip
    if why:
        print(f"checkout-probe verify: {why}", file=sys.stderr, flush=True)
    verdict = label(code, returncode)
    say_verdict(out, code, verdict, total_s, reports,
                {**written, "gate": gate_data} if written is not None else None)  # fmt: skip
    if github.wanted(args):
        github.publish(verdict, int(code), total_s, (written or {}).get("tests", []))
    if publisher is not None:
        # After the verdict: the uploads never delay it; what is left stays in the ledger.
        print(publisher.drain(DRAIN_S).line(), flush=True)
        publisher.close()
    return int(code)


def _say(line: str) -> None:
    print(line, flush=True)
