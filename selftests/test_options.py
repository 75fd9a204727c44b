"""Self-test: pytest, ``verify`` and ``probe`` take the same shared options: they cannot drift."""

from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any

import pytest

from checkout_probe.probe.history_command import build_parser as history_parser
from checkout_probe.probe.options import PROBE_WITHOUT
from checkout_probe.probe.options import build_parser as probe_parser
from checkout_probe.settings.options import SHARED, as_arguments, pick
from checkout_probe.verify.command import build_parser as verify_parser
from selftests.helpers import ROOT


def _argparse_options(parser: argparse.ArgumentParser) -> dict[str, dict[str, Any]]:
    return {
        flag: {"dest": a.dest, "default": a.default, "help": a.help, "kind": type(a).__name__}
        for a in parser._actions  # argparse has no public list of its actions
        for flag in a.option_strings
    }


def _pytest_options(config: pytest.Config) -> dict[str, dict[str, Any]]:
    group = config._parser.getgroup("checkout-probe")  # pytest's own parser of this run
    return {
        name: {"dest": o.dest, "default": o.default, "help": o.attrs().get("help")}
        for o in group.options
        for name in o.names()
    }


@pytest.mark.parametrize("parser", [verify_parser, probe_parser], ids=["verify", "probe"])
def test_verify_and_probe_take_every_shared_option_with_the_same_name_default_and_help(
    parser: Any,
) -> None:
    options = _argparse_options(parser())
    for option in SHARED:
        if parser is probe_parser and option.dest in PROBE_WITHOUT:
            assert option.flag not in options, f"{option.flag} means nothing to the probe"
            continue
        assert option.flag in options, f"{option.flag} missing"
        got = options[option.flag]
        assert (got["dest"], got["default"], got["help"]) == (
            option.dest, option.default, option.full_help()
        ), option.flag  # fmt: skip


def test_pytest_takes_every_shared_option_with_the_same_name_default_and_help(
    pytestconfig: pytest.Config,
) -> None:
    options = _pytest_options(pytestconfig)
    for option in SHARED:
        if option.pytest_owner:
            # Another plugin defines it; it must still be there, under the same dest.
            assert pytestconfig.getoption(option.dest, "missing") != "missing", option.flag
            continue
        got = options[option.flag]
        assert (got["dest"], got["default"], got["help"]) == (
            option.dest, option.default, option.full_help()
        ), option.flag  # fmt: skip


def test_the_three_help_texts_name_the_same_environment_variables() -> None:
    pytest_help = subprocess.run(
        [sys.executable, "-m", "pytest", "--help"], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    ).stdout  # fmt: skip
    verify_help, probe_help = verify_parser().format_help(), probe_parser().format_help()
    for option in SHARED:
        helps = [("verify", verify_help)]
        if option.dest not in PROBE_WITHOUT:
            helps.append(("probe", probe_help))
        for name, text in helps:
            assert option.flag in text, (name, option.flag)
            if option.env:
                assert option.env in " ".join(text.split()), (name, option.env)
        if option.env and not option.pytest_owner:  # pytest-base-url: $PYTEST_BASE_URL, unsaid
            assert option.env in " ".join(pytest_help.split()), option.env


def test_the_command_line_wins_over_the_variable_everywhere() -> None:
    environ = {"CHECKOUT_PROBE_ENV": "staging", "PYTEST_BASE_URL": "http://from-env"}
    assert pick({"env": "production"}, environ, "env") == "production"
    assert pick({}, environ, "env") == "staging"
    assert pick({"base_url": None}, environ, "base_url") == "http://from-env"
    assert pick({}, {}, "faker_seed") is None


def test_verify_hands_its_options_to_pytest_as_pytest_spells_them() -> None:
    args = verify_parser().parse_args(
        ["--env", "staging", "--step-budget", "pay=3", "--step-budget", "place order=4",
         "--allow-production-orders", "--shop-arg=--fault=js-error"]
    )  # fmt: skip
    forwarded = as_arguments(vars(args))
    assert forwarded == [
        "--env=staging", "--allow-production-orders", "--step-budget=pay=3",
        "--step-budget=place order=4", "--shop-arg=--fault=js-error",
    ]  # fmt: skip


@pytest.mark.parametrize("command", ["verify", "probe", "history"])
def test_every_option_has_help_and_shows_its_default(command: str) -> None:
    parser = {"verify": verify_parser, "probe": probe_parser, "history": history_parser}[command]()
    missing = []
    for action in parser._actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
            continue
        text = action.help or ""
        given = action.default not in (None, False, [], argparse.SUPPRESS)
        if not text or (given and "default" not in text):
            missing.append("/".join(action.option_strings) or action.dest)
    assert missing == [], f"{command}: options without help or their default: {missing}"
