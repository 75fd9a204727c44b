"""The oscar project's root conftest: its own fixtures (checkout-probe's come by entry point)."""

pytest_plugins = ["fixtures.oscar"]
