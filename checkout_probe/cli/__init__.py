"""The ``checkout-probe`` command: its subcommands, and ``init`` with the project templates."""

from checkout_probe.cli.main import main

__all__ = ["main"]
