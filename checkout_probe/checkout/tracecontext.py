"""W3C Trace Context for synthetic checkouts: each checkout is one trace, each step a span.

Every request the checkout's page sends carries ``traceparent`` (the running step's span
as its parent) and ``baggage`` with the run id, so a shop's own tracing joins the
synthetic checkout, and a diagnosis can quote the trace id of the request that failed.
The spans are the OpenTelemetry SDK's; with ``--otlp-endpoint`` they are also exported
over OTLP/HTTP to the user's collector (:mod:`checkout_probe.checkout.otlp`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from opentelemetry import baggage, trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from checkout_probe import __version__

#: The baggage key carrying the run id (W3C baggage: a token, then the value).
RUN_ID_KEY = "checkout_probe.run_id"

_TRACE_CONTEXT = TraceContextTextMapPropagator()
_PROPAGATOR = CompositePropagator([_TRACE_CONTEXT, W3CBaggagePropagator()])
_provider: TracerProvider | None = None


def tracer_provider() -> TracerProvider:
    """This process's tracer provider (one; :mod:`.otlp` adds its exporter)."""
    global _provider
    if _provider is None:
        resource = Resource.create(
            {"service.name": "checkout-probe", "service.version": __version__}
        )
        # Not shut down at exit: that joins an export a slow collector may hold (otlp.flush
        # is the bounded end of a run).
        _provider = TracerProvider(resource=resource, shutdown_on_exit=False)
    return _provider


@dataclass(frozen=True)
class SpanIds:
    """A span's ids as they travel in ``traceparent``: 32 and 16 hex digits."""

    trace_id: str
    span_id: str

    @classmethod
    def of(cls, span: Span) -> SpanIds:
        """The ids of ``span``."""
        context = span.get_span_context()
        return cls(trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id))

    @classmethod
    def from_traceparent(cls, header: str | None) -> SpanIds | None:
        """Parse ``00-<trace id>-<parent id>-<flags>``; None when absent or malformed."""
        context = trace.get_current_span(
            _TRACE_CONTEXT.extract({"traceparent": header or ""})
        ).get_span_context()
        if not context.is_valid:
            return None
        return cls(trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id))


class CheckoutTrace:
    """One checkout's trace: a root span, and a child span per step (see the module docstring)."""

    def __init__(self, name: str, run_id: str, env: str) -> None:
        self._tracer = tracer_provider().get_tracer("checkout_probe")
        self.run_id = run_id
        self._root = self._tracer.start_span(
            f"checkout: {name}",
            kind=SpanKind.CLIENT,
            attributes={RUN_ID_KEY: run_id, "checkout_probe.env": env},
        )
        self._current: Span = self._root
        self.ended = False

    @property
    def trace_id(self) -> str:
        """The checkout's trace id, 32 hex digits, as the shop's tracing shows it."""
        return SpanIds.of(self._root).trace_id

    @property
    def span_id(self) -> str:
        """The id of the span requests carry now (the running step's)."""
        return SpanIds.of(self._current).span_id

    def headers(self) -> dict[str, str]:
        """``traceparent`` (the current span as parent) and ``baggage`` with the run id."""
        context = trace.set_span_in_context(self._current)
        context = baggage.set_baggage(RUN_ID_KEY, self.run_id, context)
        carrier: dict[str, str] = {}
        _PROPAGATOR.inject(carrier, context=context)
        return carrier

    @contextmanager
    def step(self, key: str) -> Iterator[SpanIds]:
        """A span for one step, the current one while it runs; failed if the step raises."""
        context = trace.set_span_in_context(self._root)
        span = self._tracer.start_span(f"step: {key}", context=context, kind=SpanKind.CLIENT)
        self._current = span
        try:
            yield SpanIds.of(span)
        except BaseException as exc:
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise
        finally:
            span.end()

    def end(self, failed: bool) -> None:
        """End the checkout's span (once)."""
        if self.ended:
            return
        self.ended = True
        if failed:
            self._root.set_status(Status(StatusCode.ERROR))
        self._root.end()
