"""Self-tests of inputs that used to make a run lie or leak: a project that exits while it
loads, credentials in URLs, a history URL that does not parse (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkout_probe.basics.errors import ConfigError, ExitCode, ProbeError
from checkout_probe.basics.redact import mask_url
from checkout_probe.probe.history_url import check_history_url
from checkout_probe.settings.config import build_settings
from checkout_probe.settings.project import project_at


def test_a_project_that_exits_while_it_loads_is_a_harness_error_never_exit_0(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.checkout-probe]\nshop = "quits:SHOP"\n')
    (tmp_path / "quits.py").write_text("import sys\nsys.exit(0)\n")
    project = project_at(tmp_path)
    assert project is not None

    with pytest.raises(ProbeError) as raised:
        project.load_shop()

    assert raised.value.exit_code == ExitCode.HARNESS_ERROR
    assert "raised SystemExit(0)" in str(raised.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:s3cret@shop.example/", "https://***@shop.example/"),
        ("https://user:p@ss@shop.example/x", "https://***@shop.example/x"),
        (
            "postgresql+psycopg://probe:s3cret@db:notaport/h",
            "postgresql+psycopg://***@db:notaport/h",
        ),
        ("https://shop.example/", "https://shop.example/"),
    ],
)
def test_urls_are_echoed_without_their_credentials(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_a_base_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigError) as raised:
        build_settings({"base_url": "https://user:s3cret@shop.example"}, {})
    message = str(raised.value)
    assert "carries credentials" in message and "api_token_env" in message
    assert "s3cret" not in message and "user" not in message.split("carries")[0]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+psycopg://probe:s3cret@db:notaport/h", "malformed --history URL"),
        ("postgresql+psycopg://probe:p@ss@db:5432/h", "write it as %40"),
    ],
)
def test_a_history_url_that_does_not_parse_is_one_line_without_its_password(
    url: str, says: str
) -> None:
    with pytest.raises(ConfigError, match=says) as raised:
        check_history_url(url)
    assert "s3cret" not in str(raised.value) and "ss@" not in str(raised.value)


def test_init_refuses_an_empty_folder_name_and_a_name_that_would_break_the_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkout_probe.cli.init import main

    monkeypatch.chdir(tmp_path)
    for argv in ([""], [str(tmp_path / "ours"), "--name", 'a"b']):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == ExitCode.USAGE
    assert list(tmp_path.iterdir()) == [], "nothing may be written"
    assert "is not a project name" in capsys.readouterr().err


def test_report_refuses_results_that_are_no_tests_and_an_output_that_is_a_file(
    tmp_path: Path,
) -> None:
    from checkout_probe.evidence.report import render

    garbage = tmp_path / "results"
    garbage.mkdir()
    (garbage / "x-result.json").write_text("not json")
    with pytest.raises(ConfigError, match="no Allure results"):
        render(garbage, tmp_path / "report")
    (garbage / "y-result.json").write_text('{"name": "t", "status": "passed"}')
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    with pytest.raises(ConfigError, match="is a file: name a folder"):
        render(garbage, a_file)


def test_a_baseline_on_an_endless_device_is_refused_at_once() -> None:
    from checkout_probe.settings.baseline import load_baseline

    with pytest.raises(ConfigError, match="not a regular file"):
        load_baseline(Path("/dev/zero"))
