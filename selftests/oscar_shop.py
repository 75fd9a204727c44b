"""The django-oscar shop of ``examples/oscar`` as the self-tests start it: a real third-party shop.

``examples/oscar/shopctl.py`` owns the shop (its venv, its data); this module starts a
fresh copy on a free port for a test, counts its orders through the shop's own Django
code (independently of the project's dashboard adapter), and runs the oscar project's
three entry points in their own processes, from the project's folder.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from selftests.helpers import CLI, ROOT

PROJECT = ROOT / "examples" / "oscar"
SHOPCTL = PROJECT / "shopctl.py"
SHOP_PYTHON = PROJECT / "shop" / ".venv" / "bin" / "python"
STAFF_PASSWORD = "oscar-staff-local-only"  # shopctl's local default: this shop is on loopback
ENVIRON = {"OSCAR_STAFF_PASSWORD": STAFF_PASSWORD}


@dataclass
class OscarShop:
    """A running oscar shop: its URL and its data folder."""

    url: str
    data: Path

    def count_orders(self, *, cancelled: bool = False) -> int:
        """Orders in the shop's database (not cancelled, or cancelled), read by the shop itself."""
        query = (
            "Order.objects.filter(status='Cancelled')"
            if cancelled
            else ("Order.objects.exclude(status='Cancelled')")
        )
        code = f"from oscar.apps.order.models import Order; print({query}.count())"
        result = subprocess.run(
            [str(SHOP_PYTHON), "manage.py", "shell", "-v", "0", "-c", code],
            cwd=PROJECT / "shop", capture_output=True, text=True, timeout=120,
            env={**os.environ, "OSCAR_SHOP_DATA": str(self.data)},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        return int(result.stdout.strip().splitlines()[-1])

    def rejected_addresses(self, addresses: list[dict[str, str]]) -> list[dict[str, object]]:
        """The addresses Oscar's own ShippingAddressForm rejects (with its errors)."""
        result = subprocess.run(
            [str(SHOP_PYTHON), "check_addresses.py"], input=json.dumps(addresses),
            cwd=PROJECT / "shop", capture_output=True, text=True, timeout=120,
            env={**os.environ, "OSCAR_SHOP_DATA": str(self.data)},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        rejected: list[dict[str, object]] = json.loads(result.stdout)
        return rejected


def set_up() -> None:
    """Make sure the shop's venv and template data exist (``./run tests`` did it already)."""
    subprocess.run([sys.executable, str(SHOPCTL), "setup"], check=True, timeout=1200)


@contextmanager
def oscar_shop(data: Path, fault: str | None = None) -> Iterator[OscarShop]:
    """A fresh oscar shop on 127.0.0.1 (a free port), stopped afterwards."""
    command = [sys.executable, str(SHOPCTL), "start", "--data", str(data)]
    command += ["--fault", fault] if fault else []
    log = data.parent / f"{data.name}.log"
    with log.open("w") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline, url = time.monotonic() + 120, None
    while url is None and time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=0.5):
            line = process.stdout.readline()
            if line.startswith("listening on "):
                url = line.split()[-1]
    try:
        assert url is not None, f"the oscar shop did not start: {log.read_text()[-2000:]}"
        yield OscarShop(url, data)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Run:
    """One entry point's run in the oscar project."""

    returncode: int
    output: str


def run_in_project(*args: str, timeout_s: float = 300) -> Run:
    """``pytest …`` or ``checkout-probe …`` in the oscar project's folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKOUT_PROBE_")}
    command = [sys.executable, "-m", "pytest", *args[1:]] if args[0] == "pytest" else [CLI, *args]
    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=timeout_s,
        env={**env, **ENVIRON},
    )  # fmt: skip
    return Run(result.returncode, result.stdout + result.stderr)
