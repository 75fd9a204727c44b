"""Self-tests: settings precedence and the one-line errors for bad input."""

from __future__ import annotations

from typing import Any

import pytest

from checkout_probe.basics.errors import ConfigError, ExitCode
from checkout_probe.settings.config import Settings
from checkout_probe.settings.config import build_settings as build
from flows.shop import SHOP
from selftests.helpers import ROOT


def build_settings(options: dict[str, Any], environ: dict[str, str], **kw: Any) -> Settings:
    """Settings of the demo project (its shop and environments.toml)."""
    return build(options, environ, shop=SHOP, environments=ROOT / "environments.toml", **kw)


def test_command_line_wins_over_environment_variables() -> None:
    settings = build_settings(
        {"env": "local", "faker_seed": "7", "base_url": "http://127.0.0.1:9/"},
        {"CHECKOUT_PROBE_FAKER_SEED": "99", "PYTEST_BASE_URL": "http://127.0.0.1:8"},
    )
    assert settings.faker_seed == 7
    assert settings.base_url == "http://127.0.0.1:9"
    assert not settings.is_local


def test_environment_variables_fill_what_the_command_line_leaves_out() -> None:
    settings = build_settings(
        {}, {"CHECKOUT_PROBE_FAKER_SEED": "99", "CHECKOUT_PROBE_ENV": "local"}
    )
    assert settings.faker_seed == 99
    assert settings.env == "local"
    assert settings.is_local


def test_xdist_workers_share_the_controllers_run_id_and_seed() -> None:
    settings = build_settings({}, {}, run_id="run-1", seed=1234)
    assert (settings.run_id, settings.faker_seed) == ("run-1", 1234)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"env": "nowhere"}, "unknown environment 'nowhere'"),
        ({"faker_seed": "abc"}, "faker seed 'abc' is not a whole number"),
        ({"base_url": "ftp://shop"}, "is not an http(s) URL"),
    ],
)
def test_bad_input_gives_one_line_usage_error(options: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_settings(options, {})
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)
    assert info.value.exit_code == ExitCode.USAGE


def test_budgets_default_to_the_shops_own_for_each_of_its_steps() -> None:
    settings = build_settings({}, {})
    assert settings.budget_for("place order") == 6.0
    assert dict(settings.step_budgets) == dict(SHOP.steps)


def test_a_budget_for_a_step_the_shop_does_not_have_is_one_line_naming_its_steps() -> None:
    with pytest.raises(ConfigError) as info:
        build_settings({"step_budgets": ["plac order=3"]}, {})
    message = str(info.value)
    assert message.startswith("--step-budget: unknown step 'plac order'; the shop's steps are ")
    assert "'place order'" in message and "\n" not in message


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "0"])
def test_a_budget_that_is_not_a_finite_positive_number_is_refused(bad: str) -> None:
    with pytest.raises(ConfigError, match="is not STEP=SECONDS"):
        build_settings({"step_budgets": [f"pay={bad}"]}, {})


def test_step_budgets_and_action_timeout_can_be_overridden() -> None:
    settings = build_settings(
        {"step_budgets": ["place order=2.5"], "action_timeout": "8"},
        {},
    )
    assert settings.budget_for("place order") == 2.5
    assert settings.budget_for("pay") == 6.0
    assert settings.action_timeout_ms == 8000


@pytest.mark.parametrize("bad", ["place order", "=3", "pay=fast", "pay=-1"])
def test_malformed_step_budget_is_a_usage_error(bad: str) -> None:
    with pytest.raises(ConfigError, match="is not STEP=SECONDS"):
        build_settings({"step_budgets": [bad]}, {})


def test_a_shop_that_takes_no_card_pays_with_no_card_instead_of_failing() -> None:
    from checkout_probe.shop import Shop
    from checkout_probe.shop.data import NO_CARD

    settings = Settings(shop=Shop(name="cash on delivery"))
    assert settings.card() is NO_CARD and settings.approved_card(7) is NO_CARD
    assert settings.cards == {}
