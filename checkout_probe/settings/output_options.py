"""The output options, defined once for ``verify`` and ``probe`` (what they do:
:mod:`checkout_probe.basics.output`)."""

from __future__ import annotations

import argparse

from checkout_probe.basics.output import LOG_FORMATS


def add_output_options(parser: argparse.ArgumentParser, records: str) -> argparse._ArgumentGroup:
    """``--json`` and ``--log-format`` in an "output" group; ``records``: what the JSON
    objects are of ("per checkout and per round")."""
    output = parser.add_argument_group("output")
    output.add_argument(
        "--json", action="store_true",
        help=f"one JSON object per line on stdout, {records} (fields: docs/options.md); the "
        "lines for people go to stderr",
    )  # fmt: skip
    output.add_argument(
        "--log-format", choices=LOG_FORMATS, default="text",
        help="warnings and errors as text or JSON lines (default text)",
    )  # fmt: skip
    return output
