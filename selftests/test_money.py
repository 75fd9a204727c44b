"""Self-tests: the shop's money in the page's locale, read strictly (Babel's CLDR formats),
a wrong format a data mismatch naming the page, the text shown and the amount expected."""

from __future__ import annotations

import pytest

from checkout_probe.basics.mismatch import DataMismatch
from checkout_probe.checkout.amounts import PageAmounts
from checkout_probe.evidence.record import CheckoutRecord, ShownAmount
from checkout_probe.shop.money import MisreadAmount, MoneyFormat

DOLLARS = MoneyFormat("USD", "en_US", follows_shopper=True)

#: US dollars as each locale the demo shop ships to writes them (Babel 2.19, CLDR 47).
WRITTEN = {
    "en_US": "$1,234.50",
    "en_CA": "US$1,234.50",
    "en_GB": "US$1,234.50",
    "de_DE": "1.234,50 $",
}


@pytest.mark.parametrize("locale", sorted(WRITTEN))
def test_a_shop_following_the_shopper_writes_and_reads_dollars_in_the_pages_locale(
    locale: str,
) -> None:
    money = DOLLARS.for_locale(locale)
    assert (money.currency, money.locale) == ("USD", locale)
    assert money.format(123450) == WRITTEN[locale]
    assert money.parse(WRITTEN[locale], "review page: total") == 123450
    # German writes a no-break space between amount and sign; a page may show any space.
    assert money.parse(WRITTEN[locale].replace(" ", "\u00a0"), "review page: total") == 123450


@pytest.mark.parametrize(
    ("locale", "other"),
    [("de_DE", "en_US"), ("en_US", "de_DE"), ("en_CA", "en_US"), ("en_US", "en_GB")],
)
def test_an_amount_written_in_another_locales_format_is_refused(locale: str, other: str) -> None:
    with pytest.raises(MisreadAmount):
        DOLLARS.for_locale(locale).parse(WRITTEN[other], "review page: total")


def test_a_wrong_format_names_the_page_the_text_shown_and_the_amount_expected() -> None:
    german = DOLLARS.for_locale("de_DE")
    with pytest.raises(MisreadAmount) as error:
        german.parse("1,234.50 $", "review page: total", expected=123450)
    assert str(error.value) == (
        "review page: total shows '1,234.50 $', expected '1.234,50 $' (USD in de_DE)"
    )
    assert isinstance(error.value, DataMismatch)
    # Not knowing the amount, it names the format with an example instead.
    with pytest.raises(MisreadAmount, match=r"^cart: subtotal: '12\.99 \$' is not an amount in "
                       r"USD as the shop writes it \(Shop\.money: USD in de_DE, e\.g\. "
                       r"'1\.234,56 \$'\)$"):  # fmt: skip
        german.parse("12.99 $", "cart: subtotal")


def test_a_well_written_amount_other_than_expected_is_read_for_the_checks_to_compare() -> None:
    assert DOLLARS.for_locale("de_DE").parse("12,99 $", "catalog", expected=1399) == 1299


def test_a_shop_writing_one_locale_keeps_it_whatever_the_page_asks() -> None:
    fixed = MoneyFormat("USD", "en_US")
    assert fixed.for_locale("de_DE") is fixed
    assert DOLLARS.for_locale("en_US") is DOLLARS


def test_yen_have_no_minor_units_in_any_locale() -> None:
    yen = MoneyFormat("JPY", "ja_JP", follows_shopper=True)
    assert yen.minor_digits == 0
    assert yen.format(1234) == "￥1,234"
    assert yen.parse("￥1,234", "review page: total") == 1234
    assert yen.for_locale("de_DE").format(1234) == "1.234 ¥"
    assert yen.for_locale("de_DE").parse("1.234 ¥", "review page: total") == 1234
    for decimals in ("￥1,234.00", "￥1,234.5"):
        with pytest.raises(MisreadAmount, match="expected '￥1,234'"):
            yen.parse(decimals, "review page: total", expected=1234)


def test_the_page_amounts_reader_records_every_amount_as_shown_and_expected() -> None:
    reader = PageAmounts(DOLLARS.for_locale("de_DE"))
    assert reader.read("33,05\u00a0$", "review page: total", 3305) == 3305
    assert reader.read("25,98 $", "cart: subtotal") == 2598
    with pytest.raises(MisreadAmount):
        reader.read("33.05 $", "confirmation: total", 3305)
    assert reader.shown == [
        ShownAmount("review page: total", "33,05 $", "33,05 $", 3305, 3305),
        ShownAmount("cart: subtotal", "25,98 $", None, None, 2598),
        ShownAmount("confirmation: total", "33.05 $", "33,05 $", 3305, None),
    ]
    assert reader.write(123450) == "1.234,50 $"


def test_a_checkouts_amounts_survive_its_records_json_form() -> None:
    amounts = (ShownAmount("review page: total", "33,05 $", "33,05 $", 3305, 3305),)
    record = CheckoutRecord("t", "passed", money_locale="de_DE", amounts=amounts)
    data = record.to_dict()
    assert data["amounts"] == [
        {
            "where": "review page: total",
            "shown": "33,05 $",
            "expected": "33,05 $",
            "expected_minor": 3305,
            "read_minor": 3305,
        }
    ]
    assert CheckoutRecord.from_dict(data) == record
