"""What a third-party React/Next.js storefront does to the shopper's browser, over HTTP:
the provider's browser edge down, late hydration, a step that re-renders after a transient
alert, slow pages; and ``/api/checkout-config``, what the pages' scripts are told.

The scripts' behaviour in a browser is not run here (no browser in these tests): the
tests check that the served HTML and JS carry the mechanism.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from demo_shop.faults import FaultState

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

NEW_FAULTS = ("payment-provider-down", "hydration-delay", "rerender-while-saving", "slow-pages")
CARD_FRAME = "/elements/card?parent_origin=http://127.0.0.1:1"
# What flows/pages/errors.py reads as an error: an alert, or an error page's h1.
ALERT = re.compile(r'<[^>]+role="alert"[^>]*>([^<]*)<')


def _contact_done(driver: ShopDriver) -> None:
    assert driver.add("trail-mug").status_code == 302
    response = driver.http.post("/checkout/contact", data=driver.CONTACT)
    assert response.headers["location"] == "/checkout/shipping"


def _h1s(html: str) -> list[str]:
    return re.findall(r"<h1>([^<]*)</h1>", html)


@pytest.mark.parametrize("fault", NEW_FAULTS)
def test_the_new_faults_keep_every_health_check_ok(driver: ShopDriver, fault: str) -> None:
    driver.switch_fault(fault)
    health = driver.http.get("/health")
    assert (health.status_code, health.json()["status"]) == (200, "ok")
    assert driver.gateway.get("/health").json() == {"status": "ok"}


def test_page_faults_have_their_own_default_delays(driver: ShopDriver) -> None:
    assert driver.switch_fault("hydration-delay")["delay"] == 1.5
    assert driver.switch_fault("rerender-while-saving")["delay"] == 1.0
    assert driver.switch_fault("slow-pages")["delay"] == 1.0
    assert driver.switch_fault("payment-gateway-slow")["delay"] == 8.0
    # A delay given holds for later switches, until "delay": null brings the defaults back.
    assert driver.switch_fault("slow-pages", delay=0.2)["delay"] == 0.2
    assert driver.switch_fault("hydration-delay")["delay"] == 0.2
    assert driver.switch_fault("hydration-delay", delay=None)["delay"] == 1.5
    assert driver.switch_fault("slow-order-endpoint")["delay"] == 8.0
    # The same from the command line's side (--fault, --fault-delay).
    assert FaultState("hydration-delay").snapshot().delay == 1.5
    assert FaultState("hydration-delay", delay=3.0).snapshot().delay == 3.0
    assert FaultState("slow-order-endpoint").snapshot().delay == 8.0


# /api/checkout-config


def test_checkout_config_names_the_provider_origin_without_auth(driver: ShopDriver) -> None:
    response = driver.http.get("/api/checkout-config")
    assert response.status_code == 200
    assert response.json() == {
        "payment_provider_origin": driver.server.gateway_url,
        "currency": "usd",
    }
    # It is where the payment page's card frame comes from.
    driver.to_review()
    page = driver.http.get("/checkout/payment").text
    frame = re.search(r'<iframe title="Card details" src="([^"]+)"', page)
    assert frame is not None
    parts = urlsplit(frame.group(1))
    assert f"{parts.scheme}://{parts.netloc}" == response.json()["payment_provider_origin"]


# payment-provider-down


def test_payment_provider_down_503s_what_the_browser_asks_of_the_provider(
    driver: ShopDriver,
) -> None:
    driver.to_review()  # the card was tokenised before the outage
    assert driver.gateway.get(CARD_FRAME).status_code == 200
    driver.switch_fault("payment-provider-down")

    frame = driver.gateway.get(CARD_FRAME)
    assert frame.status_code == 503
    assert frame.headers["content-type"].startswith("text/html")
    assert "Service Unavailable" in frame.text and 'id="card-form"' not in frame.text
    assert frame.headers["Retry-After"] == "30"
    assert driver.gateway.get("/static/card-element.js").status_code == 503
    tokens = driver.gateway.post(
        "/v1/tokens", json={"number": driver.APPROVED, "exp": "12 / 34", "cvc": "123"}
    )
    assert tokens.status_code == 503
    assert tokens.json() == {
        "error": {
            "code": "provider_unavailable",
            "message": "The payment provider is unavailable.",
        }
    }
    # The storefront's payment page still points the shopper at the dead frame.
    payment = driver.http.get("/checkout/payment")
    assert payment.status_code == 200
    assert f'src="{driver.server.gateway_url}/elements/card?' in payment.text
    # Server to server the provider still answers: a card tokenised before is charged.
    response = driver.place_order()
    assert response.status_code == 201, response.text

    driver.switch_fault(None)
    assert driver.gateway.get(CARD_FRAME).status_code == 200


def test_payment_frame_404_is_still_only_the_frame(driver: ShopDriver) -> None:
    driver.switch_fault("payment-frame-404")
    assert driver.gateway.get(CARD_FRAME).status_code == 404
    assert driver.gateway.get("/static/card-element.js").status_code == 200
    assert driver.tokenize(driver.APPROVED)["last4"] == "4242"


# hydration-delay


def test_healthy_pages_are_hydrated_as_served(driver: ShopDriver) -> None:
    _contact_done(driver)
    for path in ("/", "/cart", "/checkout/shipping", "/account/register", "/nope"):
        html = driver.http.get(path).text
        assert '<html lang="en-US" data-hydrated="true">' in html, path
        assert "hydration.js" not in html, path


def test_hydration_delay_serves_inert_pages_that_hydrate_after_the_delay(
    driver: ShopDriver,
) -> None:
    driver.switch_fault("hydration-delay")
    assert driver.add("trail-mug").status_code == 302
    script = '<script src="/static/hydration.js" data-hydrate-after-ms="1500"></script>'
    for path in ("/", "/products/trail-mug", "/cart", "/checkout/contact", "/nope"):
        html = driver.http.get(path).text
        assert '<html lang="en-US">' in html, path
        assert "data-hydrated" not in html, path
        head = html.split("</head>")[0]
        # In <head>, blocking (no async/defer): inert before the first click can land.
        assert script in head, path
    driver.switch_fault("hydration-delay", delay=0.25)
    assert 'data-hydrate-after-ms="250"' in driver.http.get("/").text

    js = driver.http.get("/static/hydration.js")
    assert js.status_code == 200
    source = js.text
    # Clicks on buttons and submits are swallowed in the capture phase, on window ...
    assert 'window.addEventListener("click", inert, true)' in source
    assert 'window.addEventListener("submit", inert, true)' in source
    assert "event.preventDefault();" in source and "event.stopImmediatePropagation();" in source
    # ... until hydration, after the delay from DOMContentLoaded: it resets what was
    # typed to the server-rendered values, lets events through and says so.
    assert "setTimeout(hydrate, delayMs)" in source
    assert '"DOMContentLoaded"' in source
    assert "field.value = field.defaultValue" in source
    assert "option.selected = option.defaultSelected" in source
    assert 'window.removeEventListener("click", inert, true)' in source
    assert 'document.documentElement.dataset.hydrated = "true"' in source


def test_typing_lost_at_hydration_is_an_empty_form_the_shop_refuses(driver: ShopDriver) -> None:
    # What the browser sends when hydration has reset the fields the shopper filled.
    driver.switch_fault("hydration-delay")
    assert driver.add("trail-mug").status_code == 302
    empty = dict.fromkeys(driver.CONTACT, "") | {"country": "US"}
    response = driver.http.post("/checkout/contact", data=empty)
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert "Please correct the highlighted fields." in ALERT.findall(response.text)


def test_hydration_delay_at_rate_zero_hits_no_session(driver: ShopDriver) -> None:
    driver.switch_fault("hydration-delay", rate=0.0)
    html = driver.http.get("/").text
    assert '<html lang="en-US" data-hydrated="true">' in html
    assert "hydration.js" not in html


# rerender-while-saving


def test_healthy_shipping_step_has_its_options_and_no_alert(driver: ShopDriver) -> None:
    _contact_done(driver)
    html = driver.http.get("/checkout/shipping").text
    assert _h1s(html) == ["Shipping method"]
    assert html.count('type="radio"') == 2
    assert ALERT.findall(html) == []
    assert "shipping-options.js" not in html


def test_rerender_while_saving_shows_a_transient_alert_and_no_options(
    driver: ShopDriver,
) -> None:
    _contact_done(driver)
    driver.switch_fault("rerender-while-saving")
    html = driver.http.get("/checkout/shipping").text
    # What the harness sees first: the error locator matches, the expected heading does not.
    assert ALERT.findall(html) == ["Saving your details…"]
    assert _h1s(html) == ["Loading shipping options…"]
    assert "Shipping method" not in _h1s(html)[0]
    assert 'type="radio"' not in html and "Continue to payment" not in html
    assert 'data-options-url="/api/shipping-options"' in html
    assert 'data-render-after-ms="1000"' in html
    assert '<script src="/static/shipping-options.js"></script>' in html
    driver.switch_fault("rerender-while-saving", delay=0.3)
    assert 'data-render-after-ms="300"' in driver.http.get("/checkout/shipping").text


def test_shipping_options_script_replaces_the_alert_with_the_real_step(
    driver: ShopDriver,
) -> None:
    source = driver.http.get("/static/shipping-options.js").text
    assert "setTimeout(function () {" in source and "}, delayMs);" in source
    assert "fetch(root.dataset.optionsUrl" in source
    # One replaceChildren swaps the alert and placeholders for the heading and the form.
    assert 'root.replaceChildren(element("h1", {}, "Shipping method"), form);' in source
    assert 'type: "radio"' in source and 'name: "shipping_method"' in source
    assert 'method.label + " — " + method.price' in source
    assert '"Continue to payment"' in source


def test_shipping_options_api(driver: ShopDriver) -> None:
    assert driver.add("trail-mug").status_code == 302
    incomplete = driver.http.get("/api/shipping-options")
    assert (incomplete.status_code, incomplete.json()) == (
        400,
        {"error": "Checkout is incomplete."},
    )
    response = driver.http.post("/checkout/contact", data=driver.CONTACT)
    assert response.headers["location"] == "/checkout/shipping"
    assert driver.http.get("/api/shipping-options").json() == {
        "methods": [
            {"code": "standard", "label": "Standard", "price_cents": 499, "price": "$4.99"},
            {"code": "express", "label": "Express", "price_cents": 1499, "price": "$14.99"},
        ],
        "selected": "standard",
    }
    driver.http.post("/checkout/shipping", data={"shipping_method": "express"})
    assert driver.http.get("/api/shipping-options").json()["selected"] == "express"


def test_rerender_while_saving_keeps_the_form_working(driver: ShopDriver) -> None:
    _contact_done(driver)
    driver.switch_fault("rerender-while-saving")
    # A refused choice re-renders the real step, with its own error.
    refused = driver.http.post("/checkout/shipping", data={})
    assert ALERT.findall(refused.text) == ["Choose a shipping method."]
    assert refused.text.count('type="radio"') == 2
    chosen = driver.http.post("/checkout/shipping", data={"shipping_method": "express"})
    assert chosen.headers["location"] == "/checkout/payment"


# slow-pages


def _timed(driver: ShopDriver, method: str, path: str, data: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    response = driver.http.request(method, path, data=data)
    assert response.status_code < 400 or path == "/nope", (path, response.status_code)
    return time.monotonic() - started


def test_slow_pages_delays_html_pages_only(driver: ShopDriver) -> None:
    driver.switch_fault("slow-pages", delay=1.2)
    for path in ("/", "/cart", "/nope"):
        assert _timed(driver, "GET", path) >= 1.2, path
    # Redirects, the APIs, static files and /health answer at once.
    fast = [
        _timed(driver, "POST", "/cart/add", data={"slug": "trail-mug", "quantity": "1"}),
        _timed(driver, "GET", "/api/checkout-config"),
        _timed(driver, "GET", "/static/shop.css"),
        _timed(driver, "GET", "/health"),
        _timed(driver, "GET", "/version"),
    ]
    assert max(fast) < 1.0, fast
    driver.switch_fault(None)
    assert _timed(driver, "GET", "/") < 1.0
