"""Self-tests: environments.toml, secrets, and a one-line error for every bad configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.settings.config import Settings, build_settings
from flows.shop import SHOP
from selftests.helpers import ROOT

GOOD = """
[staging]
base_url = "http://127.0.0.1:8100"
api_token_env = "STAGING_TOKEN"
shopper_password_env = "STAGING_PASSWORD"
[staging.step_budgets]
"place order" = 8.0
[production]
base_url = "https://shop.example.com"
production = true
[production.headers]
"X-Synthetic-Traffic" = "checkout-probe"
"""
SECRETS = {"STAGING_TOKEN": "tok-123456", "STAGING_PASSWORD": "pw-abcdefgh"}


def _settings(tmp_path: Path, text: str, env: str, **options: object) -> Settings:
    path = tmp_path / "environments.toml"
    path.write_text(text)
    return build_settings({"env": env, "config": str(path), **options}, SECRETS, shop=SHOP)


def test_staging_resolves_url_secrets_and_budgets_from_file_and_variables(tmp_path: Path) -> None:
    settings = _settings(tmp_path, GOOD, "staging")
    assert settings.base_url == "http://127.0.0.1:8100"
    assert settings.api_token == "tok-123456"
    assert settings.environment.shopper_password == "pw-abcdefgh"
    assert settings.budget_for("place order") == 8.0
    assert "tok-123456" not in repr(settings)


def test_base_url_on_the_command_line_overrides_the_file(tmp_path: Path) -> None:
    settings = _settings(tmp_path, GOOD, "staging", base_url="http://127.0.0.1:9999")
    assert settings.base_url == "http://127.0.0.1:9999"


def test_production_places_no_orders_without_both_config_and_opt_in(tmp_path: Path) -> None:
    settings = _settings(tmp_path, GOOD, "production")
    assert not settings.may_place_orders
    assert "allow_orders = false" in settings.order_block_reason
    allowed = GOOD.replace("production = true", "production = true\nallow_orders = true")
    opted_out = _settings(tmp_path, allowed, "production")
    assert not opted_out.may_place_orders
    assert "--allow-production-orders" in opted_out.order_block_reason
    opted_in = _settings(tmp_path, allowed, "production", allow_production_orders=True)
    assert opted_in.may_place_orders


#: Every bad configuration, the one line it gives, and the fix it names.
BAD_CASES = [
    pytest.param(GOOD, "nowhere", "unknown environment 'nowhere': environments.toml defines "
                 "local, production, staging; pick one with --env or add a [nowhere] table",
                 id="unknown-environment"),
    pytest.param("[staging\nbase_url = 1", "staging", "is not valid TOML", id="malformed-toml"),
    pytest.param("[staging]\nproduction = false", "staging",
                 "environment 'staging' has no base_url: add base_url = \"https://your-shop."
                 "example\" to its table in environments.toml, or pass --base-url URL",
                 id="missing-base-url"),
    pytest.param('[staging]\nbase_url = "http://x"\n[staging.step_budgets]\n"plac order" = 3',
                 "staging", "environment 'staging' in environments.toml: step_budgets: unknown "
                 "step 'plac order'; the shop's steps are 'open catalog',", id="unknown-step"),
    pytest.param('[staging]\nbase_url = "http://x"\ndemo_shop = true', "staging",
                 "base_url and demo_shop = true exclude each other", id="url-and-demo-shop"),
    pytest.param('[staging]\nbase_url = "http://shop example"', "staging",
                 "base_url 'http://shop example' is not an http(s) URL", id="space-in-host"),
    pytest.param('[staging]\nbase_url = "http://shop:99999"', "staging",
                 "base_url 'http://shop:99999' is not an http(s) URL", id="port-out-of-range"),
    pytest.param('[staging]\nbase_url = "http://x"\nbaseurl = "y"', "staging",
                 "unknown key 'baseurl' (did you mean base_url?)", id="unknown-key"),
    pytest.param('[staging]\nbase_url = "http://x"\napi_token_env = "MISSING_TOKEN"', "staging",
                 "needs the secret $MISSING_TOKEN (api_token_env): export MISSING_TOKEN=… before "
                 "running", id="missing-secret"),
    pytest.param('[staging]\nbase_url = "shop.example.com"', "staging",
                 "base_url 'shop.example.com' is not an http(s) URL", id="invalid-url"),
    pytest.param('[staging]\nbase_url = "http://x"\n[staging.step_budgets]\npay = "fast"',
                 "staging", "step_budgets.'pay' must be a positive number of seconds",
                 id="bad-budget"),
    pytest.param('[staging]\nbase_url = "http://x"\nproduction = "yes"', "staging",
                 "production must be true or false", id="wrong-type"),
    pytest.param('[staging]\nbase_url = "http://x"\ncard_profile = "amex-live"', "staging",
                 "card_profile 'amex-live' is unknown (known: test)", id="unknown-card-profile"),
    pytest.param('[staging]\nbase_url = "http://x"\npreflight = "maybe"', "staging",
                 "preflight must be one of healthy, reachable, off", id="bad-preflight"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "env", "message"), BAD_CASES)
def test_bad_configuration_gives_one_line_saying_what_and_how_to_fix(
    tmp_path: Path, text: str, env: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _settings(tmp_path, text, env)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_config_file_named_on_the_command_line_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist: fix --config"):
        build_settings({"config": str(tmp_path / "nope.toml")}, {})


def test_pytest_with_a_missing_secret_stops_before_any_browser_with_one_line(
    tmp_path: Path,
) -> None:
    config = tmp_path / "environments.toml"
    config.write_text('[staging]\nbase_url = "http://127.0.0.1:9"\napi_token_env = "NO_SUCH_VAR"\n')
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests", "--env", "staging",
         "--config", str(config)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 4
    errors = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert errors == [
        "ERROR: environment 'staging' in environments.toml needs the secret $NO_SUCH_VAR "
        "(api_token_env): export NO_SUCH_VAR=… before running"
    ]
    assert "Traceback" not in result.stdout + result.stderr
