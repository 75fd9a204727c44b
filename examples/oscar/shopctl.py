#!/usr/bin/env python3
"""Set up and start the django-oscar 4.2 shop this project tests (stdlib only, bounded).

  shopctl.py setup                 venv with pinned oscar (shop/.venv), migrated template data
  shopctl.py start [--port N] [--data DIR] [--fault orders-db-unreachable]
                                   copy the template data to DIR (a fresh shop), serve it on
                                   127.0.0.1, print "listening on URL" once it answers, and
                                   run until SIGTERM/SIGINT

Set-up is idempotent (a stamp per requirements file) and every step has a time limit.
The staff account the dashboard adapter logs in with is ``staff@oscar.example``; its
password comes from ``$OSCAR_STAFF_PASSWORD`` (a local default otherwise).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

HERE = Path(__file__).resolve().parent
SHOP = HERE / "shop"
VENV = SHOP / ".venv"
PYTHON = VENV / "bin" / "python"
TEMPLATE_DATA = SHOP / ".data-template"
STAFF_EMAIL = "staff@oscar.example"
LOCAL_STAFF_PASSWORD = "oscar-staff-local-only"


def _run(command: list[str], timeout_s: float, env: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=SHOP, env={**os.environ, **(env or {})}, capture_output=True, text=True,
        timeout=timeout_s,
    )  # fmt: skip
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        sys.exit(f"shopctl: {' '.join(command[-3:])} failed: " + " | ".join(tail))
    print(f"shopctl: {' '.join(command[1:4])} ({time.monotonic() - started:.0f} s)", flush=True)


def _stamp() -> str:
    text = (SHOP / "requirements.txt").read_bytes() + (SHOP / "catalogue.csv").read_bytes()
    return hashlib.sha256(text).hexdigest()[:16]


def setup() -> None:
    """Create the shop's venv and template data, unless they are already current."""
    stamp = VENV / f".stamp-{_stamp()}"
    if stamp.exists() and (TEMPLATE_DATA / "shop.sqlite3").exists():
        return
    started = time.monotonic()
    shutil.rmtree(VENV, ignore_errors=True)
    _run([sys.executable, "-m", "venv", str(VENV)], 120)
    _run([str(PYTHON), "-m", "pip", "install", "-q", "-r", "requirements.txt"], 900)
    shutil.rmtree(TEMPLATE_DATA, ignore_errors=True)
    TEMPLATE_DATA.mkdir(parents=True)
    env = {
        "OSCAR_SHOP_DATA": str(TEMPLATE_DATA),
        "DJANGO_SUPERUSER_PASSWORD": os.environ.get("OSCAR_STAFF_PASSWORD", LOCAL_STAFF_PASSWORD),
    }
    manage = [str(PYTHON), "manage.py"]
    _run([*manage, "migrate", "--noinput", "-v", "0"], 600, env)
    _run([*manage, "oscar_populate_countries", "--initial-only"], 300, env)
    _run([*manage, "oscar_import_catalogue", "catalogue.csv"], 300, env)
    _run([*manage, "update_index", "-v", "0"], 300, env)
    _run([*manage, "createsuperuser", "--noinput", "--username", "staff",
          "--email", STAFF_EMAIL], 120, env)  # fmt: skip
    # Oscar's placeholder for products without an image must sit in MEDIA_ROOT.
    missing = next(VENV.glob("lib/python*/site-packages/oscar/static/oscar/img/image_not_found.*"))
    (TEMPLATE_DATA / "media").mkdir(exist_ok=True)
    shutil.copy(missing, TEMPLATE_DATA / "media" / "image_not_found.jpg")
    stamp.touch()
    print(f"shopctl: oscar shop set up in {time.monotonic() - started:.0f} s", flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answered (a 503 from /health is an answer)
    except OSError:
        return False


def start(port: int, data: Path, fault: str | None, timeout_s: float = 90.0) -> int:
    """Serve a fresh copy of the template data until a signal; print the URL when ready."""
    if not (TEMPLATE_DATA / "shop.sqlite3").exists():
        sys.exit("shopctl: the shop is not set up: run `shopctl.py setup` first")
    if not (data / "shop.sqlite3").exists():
        shutil.copytree(TEMPLATE_DATA, data, dirs_exist_ok=True)
    port = port or _free_port()
    env = {**os.environ, "OSCAR_SHOP_DATA": str(data)}
    env.pop("OSCAR_SHOP_FAULT", None)
    if fault:
        env["OSCAR_SHOP_FAULT"] = fault
    server = subprocess.Popen(
        [str(PYTHON), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=SHOP, env=env,
    )  # fmt: skip
    stopping: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)  # no lock taken in a handler; the loop below acts on it

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while not _answers(f"{url}/version"):
        if server.poll() is not None or time.monotonic() > deadline or stopping:
            server.kill()
            sys.exit(f"shopctl: the oscar shop did not start on {url}")
        time.sleep(0.2)  # polling a starting server, not waiting on a page
    print(f"listening on {url}", flush=True)
    while server.poll() is None and not stopping:
        time.sleep(0.2)
    server.terminate()
    try:
        return server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        return server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="venv with pinned oscar and migrated template data")
    run = sub.add_parser("start", help="serve a fresh shop on 127.0.0.1")
    run.add_argument("--port", type=int, default=0, help="port (0: a free one)")
    run.add_argument("--data", type=Path, default=SHOP / "data", help="the shop's data folder")
    run.add_argument("--fault", choices=["orders-db-unreachable"], default=None)
    args = parser.parse_args()
    if args.command == "setup":
        setup()
        return 0
    return start(args.port, args.data, args.fault)


if __name__ == "__main__":
    sys.exit(main())
