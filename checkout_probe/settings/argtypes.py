"""The command-line value types every checkout-probe command shares, and its one-line parser.

Each type refuses what would otherwise be accepted silently and misbehave later:
``nan`` and ``inf`` (a ``nan`` timeout disables the timeout), negative and absurdly
large numbers, ports outside 0–65535, URLs that are not http(s). A refused value,
like every other usage mistake, is one line on stderr and exit 2 (never argparse's
usage block, never a traceback).
"""

from __future__ import annotations

import argparse
import math
from typing import NoReturn

from checkout_probe.basics.errors import ExitCode
from checkout_probe.basics.redact import mask_url
from checkout_probe.basics.web_values import url_problem

#: Longest duration any option takes: 30 days (retention and timeouts stay far below).
MAX_SECONDS = 30 * 86_400.0


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line naming the command and ``--help``
    (``where``: what else the line names first, e.g. the file a value came from)."""

    where: str | None = None

    def format_help(self) -> str:
        """The help, without the reST markup of the docstrings it is taken from."""
        return super().format_help().replace("``", "")

    def error(self, message: str) -> NoReturn:
        """Print ``<prog>: <message> (see <prog> --help)`` and exit 2."""
        lead = f"{self.prog}: {self.where}" if self.where else self.prog
        self.exit(int(ExitCode.USAGE), f"{lead}: {message} (see {self.prog} --help)\n")


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not {what}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not {what}")
    return value


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number >= 1") from None
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"{text[:40]} is not a whole number from 1 to 1000000")
    return value


def seconds(text: str) -> float:
    """A finite number of seconds >= 0 (0: no wait)."""
    value = _number(text, "a number of seconds")
    if not 0 <= value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds from 0 to 30 days")
    return value


def positive_seconds(text: str) -> float:
    """A finite number of seconds > 0 (a timeout or an interval that must elapse)."""
    value = _number(text, "a positive number of seconds")
    if not 0 < value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(
            f"{text} is not a positive number of seconds (at most 30 days)"
        )
    return value


def fraction(text: str) -> float:
    """A number strictly between 0 and 1."""
    value = _number(text, "a fraction between 0 and 1")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction between 0 and 1")
    return value


def _whole(text: str, low: int, high: int, what: str) -> int:
    """A whole number from ``low`` to ``high``; ``what`` names it in the one-line error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not {what}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{text} is not {what} from {low} to {high}")
    return value


#: The most checkouts one probe round may hold: a round is a sample, not a load test, and
#: its browsers and their cleanup must fit one machine.
MAX_CHECKOUTS = 1000


def checkouts_per_round(text: str) -> int:
    """Checkouts in one probe round, 1 to :data:`MAX_CHECKOUTS`."""
    return _whole(text, 1, MAX_CHECKOUTS, "a number of checkouts per round")


def gate_checkouts(text: str) -> int:
    """How many checkouts the deploy gate may run, 0 (its smoke checkouts only) to 1000."""
    return _whole(text, 0, 1000, "a number of checkouts")


def port(text: str) -> int:
    """A TCP port, 0 (any free port) to 65535."""
    return _whole(text, 0, 65_535, "a port")


def workers(text: str) -> int:
    """Parallel browsers, 0 (none: one process) to 64."""
    return _whole(text, 0, 64, "a number of browsers")


def http_url(text: str) -> str:
    """An http(s) URL with a host."""
    if (problem := url_problem(text)) is not None:
        raise argparse.ArgumentTypeError(f"{mask_url(text)[:200]!r} {problem}")
    return text
