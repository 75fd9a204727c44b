"""W3C Trace Context through the demo shop: every component logs the caller's trace id."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from demo_shop.tracing import LOG_FORMAT, TraceIdFilter

if TYPE_CHECKING:
    from selftests.shop.conftest import ShopDriver

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


class _Lines(logging.Handler):
    """The shop's log as its command line writes it (format and filter of ``demo_shop.cli``)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        self.addFilter(TraceIdFilter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def shop_log() -> Iterator[_Lines]:
    handler = _Lines()
    logger = logging.getLogger("demo_shop")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_failed_order_is_logged_with_the_callers_trace_id(
    driver: ShopDriver, shop_log: _Lines
) -> None:
    driver.switch_fault("bad-db-connection-string")
    driver.to_review()
    response = driver.place_order(headers={"traceparent": TRACEPARENT})
    assert response.status_code == 500
    traced = [line for line in shop_log.lines if f"trace={TRACE_ID}" in line]
    assert any("order failed (500)" in line and "could not connect to database" in line
               for line in traced), shop_log.lines  # fmt: skip
    # The order service's span is a child of the storefront's, in the same trace.
    assert any("storefront POST /api/orders answered 500" in line for line in traced)


def test_the_gateway_logs_its_error_in_the_trace_the_storefront_passed_on(
    driver: ShopDriver, shop_log: _Lines
) -> None:
    driver.to_review()
    driver.switch_fault("payment-gateway-down")
    response = driver.place_order(headers={"traceparent": TRACEPARENT})
    assert response.status_code in (502, 503), response.text
    gateway = [line for line in shop_log.lines if "gateway POST /v1/charges answered 503" in line]
    assert gateway and all(f"trace={TRACE_ID}" in line for line in gateway), shop_log.lines
    # Its span is not the caller's: the storefront passed on a span of its own.
    assert all("span=00f067aa0ba902b7" not in line for line in gateway)


def test_a_request_without_trace_context_gets_a_trace_of_its_own(
    driver: ShopDriver, shop_log: _Lines
) -> None:
    driver.switch_fault("bad-db-connection-string")
    driver.to_review()
    driver.place_order()
    (line,) = [ln for ln in shop_log.lines if "order failed (500)" in ln]
    trace_id = line.split("trace=")[1].split()[0]
    assert len(trace_id) == 32 and trace_id != TRACE_ID and trace_id != "-"
