"""A real Alertmanager for the self-tests (Debian's prometheus-alertmanager, which ``./run tests``
installs), on 127.0.0.1 with a short ``resolve_timeout``, routing every alert to one webhook.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

#: Where Debian installs it (``alertmanager`` elsewhere).
PROGRAMS = ("prometheus-alertmanager", "alertmanager")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Alertmanager:
    """A running Alertmanager: where the probe posts (``url``) and its log."""

    url: str
    log: Path


def _config(receiver_url: str, resolve_timeout_s: int) -> str:
    # Notify at once, once: group_wait/interval 1 s; a repeat only after an hour, so each
    # notification the receiver gets is a change.
    return f"""
global:
  resolve_timeout: {resolve_timeout_s}s
route:
  receiver: hook
  group_by: [alertname, env]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: {receiver_url}
        send_resolved: true
"""


@contextmanager
def alertmanager(receiver_url: str, resolve_timeout_s: int = 5) -> Iterator[Alertmanager]:
    """Start Alertmanager (no cluster, its own storage) and wait until it is ready."""
    program = next((p for p in map(shutil.which, PROGRAMS) if p), None)
    assert program, "no Alertmanager: ./run tests installs Debian's prometheus-alertmanager"
    folder = Path(tempfile.mkdtemp(prefix="checkout-probe-am-"))
    (folder / "alertmanager.yml").write_text(_config(receiver_url, resolve_timeout_s))
    port = _free_port()
    log = folder / "alertmanager.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [program, f"--config.file={folder / 'alertmanager.yml'}",
             f"--storage.path={folder / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
             "--cluster.listen-address="],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # bounded: 30 s
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise AssertionError(f"Alertmanager exited: {log.read_text()[-2000:]}")
            try:
                process.wait(timeout=0.1)  # the pause between tries; returns if it exits
            except subprocess.TimeoutExpired:
                continue
        else:
            raise AssertionError(f"Alertmanager not ready in 30 s: {log.read_text()[-2000:]}")
        yield Alertmanager(f"{url}/api/v2/alerts", log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)
