"""The failure categories a diagnosis chooses from, and where each says to look first.

The rules that choose one are :mod:`checkout_probe.diagnosis.classify`'s; the names are the
ones reports, alerts and the probe's metrics use (docs/diagnosis.md).
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """Failure categories; the value is the name used in reports."""

    PAYMENT_ERROR = "payment_error"
    PAYMENT_DECLINED = "payment_declined"
    PAYMENT_PROVIDER = "payment_provider"
    SERVER_ERROR = "server_error"
    DATA_MISMATCH = "data_mismatch"
    UI_BROKEN = "ui_broken"
    CLIENT_ERROR = "client_error"
    SLOW = "slow"
    ACCESSIBILITY = "accessibility"
    TARGET_UNREACHABLE = "target_unreachable"
    HARNESS_ERROR = "harness_error"


LOOK_FIRST: dict[Category, str] = {
    Category.PAYMENT_ERROR: "the shop's order/payment service and the latest deploy",
    Category.PAYMENT_DECLINED: "the payment provider's test mode and the card profile in use",
    Category.PAYMENT_PROVIDER: "the payment provider: its status page, credentials, network path",
    Category.SERVER_ERROR: "the shop's server logs for the failing request, and the latest deploy",
    Category.DATA_MISMATCH: (
        "what the page computes and shows: the pricing behind it, the storefront's templates, "
        "cart and session, and the latest deploy"
    ),
    Category.UI_BROKEN: "the front end: templates and scripts of the latest deploy",
    Category.CLIENT_ERROR: "the front end: the page script error below",
    Category.SLOW: "the slow request and the dependency it waits on",
    Category.ACCESSIBILITY: (
        "the page's markup in the latest deploy: the elements named (their labels, names, "
        "roles and contrast)"
    ),
    Category.TARGET_UNREACHABLE: "whether the shop is up and reachable (DNS, TLS, network)",
    Category.HARNESS_ERROR: "the harness, its configuration or the project's flows, not the shop",
}

#: A data mismatch in what the shop stored or charged (not in what a page showed).
STORED_LOOK_FIRST = "the order service's storage and payments, and the latest deploy"
