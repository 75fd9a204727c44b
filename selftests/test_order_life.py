"""Self-tests of the order-life checks, strict money and the decline-mapping rule, without a
browser: a fake adapter stands in for the shop's order API."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checkout_probe.basics.mismatch import DataMismatch
from checkout_probe.checks.catalogue import check_listing
from checkout_probe.checks.cleanup import clean_up
from checkout_probe.checks.order_life import status_problems, unconfirmed_orders
from checkout_probe.checks.payments import charge_problems
from checkout_probe.diagnosis import Category, Evidence, classify, format_diagnosis
from checkout_probe.diagnosis.failed_request import FailedRequest
from checkout_probe.shop.data import TestCard
from checkout_probe.shop.money import MisreadAmount, MoneyFormat
from checkout_probe.shop.orders import (
    GONE,
    Charge,
    CleanupResult,
    Created,
    OrderLife,
    StoredOrder,
    Totals,
)
from flows.shop import PRICING
from flows.shop import SHOP as DEMO_SHOP

LIFE = OrderLife(placed=("paid",), cleaned_up=("cancelled",))
VISA = TestCard("4242 4242 4242 4242", "12 / 34", "123", "approved")


def _order(number: str, status: str = "paid", email: str = "a@synthetic.example") -> StoredOrder:
    return StoredOrder(number, email, status, Totals(1000, 0, 0, 1000), ())


class FakeOrders:
    """Orders by number; cleanup answers ``ok`` and cancels only when ``cancels``."""

    def __init__(self, *orders: StoredOrder, cancels: bool = True) -> None:
        self.orders = {o.number: o for o in orders}
        self.cancels = cancels

    def get(self, number: str) -> StoredOrder | None:
        return self.orders.get(number)

    def find_by_email(self, email: str) -> list[StoredOrder]:
        return [o for o in self.orders.values() if o.email == email]

    def clean_up(self, item: Created) -> CleanupResult:
        if self.cancels:
            self.orders[item.key] = replace(self.orders[item.key], status="cancelled")
        return CleanupResult(item.kind, item.key, True, f"DELETE /api/orders/{item.key} → 200")

    def close(self) -> None:
        pass


def test_a_confirmed_order_left_pending_is_named_with_the_status_expected() -> None:
    assert status_problems(_order("CP-1"), LIFE) == []
    assert status_problems(_order("CP-1", "pending"), LIFE) == [
        "order CP-1 is stored as 'pending', expected 'paid' (Shop.order_life.placed)"
    ]
    assert status_problems(_order("CP-1", "pending"), None) == []  # not declared: not checked


def test_a_cancel_that_answered_ok_but_changed_nothing_is_not_cleaned_up() -> None:
    shop = FakeOrders(_order("CP-1"), cancels=False)
    (result,) = clean_up(shop, [Created("order", "CP-1")], life=LIFE)
    assert not result.ok
    assert "→ 200, but the order is still 'paid' (expected 'cancelled'" in result.detail
    # The same cleanup that did its job stays a success.
    (done,) = clean_up(FakeOrders(_order("CP-2")), [Created("order", "CP-2")], life=LIFE)
    assert done.ok


def test_a_cleanup_that_deletes_passes_when_the_project_says_orders_are_deleted() -> None:
    class Deleting(FakeOrders):
        def clean_up(self, item: Created) -> CleanupResult:
            del self.orders[item.key]
            return CleanupResult(item.kind, item.key, True, "deleted")

    gone = OrderLife(cleaned_up=(GONE,))
    (result,) = clean_up(Deleting(_order("CP-1")), [Created("order", "CP-1")], life=gone)
    assert result.ok
    (kept,) = clean_up(FakeOrders(_order("CP-1")), [Created("order", "CP-1")], life=gone)
    assert "is still 'cancelled' (expected no longer found" in kept.detail


def test_orders_of_the_shopper_the_checkout_never_confirmed_are_found() -> None:
    shop = FakeOrders(_order("CP-1"), _order("CP-2"), _order("CP-9", email="b@x"))
    found = unconfirmed_orders(shop, ["a@synthetic.example"], ["CP-1"])
    assert [o.number for o in found] == ["CP-2"]


def test_a_charge_on_another_card_than_the_one_entered_is_named() -> None:
    charge = Charge("ch_1", 1000, "succeeded", "CP-1", card="4444")
    assert charge_problems([charge], "CP-1", 1000, VISA) == [
        "payments of order CP-1: charge ch_1 was taken from card …4444, but the shopper "
        "entered the card ending 4242"
    ]
    assert charge_problems([replace(charge, card="4242")], "CP-1", 1000, VISA) == []
    # A lookup that cannot tell the card: nothing claimed either way.
    assert charge_problems([replace(charge, card=None)], "CP-1", 1000, VISA) == []


@pytest.mark.parametrize("shown", ["$89.5", "€52.43", "52.43", "$1234.50", "USD 5.00", "$"])
def test_an_amount_not_written_in_the_shops_format_is_a_data_mismatch(shown: str) -> None:
    with pytest.raises(MisreadAmount, match=r"review page: total: .* e\.g\. '\$1,234\.56'"):
        MoneyFormat("USD", "en_US").parse(shown, "review page: total")
    assert issubclass(MisreadAmount, DataMismatch)


@pytest.mark.parametrize(
    ("money", "shown", "minor"),
    [
        (MoneyFormat("USD", "en_US"), "$1,234.50", 123450),
        (MoneyFormat("USD", "en_US"), "-$5.00", -500),
        (MoneyFormat("EUR", "de_DE"), "1.234,50\u00a0€", 123450),
        (MoneyFormat("JPY", "ja_JP"), "￥1,234", 1234),
    ],
)
def test_amounts_written_in_the_shops_format_are_read_exactly(
    money: MoneyFormat, shown: str, minor: int
) -> None:
    assert money.parse(shown, "page") == minor
    assert money.parse(money.format(minor), "page") == minor


def test_a_catalog_listing_price_that_differs_from_the_catalogue_is_named() -> None:
    listed = {**PRICING.prices, "Trail Mug": 1199, "Mystery Box": 100}
    del listed["Rain Shell"]
    with pytest.raises(DataMismatch) as raised:
        check_listing(PRICING, listed, "catalog", complete=True)
    assert str(raised.value) == (
        "catalog: 'Trail Mug' is listed at 11.99, expected 12.99; 'Mystery Box' is listed but "
        "not in the catalogue; 'Rain Shell' is not listed"
    )


SHOP_URL = "http://127.0.0.1:8000"
REFUSED = Evidence(
    env="local", target_url=SHOP_URL, step="place order", step_title="place order",
    error_type="AssertionError", error_message="the provider's reason is shown",
    page_alerts=("Your payment could not be processed.",),
    failed_requests=(FailedRequest("POST", f"{SHOP_URL}/api/orders", 402, None, "", 0.02),),
    card_outcome="insufficient_funds",
)  # fmt: skip


def test_a_decline_the_page_names_generically_points_at_the_storefronts_mapping() -> None:
    diagnosis = classify(REFUSED, DEMO_SHOP.errors)
    assert diagnosis.category == Category.PAYMENT_DECLINED
    assert "declined with 'insufficient_funds'" in diagnosis.reason
    assert "mapping of decline reasons" in diagnosis.look_first
    assert "order/payment service" not in format_diagnosis(diagnosis)


def test_a_decline_the_page_names_right_is_no_mapping_problem() -> None:
    right = replace(REFUSED, page_alerts=("Your card has insufficient funds.",))
    assert "mapping" not in classify(right, DEMO_SHOP.errors).look_first
    # The provider's own code in the answer wins over the card's declared outcome.
    body = '{"error": {"code": "card_declined", "message": "Your card was declined."}}'
    answered = replace(
        REFUSED,
        failed_requests=(FailedRequest("POST", f"{SHOP_URL}/api/orders", 402, None, body, 0.1),),
    )
    assert "declined with 'card_declined'" in classify(answered, DEMO_SHOP.errors).reason


def test_a_stored_order_mismatch_points_at_the_order_service_a_page_one_at_the_storefront() -> None:
    base = replace(REFUSED, failed_requests=(), page_alerts=(), data_mismatch=True)
    stored = classify(replace(base, error_message="order CP-1 is stored as 'pending'"))
    page = classify(replace(base, error_message="cart after order CP-1: still holds 2 × 'Mug'"))
    assert stored.category == page.category == Category.DATA_MISMATCH
    assert "order service's storage and payments" in stored.look_first
    assert "storefront's templates, cart and session" in page.look_first


def test_a_shop_without_endpoints_reports_health_and_version_through_the_project() -> None:
    from checkout_probe.target import Target

    def health(target: Target) -> dict[str, object]:
        return {"status": "degraded", "components": {"order database": {
            "status": "down", "error": f"could not connect to {target.base_url}"}}}  # fmt: skip

    target = Target("prod", "https://shop.example", health_source=health,
                    version_source=lambda t: "4.2.0")  # fmt: skip
    snapshot = target.read_health()
    assert snapshot is not None and snapshot.describe().startswith("degraded — order database")
    assert target.read_version() == "4.2.0" and target.has_version_source

    def broken(target: Target) -> dict[str, object]:
        raise RuntimeError(f"token {target.api_token} refused")

    failing = Target("prod", "https://shop.example", api_token="s3cret", health_source=broken)
    said = failing.read_health()
    assert said is not None and said.status == "unreachable"
    assert "Shop.health: RuntimeError" in (said.error or "") and "s3cret" not in (said.error or "")


def test_origins_a_shop_publishes_are_asked_once_and_a_failing_one_counts_as_unknown() -> None:
    from checkout_probe.shop.origins import Origins, matches

    asked: list[str] = []

    def published(base_url: str) -> list[str]:
        asked.append(base_url)
        return ["http://127.0.0.1:9999"]

    def down(base_url: str) -> list[str]:
        raise ConnectionError("shop down")

    from checkout_probe.target import Target

    declared = Origins(payment=("https://*.stripe.com", published, down))
    target = Target("local", "http://127.0.0.1:8000", declared_origins=declared)
    assert target.origins.payment == ("https://*.stripe.com", "http://127.0.0.1:9999")
    assert target.origins.payment == ("https://*.stripe.com", "http://127.0.0.1:9999")
    assert asked == ["http://127.0.0.1:8000"]
    assert matches("https://js.stripe.com", target.origins.payment)
    assert not matches("https://cdn.vendor.example", target.origins.payment)
