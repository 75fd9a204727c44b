"""W3C Trace Context through the demo shop: storefront → order service → gateway.

Each component joins the trace of an incoming ``traceparent`` (a synthetic checkout's, or
any client's), makes a span of its work current, passes the context on in its calls to
the gateway, and writes the trace and span ids into every log line, so an error in the
shop's log is found by the trace id a failing checkout quotes. Spans are the
OpenTelemetry SDK's; the demo shop exports none (its tracing is its log).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager

from flask import Flask, Response, g, request
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)

_PROPAGATOR = CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
# The shop's own provider, never the process-wide one: in self-tests the shop runs in the
# harness's process, and each must keep its own service name.
_PROVIDER = TracerProvider(resource=Resource.create({"service.name": "demo-shop"}))
_TRACER = _PROVIDER.get_tracer("demo_shop")

#: The log format of every component: the ids after the level, "-" outside a trace.
LOG_FORMAT = "%(asctime)s %(levelname)s trace=%(trace_id)s span=%(span_id)s %(name)s: %(message)s"


def instrument(app: Flask, component: str) -> None:
    """Make every request of ``app`` a server span of ``component`` in the caller's trace."""

    @app.before_request
    def _start_span() -> None:
        # Werkzeug's headers look names up case-insensitively ("Traceparent" on the wire).
        parent = _PROPAGATOR.extract(request.headers)
        span = _TRACER.start_span(
            f"{component} {request.method} {request.path}", context=parent, kind=SpanKind.SERVER
        )
        g.trace_span = span
        g.trace_token = otel_context.attach(trace.set_span_in_context(span, parent))

    @app.after_request
    def _log_server_error(response: Response) -> Response:
        # Every error answer gets a line with the trace id, whatever component gave it.
        if response.status_code >= 500:
            log.error(
                "%s %s %s answered %d", component, request.method, request.path,
                response.status_code,
            )  # fmt: skip
        return response

    @app.teardown_request
    def _end_span(_error: BaseException | None) -> None:
        span = g.pop("trace_span", None)
        token = g.pop("trace_token", None)
        if span is not None:
            span.end()
        if token is not None:
            otel_context.detach(token)


@contextmanager
def span(name: str) -> Iterator[None]:
    """A child span of the current one (the order service's work inside a storefront request)."""
    with _TRACER.start_as_current_span(name, kind=SpanKind.INTERNAL):
        yield


def inject(headers: MutableMapping[str, str]) -> MutableMapping[str, str]:
    """Add the current ``traceparent`` (and baggage) to an outgoing call's ``headers``."""
    _PROPAGATOR.inject(headers)
    return headers


def current_ids() -> tuple[str, str]:
    """The current trace and span ids as hex, ``("-", "-")`` outside a trace."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return "-", "-"
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)


class TraceIdFilter(logging.Filter):
    """Puts ``trace_id`` and ``span_id`` on every record (for :data:`LOG_FORMAT`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate ``record`` (unless the caller did: the access log); never drops it."""
        if not hasattr(record, "trace_id"):
            record.trace_id, record.span_id = current_ids()
        return True


def trace_of(traceparent: str | None) -> dict[str, str]:
    """``extra`` for a log line about a request outside its span (the access log)."""
    context = trace.get_current_span(
        _PROPAGATOR.extract({"traceparent": traceparent or ""})
    ).get_span_context()
    trace_id = trace.format_trace_id(context.trace_id) if context.is_valid else "-"
    return {"trace_id": trace_id, "span_id": "-"}
