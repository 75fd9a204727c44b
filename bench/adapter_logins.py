"""Count the order adapter's logins a shop sees from each entry point (not CI).

    .venv/bin/python bench/adapter_logins.py

Starts one demo shop (its order API allows 8 logins per 15 minutes, as real shops limit
staff logins) and runs against it, one after another: ``pytest -n 2`` (the suites),
``checkout-probe verify`` and two ``checkout-probe probe --once`` runs. After each, it
counts the ``api login from`` lines in the shop's log: the engine builds one adapter per
process on first use and shares it among that process's browsers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkout_probe.target import LocalShop

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = "bench-logins-token"


def logins(shop: LocalShop) -> int:
    """Logins the shop has logged so far."""
    return shop.log_path.read_text().count("api login from")


def main() -> int:
    """Run the entry points against one shop and print the logins each made."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shop = LocalShop(work / "shop", ("--login-limit=0",), api_token=TOKEN)
        shop.start()
        try:
            assert shop.url is not None
            env = {**os.environ, "CHECKOUT_PROBE_API_TOKEN": TOKEN}
            history = f"sqlite:///{work / 'history.sqlite'}"
            runs = [
                ("pytest -n 2 (11 tests, 2 processes)",
                 [str(BIN / "pytest"), "tests", "-n", "2", "-q", "-p", "no:cacheprovider",
                  "--base-url", shop.url, "--output", str(work / "artifacts")]),
                ("checkout-probe verify (smoke -n 2, then the burst)",
                 [str(BIN / "checkout-probe"), "verify", "--base-url", shop.url,
                  "--reports", str(work / "verify")]),
                ("checkout-probe probe --once (K=20, 2 browsers)",
                 [str(BIN / "checkout-probe"), "probe", "--once", "--base-url", shop.url,
                  "--history", history, "--evidence-dir", str(work / "evidence")]),
                ("checkout-probe probe --once again",
                 [str(BIN / "checkout-probe"), "probe", "--once", "--base-url", shop.url,
                  "--history", history, "--evidence-dir", str(work / "evidence")]),
            ]  # fmt: skip
            rows = []
            for name, command in runs:
                before = logins(shop)
                result = subprocess.run(
                    command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
                )
                rows.append((name, result.returncode, logins(shop) - before))
            for name, code, count in rows:
                print(f"{name:55} exit {code}  logins {count}")
            print(f"{'all':55}         logins {logins(shop)}")
        finally:
            shop.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
