"""Helpers for self-tests that run pytest on the checkout suites as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.shop import SHOP

ROOT = Path(__file__).resolve().parent.parent
#: The installed ``checkout-probe`` command (beside this interpreter when not on PATH).
CLI = shutil.which("checkout-probe") or str(Path(sys.executable).parent / "checkout-probe")


@dataclass(frozen=True)
class SuiteRun:
    """The outcome of one run of the suites in a subprocess."""

    returncode: int
    output: str
    reports: Path

    def summary(self) -> dict[str, Any]:
        """The run's ``summary.json``."""
        data: dict[str, Any] = json.loads((self.reports / "summary.json").read_text())
        return data

    def allure_results(self) -> list[dict[str, Any]]:
        """Every Allure test result the run wrote."""
        return [
            json.loads(p.read_text())
            for p in (self.reports / "allure-results").glob("*-result.json")
        ]


#: The environment of a run that checks accessibility (the self-tests' runs do not:
#: ``selftests/conftest.py``).
WITH_ACCESSIBILITY = {"CHECKOUT_PROBE_NO_ACCESSIBILITY": ""}


def run_suites(
    reports: Path, *args: str, timeout_s: float = 300, env: dict[str, str] | None = None
) -> SuiteRun:
    """Run ``pytest`` from the project root with reports under ``reports``."""
    env = {**os.environ, "CHECKOUT_PROBE_REPORTS_DIR": str(reports), **(env or {})}
    command = [
        sys.executable, "-m", "pytest",
        f"--alluredir={reports / 'allure-results'}",
        f"--junitxml={reports / 'junit.xml'}",
        f"--output={reports / 'artifacts'}",
        "-p", "no:cacheprovider",
        *args,
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout_s
    )
    return SuiteRun(result.returncode, result.stdout + result.stderr, reports)


def run_verify(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, float]:
    """Run ``checkout-probe verify`` from the project root: exit code, output, seconds."""
    started = time.monotonic()
    result = subprocess.run(
        [CLI, "verify", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def lenient_budgets(seconds: float = 60, steps: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``--step-budget`` for every step of the demo shop (or ``steps``): a test about something
    else (the round timeout, the alert, the gate's rule) on a machine loaded by the other
    self-tests must not see a healthy step fail as slow (the demo's budgets are 5-6 s)."""
    return tuple(f"--step-budget={step}={seconds:g}" for step in steps or tuple(SHOP.steps))
