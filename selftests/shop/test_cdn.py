"""The stand-in CDN: every page loads its script from another origin, which --cdn-down breaks."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

from demo_shop.cli import build_parser, main

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

LISTENING = re.compile(
    r"^demo shop listening on (http://127\.0\.0\.1:\d+) "
    r"\(payment gateway (http://127\.0\.0\.1:\d+), cdn (http://127\.0\.0\.1:\d+), "
    r"version 1\.0\.0\)$",
    re.M,
)


def _pages(driver: ShopDriver) -> dict[str, str]:
    """Storefront pages of every kind (catalog, product, cart, checkout, account, 404)."""
    assert driver.add("trail-mug").status_code == 302
    paths = ["/", "/products/trail-mug", "/cart", "/checkout/contact", "/account/sign-in", "/nope"]
    return {path: driver.http.get(path).text for path in paths}


def _script_tag(cdn_url: str) -> str:
    return f'<script async src="{cdn_url}/v3/sdk.js"></script>'


def _refuses(url: str) -> bool:
    """Whether a TCP connection to ``url``'s port is refused (no response at all)."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_the_cdn_is_its_own_origin_and_serves_the_sdk(driver: ShopDriver) -> None:
    server = driver.server
    ports = {urlsplit(url).port for url in (server.url, server.gateway_url, server.cdn_url)}
    assert len(ports) == 3
    with httpx.Client(base_url=server.cdn_url, trust_env=False, timeout=10) as cdn:
        sdk = cdn.get("/v3/sdk.js")
        assert sdk.status_code == 200
        assert sdk.headers["content-type"].startswith("text/javascript")
        assert "window.demoAnalytics = { loaded: true" in sdk.text
        # Only the SDK: none of the shop's files.
        assert cdn.get("/static/shop.css").status_code == 404
        assert cdn.get("/").status_code == 404


def test_every_page_loads_the_cdn_script(driver: ShopDriver) -> None:
    tag = _script_tag(driver.server.cdn_url)
    for path, html in _pages(driver).items():
        assert html.count(tag) == 1, path
        head = html.split("</head>")[0]
        assert tag in head, path


def test_cdn_down_refuses_the_script_on_every_page_and_the_checkout_works(
    own_shop: Callable[..., ShopDriver],
) -> None:
    driver = own_shop(cdn_down=True)
    cdn_url = driver.server.cdn_url
    assert cdn_url not in (driver.server.url, driver.server.gateway_url)
    assert _refuses(cdn_url)
    tag = _script_tag(cdn_url)
    for path, html in _pages(driver).items():
        assert tag in html, path
    driver.to_review()
    response = driver.place_order()
    assert response.status_code == 201, response.text
    health = driver.http.get("/health")
    assert (health.status_code, health.json()["status"]) == (200, "ok")
    assert _refuses(cdn_url)  # still refused after the whole checkout


def test_the_healthy_cdn_port_accepts_connections(driver: ShopDriver) -> None:
    # The check above would pass for any URL if _refuses were wrong.
    assert not _refuses(driver.server.cdn_url)


def test_cli_cdn_down_combines_with_a_fault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stop = threading.Event()
    result: list[int] = []
    argv = [
        "--port", "0", "--database-url", f"sqlite:///{tmp_path / 'cdn.db'}", "--api-token", "t",
        "--cdn-down", "--fault", "decline-all",
    ]  # fmt: skip
    runner = threading.Thread(target=lambda: result.append(main(argv, stop=stop)))
    runner.start()
    out = ""
    try:
        for _ in range(200):
            out += capsys.readouterr().out
            if "listening on" in out:
                break
            stop.wait(0.05)
        match = LISTENING.search(out)
        assert match, out
        shop_url, _, cdn_url = match.groups()
        assert _refuses(cdn_url)
        with httpx.Client(base_url=shop_url, trust_env=False, timeout=10) as client:
            assert _script_tag(cdn_url) in client.get("/").text
            admin = client.get("/admin/faults", headers={"Authorization": "Bearer t"})
            assert admin.json()["fault"] == "decline-all"
    finally:
        stop.set()
        runner.join(15)
    assert result == [0]


def test_cli_options_for_the_cdn_and_the_login_limit() -> None:
    parser = build_parser()
    args = parser.parse_args(["--cdn-down", "--login-limit", "3"])
    assert (args.cdn_down, args.login_limit) == (True, 3)
    # Not given: None, so the config's defaults apply (CDN up, 8 logins, each fault's delay).
    args = parser.parse_args([])
    assert (args.cdn_down, args.login_limit, args.fault_delay) == (None, None, None)
    assert main(["--login-limit", "-1"]) == 2
    assert main(["--login-limit", "many"]) == 2
