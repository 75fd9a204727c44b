"""The ``checkout-probe`` command.

Subcommands:
  init     write a new project for your own shop: flows/, fixtures/, tests/, environments.toml
  verify   post-deploy gate: wait for the version, preflight, smoke checkouts, diagnosis
  probe    scheduled synthetic probe: rounds of K checkouts, alerts, metrics, history
  history  the probe's recent rounds, and the version it started failing on
  shop     start the embedded demo shop (the default ``local`` target)
  report   render the Allure HTML report from reports/allure-results, offline

Exit codes (CI jobs may branch on them):
  0  all checkouts passed / command succeeded
  1  a checkout failed (the shop is broken)
  2  usage or configuration error
  3  target unreachable
  4  harness error (a bug in checkout-probe)
  5  verify ran no checkout (none selected, or every one skipped)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from checkout_probe.basics.errors import ConfigError, ProbeError
from checkout_probe.settings.argtypes import OneLineParser


def _shop(argv: Sequence[str]) -> int:
    # The one place the harness imports the demo shop: it starts it.
    try:
        from demo_shop.cli import main as shop_main
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"the embedded demo shop needs {exc.name}: pip install 'checkout-probe[demo]'"
        ) from None

    return int(shop_main(list(argv), prog="checkout-probe shop"))


def _report(argv: Sequence[str]) -> int:
    from checkout_probe.evidence.report import main as report_main

    return report_main(list(argv))


def _probe(argv: Sequence[str]) -> int:
    from checkout_probe.probe.command import main as probe_main

    return probe_main(list(argv))


def _history(argv: Sequence[str]) -> int:
    from checkout_probe.probe.history_command import main as history_main

    return history_main(list(argv))


def _init(argv: Sequence[str]) -> int:
    from checkout_probe.cli.init import main as init_main

    return init_main(list(argv))


def _verify(argv: Sequence[str]) -> int:
    from checkout_probe.verify.command import main as verify_main

    return verify_main(list(argv))


COMMANDS = {
    "init": (_init, "write a new project for your shop (flows/, tests/, environments.toml)"),
    "verify": (_verify, "post-deploy gate: run the smoke checkouts, exit 0/1/2/3/4"),
    "probe": (_probe, "scheduled probe: rounds of K checkouts, alerts on state changes, metrics"),
    "history": (_history, "the probe's recent rounds; when it started failing, on which version"),
    "shop": (_shop, "start the embedded demo shop (see `checkout-probe shop --help`)"),
    "report": (_report, "render the Allure HTML report offline (single file)"),
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; each subcommand parses its own options."""
    parser = OneLineParser(
        prog="checkout-probe",
        description=__doc__.split("\n\n", 1)[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=sorted(COMMANDS), help="what to do")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="options of the command")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; user mistakes get one line on stderr and a distinct exit code."""
    args = build_parser().parse_args(argv)
    handler, _ = COMMANDS[args.command]
    try:
        return handler(args.args)
    except ProbeError as exc:
        print(f"checkout-probe {args.command}: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return 130  # the shell's convention for an interrupt (128 + SIGINT)
