"""W3C Trace Context of a checkout: one trace, a span per step, the headers requests carry."""

from __future__ import annotations

import re

import pytest

from checkout_probe.checkout.tracecontext import RUN_ID_KEY, CheckoutTrace, SpanIds

TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}")


def test_each_step_is_a_span_of_the_checkouts_one_trace() -> None:
    trace = CheckoutTrace("guest checkout", "20261203T120000-abcdef", "staging")
    seen = []
    for step in ("open catalog", "pay"):
        with trace.step(step) as span:
            header = TRACEPARENT.fullmatch(trace.headers()["traceparent"])
            assert header is not None
            seen.append((header.group(1), header.group(2), span.span_id))
    assert {trace_id for trace_id, _, _ in seen} == {trace.trace_id}
    # The header's parent is the running step's span, and each step has its own.
    assert [parent for _, parent, _ in seen] == [span for _, _, span in seen]
    assert seen[0][1] != seen[1][1]
    assert trace.headers()["baggage"] == f"{RUN_ID_KEY}=20261203T120000-abcdef"


def test_two_checkouts_are_two_traces() -> None:
    first, second = (CheckoutTrace("guest checkout", "run", "local") for _ in range(2))
    assert first.trace_id != second.trace_id


def test_a_failing_step_still_ends_its_span_and_the_error_goes_on() -> None:
    trace = CheckoutTrace("guest checkout", "run", "local")
    with pytest.raises(AssertionError, match="page showed"), trace.step("place order"):
        raise AssertionError("page showed 'Payment Processing Error'")
    trace.end(failed=True)
    assert trace.ended


@pytest.mark.parametrize(
    ("header", "ids"),
    [
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
         SpanIds("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")),
        ("00-4bf92f35-00f067aa0ba902b7-01", None),
        ("garbage", None),
        (None, None),
    ],
)  # fmt: skip
def test_traceparent_is_read_back_from_a_request(header: str | None, ids: SpanIds | None) -> None:
    assert SpanIds.from_traceparent(header) == ids
