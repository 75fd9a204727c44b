"""Catalog pages and the cart, through real HTTP form posts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

EXPECTED = {
    "trail-mug": ("Trail Mug", "$12.99"),
    "summit-backpack": ("Summit Backpack", "$89.50"),
    "camp-lantern": ("Camp Lantern", "$34.49"),
    "merino-socks": ("Merino Socks", "$17.95"),
    "water-bottle": ("Water Bottle", "$21.37"),
    "rain-shell": ("Rain Shell", "$129.99"),
}


def test_catalog_lists_six_products(driver: ShopDriver) -> None:
    html = driver.http.get("/").text
    assert "<h1>Products</h1>" in html
    articles = re.findall(r"<article.*?</article>", html, re.S)
    assert len(articles) == 6
    for article, (slug, (name, price)) in zip(articles, EXPECTED.items(), strict=True):
        assert f'<h2><a href="/products/{slug}">{name}</a></h2>' in article
        assert price in article


def test_page_chrome(driver: ShopDriver) -> None:
    html = driver.http.get("/").text
    assert '<html lang="en-US" data-hydrated="true">' in html
    assert '<nav aria-label="Main">' in html
    assert '<a href="/cart">Cart (<span data-testid="cart-count">0</span>)</a>' in html
    assert ">Sign in</a>" in html and ">Register</a>" in html
    assert "Demo shop v1.0.0" in html
    assert html.count("<h1") == 1


def test_product_page(driver: ShopDriver) -> None:
    html = driver.http.get("/products/camp-lantern").text
    assert "<h1>Camp Lantern</h1>" in html
    assert driver.text_of(html, "price") == "$34.49"
    assert '<label for="quantity">Quantity</label>' in html
    assert re.search(r'<input id="quantity"[^>]*value="1"[^>]*min="1"', html)
    assert '<button type="submit">Add to cart</button>' in html


def test_unknown_product_is_404(driver: ShopDriver) -> None:
    response = driver.http.get("/products/no-such-thing")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text


def test_add_to_cart_form_post_redirects_with_status(driver: ShopDriver) -> None:
    response = driver.add("trail-mug", 2)
    assert response.status_code == 302
    assert response.headers["location"] == "/products/trail-mug"
    html = driver.http.get("/products/trail-mug").text
    assert '<div role="status"' in html
    assert "Added 2 × Trail Mug to your cart." in html
    assert driver.text_of(html, "cart-count") == "2"


def test_add_to_cart_json_for_cart_js(driver: ShopDriver) -> None:
    driver.add("trail-mug", 1)
    response = driver.http.post(
        "/cart/add",
        data={"slug": "rain-shell", "quantity": "2"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == {"count": 3, "message": "Added 2 × Rain Shell to your cart."}


def test_add_rejects_bad_quantity_and_unknown_slug(driver: ShopDriver) -> None:
    accept = {"Accept": "application/json"}
    bad = driver.http.post("/cart/add", data={"slug": "trail-mug", "quantity": "0"}, headers=accept)
    assert bad.status_code == 400
    unknown = driver.http.post("/cart/add", data={"slug": "nope", "quantity": "1"}, headers=accept)
    assert unknown.status_code == 404
    assert driver.text_of(driver.http.get("/").text, "cart-count") == "0"


def test_cart_page_update_and_remove(driver: ShopDriver) -> None:
    driver.add("trail-mug", 2)
    driver.add("merino-socks", 1)
    html = driver.http.get("/cart").text
    assert "<h1>Your cart</h1>" in html
    assert "<caption>Cart items</caption>" in html
    assert html.count('data-testid="cart-line"') == 2
    assert '<th scope="row">Trail Mug</th>' in html
    assert "Quantity for Trail Mug</label>" in html
    assert 'Update<span class="visually-hidden"> Trail Mug</span>' in html
    assert 'Remove<span class="visually-hidden"> Merino Socks</span>' in html
    assert driver.text_of(html, "line-total") == "$25.98"
    assert driver.text_of(html, "cart-subtotal") == "$43.93"
    assert 'href="/checkout/contact"' in html and "Proceed to checkout" in html

    response = driver.http.post("/cart/update", data={"slug": "trail-mug", "quantity": "3"})
    assert response.headers["location"] == "/cart"
    html = driver.http.get("/cart").text
    assert driver.text_of(html, "line-total") == "$38.97"
    assert driver.text_of(html, "cart-count") == "4"

    driver.http.post("/cart/update", data={"slug": "trail-mug", "quantity": "0"})
    html = driver.http.get("/cart").text
    assert html.count('data-testid="cart-line"') == 1
    assert '<th scope="row">Trail Mug</th>' not in html
    assert "Removed Trail Mug from your cart." in html

    driver.http.post("/cart/remove", data={"slug": "merino-socks"})
    html = driver.http.get("/cart").text
    assert "Your cart is empty." in html
    assert driver.text_of(html, "cart-count") == "0"
