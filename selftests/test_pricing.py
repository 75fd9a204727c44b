"""The independent expectation of an order, the full read-back and payment reconciliation."""

from __future__ import annotations

import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.checks.payments import check_no_charge, check_one_charge
from checkout_probe.checks.readback import OrderView, check_order
from checkout_probe.diagnosis import DataMismatch
from checkout_probe.shop.data import Address, Shopper
from checkout_probe.shop.orders import Charge, Totals
from checkout_probe.shop.pricing import CartItem, Line, Pricing, generate_cart

PRICING = Pricing(
    prices={"Mug": 1299, "Socks": 1795, "Lantern": 3449, "Shell": 12999},
    shipping={"Standard": 499, "Express": 1499},
    tax_percent="8",
)
SHOPPER = Shopper(
    full_name="Ada Lovelace",
    email="ada@example.test",
    phone="+1 555 0100",
    address=Address("1 Main Street", "Springfield", "12345", "US"),
    password="not-shown",
)


def test_expected_totals_are_worked_out_from_the_catalogue_tax_and_shipping() -> None:
    expected = PRICING.expect([CartItem("Mug", 2), CartItem("Socks", 1)], "Standard")

    # 2 × 12.99 + 17.95 = 43.93; 8 % = 3.5144 → 3.51.
    assert expected.totals == Totals(4393, 499, 351, 5243)
    assert expected.lines == (Line("Mug", 2, 1299), Line("Socks", 1, 1795))
    assert expected.tax_rule == "8 % of 43.93, rounded half up"


@pytest.mark.parametrize(
    ("rounding", "tax"),
    [("half_up", 104), ("floor", 103), ("half_even", 104)],
)
def test_tax_is_rounded_the_way_the_shop_declares(rounding: str, tax: int) -> None:
    pricing = Pricing(prices={"Mug": 1299}, shipping={"Standard": 0}, tax_percent="8",
                      rounding=rounding)  # fmt: skip

    # 8 % of 12.99 = 1.0392.
    assert pricing.expect([CartItem("Mug")], "Standard").totals.tax == tax


def test_half_up_and_half_even_differ_on_an_exact_half_cent() -> None:
    # 10 % of 0.25 = 0.025: half up gives 0.03, half even 0.02.
    up = Pricing(prices={"X": 25}, shipping={"S": 0}, tax_percent="10")
    even = Pricing(prices={"X": 25}, shipping={"S": 0}, tax_percent="10", rounding="half_even")

    assert up.tax(25) == 3
    assert even.tax(25) == 2


def test_tax_on_shipping_and_prices_including_tax() -> None:
    on_shipping = Pricing(prices={"X": 1000}, shipping={"S": 500}, tax_percent="20",
                          tax_on_shipping=True)  # fmt: skip
    included = Pricing(prices={"X": 1000}, shipping={"S": 500}, prices_include_tax=True)

    assert on_shipping.expect([CartItem("X")], "S").totals == Totals(1000, 500, 300, 1800)
    assert included.expect([CartItem("X")], "S").totals == Totals(1000, 500, 0, 1500)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tax_percent": "eight"}, "Pricing.tax_percent 'eight' is not a number"),
        ({"tax_percent": "-1"}, "Pricing.tax_percent must be 0 or more"),
        ({"rounding": "up"}, "Pricing.rounding 'up' is not one of half_up, half_even, floor"),
        ({"prices": {}}, "Pricing.prices is empty"),
        ({"prices": {"X": 12.5}}, "Pricing.prices['X'] must be a whole number of cents"),
        ({"shipping": {"S": -1}}, "Pricing.shipping['S'] must be a whole number of cents"),
    ],
)
def test_a_pricing_the_project_gets_wrong_is_one_clear_line(
    kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"prices": {"X": 100}, "shipping": {"S": 0}, **kwargs}

    with pytest.raises(ConfigError, match="^" + message.replace("[", r"\[").replace("(", r"\(")):
        Pricing(**arguments)  # type: ignore[arg-type]


def test_a_product_or_shipping_method_the_catalogue_lacks_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"product 'Tent' is not in Pricing\.prices .*'Mug'"):
        PRICING.expect([CartItem("Tent")], "Standard")
    with pytest.raises(ConfigError, match=r"'Overnight' is not in Pricing\.shipping .*'Express'"):
        PRICING.expect([CartItem("Mug")], "Overnight")


def test_generated_carts_are_replayable_from_their_seed_and_vary_between_seeds() -> None:
    carts = [generate_cart(PRICING, seed) for seed in range(200)]

    assert generate_cart(PRICING, 7) == carts[7]
    assert len(set(carts)) > 50
    for cart in carts:
        assert 1 <= len(cart) <= 3
        assert all(1 <= item.quantity <= PRICING.max_quantity for item in cart)
        assert [i.name for i in cart] == [n for n in PRICING.prices if n in {i.name for i in cart}]
    # Most carts need rounding: 8 % of their subtotal is not a whole number of cents.
    needing = [c for c in carts if sum(PRICING.prices[i.name] * i.quantity for i in c) * 8 % 100]
    assert len(needing) > 150


def _view(**fields: object) -> OrderView:
    expected = PRICING.expect([CartItem("Mug", 2), CartItem("Socks", 1)], "Standard")
    base: dict[str, object] = {
        "where": "confirmation",
        "number": "CP-1",
        "lines": expected.lines,
        "totals": expected.totals,
        "shipping_method": "Standard",
        "name": "Ada  Lovelace",
        "email": "ADA@example.test",
        "address": "1 Main Street, Springfield 12345",
    }
    return OrderView(**{**base, **fields})  # type: ignore[arg-type]


EXPECTED = PRICING.expect([CartItem("Mug", 2), CartItem("Socks", 1)], "Standard")


def test_an_order_shown_as_expected_passes_whitespace_and_case_aside() -> None:
    check_order(EXPECTED, SHOPPER, _view(), "CP-1")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"totals": Totals(4393, 499, 350, 5242)},
            "confirmation of order CP-1: tax is 3.50, expected 3.51 "
            "(8 % of 43.93, rounded half up); total is 52.42, expected 52.43",
        ),
        (
            {"lines": (Line("Mug", 3, 1299), Line("Socks", 1, 1795))},
            "confirmation of order CP-1: quantity of 'Mug' is 3, expected 2",
        ),
        (
            {"lines": (Line("Mug", 2, 1300), Line("Socks", 1, 1795), Line("Tent", 1, 1))},
            "confirmation of order CP-1: unit price of 'Mug' is 13.00, expected 12.99; "
            "unexpected line 1 × 'Tent'",
        ),
        (
            {"lines": (Line("Mug", 2, 1299),)},
            "confirmation of order CP-1: line 'Socks' is missing (expected 1 × 17.95)",
        ),
        (
            {"email": "eve@example.test", "name": "Eve Other"},
            "confirmation of order CP-1: e-mail is 'eve@example.test', expected "
            "'ada@example.test'; name is 'Eve Other', expected 'Ada Lovelace'",
        ),
        (
            {"address": "9 Elsewhere Road, Othertown 99999"},
            "confirmation of order CP-1: address is '9 Elsewhere Road, Othertown 99999', "
            "expected one with '1 Main Street', 'Springfield', '12345'",
        ),
        (
            {"number": "CP-0"},
            "confirmation of order CP-1: order number is CP-0, expected CP-1",
        ),
        (
            {"shipping_method": "Express"},
            "confirmation of order CP-1: shipping method is 'Express', expected 'Standard'",
        ),
    ],
)
def test_every_field_that_differs_is_named_with_expected_and_found_value(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(DataMismatch) as raised:
        check_order(EXPECTED, SHOPPER, _view(**fields), "CP-1")

    assert str(raised.value) == message


def test_fields_a_place_does_not_show_are_not_checked() -> None:
    check_order(EXPECTED, None, OrderView("review page", totals=EXPECTED.totals))


def test_one_successful_charge_of_the_total_reconciles() -> None:
    check_one_charge(
        [Charge("ch_1", 5243, "failed", "CP-1"), Charge("ch_2", 5243, "succeeded", "CP-1")],
        "CP-1",
        5243,
    )


@pytest.mark.parametrize(
    ("charges", "message"),
    [
        (
            [Charge("ch_1", 5243, "succeeded"), Charge("ch_2", 5243, "succeeded")],
            "payments of order CP-1: 2 successful charges (ch_1 52.43 succeeded, "
            "ch_2 52.43 succeeded), expected exactly one of 52.43",
        ),
        ([], "payments of order CP-1: 0 successful charges (none), expected exactly one of 52.43"),
        (
            [Charge("ch_1", 5242, "succeeded")],
            "payments of order CP-1: charge ch_1 took 52.42, the order total is 52.43",
        ),
    ],
)
def test_double_missing_or_wrong_charges_are_a_data_mismatch(
    charges: list[Charge], message: str
) -> None:
    with pytest.raises(DataMismatch) as raised:
        check_one_charge(charges, "CP-1", 5243)

    assert str(raised.value) == message


def test_a_refused_checkout_must_have_taken_no_money() -> None:
    check_no_charge([Charge("ch_1", 100, "failed")], "ada@example.test")
    with pytest.raises(DataMismatch, match="no order was placed, but 1 charge"):
        check_no_charge([Charge("ch_1", 100, "succeeded")], "ada@example.test")
