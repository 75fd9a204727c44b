"""API logins: ``POST /api/session``, its session tokens on the token API, the login limit.

The login count and limit are per shop process, so every test that logs in starts a
shop of its own (the shared one would carry other tests' logins).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from demo_shop.api_sessions import (
    LOGIN_WINDOW_SECONDS,
    SESSION_SECONDS,
    ApiSessions,
    LoginLimitError,
)
from demo_shop.config import ShopConfig
from flows.shop_api import OrderApi, SessionAuth

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

LOGIN_LOGGER = "demo_shop.api_access"
TOO_MANY = {"error": "too many logins, try again later"}


def _login(driver: ShopDriver, token: str | None = None) -> str:
    response = driver.api("/api/session", token=token or driver.API_TOKEN, method="POST")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"session", "expires_in"}
    assert body["expires_in"] == 900
    assert isinstance(body["session"], str) and len(body["session"]) >= 32
    return str(body["session"])


def _placed_order(driver: ShopDriver) -> tuple[str, dict[str, str]]:
    """A guest's order placed on the driver's shop: its number and the contact it used."""
    contact = driver.new_contact()
    driver.to_review(contact=contact)
    return str(driver.place_order().json()["order_number"]), contact


def _login_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("api login from")]


def test_a_session_is_accepted_wherever_the_api_token_is(
    own_shop: Callable[..., ShopDriver],
) -> None:
    driver = own_shop()
    number, contact = _placed_order(driver)
    session = _login(driver)
    assert session != driver.API_TOKEN

    email = contact["email"]
    for path in (f"/api/orders/{number}", f"/api/orders?email={email}"):
        assert driver.api(path, token=session).json() == driver.api(path).json()
    charges = driver.api(f"/api/charges?order={number}", token=session)
    assert charges.status_code == 200 and len(charges.json()["charges"]) == 1
    assert driver.api("/api/synthetic", token=session).status_code == 200
    cancelled = driver.api(f"/api/orders/{number}", token=session, method="DELETE")
    assert cancelled.json() == {"number": number, "status": "cancelled"}
    # The API token still works everywhere (compatibility).
    assert driver.api(f"/api/orders/{number}").json()["status"] == "cancelled"


def test_wrong_tokens_and_sessions_are_refused(own_shop: Callable[..., ShopDriver]) -> None:
    driver = own_shop()
    assert driver.http.post("/api/session").status_code == 401
    wrong = driver.api("/api/session", token="wrong", method="POST")
    assert (wrong.status_code, wrong.json()) == (401, {"error": "missing or invalid API token"})
    session = _login(driver)
    # A session cannot log in again (it would renew itself for ever) ...
    assert driver.api("/api/session", token=session, method="POST").status_code == 401
    # ... nor use the admin API, and a made-up session is no session.
    admin = driver.http.get("/admin/faults", headers={"Authorization": f"Bearer {session}"})
    assert admin.status_code == 401
    assert driver.api("/api/orders?email=a@b.c", token=session + "x").status_code == 401
    assert driver.api("/api/synthetic", token="sess_made_up").status_code == 401


def test_each_login_is_one_log_line_with_the_process_count(
    own_shop: Callable[..., ShopDriver], caplog: pytest.LogCaptureFixture
) -> None:
    driver = own_shop()
    with caplog.at_level(logging.INFO, logger=LOGIN_LOGGER):
        for _ in range(3):
            _login(driver)
        driver.api("/api/session", token="wrong", method="POST")
    assert _login_lines(caplog) == [
        "api login from 127.0.0.1 (1 this process)",
        "api login from 127.0.0.1 (2 this process)",
        "api login from 127.0.0.1 (3 this process)",
    ]


def test_logins_over_the_limit_are_429_and_earlier_sessions_keep_working(
    own_shop: Callable[..., ShopDriver], caplog: pytest.LogCaptureFixture
) -> None:
    driver = own_shop(login_limit=2)
    with caplog.at_level(logging.INFO, logger=LOGIN_LOGGER):
        first, second = _login(driver), _login(driver)
        refused = driver.api("/api/session", method="POST")
    assert refused.status_code == 429
    assert refused.json() == TOO_MANY
    assert 1 <= int(refused.headers["Retry-After"]) <= LOGIN_WINDOW_SECONDS
    assert len(_login_lines(caplog)) == 2  # the refused one is not a login
    assert any(r.getMessage().startswith("api login refused for") for r in caplog.records)
    for token in (first, second, driver.API_TOKEN):
        assert driver.api("/api/synthetic", token=token).status_code == 200


def test_the_default_limit_is_8_logins(own_shop: Callable[..., ShopDriver]) -> None:
    driver = own_shop()
    for _ in range(8):
        _login(driver)
    assert driver.api("/api/session", method="POST").status_code == 429


def test_login_limit_0_is_no_limit(own_shop: Callable[..., ShopDriver]) -> None:
    driver = own_shop(login_limit=0)
    for _ in range(12):
        _login(driver)


def test_the_limit_counts_a_sliding_15_minute_window() -> None:
    now = [1000.0]
    sessions = ApiSessions(limit=2, clock=lambda: now[0])
    assert sessions.login().count == 1
    now[0] += 60
    assert sessions.login().count == 2
    now[0] += 60
    with pytest.raises(LoginLimitError) as refused:
        sessions.login()
    assert refused.value.retry_after == LOGIN_WINDOW_SECONDS - 120
    now[0] = 1000.0 + LOGIN_WINDOW_SECONDS  # the first login has left the window
    assert sessions.login().count == 3
    with pytest.raises(LoginLimitError):
        sessions.login()


def test_a_session_expires_after_900_seconds() -> None:
    now = [0.0]
    sessions = ApiSessions(limit=0, clock=lambda: now[0])
    token = sessions.login().token
    assert sessions.is_valid(token)
    assert not sessions.is_valid(token[:-1])
    now[0] = SESSION_SECONDS - 1
    assert sessions.is_valid(token)
    now[0] = SESSION_SECONDS
    assert not sessions.is_valid(token)


def test_a_negative_login_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="login limit"):
        ShopConfig(login_limit=-1)
    assert ShopConfig().login_limit == 8


def test_the_order_adapter_logs_in_again_when_its_session_has_expired(
    own_shop: Callable[..., ShopDriver],
) -> None:
    # A probe runs for months; the shop's sessions last 15 minutes. The adapter's session
    # is replaced by one the shop no longer knows: the shop answers 401, as for an expired one.
    driver = own_shop()
    number, contact = _placed_order(driver)
    auth = SessionAuth(driver.server.url, driver.API_TOKEN)
    api = OrderApi(driver.server.url, auth)
    try:
        first = auth.session
        auth.session = "an-expired-session"
        assert api.get(number) is not None
        assert auth.session not in (first, "an-expired-session"), "one new login"
        renewed = auth.session
        assert [o.number for o in api.find_by_email(contact["email"])] == [number]
        assert auth.session == renewed, "a working session is kept, not renewed per call"
    finally:
        api.close()
