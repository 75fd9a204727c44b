"""``checkout-probe probe``'s command line and what it means: settings, decision rule, webhooks.

Apart from the command so manifests and docs can check against the parser.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from checkout_probe.basics.errors import ConfigError
from checkout_probe.basics.redact import redact
from checkout_probe.probe.rule import DecisionRule
from checkout_probe.probe.webhook import FORMATS
from checkout_probe.settings.argtypes import (
    MAX_CHECKOUTS,
    OneLineParser,
    checkouts_per_round,
    fraction,
    http_url,
    port,
    positive_int,
    positive_seconds,
    seconds,
)
from checkout_probe.settings.commandline import add_project_option, project_settings
from checkout_probe.settings.config import Settings
from checkout_probe.settings.options import add_to_argparse

DESCRIPTION = """\
Scheduled synthetic probe: rounds of K browser checkouts against one environment.

Each round's verdict comes from a decision rule over a sliding window of
rounds (failure rate with a 95 % Wilson interval); an alert goes out only when
the verdict changes (healthy → failing, failing → recovered), plus optional
reminders. Rounds, failures and alert state are kept in a history database
that several probes (regions) may share.
"""

EPILOG = """\
Exit codes:
  0  --once: the verdict is healthy; long-running: stopped by SIGTERM/SIGINT
  1  --once: the verdict is failing
  2  usage or configuration error
  3  the history database cannot be opened, or the embedded demo shop did not start
     (an unreachable shop is not an exit: its checkouts fail, and that alerts)
  4  --once: no checkout could judge the shop (no browser); a bug in checkout-probe

Secrets may come from the environment instead of the command line:
  CHECKOUT_PROBE_WEBHOOK_URL, CHECKOUT_PROBE_PUSHGATEWAY, CHECKOUT_PROBE_HISTORY_URL,
  CHECKOUT_PROBE_BROWSER_ENDPOINT.
"""

DEFAULT_HISTORY = "sqlite:///reports/probe/history.sqlite"
#: Shared options that mean nothing to the probe (its history is its baseline record).
PROBE_WITHOUT = frozenset({"reports_dir", "record_baseline"})


def build_parser() -> argparse.ArgumentParser:
    """The probe's options (``checkout-probe probe --help``)."""
    env = os.environ
    rule = DecisionRule()
    parser = OneLineParser(
        prog="checkout-probe probe",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_project_option(parser)
    # No --reports: a probe writes no summary.json; its evidence goes to --evidence-dir.
    add_to_argparse(parser, without=PROBE_WITHOUT)

    schedule = parser.add_argument_group("schedule")
    mode = schedule.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="run one round and exit (cron, CronJob)")
    mode.add_argument(
        "--interval", type=seconds, default=300.0, metavar="S",
        help="seconds from one round's start to the next (long-running mode; default 300)",
    )  # fmt: skip
    schedule.add_argument(
        "--rounds", type=positive_int, default=None, metavar="N",
        help="stop after N rounds (default: run until SIGTERM/SIGINT)",
    )  # fmt: skip
    schedule.add_argument(
        "--round-timeout", type=positive_seconds, default=240.0, metavar="S",
        help="longest a round may take; unfinished checkouts count as failed (default 240)",
    )  # fmt: skip

    sample = parser.add_argument_group("checkouts and decision rule")
    sample.add_argument(
        "--checkouts", "-k", type=checkouts_per_round, default=20, metavar="K",
        help=f"checkouts per round (default 20, at most {MAX_CHECKOUTS})",
    )  # fmt: skip
    sample.add_argument(
        "--workers", type=positive_int, default=2, metavar="N",
        help="browsers running checkouts in parallel (default 2)",
    )  # fmt: skip
    sample.add_argument("--window-rounds", type=positive_int, default=rule.window_rounds)
    sample.add_argument("--min-failures", type=positive_int, default=rule.min_failures)
    sample.add_argument("--threshold", type=fraction, default=rule.threshold,
                        help="fire when the interval's lower bound is above this")  # fmt: skip
    sample.add_argument("--recover-below", type=fraction, default=rule.recover_below,
                        help="recover when the interval's upper bound is below this")  # fmt: skip

    alerts = parser.add_argument_group("alerts")
    alerts.add_argument(
        "--webhook", action="append", default=None, metavar="URL",
        help="POST alerts here (repeatable; default $CHECKOUT_PROBE_WEBHOOK_URL)",
    )  # fmt: skip
    alerts.add_argument("--webhook-format", choices=sorted(FORMATS), default="generic")
    alerts.add_argument(
        "--remind-every", type=positive_seconds, default=None, metavar="S",
        help="re-send 'still failing' this often (Alertmanager: at most its resolve_timeout)",
    )  # fmt: skip

    metrics = parser.add_argument_group("metrics")
    metrics.add_argument(
        "--metrics-port", type=port, default=None, metavar="PORT",
        help="long-running mode: serve Prometheus /metrics on this port (0: any free port)",
    )  # fmt: skip
    metrics.add_argument("--metrics-addr", default="127.0.0.1",
                         help="address /metrics listens on (0.0.0.0 in a container)")  # fmt: skip
    metrics.add_argument("--metrics-textfile", type=Path, default=None, metavar="FILE",
                         help="write metrics for node_exporter's textfile collector")  # fmt: skip
    metrics.add_argument(
        "--pushgateway", type=http_url, default=env.get("CHECKOUT_PROBE_PUSHGATEWAY"),
        metavar="URL",
        help="push metrics to this Prometheus Pushgateway after each round",
    )  # fmt: skip
    metrics.add_argument("--push-job", default="checkout-probe", help="Pushgateway job name")

    history = parser.add_argument_group("history and evidence")
    history.add_argument(
        "--history", default=env.get("CHECKOUT_PROBE_HISTORY_URL", DEFAULT_HISTORY), metavar="URL",
        help=f"SQLAlchemy URL of the round history (default {DEFAULT_HISTORY})",
    )  # fmt: skip
    history.add_argument(
        "--keep-rounds",
        type=positive_int,
        default=8640,
        help="rounds kept per environment (default 8640: 30 days at 5 min)",
    )
    history.add_argument(
        "--keep-evidence",
        type=positive_int,
        default=10,
        help="failing rounds whose traces and screenshots are kept (default 10)",
    )
    history.add_argument("--evidence-dir", type=Path, default=Path("reports/probe/evidence"))
    return parser


def decision_rule(args: argparse.Namespace) -> DecisionRule:
    """The decision rule the options describe."""
    return DecisionRule(
        window_rounds=args.window_rounds,
        min_failures=args.min_failures,
        threshold=args.threshold,
        recover_below=args.recover_below,
    )


def probe_settings(args: argparse.Namespace) -> Settings:
    """The run's settings (project, environment, target, browser, budgets) from the options.

    The project must declare at least one journey for the probe (``Shop.journeys``)
    and an approved card for the environment: both are checked here, in one line.
    """
    settings = project_settings(args)
    if not settings.shop.journeys:
        raise ConfigError(
            f"the shop '{settings.shop.name}' declares no journeys for the probe: add "
            'journeys={"guest checkout": checkout_as_guest} to its Shop'
        )
    settings.card()  # the card every probe checkout pays with
    return settings


def webhooks(args: argparse.Namespace) -> list[str]:
    """The webhook URLs: ``--webhook`` (repeatable), else ``$CHECKOUT_PROBE_WEBHOOK_URL``."""
    urls: list[str] = args.webhook or []
    if not urls and os.environ.get("CHECKOUT_PROBE_WEBHOOK_URL"):
        urls = [os.environ["CHECKOUT_PROBE_WEBHOOK_URL"]]
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"webhook {redact(url)!r} is not an http(s) URL: fix --webhook")
    return urls
