"""Loads checkout-probe's pytest plugins (one module per concern); nothing else lives here."""

pytest_plugins = [
    "fixtures.settings",
    "fixtures.browser",
    "fixtures.target",
    "fixtures.shoppers",
    "fixtures.payment",
    "fixtures.evidence",
    "fixtures.reporting",
]
