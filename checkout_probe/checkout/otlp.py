"""Export each checkout's trace over OTLP/HTTP to the user's collector (``--otlp-endpoint``).

The spans are :mod:`checkout_probe.checkout.tracecontext`'s (a root span per checkout, a child per
step). The exporter is an extra (``checkout-probe[otlp]``): without it, asking for an export
is one line and exit 2, never a silent no-op. Spans go out in batches from a background
thread; :func:`flush` at the end of a run (pytest, a probe) sends what is left.

Nothing waits on the collector longer than :func:`flush`'s deadline: the exporter's
timeout bounds each read, not the request (a collector that trickles its answer holds an
export as long as it likes, and the SDK's ``force_flush`` ignores its timeout), so the
flush runs in a thread of its own, and the provider is not shut down at exit (that would
join the exporting thread).
"""

from __future__ import annotations

import logging

from checkout_probe.basics.errors import ConfigError
from checkout_probe.basics.redact import mask_url
from checkout_probe.basics.within import Late, call_within
from checkout_probe.checkout.tracecontext import tracer_provider

log = logging.getLogger(__name__)

_enabled: str | None = None


def enable(endpoint: str) -> None:
    """Send spans to ``endpoint`` (``http://collector:4318``; ``/v1/traces`` is added), once."""
    global _enabled
    if _enabled == endpoint:
        return
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        raise ConfigError(
            "--otlp-endpoint needs the OTLP exporter: pip install 'checkout-probe[otlp]'"
        ) from None
    exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces", timeout=10)
    tracer_provider().add_span_processor(BatchSpanProcessor(exporter))
    _enabled = endpoint


def flush(timeout_s: float = 10.0) -> bool:
    """Send the spans not exported yet; False when the collector did not take them in time."""
    if _enabled is None:
        return True
    try:
        # A daemon thread, abandoned at its deadline: exiting does not wait for it.
        return call_within(
            timeout_s, lambda: tracer_provider().force_flush(int(timeout_s * 1000)), "otlp-flush"
        )
    except Late:
        log.warning("the OTLP collector at %s took no spans within %g s: those left are "
                    "dropped", mask_url(_enabled), timeout_s)  # fmt: skip
        return False
