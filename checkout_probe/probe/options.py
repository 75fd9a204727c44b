"""``checkout-probe probe``'s command line and what it means: settings, decision rule, webhooks.

Apart from the command so manifests and docs can check against the parser.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from checkout_probe.basics.errors import ConfigError
from checkout_probe.probe.payloads import FORMATS
from checkout_probe.probe.rule import DecisionRule
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
from checkout_probe.settings.output_options import add_output_options
from checkout_probe.settings.store_options import add_store_options

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


class _NotK(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        parser.error("-k is pytest's keyword expression; checkouts per round: --checkouts K")


def build_parser(where: str | None = None) -> OneLineParser:
    """The probe's options (``checkout-probe probe --help``); ``where``: where the values
    come from when not from the command line (its errors name it)."""
    env = os.environ
    rule = DecisionRule()
    parser = OneLineParser(
        prog="checkout-probe probe",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.where = where
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
        help="longest a round may take; checkouts it cuts or never starts count neither way "
        "(default 240)",
    )  # fmt: skip

    sample = parser.add_argument_group("checkouts and decision rule")
    sample.add_argument(
        "--checkouts", type=checkouts_per_round, default=20, metavar="K",
        help=f"checkouts per round (default 20, at most {MAX_CHECKOUTS})",
    )  # fmt: skip
    # -k is what every pytest user reads as a keyword expression: not an alias, a pointer.
    sample.add_argument("-k", action=_NotK, nargs="?", help=argparse.SUPPRESS)
    sample.add_argument(
        "--workers", type=positive_int, default=2, metavar="N",
        help="browsers running checkouts in parallel (default 2)",
    )  # fmt: skip
    sample.add_argument(
        "--window-rounds", type=positive_int, default=rule.window_rounds, metavar="N",
        help="rounds the decision rule judges together (default %(default)s)",
    )  # fmt: skip
    sample.add_argument(
        "--min-failures", type=positive_int, default=rule.min_failures, metavar="N",
        help="fewest failed checkouts in the window that can fire (default %(default)s)",
    )  # fmt: skip
    sample.add_argument(
        "--threshold", type=fraction, default=rule.threshold, metavar="P",
        help="fire when the interval's lower bound is above this (default %(default)s)",
    )  # fmt: skip
    sample.add_argument(
        "--recover-below", type=fraction, default=rule.recover_below, metavar="P",
        help="recover when the interval's upper bound is below this (default %(default)s)",
    )  # fmt: skip

    alerts = parser.add_argument_group("alerts")
    alerts.add_argument(
        "--webhook", action="append", default=None, metavar="[FORMAT=]URL",
        help="POST alerts here, in FORMAT (one of " + ", ".join(FORMATS) + "; default "
        "--webhook-format); repeatable (default $CHECKOUT_PROBE_WEBHOOK_URL)",
    )  # fmt: skip
    alerts.add_argument(
        "--webhook-format", choices=FORMATS, default="generic",
        help="format of a --webhook given without one (default generic)",
    )  # fmt: skip
    alerts.add_argument(
        "--webhook-header", action="append", default=[], metavar="FORMAT:NAME=VAR",
        help="send header NAME, valued from environment variable VAR, to the FORMAT "
        "webhooks (repeatable; the value never goes on the command line)",
    )  # fmt: skip
    alerts.add_argument(
        "--alert-label", action="append", default=[], metavar="KEY=VALUE",
        help="a label on every alert: team, region, service… (repeatable)",
    )  # fmt: skip
    alerts.add_argument("--runbook-url", type=http_url, default=None, metavar="URL",
                        help="the runbook the alerts link to (runbook_url)")  # fmt: skip
    alerts.add_argument(
        "--generator-url", type=http_url, default=None, metavar="URL",
        help="the alerts' source link, e.g. your history page or dashboard (default: the "
        "evidence link, when the evidence store gives web links)",
    )  # fmt: skip
    alerts.add_argument(
        "--alert-ttl", type=positive_seconds, default=None, metavar="S",
        help="how long Alertmanager keeps a firing alert that is not sent again (it is, "
        "every round, while failing; default 4 × --interval, 1200 with --once: keep it "
        "above the schedule's period)",
    )  # fmt: skip
    alerts.add_argument(
        "--remind-every", type=positive_seconds, default=None, metavar="S",
        help="re-send 'still failing' to the other formats this often (default: never)",
    )  # fmt: skip

    metrics = parser.add_argument_group("metrics")
    metrics.add_argument(
        "--metrics-port", type=port, default=None, metavar="PORT",
        help="long-running mode: serve Prometheus /metrics on this port (0: any free port)",
    )  # fmt: skip
    metrics.add_argument(
        "--metrics-addr", default="127.0.0.1", metavar="ADDR",
        help="address /metrics listens on (default %(default)s; 0.0.0.0 in a container)",
    )  # fmt: skip
    metrics.add_argument("--metrics-textfile", type=Path, default=None, metavar="FILE",
                         help="write metrics for node_exporter's textfile collector")  # fmt: skip
    metrics.add_argument(
        "--pushgateway", type=http_url, default=env.get("CHECKOUT_PROBE_PUSHGATEWAY"),
        metavar="URL",
        help="push metrics to this Prometheus Pushgateway after each round",
    )  # fmt: skip
    metrics.add_argument("--push-job", default="checkout-probe", metavar="NAME",
                         help="Pushgateway job name (default %(default)s)")  # fmt: skip

    add_output_options(parser, "per checkout and per round")

    history = parser.add_argument_group("history and evidence")
    history.add_argument(
        "--history", default=env.get("CHECKOUT_PROBE_HISTORY_URL", DEFAULT_HISTORY), metavar="URL",
        help=f"SQLAlchemy URL of the round history (default {DEFAULT_HISTORY})",
    )  # fmt: skip
    history.add_argument(
        "--keep-rounds",
        type=positive_int,
        default=8640,
        metavar="N",
        help="rounds kept per environment (default 8640: 30 days at 5 min)",
    )
    history.add_argument(
        "--keep-evidence",
        type=positive_int,
        default=10,
        metavar="N",
        help="failing rounds whose traces and screenshots are kept (default 10)",
    )
    history.add_argument(
        "--evidence-dir", type=Path, default=Path("reports/probe/evidence"), metavar="DIR",
        help="where failed checkouts' traces and screenshots are written (default "
        "reports/probe/evidence)",
    )  # fmt: skip
    add_store_options(history)
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
