"""The devices a checkout runs on: a Playwright device descriptor, a network and a CPU.

An environment names them in ``environments.toml`` (desktop Chromium when it names none)::

    [staging]
    devices = ["Desktop Chrome", "Pixel 7"]     # Playwright descriptor names

    [[production.devices]]                      # or one table per device
    name = "Pixel 7"
    network = "Slow 4G"                         # a name of NETWORK_PROFILES
    cpu_slowdown = 4                            # the page's CPU runs 4 × slower
    step_budgets = { "<step>" = 15.0 }          # over the environment's, on this device
    vital_budgets = { LCP = 4000 }              # likewise (per step: "<step>" = { … })

A descriptor (viewport, scale, touch, mobile, user agent) is Playwright's own; Chromium
emulates every one, a WebKit descriptor's iPhone included, but it stays Chromium's engine
(this platform runs no WebKit). The network and CPU are the browser's own emulation
(Chrome DevTools Protocol), so a profile slows what the browser loads and runs, not the shop.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from checkout_probe.basics.errors import ConfigError
from checkout_probe.settings.vital_budgets import VitalBudgets, parse_budgets

#: The device of an environment that names none: the desktop every checkout ran on before.
DESKTOP = "Desktop Chrome"


@dataclass(frozen=True)
class NetworkProfile:
    """A network as Chrome DevTools throttles it: round-trip latency and throughput."""

    name: str
    latency_ms: float
    download_kbps: float
    upload_kbps: float

    def cdp_conditions(self) -> dict[str, Any]:
        """``Network.emulateNetworkConditions`` parameters (throughput in bytes per second)."""
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": self.download_kbps * 1000 / 8,
            "uploadThroughput": self.upload_kbps * 1000 / 8,
        }


#: Chrome DevTools' presets (front_end/core/sdk/NetworkManager.ts), which Lighthouse's
#: mobile throttling also follows: its latency already multiplied by DevTools' packet-level
#: factors, its throughput by its 0.9 (4G) or 0.8 (3G) share.
NETWORK_PROFILES: Mapping[str, NetworkProfile] = MappingProxyType(
    {
        "Fast 4G": NetworkProfile("Fast 4G", 165.0, 9000 * 0.9, 1500 * 0.9),
        "Slow 4G": NetworkProfile("Slow 4G", 562.5, 1600 * 0.9, 750 * 0.9),
        "3G": NetworkProfile("3G", 2000.0, 500 * 0.8, 500 * 0.8),
    }
)

#: The keys of a device's table.
DEVICE_KEYS = ("name", "network", "cpu_slowdown", "step_budgets", "vital_budgets")


@dataclass(frozen=True)
class Device:
    """One device checkouts run on; see the module docstring."""

    name: str = DESKTOP
    network: NetworkProfile | None = None
    cpu_slowdown: float = 1.0
    #: Step budgets on this device, over the environment's (seconds).
    step_budgets: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    #: Web-vital budgets on this device (None: the environment's).
    vital_budgets: VitalBudgets | None = None

    @property
    def throttled(self) -> bool:
        """The browser emulates a slower network or CPU on this device."""
        return self.network is not None or self.cpu_slowdown > 1

    @property
    def profile(self) -> str:
        """``Slow 4G, CPU ×4``, or "" on an unthrottled device."""
        parts = [self.network.name] if self.network else []
        if self.cpu_slowdown > 1:
            parts.append(f"CPU ×{self.cpu_slowdown:g}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.name} ({self.profile})" if self.profile else self.name


DEFAULT_DEVICES: tuple[Device, ...] = (Device(),)


def _network(where: str, raw: Any) -> NetworkProfile | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or raw not in NETWORK_PROFILES:
        known = ", ".join(f'"{n}"' for n in NETWORK_PROFILES)
        raise ConfigError(f"{where}: network {raw!r} is not a network profile (known: {known})")
    return NETWORK_PROFILES[raw]


def _cpu(where: str, raw: Any) -> float:
    if raw is None:
        return 1.0
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 1 <= raw <= 20:
        raise ConfigError(f"{where}: cpu_slowdown must be a number from 1 to 20 (4: a mid phone)")
    return float(raw)


def _device(
    where: str,
    raw: Any,
    environment_budgets: VitalBudgets,
    check_step: Callable[[str, str], None],
    parse_step_budgets: Callable[[str, Mapping[str, Any]], dict[str, float]],
) -> Device:
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise ConfigError(
            f'{where}: a device is a descriptor name ("Pixel 7") or a table with a name'
        )
    name = raw["name"]
    here = f"{where}: device '{name}'"
    for key in raw:
        if key not in DEVICE_KEYS:
            raise ConfigError(f"{here}: unknown key '{key}' (known: {', '.join(DEVICE_KEYS)})")
    vitals = raw.get("vital_budgets")
    if vitals is not None and not isinstance(vitals, dict):
        raise ConfigError(f"{here}: vital_budgets must be a table")
    return Device(
        name=name,
        network=_network(here, raw.get("network")),
        cpu_slowdown=_cpu(here, raw.get("cpu_slowdown")),
        step_budgets=MappingProxyType(parse_step_budgets(here, raw.get("step_budgets") or {})),
        # Which steps fail on a breach stays the run's (``Settings.on_device``).
        vital_budgets=None
        if vitals is None
        else parse_budgets(
            here,
            {
                **environment_budgets.every_step,
                **{step: dict(m) for step, m in environment_budgets.per_step.items()},
                **vitals,
            },
            False,
            check_step,
        ),
    )


def parse_devices(
    where: str,
    raw: Any,
    environment_budgets: VitalBudgets,
    check_step: Callable[[str, str], None],
    parse_step_budgets: Callable[[str, Mapping[str, Any]], dict[str, float]],
) -> tuple[Device, ...]:
    """An environment's ``devices`` (``where`` names it); :data:`DEFAULT_DEVICES` when absent.

    ``parse_step_budgets(where, table)`` reads a ``step_budgets`` table the way the
    environment's own is read; a device's ``vital_budgets`` start from the environment's.
    """
    if raw is None:
        return DEFAULT_DEVICES
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f'{where}: devices must be a list of device names, e.g. ["Pixel 7"]')
    devices = tuple(
        _device(where, item, environment_budgets, check_step, parse_step_budgets) for item in raw
    )
    names = [d.name for d in devices]
    if twice := sorted({n for n in names if names.count(n) > 1}):
        raise ConfigError(f"{where}: device '{twice[0]}' is named twice")
    return devices


def pick_device(devices: tuple[Device, ...], name: str | None) -> tuple[Device, ...]:
    """The devices a run uses: all, or the one ``--device`` names (the environment's
    settings for it when it names it, else the bare descriptor)."""
    if not name:
        return devices
    return (next((d for d in devices if d.name == name), Device(name)),)


def check_descriptors(devices: tuple[Device, ...], known: Mapping[str, Any]) -> None:
    """A one-line error for a device that is not one of Playwright's descriptors."""
    for device in devices:
        if device.name not in known:
            close = difflib.get_close_matches(device.name, list(known), n=3)
            hint = f" (did you mean {', '.join(repr(n) for n in close)}?)" if close else ""
            raise ConfigError(
                f"device '{device.name}' is not one of Playwright's device descriptors{hint}; "
                "see docs/devices.md"
            )
