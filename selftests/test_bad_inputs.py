"""Every bad input is one line and exit 2: never a traceback, never 1 ("roll back") or 3.

A table of mistakes a user can make on the command line, in the environment or in
``environments.toml``, fed to ``verify``, ``probe --once`` and ``history`` (in this
process, through the CLI's own ``main``: fast, and any exception that is not the
command's own one-line error fails the test), and to plain ``pytest`` (a real
process each: pytest's usage-error exit 4). Each must be refused before anything
starts: no shop, no browser, no checkout.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from checkout_probe.cli.main import main
from checkout_probe.settings.environments import BOOL_KEYS, STRING_KEYS, TABLE_KEYS
from selftests.helpers import CLI, ROOT
from selftests.probe.support import closed_port

LONG_URL = "http://shop.example/" + "a" * 100_000


def _not_utf8(folder: Path) -> Path:
    path = folder / "latin1.toml"
    path.write_bytes('[staging]\nbase_url = "http://caf\xe9.example"\n'.encode("latin-1"))
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "environments.fifo"
    os.mkfifo(path)
    return path


def _a_file(folder: Path) -> Path:
    path = folder / "a-file"
    path.write_text("not a folder\n")
    return path


def _config(text: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / "environments.toml"
        path.write_text(text)
        return path

    return write


#: Shared by verify and probe (the one options definition): (id, arguments, what the line says).
#: ``{path}`` is replaced by a file the case's maker writes into the test's folder.
SHARED: list[tuple[str, list[str], str, Callable[[Path], Path] | None]] = [
    ("base-url-unclosed-ipv6", ["--base-url", "http://[::1"], "not an http(s) URL", None),
    ("base-url-100k", ["--base-url", LONG_URL[:100_000]], "longer than", None),
    ("base-url-space", ["--base-url", "http://shop example.com"], "not an http(s) URL", None),
    ("base-url-port-99999", ["--base-url", "http://127.0.0.1:99999"], "not an http(s) URL", None),
    ("base-url-not-a-url", ["--base-url", "not a url"], "not an http(s) URL", None),
    ("action-timeout-nan", ["--action-timeout", "nan"], "action timeout", None),
    ("action-timeout-inf", ["--action-timeout", "inf"], "action timeout", None),
    ("action-timeout-zero", ["--action-timeout", "0"], "action timeout", None),
    ("action-timeout-negative", ["--action-timeout", "-5"], "action timeout", None),
    ("action-timeout-huge", ["--action-timeout", "1e308"], "action timeout", None),
    ("step-budget-nan", ["--step-budget", "place order=nan"], "STEP=SECONDS", None),
    ("step-budget-unknown-step", ["--step-budget", "plaec order=3"], "plaec order", None),
    ("faker-seed-word", ["--faker-seed", "abc"], "seed", None),
    ("vitals-fail-unknown-step", ["--vitals-fail", "plaec order"], "--vitals-fail: unknown step",
     None),
    ("otlp-endpoint-not-a-url", ["--otlp-endpoint", "collector:4318"],
     "--otlp-endpoint 'collector:4318' ", None),
    ("env-unknown", ["--env", "nowhere"], "unknown environment 'nowhere'", None),
    ("config-missing", ["--config", "{path}/missing.toml"], "does not exist", None),
    ("config-not-utf8", ["--config", "{path}"], "UTF-8", _not_utf8),
    ("config-fifo", ["--config", "{path}"], "is not a file", _fifo),
    ("config-bad-url", ["--config", "{path}", "--env", "staging"], "not an http(s) URL",
     _config('[staging]\nbase_url = "http://[::1"\n')),
    ("config-nan-budget", ["--config", "{path}", "--env", "staging"], "",
     _config('[staging]\nbase_url = "http://127.0.0.1:9"\n[staging.step_budgets]\n'
             '"place order" = nan\n')),
    ("config-wrong-type", ["--config", "{path}", "--env", "staging"], "",
     _config('[staging]\nbase_url = 42\n')),
    ("config-nested-too-deep", ["--config", "{path}"], "nests arrays or tables too deeply",
     _config("x = " + "[" * 5000 + "]" * 5000 + "\n")),
    ("baseline-missing", ["--baseline", "{path}/none.json"], "record one with --record-baseline",
     None),
    ("baseline-not-json", ["--baseline", "{path}"], "cannot be read", _a_file),
    ("baseline-not-a-baseline", ["--baseline", "{path}"], "not a checkout-probe baseline",
     _config('{"steps": [1, 2]}')),
]  # fmt: skip


def _environment(
    case: str, body: str, says: str
) -> tuple[str, list[str], str, Callable[[Path], Path]]:
    """A case for one mistake in environment 'staging' of an environments.toml."""
    text = f'[staging]\nbase_url = "http://127.0.0.1:9"\n{body}\n'
    return (f"environment-{case}", ["--config", "{path}", "--env", "staging"], says, _config(text))


#: Every key of an environment, with a value of the wrong type (strings get a number,
#: flags a string, tables a string), then the values of the right type that are wrong.
ENVIRONMENT_KEYS: list[tuple[str, str, str]] = [
    *((key, f"{key} = 42", "must be a string") for key in STRING_KEYS if key != "base_url"),
    *((key, f'{key} = "yes"', "true or false") for key in sorted(BOOL_KEYS)),
    *((key, f'{key} = "x"', "must be a table") for key in sorted(TABLE_KEYS)),
    ("unknown-key", 'base_ulr = "http://x"', "unknown key 'base_ulr' (did you mean base_url?)"),
    ("card-profile-unknown", 'card_profile = "gold"', "card_profile"),
    ("preflight-unknown", 'preflight = "sometimes"', "preflight"),
    ("health-path-relative", 'health_path = "health"', "health_path"),
    ("version-path-url", 'version_path = "http://x/version"', "version_path"),
    ("synthetic-header-empty", 'synthetic_header = ""', "synthetic_header"),
    ("synthetic-header-space", 'synthetic_header = "X Synthetic"', "synthetic_header"),
    ("header-not-a-string", "[staging.headers]\nX-Team = 7", "headers"),
    ("header-newline", '[staging.headers]\nX-Team = "a\\r\\nX-Admin: 1"', "headers"),
    ("header-name-space", '[staging.headers]\n"X Team" = "a"', "headers"),
    ("budget-zero", '[staging.step_budgets]\n"place order" = 0', "positive number"),
    ("budget-negative", '[staging.step_budgets]\n"place order" = -3', "positive number"),
    ("budget-inf", '[staging.step_budgets]\n"place order" = inf', "positive number"),
    ("budget-string", '[staging.step_budgets]\n"place order" = "3"', "positive number"),
    ("budget-unknown-step", '[staging.step_budgets]\n"plaec order" = 3', "plaec order"),
    (
        "vital-budget-unknown-metric",
        "[staging.vital_budgets]\nLPC = 3000",
        "unknown web vital 'LPC'",
    ),
    ("vital-budget-zero", "[staging.vital_budgets]\nCLS = 0", "CLS must be a positive number"),
    ("vital-budget-string", '[staging.vital_budgets]\nLCP = "3 s"', "positive number"),
    (
        "vital-budget-unknown-step",
        '[staging.vital_budgets]\n"plaec order" = { INP = 300 }',
        "plaec order",
    ),
    (
        "vital-budget-step-metric",
        '[staging.vital_budgets]\n"place order" = { IMP = 300 }',
        "unknown web vital 'IMP'",
    ),
    ("vitals-fail-string", 'vitals_fail = "pay"', "vitals_fail must be true, false or a list"),
    ("vitals-fail-unknown-step", 'vitals_fail = ["plaec order"]', "plaec order"),
    ("token-env-unset", 'api_token_env = "NO_SUCH_TOKEN_VARIABLE"', "NO_SUCH_TOKEN_VARIABLE"),
    ("password-env-unset", 'shopper_password_env = "NO_SUCH_PASSWORD"', "NO_SUCH_PASSWORD"),
    ("secret-unset", '[staging.secrets]\nsso = "NO_SUCH_SECRET"', "NO_SUCH_SECRET"),
    ("secret-not-a-name", "[staging.secrets]\nsso = 5", "secrets"),
    # Options are the project's own settings: the engine checks their type, not their names.
    ("option-not-a-string", "[staging.options]\nuser = 5", "options.'user' must be a string"),
]
SHARED += [_environment(*case) for case in ENVIRONMENT_KEYS]

PROBE_ONLY: list[tuple[str, list[str], str, Callable[[Path], Path] | None]] = [
    ("interval-nan", ["--interval", "nan"], "--interval", None),
    ("interval-negative", ["--interval", "-1"], "--interval", None),
    ("round-timeout-zero", ["--round-timeout", "0"], "--round-timeout", None),
    ("remind-every-inf", ["--remind-every", "inf"], "--remind-every", None),
    ("pushgateway-not-a-url", ["--pushgateway", "not a url"], "--pushgateway", None),
    ("metrics-port-99999", ["--metrics-port", "99999"], "--metrics-port", None),
    ("checkouts-zero", ["--checkouts", "0"], "--checkouts", None),
    ("checkouts-huge", ["--checkouts", "99999999999"], "--checkouts", None),
    ("workers-word", ["--workers", "two"], "--workers", None),
    ("threshold-above-one", ["--threshold", "1.5"], "--threshold", None),
    ("recover-below-nan", ["--recover-below", "nan"], "--recover-below", None),
    ("rule-cannot-recover", ["--checkouts", "4"], "cannot recover", None),
    ("rule-cannot-fire", ["--checkouts", "1", "--recover-below", "0.7"], "cannot fire", None),
    ("history-not-a-url", ["--history", "not a url"], "malformed --history URL", None),
    ("history-unknown-database", ["--history", "mongo://db/x"], "unknown database", None),
    ("webhook-not-a-url", ["--webhook", "not a url"], "not an http(s) URL", None),
    ("unknown-option", ["--bogus"], "unrecognized arguments", None),
    # The probe writes no summary.json: --reports is not one of its options.
    ("reports-not-a-probe-option", ["--reports", "{path}"], "unrecognized arguments", None),
]  # fmt: skip

VERIFY_ONLY: list[tuple[str, list[str], str, Callable[[Path], Path] | None]] = [
    ("timeout-zero", ["--timeout", "0"], "--timeout", None),
    ("timeout-nan", ["--timeout", "nan"], "--timeout", None),
    ("version-interval-inf", ["--version-interval", "inf"], "--version-interval", None),
    ("version-timeout-negative", ["--version-timeout", "-1"], "--version-timeout", None),
    ("workers-negative", ["--workers", "-1"], "--workers", None),
    ("retries-five", ["--retries", "5"], "--retries", None),
    ("reports-is-a-file", ["--reports", "{path}"], "fix --reports", _a_file),
    ("unknown-option", ["--bogus"], "unrecognized arguments", None),
]  # fmt: skip

HISTORY: list[tuple[str, list[str], str, Callable[[Path], Path] | None]] = [
    ("limit-zero", ["--limit", "0"], "--limit", None),
    ("history-not-a-url", ["--history", "not a url"], "malformed --history URL", None),
    ("history-missing-file", ["--history", "sqlite:///{path}/none.sqlite"], "no history", None),
    ("history-is-a-fifo", ["--history", "sqlite:///{path}"], "", _fifo),
]  # fmt: skip


def _cases() -> list[object]:
    table = [("verify", *case) for case in SHARED + VERIFY_ONLY]
    table += [("probe", *case) for case in SHARED + PROBE_ONLY]
    table += [("history", *case) for case in HISTORY]
    return [pytest.param(*case, id=f"{case[0]}-{case[1]}") for case in table]


@pytest.mark.parametrize(("command", "case", "arguments", "says", "maker"), _cases())
def test_a_bad_input_is_one_line_and_exit_2(
    command: str,
    case: str,
    arguments: list[str],
    says: str,
    maker: Callable[[Path], Path] | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    path = str(maker(tmp_path)) if maker else str(tmp_path)
    argv = [command, *(a.replace("{path}", path) for a in arguments)]
    if command == "probe":
        # Nothing may start: the history would be the first thing written.
        argv += ["--once", "--history", f"sqlite:///{tmp_path / 'history.sqlite'}"]
        if "--history" in arguments:
            argv = argv[:-2]
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors, through OneLineParser
        code = exit_.code if isinstance(exit_.code, int) else 2
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, f"exit {code}: {err[-2000:]}"
    assert len(lines) == 1, err[-2000:]
    assert lines[0].startswith(f"checkout-probe {command}: "), lines[0][:300]
    assert says in lines[0], lines[0][:300]
    assert len(lines[0]) < 1_000, "the line quotes a 100k URL in full"
    assert "Traceback" not in out + err
    assert not (tmp_path / "history.sqlite").exists(), "the probe started before refusing"


PYTEST_CASES = [
    pytest.param(["--action-timeout", "nan"], "action timeout", id="action-timeout-nan"),
    pytest.param(["--base-url", "http://[::1"], "not an http(s) URL", id="base-url-ipv6"),
    pytest.param(["--step-budget", "plaec order=3"], "plaec order", id="budget-unknown-step"),
    pytest.param(["--env", "nowhere"], "unknown environment", id="env-unknown"),
    pytest.param(["--config", "/nonexistent/environments.toml"], "does not exist", id="config"),
]


@pytest.mark.parametrize(("arguments", "says"), PYTEST_CASES)
def test_plain_pytest_refuses_a_bad_option_in_one_line_with_its_usage_exit(
    arguments: list[str], says: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests", "-m", "smoke",
         *arguments],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 4, done.stdout[-2000:] + done.stderr[-2000:]  # pytest's usage error
    assert len(errors) == 1 and errors[0].startswith("ERROR: ") and says in errors[0], errors
    assert "Traceback" not in done.stdout + done.stderr


def test_a_metrics_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    # A process of its own: the probe gets as far as starting its browser driver here.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = subprocess.run(
            [CLI, "probe", "--base-url", f"http://127.0.0.1:{closed_port()}", "--rounds", "1",
             "--metrics-port", str(taken.getsockname()[1]),
             "--history", f"sqlite:///{tmp_path / 'history.sqlite'}"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    (line,) = [line for line in done.stderr.splitlines() if line.strip()]
    assert line.startswith("checkout-probe probe: cannot serve metrics on 127.0.0.1:"), line
    assert "fix --metrics-port" in line and "Traceback" not in done.stdout
