"""checkout-probe: synthetic browser checkouts of your shop, as a deploy gate, a probe and suites.

`checkout-probe COMMAND --help` shows a command's options.

Exit codes (CI jobs may branch on them):
  0  all checkouts passed / command succeeded
  1  a checkout failed (the shop is broken)
  2  usage or configuration error
  3  target unreachable or unhealthy at preflight, or the expected version never went live
  4  harness error (a bug in checkout-probe or in the project's code)
  5  verify ran no checkout (none selected, or every one skipped)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from checkout_probe import __version__
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
    "verify": (_verify, "post-deploy gate: smoke checkouts, then a sequential rule; exit 0 keep"),
    "probe": (_probe, "scheduled probe: rounds of K checkouts, alerts on state changes, metrics"),
    "history": (_history, "the probe's recent rounds; when it started failing, on which version"),
    "shop": (_shop, "start the embedded demo shop (see `checkout-probe shop --help`)"),
    "report": (_report, "render the Allure HTML report offline (single file)"),
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser: ``--version`` and one subcommand, whose own parser (imported
    only when it runs) takes the rest, ``--help`` included."""
    parser = OneLineParser(
        prog="checkout-probe",
        description=__doc__.split("\n\n", 1)[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"checkout-probe {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                     title="commands")  # fmt: skip
    for name, (_, summary) in COMMANDS.items():
        # No options here: `checkout-probe NAME --help` is the command's own parser's.
        commands.add_parser(name, help=summary, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; user mistakes get one line on stderr and a distinct exit code."""
    args, rest = build_parser().parse_known_args(argv)
    handler, _ = COMMANDS[args.command]
    try:
        return handler(rest)
    except ProbeError as exc:
        print(f"checkout-probe {args.command}: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return 130  # the shell's convention for an interrupt (128 + SIGINT)
    except BrokenPipeError:
        # The reader went away (`checkout-probe history --json | head -1`): nothing to say to
        # it, and Python must not try to flush into the closed pipe again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
