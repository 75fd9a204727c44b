"""Self-tests: the probe's settings from an environment's ``probe`` table in environments.toml,
with the command line over them and the options' variables in between, each value checked
by the probe's own parser (checkout_probe/probe/environment_options.py)."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.probe.environment_options import file_arguments, with_environment
from checkout_probe.probe.options import build_parser
from selftests.helpers import CLI, ROOT

WHERE = "environment 'production' in environments.toml"
TABLE = {
    "checkouts": 12, "round_timeout": 200, "interval": 120, "webhook_format": "slack",
    "pushgateway": "http://gateway.example:9091",
    "webhooks": [{"format": "alertmanager", "url_env": "AM_URL"}],
}  # fmt: skip


def _args(argv: list[str], environ: dict[str, str]) -> argparse.Namespace:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("CHECKOUT_PROBE_PUSHGATEWAY", "CHECKOUT_PROBE_WEBHOOK_URL"):
            patch.delenv(name, raising=False)
        for name, value in environ.items():
            patch.setenv(name, value)
        return with_environment(build_parser, argv, TABLE, WHERE)


def test_the_table_sets_what_the_command_line_and_variables_leave_alone() -> None:
    environ = {"AM_URL": "http://am:9093/api/v2/alerts",
               "CHECKOUT_PROBE_PUSHGATEWAY": "http://mine:9091"}  # fmt: skip
    args = _args(["--round-timeout", "150"], environ)
    assert args.checkouts == 12 and args.interval == 120
    assert args.round_timeout == 150  # the command line wins
    assert args.pushgateway == "http://mine:9091"  # the variable wins
    assert args.webhook == ["alertmanager=http://am:9093/api/v2/alerts"]


def test_a_once_run_takes_no_interval_and_a_given_webhook_replaces_the_tables() -> None:
    args = _args(["--once", "--webhook", "http://mine/hook"], {})
    assert args.once and args.webhook == ["http://mine/hook"]


@pytest.mark.parametrize(
    ("table", "says"),
    [({"checkout": 20}, "unknown key 'checkout'"),
     ({"webhooks": [{"format": "slack", "url_env": "NOT_SET_HERE"}]}, "$NOT_SET_HERE"),
     ({"threshold": [1]}, "threshold must be a number or a string")],
    ids=["misspelt", "webhook-variable-unset", "a-list"],
)  # fmt: skip
def test_a_table_the_probe_cannot_read_is_one_line_naming_the_file(
    table: dict[str, object], says: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        file_arguments(table, [], WHERE, environ={})
    assert str(refused.value).startswith(WHERE) and says in str(refused.value), refused.value


def test_the_probe_refuses_a_bad_table_in_one_line_naming_the_file(tmp_path: Path) -> None:
    config = tmp_path / "environments.toml"
    config.write_text("[local]\ndemo_shop = true\n[local.probe]\ncheckouts = 0\n")
    done = subprocess.run([CLI, "probe", "--once", "--config", str(config)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("checkout-probe probe: environment 'local' in environments.toml, "
                           "probe table: argument --checkouts"), line  # fmt: skip
