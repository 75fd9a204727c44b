"""Self-tests: a German shopper's checkout of the demo shop in a real browser: its pages are
German, its amounts read in German and recorded in ``summary.json`` as shown and expected;
an environment that pins the browser's locale gets American pages for the same shopper."""

from __future__ import annotations

from pathlib import Path

from selftests.helpers import run_suites
from selftests.matrix import GENERATED_CART_TEST

TEST = f"tests/test_guest_checkout.py::{GENERATED_CART_TEST}"


def test_a_german_shoppers_checkout_passes_and_records_its_amounts_in_german(
    tmp_path: Path,
) -> None:
    run = run_suites(tmp_path, TEST, "--shopper-locale=de_DE")
    assert run.returncode == 0, run.output[-3000:]
    (test,) = run.summary()["tests"]
    assert test["money_locale"] == "de_DE"
    amounts = test["amounts"]
    wheres = {a["where"].split(":")[0] for a in amounts}
    assert {"catalog", "review page", "confirmation"} <= wheres, wheres
    for amount in amounts:
        assert amount["shown"] == amount["expected"], amount
        assert amount["read_minor"] == amount["expected_minor"], amount
        # "12,99 $": decimal comma, the sign after the amount.
        cents = amount["expected_minor"] % 100
        assert amount["shown"].endswith(f",{cents:02d} $"), amount


def test_an_environment_pinning_the_browser_locale_reads_a_german_shopper_in_it(
    tmp_path: Path,
) -> None:
    config = tmp_path / "environments.toml"
    config.write_text('[local]\ndemo_shop = true\nbrowser_locale = "en-US"\n')
    run = run_suites(tmp_path, TEST, "--shopper-locale=de_DE", f"--config={config}")
    assert run.returncode == 0, run.output[-3000:]
    (test,) = run.summary()["tests"]
    assert test["money_locale"] == "en_US"
    assert test["amounts"] and all(a["shown"].startswith("$") for a in test["amounts"])


BROWSER_LOCALE_TEST = """
def test_browser(page, shopper, base_url):
    page.goto(base_url + "/")
    shown = page.evaluate(
        "() => [navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone,"
        " document.documentElement.lang]"
    )
    assert shown == ["en-CA", "America/Toronto", "en-CA"], shown
    assert shopper.locale == "en_CA"
"""


def test_the_pytest_context_is_in_the_shoppers_language_and_time_zone(tmp_path: Path) -> None:
    test_file = tmp_path / "test_browser_locale.py"
    test_file.write_text(BROWSER_LOCALE_TEST)
    run = run_suites(
        tmp_path, str(test_file), "--rootdir=.", "-c", "pyproject.toml", "--shopper-locale=en_CA"
    )
    assert run.returncode == 0, run.output[-3000:]
