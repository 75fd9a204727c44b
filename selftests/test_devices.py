"""Self-tests: the devices an environment names, their profiles and budgets, and how a
probe round reports each device (round line, metrics, alerts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.checkout.devices import check_devices, descriptor_options
from checkout_probe.probe.alerts import AlertMachine
from checkout_probe.probe.metrics import ProbeMetrics
from checkout_probe.probe.model import CheckoutResult, Round
from checkout_probe.probe.round_line import round_line
from checkout_probe.probe.rule import DecisionRule
from checkout_probe.settings.config import Settings, build_settings
from checkout_probe.settings.devices import DESKTOP
from flows.shop import SHOP
from selftests.probe.support import JOURNEY, T0, passed

TWO_DEVICES = """
[staging]
base_url = "http://127.0.0.1:8100"
vitals_fail = ["pay"]
[staging.step_budgets]
"place order" = 8.0

[[staging.devices]]
name = "Desktop Chrome"

[[staging.devices]]
name = "Pixel 7"
network = "Slow 4G"
cpu_slowdown = 4
step_budgets = { "place order" = 15.0 }
vital_budgets = { LCP = 4000, pay = { INP = 500 } }
"""


def _settings(tmp_path: Path, text: str, **options: object) -> Settings:
    path = tmp_path / "environments.toml"
    path.write_text(text)
    return build_settings({"env": "staging", "config": str(path), **options}, {}, shop=SHOP)


def test_an_environment_without_devices_runs_on_desktop_chromium(tmp_path: Path) -> None:
    settings = _settings(tmp_path, '[staging]\nbase_url = "http://x"')
    assert [d.name for d in settings.devices] == [DESKTOP]
    assert not settings.device.throttled and str(settings.device) == DESKTOP


def test_a_device_brings_its_network_cpu_and_budgets_over_the_environments(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, TWO_DEVICES)
    desktop, phone = settings.devices
    assert desktop.name == DESKTOP and not desktop.throttled
    assert str(phone) == "Pixel 7 (Slow 4G, CPU ×4)"
    assert phone.network is not None and phone.network.latency_ms == 562.5
    on_phone = settings.on_device(phone)
    assert on_phone.budget_for("place order") == 15.0
    assert settings.on_device(desktop).budget_for("place order") == 8.0
    assert on_phone.vital_budgets.for_step("pay") == {**on_phone.vital_budgets.for_step("pay"),
                                                      "LCP": 4000.0, "INP": 500.0}  # fmt: skip
    # Which steps fail on a breach stays the run's (the environment's vitals_fail here).
    assert on_phone.vital_budgets.fails("pay") and not on_phone.vital_budgets.fails("sign in")
    assert settings.on_device(desktop).vital_budgets.for_step("pay")["LCP"] == 2500.0


def test_device_option_runs_one_device_with_the_environments_settings_for_it(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, TWO_DEVICES, device="Pixel 7")
    assert [str(d) for d in settings.devices] == ["Pixel 7 (Slow 4G, CPU ×4)"]
    bare = _settings(tmp_path, TWO_DEVICES, device="iPhone 15")
    assert [str(d) for d in bare.devices] == ["iPhone 15"]


BAD_DEVICES = [
    ('devices = "Pixel 7"', "devices must be a list of device names"),
    ('devices = [{ network = "Slow 4G" }]', "a device is a descriptor name"),
    ('devices = [{ name = "Pixel 7", network = "5G" }]',
     "device 'Pixel 7': network '5G' is not a network profile (known: \"Fast 4G\""),
    ('devices = [{ name = "Pixel 7", cpu_slowdown = 0 }]', "cpu_slowdown must be a number from 1"),
    ('devices = [{ name = "Pixel 7", cpu = 4 }]', "device 'Pixel 7': unknown key 'cpu'"),
    ('devices = ["Pixel 7", "Pixel 7"]', "device 'Pixel 7' is named twice"),
    ('devices = [{ name = "Pixel 7", step_budgets = { "pai" = 3 } }]',
     "device 'Pixel 7': step_budgets: unknown step 'pai'"),
    ('devices = [{ name = "Pixel 7", vital_budgets = { LPC = 3 } }]', "unknown web vital 'LPC'"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "message"), BAD_DEVICES)
def test_a_wrong_device_entry_is_one_line_naming_the_environment(
    tmp_path: Path, line: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _settings(tmp_path, f'[staging]\nbase_url = "http://x"\n{line}')
    assert message in str(info.value) and "environment 'staging'" in str(info.value)
    assert "\n" not in str(info.value)


def test_a_device_playwright_does_not_know_stops_the_run_naming_close_ones(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, '[staging]\nbase_url = "http://x"\ndevices = ["Pixel 77"]')
    with pytest.raises(ConfigError) as info:
        check_devices(settings.devices)
    assert "device 'Pixel 77' is not one of Playwright's device descriptors" in str(info.value)
    assert "'Pixel 7'" in str(info.value)


def test_a_webkit_descriptor_gives_chromium_context_options_without_its_browser_type() -> None:
    from checkout_probe.checkout.devices import known_descriptors
    from checkout_probe.settings.devices import Device

    options = descriptor_options(Device("iPhone 15"), known_descriptors())
    assert "default_browser_type" not in options
    assert options["is_mobile"] and options["has_touch"] and options["viewport"]["width"] < 500


def _on(device: str, outcome: str = "passed") -> CheckoutResult:
    if outcome == "passed":
        result = passed()
    else:
        result = CheckoutResult(
            "failed", "ui_broken", "place order", "step 'place order': the button is covered",
            journey=JOURNEY,
        )  # fmt: skip
    return CheckoutResult(**{**result.__dict__, "device": device})


def _split_round() -> Round:
    results = (_on("Desktop Chrome"), _on("Pixel 7", "failed")) * 10
    return Round(T0, T0, "prod", "1.4.2", results, None)


def test_a_round_over_two_devices_names_each_in_line_metrics_and_alert() -> None:
    round_ = _split_round()
    verdict = DecisionRule().decide([(round_.failures, round_.checkouts)])

    line = round_line(1, round_, verdict, 12.0)
    assert "10/20 failed (guest checkout 10/20; Desktop Chrome 0/10, Pixel 7 10/10)" in line
    assert "top ui_broken at 'place order' on Pixel 7" in line

    metrics = ProbeMetrics()
    metrics.record_round(round_, verdict)
    value = metrics.registry.get_sample_value(
        "checkout_probe_checkouts_total",
        {"env": "prod", "journey": JOURNEY, "device": "Pixel 7", "outcome": "failed",
         "category": "ui_broken"},
    )  # fmt: skip
    assert value == 10

    alert = AlertMachine().observe(round_, verdict)
    assert alert is not None
    assert "failed per device: Pixel 7 10/10, Desktop Chrome 0/10" in alert.details()
