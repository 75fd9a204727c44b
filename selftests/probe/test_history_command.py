"""``checkout-probe history`` against a real SQLite history: table, verdict line, JSON, errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from checkout_probe.basics.errors import ConfigError, ExitCode, TargetUnreachable
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_command import build_parser, main
from selftests.helpers import CLI
from selftests.probe.history_rounds import bad_deploy, make_round, record, run


def test_history_of_a_bad_deploy_names_the_version_that_broke_checkout(
    history: tuple[HistoryStore, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, url = history
    record(store, bad_deploy())
    out = run(capsys, "--history", url)  # the only env: no --env needed
    lines = out.splitlines()
    assert lines[0].startswith("env prod · history sqlite:///") and "last 8 of 8 rounds" in lines[0]
    assert "slowest step p50/p95" in lines[1]
    table = lines[2:10]
    assert [row.split()[2] for row in table] == ["1.4.1"] * 4 + ["1.4.2"] * 4
    assert [row.split()[-1] for row in table] == ["healthy"] * 5 + ["failing"] * 3
    assert "payment_error" in table[-1] and "place order 1.2/1.3 s" in table[-1]
    verdict = next(line for line in lines if line.startswith("prod: "))
    assert verdict == (
        "prod: failing since 2026-03-02 12:25 UTC (3 rounds) — started on version 1.4.2"
        " (first failures 12:20 UTC); last healthy 2026-03-02 12:15 UTC on 1.4.1:"
        " began with the deploy of 1.4.2"
    )
    failures = out.split("latest round with failures: ", 1)[1].splitlines()
    assert failures[0] == "2026-03-02 12:35 UTC on 1.4.2, 7 of 20 checkouts failed"
    assert failures[1].startswith("  7 × payment_error at step 'place order': step 'place order'")
    assert "Payment Processing Error" in failures[1] and "/health" not in out  # first line only
    assert failures[2].strip() == "reports/probe/evidence/r7/c0/trace.zip"
    assert failures[-1].strip() == "… and 4 more"  # 14 files, 10 listed


def test_correlation_uses_the_whole_history_not_just_the_rows_shown(
    history: tuple[HistoryStore, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, url = history
    record(store, bad_deploy())
    out = run(capsys, "--history", url, "--env", "prod", "--limit", "2")
    assert "last 2 of 8 rounds" in out
    assert "1.4.1" not in out.split("\n\n")[0]  # no 1.4.1 row in the table...
    assert "last healthy 2026-03-02 12:15 UTC on 1.4.1" in out  # ...but the answer knows it
    assert "raise --limit above 2" in out


def test_json_carries_rounds_and_correlation(
    history: tuple[HistoryStore, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, url = history
    record(store, bad_deploy())
    data = json.loads(run(capsys, "--history", url, "--json", "--limit", "3"))
    assert [r["shop_version"] for r in data["rounds"]] == ["1.4.2"] * 3
    assert data["rounds"][-1]["started_at"] == "2026-03-02T12:35:00+00:00"
    corr = data["correlation"]
    assert corr["state"] == "failing" and corr["suspect_deploy"] is True
    assert (corr["first_failure_version"], corr["last_healthy_version"]) == ("1.4.2", "1.4.1")
    assert data["latest_failures"]["groups"][0]["count"] == 7


def test_healthy_history_says_healthy_and_when_it_last_failed(
    history: tuple[HistoryStore, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, url = history
    record(store, [make_round(i, 0, "1.4.1") for i in range(3)])
    assert run(capsys, "--history", url).splitlines()[-1] == (
        "prod: healthy on 1.4.1 (latest round 2026-03-02 12:10 UTC);"
        " no failing round in the stored history"
    )
    record(store, [*bad_deploy()[3:], *(make_round(i, 0, "1.4.3") for i in range(8, 11))])
    out = run(capsys, "--history", url)
    assert out.splitlines()[-1] == (
        "prod: healthy on 1.4.3 (latest round 2026-03-02 12:50 UTC);"
        " last failing round 12:35 UTC on 1.4.2"
    )
    assert "latest round with failures" not in out  # evidence is listed only while failing


def test_empty_history_and_unknown_env_say_no_rounds_yet(
    history: tuple[HistoryStore, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, url = history
    assert run(capsys, "--history", url).startswith("no rounds yet in sqlite:///")
    record(store, [make_round(0, 0, "1.4.1")])
    assert run(capsys, "--history", url, "--env", "prdo") == (
        "no rounds yet for env prdo (the history has: prod)\n"
    )


def test_several_envs_need_env(history: tuple[HistoryStore, str]) -> None:
    store, url = history
    record(store, [make_round(0, 0, "1.4.1"), make_round(0, 0, "2.0.0", env="staging")])
    with pytest.raises(ConfigError, match=r"several environments, pass --env: prod, staging$"):
        main(["--history", url])


def test_missing_sqlite_file_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "reports" / "probe" / "history.sqlite"
    with pytest.raises(ConfigError) as caught:
        main(["--history", f"sqlite:///{missing}"])
    assert str(caught.value) == (
        f"no history at {missing} (no such file): "
        "run `checkout-probe probe` first or pass --history"
    )
    assert caught.value.exit_code == ExitCode.USAGE
    assert not (tmp_path / "reports").exists()


def test_default_history_comes_from_the_environment_then_the_probe_default() -> None:
    from_env = build_parser({"CHECKOUT_PROBE_HISTORY_URL": "sqlite:////srv/h.sqlite"})
    assert from_env.parse_args([]).history == "sqlite:////srv/h.sqlite"
    assert build_parser({}).parse_args([]).history == "sqlite:///reports/probe/history.sqlite"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", r"^malformed --history URL 'not a url': expected e\.g\. sqlite:///"),
        ("mongo://db.example/probe", r"^unknown database 'mongo' in --history URL"),
        ("sqlite://", r"^an in-memory SQLite database holds no history"),
        # No psycopg2 (only psycopg 3): the password must not leak into the message, and
        # the message names the extra and the URL form that work.
        (
            "postgresql+psycopg2://probe:s3cret@db.example/probe",
            r"^no driver for postgresql\+psycopg2 .*\*\*\*@db.*checkout-probe\[postgres\]",
        ),
    ],
)
def test_bad_history_urls_are_one_line_usage_errors(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        main(["--history", url])
    assert "\n" not in str(caught.value) and "s3cret" not in str(caught.value)


def test_a_sqlite_file_without_probe_tables_is_no_history(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).close()  # an empty database file
    with pytest.raises(ConfigError, match=r"no history at sqlite:///.*\(no probe tables\)"):
        main(["--history", f"sqlite:///{other}"])


def test_unreachable_history_database_exits_3(history: tuple[HistoryStore, str]) -> None:
    store, url = history
    record(store, [make_round(0, 0, "1.4.1")])
    path = url.removeprefix("sqlite:///")
    # Another writer holding an exclusive lock: the database is there but cannot be read.
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(TargetUnreachable, match=r"^cannot read the history database .*locked"):
            main(["--history", f"{url}?timeout=0"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_errors_print_one_line_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    done = subprocess.run(
        [CLI, "history", "--history", f"sqlite:///{missing}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.USAGE
    assert done.stderr == f"checkout-probe history: no history at {missing} (no such file): " + (
        "run `checkout-probe probe` first or pass --history\n"
    )
    assert not missing.exists()


def test_json_into_a_pipe_closed_early_ends_quietly(history: tuple[HistoryStore, str]) -> None:
    # `checkout-probe history --json | head -1`: before, a BrokenPipeError traceback.
    store, url = history
    record(store, [make_round(i, i % 3, "1.4.2") for i in range(400)])
    process = subprocess.Popen(
        [CLI, "history", "--history", url, "--json", "--limit", "400"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what head does after its line
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0, errors
    assert first.strip() == b"{" and errors == "", errors
