"""Self-tests: card numbers and secrets are masked before they reach a report."""

from __future__ import annotations

from checkout_probe.redact import redact


def test_card_numbers_are_masked_with_or_without_spaces() -> None:
    text = "number=4242 4242 4242 4242&other=4000000000000002"
    masked = redact(text)
    assert "4242 4242 4242 4242" not in masked
    assert "4000000000000002" not in masked
    assert "[card …4242]" in masked and "[card …0002]" in masked


def test_short_numbers_such_as_prices_and_order_numbers_stay() -> None:
    assert redact("total 5035 cents, order CP-0012AB34, zip 90210") == (
        "total 5035 cents, order CP-0012AB34, zip 90210"
    )


def test_given_secrets_are_masked() -> None:
    assert redact("Bearer s3cr3t-token", ["s3cr3t-token"]) == "Bearer [redacted]"
