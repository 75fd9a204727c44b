"""Write a diagnosis as the few lines an on-call engineer reads first."""

from __future__ import annotations

from checkout_probe.diagnosis.evidence import Diagnosis

MAX_REQUESTS = 3


def format_diagnosis(diagnosis: Diagnosis) -> str:
    """The failure message: step, what the page said, failing requests, /health, version."""
    ev = diagnosis.evidence
    said = " | ".join(ev.page_alerts) if ev.page_alerts else None
    headline = f"step '{ev.step}' failed [{diagnosis.category}]: " + (
        f"page showed {said!r}" if said else diagnosis.reason
    )
    lines = [headline]
    if said and said not in diagnosis.reason:
        lines.append(f"  why: {diagnosis.reason}")
    for request in ev.failed_requests[:MAX_REQUESTS]:
        lines.append(f"  failing request: {request.describe()}")
    if len(ev.failed_requests) > MAX_REQUESTS:
        lines.append(f"  … and {len(ev.failed_requests) - MAX_REQUESTS} more failing requests")
    traced = ev.failing_trace
    if traced is not None:
        trace_id, span_id = traced
        of = f", span {span_id} (the failing request's step)" if span_id else " (the checkout's)"
        lines.append(f"  trace id: {trace_id}{of}")
    for error in ev.page_errors[:2]:
        lines.append(f"  page error: {error}")
    if ev.health is not None:
        lines.append(f"  /health right after: {ev.health.describe()}")
    timing = f"{ev.step_duration_s:.1f} s"
    if ev.step_budget_s is not None:
        timing += f" (budget {ev.step_budget_s:.1f} s)"
    version = f"shop version {ev.shop_version or 'unknown'} · " if ev.version_source else ""
    lines.append(
        f"  {version}env {ev.env} · step '{ev.step_title}' took {timing} · at {ev.url or 'no page'}"
    )
    lines.append(f"  look first at: {diagnosis.look_first}")
    first_error_line = ev.error_message.strip().splitlines()[0] if ev.error_message else ""
    if first_error_line:
        lines.append(f"  underlying error: {ev.error_type}: {first_error_line[:300]}")
    return "\n".join(lines)
