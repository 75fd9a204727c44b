"""What every browser context of a run carries: the target, synthetic-traffic marks, masking,
and the shopper's locale (language, time zone, ``Accept-Language``).

Shared by the pytest fixtures (``checkout_probe.pytest_plugin.browser``) and the probe's workers,
so a checkout looks the same to the shop whichever of them drives it.
"""

from __future__ import annotations

import json
from typing import Any

from checkout_probe import __version__
from checkout_probe.evidence.scrub import MASK_SENSITIVE_FIELDS_CSS
from checkout_probe.settings.config import Settings
from checkout_probe.shop.shopper_locale import BrowserLocale, browser_locale

#: Init script that renders card and password fields as dots in every frame (the
#: provider's iframe too), so screenshots, video and screencasts never show them.
MASK_SCRIPT = (
    "(() => { const add = () => { const s = document.createElement('style');"
    f" s.textContent = {json.dumps(MASK_SENSITIVE_FIELDS_CSS)};"
    " (document.head || document.documentElement).appendChild(s); };"
    " if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', add);"
    " else add(); })();"
)


def user_agent(browser_version: str, run_id: str, device_agent: str | None = None) -> str:
    """The device's user agent (Chromium's own on a desktop) with a recognisable suffix, so
    shops can tell probes apart."""
    major = browser_version.split(".")[0]
    agent = device_agent or (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )
    return f"{agent} checkout-probe/{__version__} (run {run_id})"


def page_locale(settings: Settings, shopper_locale: str) -> BrowserLocale:
    """The browser locale of a checkout by a shopper of ``shopper_locale`` (``"de_DE"``), with
    the environment's pins (``browser_locale``, ``timezone``) over it: what the shop's pages
    are asked in, and so the locale their amounts are read in."""
    env = settings.environment
    return browser_locale(shopper_locale, pinned_locale=env.browser_locale,
                          pinned_zone=env.timezone)  # fmt: skip


def context_options(
    settings: Settings,
    base_url: str | None,
    browser_version: str,
    extra: dict[str, Any] | None = None,
    shopper_locale: str | None = None,
) -> dict[str, Any]:
    """``new_context`` keyword arguments: base URL, headers with the run id, user agent, and
    with ``shopper_locale`` the shopper's locale, time zone and ``Accept-Language``
    (:func:`page_locale`).

    ``extra`` are options already chosen (pytest-playwright's, a device descriptor's); they
    win over everything but the synthetic-traffic header, which is only added, and the user
    agent's suffix, which is appended to theirs. The environment's ``headers`` win over the
    shopper's ``Accept-Language``.
    """
    args = dict(extra or {})
    locale: dict[str, Any] = {}
    if shopper_locale is not None:
        locale = page_locale(settings, shopper_locale).context_options()
        args.setdefault("locale", locale["locale"])
        args.setdefault("timezone_id", locale["timezone_id"])
    if base_url:
        args["base_url"] = base_url
    headers = {
        **locale.get("extra_http_headers", {}),
        **settings.environment.headers,
        **(args.get("extra_http_headers") or {}),
    }
    headers.setdefault(settings.environment.synthetic_header, settings.run_id)
    args["extra_http_headers"] = headers
    if "checkout-probe/" not in (args.get("user_agent") or ""):
        args["user_agent"] = user_agent(browser_version, settings.run_id, args.get("user_agent"))
    return args
