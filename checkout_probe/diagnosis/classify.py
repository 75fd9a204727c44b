"""Choose exactly one category for a failed checkout, by ordered rules.

The rules run top to bottom and the first that matches wins. Order matters:
the most specific, most actionable explanation comes first, so the incident
this project exists for (the shop says "Payment Processing Error" because the
order service cannot reach its database) reads as ``payment_error`` pointing
at the dependency ``/health`` names, never as "a timeout".

1. ``harness_error``      the exception came from the harness (bug, misconfiguration).
2. ``target_unreachable`` the browser could not connect to the shop at all, a navigation to
                          it was refused mid-journey, or the project's HTTP call to it was.
3. ``data_mismatch``      a comparison of totals, items or the stored order failed.
   ``accessibility``      the step's pages had axe-core violations of an impact the
                          environment fails the step for (``a11y_fail``); the step itself
                          worked, so no other evidence of it explains anything.
4. ``payment_provider``   a request to an origin the project declares its payment provider
                          (``Shop.origins.payment``) failed, the shop answered 502/503/504
                          about its provider, or ``/health`` reports the payment component
                          down. Any other origin's failure is evidence only.
   ``payment_declined``   the shop's API answered 402 for a reason (the provider's code in
                          the answer, or the card's test outcome) and the page showed another
                          text (the generic one): the storefront maps decline reasons wrong;
                          the order service is fine.
5. ``payment_error``      the page told the shopper payment or checkout failed
                          (the shop's ``ShopErrors.payment_failed`` phrases).
6. ``payment_declined``   the page showed a card decline the test did not expect
                          (``ShopErrors.declined``).
7. ``server_error``       the shop answered 5xx.
8. ``client_error``       an uncaught page script error.
9. ``slow``               the step finished over its budget, or timed out while a
                          request to the shop was still pending.
10. ``ui_broken``         an element the step needs was missing or not actionable.
11. ``harness_error``     nothing above explains it: treat it as ours until shown otherwise.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from checkout_probe.diagnosis.category import LOOK_FIRST, STORED_LOOK_FIRST, Category
from checkout_probe.diagnosis.evidence import Diagnosis, Evidence
from checkout_probe.shop import ShopErrors
from checkout_probe.shop.origins import matches

#: A step slow for the shopper's eyes, not for the network: where its vitals come from.
VITALS_LOOK_FIRST = (
    "the page itself in the latest deploy: what moves content after it is shown (CLS), "
    "the largest element and what delays its paint (LCP), the script handling input (INP)"
)

UNREACHABLE_TEXT = re.compile(
    r"net::ERR_(?:CONNECTION_REFUSED|NAME_NOT_RESOLVED|ADDRESS_UNREACHABLE|CONNECTION_TIMED_OUT"
    r"|CERT_\w+|SSL_\w+|CONNECTION_RESET|INTERNET_DISCONNECTED|EMPTY_RESPONSE)"
)
BLOCKED_PORT = "net::ERR_UNSAFE_PORT"
PROVIDER_TEXT = re.compile(r"payment provider|gateway|psp", re.IGNORECASE)
#: A provider's decline in a JSON body (Stripe-like): the reason code, and its own message.
#: A data mismatch about what the shop stored or charged, not about what a page showed.
STORED_TEXT = re.compile(r"\bstored\b|\bpayments of\b|\bcharge[ds]?\b|not cleaned up", re.I)
#: Playwright's call log of an action on a covered element: what it waited for, and what
#: took the click instead ("<aside class="app-banner"> intercepts pointer events").
WAITED_FOR = re.compile(r"waiting for (.+)")
INTERCEPTED = re.compile(
    r"- (<.+?>)(?:…</\w+>)?(?: from <\w+>…</\w+> subtree)? intercepts pointer events"
)
DECLINE_CODE = re.compile(r'"(?:decline_code|code)"\s*:\s*"([A-Za-z_]+)"')
DECLINE_MESSAGE = re.compile(r'"message"\s*:\s*"([^"]+)"')
#: Where to look when the provider gave a reason and the page showed another one.
DECLINE_MAPPING_LOOK_FIRST = (
    "the storefront's mapping of decline reasons to what the page shows (the provider's "
    "answer is right)"
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _provider_failure(ev: Evidence) -> str | None:
    shop = _origin(ev.target_url)
    for req in ev.failed_requests:
        # Another origin decides only where the project declares it its payment provider:
        # any other third party's failure (an analytics script, an SDK behind a proxy) is
        # evidence, never the cause.
        provider = req.origin != shop and matches(req.origin, ev.payment_origins)
        if provider and req.in_frame:
            return f"the payment provider's frame did not load: {req.describe()}"
        if provider and (req.status is None or req.status >= 500):
            return f"request to the payment provider failed: {req.describe()}"
        if (
            req.origin == shop
            and req.status in (502, 503, 504)
            and PROVIDER_TEXT.search(req.body_excerpt)
        ):
            return f"the shop reports its payment provider failing: {req.describe()}"
    if ev.health:
        for comp in ev.health.down:
            if "payment" in comp.name.lower() or "gateway" in comp.name.lower():
                return f"/health reports {comp.name} down: {comp.error or comp.status}"
    return None


def _decline_shown_wrong(ev: Evidence, alerts: str) -> str | None:
    """The provider declined with a reason and the page showed a text that is not that
    reason's (the generic one, or another reason's).

    The shop's own API answering 402 is the decline; its reason is the provider's code in
    the answer where the body could still be read, else the test outcome of the card the
    shopper entered (``TestCard.outcome``, e.g. "insufficient_funds").
    """
    shop = _origin(ev.target_url)
    declined = next((r for r in ev.failed_requests if r.status == 402 and r.origin == shop), None)
    if declined is None or not alerts.strip():
        return None
    code = DECLINE_CODE.search(declined.body_excerpt)
    reason = code[1] if code else ev.card_outcome
    if not reason or reason == "approved":
        return None
    message = DECLINE_MESSAGE.search(declined.body_excerpt)
    shown = " ".join(alerts.split()).casefold()
    if reason.replace("_", " ").casefold() in shown or (
        message and " ".join(message[1].split()).casefold() in shown
    ):
        return None
    source = "its answer says so" if code else "the test outcome of the card entered"
    return (
        f"the provider declined with {reason!r} ({declined.method} {declined.path} → 402; "
        f"{source}), and the page did not name that reason"
        + (f": its message is {message[1]!r}" if message else "")
    )


def _explain(ev: Evidence, errors: ShopErrors) -> tuple[Category, str]:
    alerts = " ".join(ev.page_alerts)
    shop = _origin(ev.target_url)
    shop_5xx = [r for r in ev.failed_requests if r.origin == shop and r.status and r.status >= 500]
    if ev.harness_fault:
        return Category.HARNESS_ERROR, f"the harness raised {ev.error_type}"
    # Chromium refuses some ports outright (those of other protocols: 9, 25, 6000, …): the
    # shop may be fine, the URL is one no browser will load.
    blocked = BLOCKED_PORT in ev.error_message or any(
        r.origin == shop and BLOCKED_PORT in (r.error or "") for r in ev.failed_requests
    )
    if blocked:
        return (
            Category.TARGET_UNREACHABLE,
            f"the browser refuses to connect to the shop's port ({BLOCKED_PORT}: Chromium "
            "blocks the ports of other protocols): serve the shop on another port",
        )
    unreachable = UNREACHABLE_TEXT.search(ev.error_message)
    if unreachable and (not ev.url or ev.url.startswith(shop) or ev.url == "about:blank"):
        return (
            Category.TARGET_UNREACHABLE,
            f"the browser could not reach the shop ({unreachable[0]})",
        )
    # Mid-journey the shop went away: a navigation to it failed to connect (the page is
    # then the browser's own error page, and the wait for the next page timed out).
    refused = [
        r for r in ev.failed_requests
        if r.origin == shop and r.status is None and UNREACHABLE_TEXT.search(r.error or "")
    ]  # fmt: skip
    if refused:
        return (
            Category.TARGET_UNREACHABLE,
            f"the shop stopped answering: {refused[0].describe()}",
        )
    if ev.api_unreachable:
        reason = f"the shop's API could not be reached: {ev.api_unreachable}"
        return Category.TARGET_UNREACHABLE, reason
    if ev.data_mismatch:
        return Category.DATA_MISMATCH, ev.error_message.splitlines()[0]
    if ev.error_type == "AccessibilityViolations":
        return Category.ACCESSIBILITY, ev.error_message.splitlines()[0].removeprefix(
            "accessibility: "
        )
    provider = _provider_failure(ev)
    if provider:
        return Category.PAYMENT_PROVIDER, provider
    mapped_wrong = _decline_shown_wrong(ev, alerts)
    if mapped_wrong:
        return Category.PAYMENT_DECLINED, mapped_wrong
    if errors.says_payment_failed(alerts):
        return Category.PAYMENT_ERROR, f"the page told the shopper: {alerts!r}"
    if errors.says_declined(alerts):
        return Category.PAYMENT_DECLINED, f"the card was declined: {alerts!r}"
    if shop_5xx:
        return Category.SERVER_ERROR, f"the shop answered {shop_5xx[0].describe()}"
    if ev.page_errors:
        return Category.CLIENT_ERROR, f"uncaught page error: {ev.page_errors[0]}"
    if ev.error_type in ("SlowerThanUsual", "VitalsOverBudget"):
        return Category.SLOW, ev.error_message.splitlines()[0]
    # A step that finished over its budget, or a wait that timed out while the
    # shop was still answering; a timeout with nothing pending is a missing element.
    if ev.error_type == "StepOverBudget" or ev.pending_requests:
        detail = ev.pending_requests[0] if ev.pending_requests else "no request pending"
        return Category.SLOW, f"step took {ev.step_duration_s:.1f} s ({detail})"
    if ev.error_type in ("TimeoutError", "Error", "AssertionError"):
        return Category.UI_BROKEN, _covered(ev.error_message) or (
            "an element the step needs was missing or not actionable"
        )
    return Category.HARNESS_ERROR, f"unexplained {ev.error_type}"


def _covered(error: str) -> str | None:
    """``get_by_role("button", name="Place order") could not be clicked: <aside …> covers
    it`` from Playwright's call log, when another element took every click (the last one
    named: the page had settled by then)."""
    covering = INTERCEPTED.findall(error)
    if not covering:
        return None
    waited = WAITED_FOR.search(error)
    target = waited.group(1).strip() if waited else "the element"
    element = covering[-1] if len(covering[-1]) <= 160 else covering[-1][:159] + "…"
    return f"{target} could not be clicked: {element} covers it (it takes the clicks)"


def classify(ev: Evidence, errors: ShopErrors | None = None) -> Diagnosis:
    """Apply the rules of the module docstring to ``ev``; ``errors`` are the shop's phrases."""
    category, reason = _explain(ev, errors or ShopErrors())
    vitals = category == Category.SLOW and ev.error_type == "VitalsOverBudget"
    look_first = VITALS_LOOK_FIRST if vitals else LOOK_FIRST[category]
    if category == Category.PAYMENT_DECLINED and reason.startswith("the provider declined with"):
        look_first = DECLINE_MAPPING_LOOK_FIRST
    if category == Category.DATA_MISMATCH and STORED_TEXT.search(reason):
        look_first = STORED_LOOK_FIRST
    down = ev.health.down if ev.health else []
    if down and category not in (Category.HARNESS_ERROR, Category.TARGET_UNREACHABLE):
        names = ", ".join(c.name for c in down)
        look_first = f"{names} (reported down by /health)" + (
            f"; what did the deploy of shop v{ev.shop_version} change there?"
            if ev.shop_version
            else ""
        )
    return Diagnosis(ev, category, reason, look_first)
