"""Export each checkout's trace over OTLP/HTTP to the user's collector (``--otlp-endpoint``).

The spans are :mod:`checkout_probe.checkout.tracecontext`'s (a root span per checkout, a child per
step). The exporter is an extra (``checkout-probe[otlp]``): without it, asking for an export
is one line and exit 2, never a silent no-op. Spans go out in batches from a background
thread; :func:`flush` at the end of a run (pytest, a probe) sends what is left.
"""

from __future__ import annotations

from checkout_probe.basics.errors import ConfigError
from checkout_probe.checkout.tracecontext import tracer_provider

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
    return tracer_provider().force_flush(int(timeout_s * 1000))
