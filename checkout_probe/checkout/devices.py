"""A checkout's device in the browser: its descriptor in the context, its network and CPU
emulated in the page (the settings side: :mod:`checkout_probe.settings.devices`).

Descriptors are Playwright's (``playwright.devices``), known only once a Playwright driver
runs; :func:`known_descriptors` starts one briefly so a wrong name stops a run before any
browser does.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

from playwright.sync_api import BrowserContext, Page, sync_playwright

from checkout_probe.basics.errors import ConfigError
from checkout_probe.settings.devices import DESKTOP, Device, check_descriptors

#: A descriptor's key that names the browser it was made for, not an option of a context:
#: every descriptor runs in Chromium here (a WebKit one's iPhone too, on Chromium's engine).
_NOT_CONTEXT_OPTIONS = ("default_browser_type",)


def _read_descriptors() -> dict[str, Mapping[str, Any]]:
    with sync_playwright() as playwright:
        return dict(playwright.devices)


@cache
def known_descriptors() -> Mapping[str, Mapping[str, Any]]:
    """Playwright's device descriptors by name (a driver started once per process, in a
    thread of its own: the caller's may run Playwright's event loop already, as pytest's
    does once a browser test ran)."""
    with ThreadPoolExecutor(1, thread_name_prefix="descriptors") as pool:
        return pool.submit(_read_descriptors).result()


def check_devices(devices: tuple[Device, ...]) -> None:
    """A one-line :class:`ConfigError` for a device Playwright has no descriptor of (the
    default desktop needs no check, nor a driver)."""
    if all(d.name == DESKTOP for d in devices):
        return
    check_descriptors(devices, known_descriptors())


def descriptor_options(
    device: Device, descriptors: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """``new_context`` options of ``device``'s descriptor (viewport, scale, touch, mobile,
    user agent)."""
    try:
        descriptor = descriptors[device.name]
    except KeyError:
        raise ConfigError(
            f"device '{device.name}' is not one of Playwright's device descriptors"
        ) from None
    return {k: v for k, v in descriptor.items() if k not in _NOT_CONTEXT_OPTIONS}


def emulate(context: BrowserContext, page: Page, device: Device) -> None:
    """Slow ``page``'s network and CPU to ``device``'s profile, through Chromium's own
    emulation (a CDP session of the page); nothing on an unthrottled device.

    The emulation covers the page and the frames it renders in its own process (same-site
    frames, the demo's card frame among them); a cross-site frame in a process of its own
    runs at full speed.
    """
    if not device.throttled:
        return
    session = context.new_cdp_session(page)
    if device.network is not None:
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", device.network.cdp_conditions())
    if device.cpu_slowdown > 1:
        session.send("Emulation.setCPUThrottlingRate", {"rate": device.cpu_slowdown})
