"""Exit codes and the errors that map to them.

The codes are a contract with CI jobs that branch on them (documented in the
README and in ``checkout-probe --help``).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a checkout-probe command's exit status means."""

    OK = 0
    CHECKOUT_FAILED = 1
    USAGE = 2
    TARGET_UNREACHABLE = 3
    HARNESS_ERROR = 4
    #: verify ran no checkout (none selected, or every one skipped): never a pass.
    NO_CHECKOUT = 5


#: Exit status of a plain pytest run that the preflight check stopped (the target is
#: unreachable or unhealthy). Outside pytest's own 0-5 so it can never be read as
#: one of them (3 would be pytest's INTERNALERROR); sysexits.h's EX_UNAVAILABLE.
PYTEST_TARGET_UNREACHABLE = 69
#: Likewise, for a shop that answered but whose health named a dependency down at preflight.
PYTEST_TARGET_UNHEALTHY = 70


class ProbeError(Exception):
    """An error with a one-line message meant for the user and an exit code."""

    exit_code: ExitCode = ExitCode.HARNESS_ERROR


class ConfigError(ProbeError):
    """The user's configuration or command line is wrong; the message says how to fix it."""

    exit_code = ExitCode.USAGE


class TargetUnreachable(ProbeError):
    """The shop under test cannot be reached, or says a dependency is down."""

    exit_code = ExitCode.TARGET_UNREACHABLE


class TargetUnhealthy(TargetUnreachable):
    """The shop answered, and its health names a dependency down (preflight ``healthy``):
    the same exit code, its own label."""


class BrowserNotFound(ConfigError):
    """No usable Chromium was found on this machine."""
