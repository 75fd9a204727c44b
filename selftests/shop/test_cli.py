"""The command line: the listening line, clean SIGTERM shutdown, exit codes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from demo_shop.cli import main
from demo_shop.faults import FAULT_NAMES

LISTENING = re.compile(
    r"^demo shop listening on (http://127\.0\.0\.1:\d+) "
    r"\(payment gateway (http://127\.0\.0\.1:\d+), cdn (http://127\.0\.0\.1:\d+), "
    r"version 9\.9\.9\)$"
)


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The first stdout line, without hanging the test if it never comes."""
    stdout = process.stdout
    assert stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    assert lines, "no listening line in time"
    return lines[0]


def test_subprocess_prints_listening_line_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ORDER_DATABASE_URL")}
    env["SHOP_VERSION"] = "9.9.9"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "demo_shop",
            "--port",
            "0",
            "--database-url",
            f"sqlite:///{tmp_path / 'cli.db'}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        line = _read_line(process, timeout=20)
        match = LISTENING.match(line.rstrip("\n"))
        assert match, line
        with httpx.Client(trust_env=False, timeout=10) as client:
            assert client.get(match.group(1) + "/health").status_code == 200
            assert client.get(match.group(2) + "/health").json() == {"status": "ok"}
            assert "window.demoAnalytics" in client.get(match.group(3) + "/v3/sdk.js").text
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert stdout == ""  # exactly one line on stdout, already read
    assert "generated API token" in stderr
    assert "Traceback" not in stderr


def test_bad_options_exit_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--port", "not-a-port"]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert main(["--fault", "meteor-strike"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("demo_shop: argument --fault: invalid choice: 'meteor-strike'")
    assert all(name in line for name in FAULT_NAMES) and line.endswith("(see demo_shop --help)")
    assert main(["--fault-rate", "1.5"]) == 2


def test_port_in_use_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--port", str(port), "--database-url", "sqlite://"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert f"127.0.0.1:{port}" in lines[0]


def test_main_stops_on_event(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    result: list[int] = []
    argv = ["--port", "0", "--database-url", f"sqlite:///{tmp_path / 'x.db'}", "--api-token", "t"]
    runner = threading.Thread(target=lambda: result.append(main(argv, stop=stop)))
    runner.start()
    try:
        for _ in range(200):
            if "listening on" in capsys.readouterr().out:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        runner.join(15)
    assert result == [0]
