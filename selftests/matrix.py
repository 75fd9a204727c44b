"""The detection matrix: the smoke suite against the demo shop, healthy and once per fault.

Shared by the self-test (``test_detection_matrix.py``) and the script that
prints it as a table (``bench/detection_matrix.py``).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from selftests.helpers import WITH_ACCESSIBILITY, run_suites, run_verify

#: The "category" of a fault the checkouts survive and cleanup reports (not cleaned up).
CLEANUP = "not cleaned up"


@dataclass(frozen=True)
class FaultCase:
    """One row of the matrix: a fault (None = healthy) and the category it must produce."""

    fault: str | None
    expected: str | None
    shop_args: tuple[str, ...] = ()
    #: Extra options of the suite run (a baseline to judge step times by).
    suite_args: tuple[str, ...] = ()
    #: What the failure message must say: the evidence that points at the cause.
    says: str = ""
    #: The checkouts that show the fault: the smoke suite, or the tests that can.
    selection: tuple[str, ...] = ("tests", "-m", "smoke")
    #: "pytest" (the suites), or "verify" (the deploy gate, with its burst).
    entry: str = "pytest"
    #: The row's name where the fault alone does not say it (a shop trait, two together).
    label: str = ""
    #: The run checks pages with axe-core (the self-tests' runs do not unless asked).
    accessibility: bool = False
    #: The fault makes a wait run out (a button that never takes a click): the message must
    #: still name the cause, beside the timeout.
    waited_out: bool = False

    @property
    def name(self) -> str:
        """The row's label."""
        return self.label or self.fault or "healthy"


#: One checkout of a generated cart: enough to show that a shop trait fails nothing.
GENERATED_CART_TEST = (
    "test_guest_checkout_of_a_generated_cart_is_priced_shown_stored_and_charged_as_expected"
)

#: The environments of the rows that need a device or a network profile to show.
DEVICES = Path(__file__).resolve().parent / "data" / "devices.toml"
ON_A_PHONE = (f"--config={DEVICES}", "--env=phone")
ON_A_SLOW_PHONE = (f"--config={DEVICES}", "--env=phone-slow-4g")

#: Step times of 60 healthy checkouts of generated carts on this kind of machine, two at a
#: time, recorded with ``bench/false_failures.py -n 60 --record-baseline`` (see its header).
BASELINE = Path(__file__).resolve().parent / "data" / "demo-baseline.json"

MATRIX: tuple[FaultCase, ...] = (
    # Healthy, every page checked with axe-core: the demo shop has no WCAG A/AA violation.
    FaultCase(None, None, suite_args=("--a11y-fail=all=minor",), accessibility=True),
    # The docs show this row's diagnosis, its step title's amount as an American shopper's.
    FaultCase(
        "bad-db-connection-string",
        "payment_error",
        suite_args=("--shopper-locale=en_US",),
        says="POST /api/orders → 500",
    ),
    # Every session on the broken replica; the 20 % default is the probe's job to catch.
    FaultCase("partial", "payment_error", ("--fault-rate=1.0",)),
    FaultCase("payment-gateway-down", "payment_provider"),
    FaultCase("payment-gateway-slow", "slow", ("--fault-delay=8",)),
    FaultCase("decline-all", "payment_declined"),
    FaultCase("price-mismatch", "data_mismatch"),
    FaultCase("checkout-button-broken", "ui_broken"),
    FaultCase("js-error", "client_error"),
    FaultCase("confirmation-without-order", "data_mismatch"),
    FaultCase("catalog-db-down", "server_error"),
    # Bugs nobody named: the shop agrees with itself, so only an independent
    # expectation, the full read-back and the charges can tell.
    FaultCase("tax-rounding", "data_mismatch", says="rounded half up"),
    FaultCase("double-charge", "data_mismatch", says="2 successful charges"),
    FaultCase("other-shopper-on-confirmation", "data_mismatch", says="e-mail is 'jane.example@"),
    FaultCase("stale-order-number", "data_mismatch", says="but the order stored for"),
    FaultCase("wrong-stored-quantity", "data_mismatch", says="quantity of '"),
    FaultCase(
        "payment-frame-404",
        "payment_provider",
        says="frame did not load: GET http://127.0.0.1:",
    ),
    # 3 s more to place an order: within its 6 s budget, far above its usual time.
    FaultCase(
        "slow-order-endpoint",
        "slow",
        ("--fault-delay=3",),
        (f"--baseline={BASELINE}",),
        says="its baseline p95 of",
    ),
    FaultCase(
        "error-with-200", "payment_error", says="POST /api/orders → 200 with an error in its body"
    ),
    # What the shopper feels: the form jumps as they type. Only a web-vitals budget sees it,
    # and it fails the step only where the project asks (here, for the contact step).
    FaultCase(
        "layout-shift",
        "slow",
        suite_args=("--vitals-fail=contact and address",),
        says="web vitals over budget: CLS 0.",
    ),
    # A payment field without an accessible name: the card is still typed (the page object
    # falls back to its test id); axe-core names the field, failing 'pay' only where asked.
    FaultCase(
        "unlabelled-payment-field",
        "accessibility",
        suite_args=("--a11y-fail=pay=serious",),
        accessibility=True,
        says="[accessibility]: 1 critical violation on /checkout/payment: label — Form elements "
        "must have labels (#card-frame >>> #card-number)",
    ),
    # The order's life after "thank you", and a gate that sees a partial outage.
    # Every 4th order placement of a shop process fails: no smoke run places 4 orders in
    # one shop, the gate's burst does.
    FaultCase(
        "intermittent-orders",
        "payment_error",
        entry="verify",
        says="gate: roll back",
    ),
    FaultCase(
        "order-left-pending", "data_mismatch", says="is stored as 'pending', expected 'paid'"
    ),
    # The checkout is fine; cleanup answers 200 and changes nothing: read back, not trusted.
    FaultCase("noop-cancel", CLEANUP, says="but the order is still 'paid'"),
    # A refused card charged on the token of the shop's first successful payment.
    FaultCase(
        "charge-first-card",
        "data_mismatch",
        says="was created and charged although the card the shopper entered",
        selection=(
            "tests/test_guest_checkout.py::"
            "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order",
            "tests/test_payment_failures.py",
        ),
    ),
    # The euro sign where the shopper's locale puts it: '€12.99' (en_US), '12,99 €' (de_DE).
    FaultCase("misformatted-amount", "data_mismatch", says="€"),
    # Only German pages are wrong: a run whose shoppers are German shows it (a run of mixed
    # shoppers shows it only when one of them happens to be German).
    FaultCase(
        "locale-format",
        "data_mismatch",
        suite_args=("--shopper-locale=de_DE",),
        says="catalog: price of 'Trail Mug' shows '12.99 $', expected '12,99 $' (USD in de_DE)",
    ),
    FaultCase(
        "stale-session-totals",
        "data_mismatch",
        says="review page: subtotal is",
        selection=("tests/test_repeat_orders.py",),
    ),
    FaultCase(
        "cart-kept-after-order",
        "data_mismatch",
        says="still holds 2 × 'Trail Mug'",
        selection=("tests/test_repeat_orders.py",),
    ),
    FaultCase(
        "generic-decline-message",
        "payment_declined",
        says="the storefront's mapping of decline reasons",
        selection=("tests/test_payment_failures.py",),
    ),
    # Real shops are messy. A third-party script (the CDN stand-in) fails on every page: the
    # checkout must pass, and with the incident's fault still read the order service's.
    FaultCase(
        None,
        None,
        ("--cdn-down",),
        label="third-party-script-down",
        selection=(f"tests/test_guest_checkout.py::{GENERATED_CART_TEST}",),
    ),
    FaultCase(
        "bad-db-connection-string",
        "payment_error",
        ("--cdn-down",),
        says="look first at: order-service database",
        label="third-party-script-down + bad-db-connection-string",
    ),
    FaultCase(
        "payment-provider-down",
        "payment_provider",
        says="the payment provider's frame did not load: GET http://127.0.0.1:",
    ),
    # Server-rendered pages that hydrate late, and a step that re-renders while it saves:
    # no sleeps, no false failure.
    # Half a second of inert page is enough to lose typing that does not wait for it.
    FaultCase("hydration-delay", None, ("--fault-delay=0.5",)),
    FaultCase(
        "rerender-while-saving",
        None,
        selection=(f"tests/test_guest_checkout.py::{GENERATED_CART_TEST}",),
    ),
    # Shoppers as they arrive: on a phone, on a slow network. Each fault shows only there
    # (a desktop checkout passes), so its row runs on the device or profile that exposes it.
    FaultCase(
        None,
        None,
        suite_args=ON_A_PHONE,
        label="healthy on Pixel 7",
        selection=(f"tests/test_guest_checkout.py::{GENERATED_CART_TEST}",),
    ),
    FaultCase(
        "covered-on-narrow-screens",
        "ui_broken",
        suite_args=ON_A_PHONE,
        says='get_by_role("button", name="Place order") could not be clicked: <aside',
        selection=(f"tests/test_guest_checkout.py::{GENERATED_CART_TEST}",),
        waited_out=True,
    ),
    FaultCase(
        "heavy-hero-image",
        "slow",
        suite_args=ON_A_SLOW_PHONE,
        says="step 'open catalog' failed [slow]: web vitals over budget: LCP",
        selection=(f"tests/test_guest_checkout.py::{GENERATED_CART_TEST}",),
    ),
)

FAILURE_HEADLINE = re.compile(r"^step '[^']+' failed \[")
#: The verify's line that starts its rollback's diagnosis (the burst's first failure).
GATE_FAILURE = re.compile(r"^FAILED burst checkout ")

#: Long enough for the slow fault (8 s) to finish and be measured against its
#: budget, short enough that a missing element does not hold a row for 20 s.
ACTION_TIMEOUT_S = "12"


@dataclass(frozen=True)
class MatrixRow:
    """What one run of the smoke suite showed."""

    case: FaultCase
    returncode: int
    outcomes: dict[str, int]
    categories: dict[str, int]
    failing_step: str | None
    message: str
    seconds: float
    #: The first failure message as pytest printed it (the diagnosis), "" when none failed.
    failure_text: str = ""
    #: Everything the run printed.
    output: str = ""

    @property
    def category(self) -> str | None:
        """The category of the first failed checkout, if any failed."""
        return next(iter(self.categories), None)

    @property
    def detected(self) -> bool:
        """True when the run failed, or (healthy) passed; with the expected category, and
        a message that says what the case expects it to."""
        if self.case.expected is None:
            return self.returncode == 0 and not self.categories
        if self.case.expected == CLEANUP:
            return self.category == CLEANUP and self.case.says in self.failure_text
        return (
            self.returncode == 1
            and self.category == self.case.expected
            and self.case.says in self.failure_text
        )


def run_case(case: FaultCase, reports: Path) -> MatrixRow:
    """Run the case's checkouts against a demo shop started with the case's fault."""
    shop_args = [f"--shop-arg=--fault={case.fault}"] if case.fault else []
    shop_args += [f"--shop-arg={arg}" for arg in case.shop_args]
    if case.entry == "verify":
        return _run_verify(case, reports, shop_args)
    started = time.monotonic()
    # -x: the first failed checkout is the detection; the rest would only wait again.
    run = run_suites(
        reports, *case.selection, "-x", f"--action-timeout={ACTION_TIMEOUT_S}",
        *shop_args, *case.suite_args, env=WITH_ACCESSIBILITY if case.accessibility else None,
    )  # fmt: skip
    seconds = time.monotonic() - started
    summary = run.summary()
    failed = [t for t in summary["tests"] if t.get("outcome") == "failed"]
    diagnosis = (failed[0].get("diagnosis") or {}) if failed else {}
    categories = summary["categories"]
    text = first_failure_text(run.output)
    left = [c for t in summary["tests"] for c in t.get("cleanup", []) if not c["ok"]]
    if not failed and left:
        # Every checkout passed; what is wrong is what cleanup left in the shop.
        categories = {CLEANUP: len(left)}
        text = "\n".join(f"{c['kind']} {c['key']}: {c['detail']}" for c in left)
    return MatrixRow(
        case=case,
        returncode=run.returncode,
        outcomes=summary["totals"],
        categories=categories,
        failing_step=failed[0].get("failing_step") if failed else None,
        message=diagnosis.get("reason", ""),
        seconds=seconds,
        failure_text=text,
        output=run.output,
    )


def _run_verify(case: FaultCase, reports: Path, shop_args: list[str]) -> MatrixRow:
    started = time.monotonic()
    code, output, _ = run_verify("--reports", str(reports), *shop_args, *case.suite_args)
    seconds = time.monotonic() - started
    summary = json.loads((reports / "summary.json").read_text())
    gate = summary.get("gate") or {}
    failed = [t for t in gate.get("trials", []) if t["outcome"] == "failed"]
    failed += [t for t in summary["tests"] if t.get("outcome") == "failed"]
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if GATE_FAILURE.match(line)), None)
    decision = [line for line in lines if line.startswith("gate: ")][-1:]
    text = "\n".join(decision + (lines[start : start + 8] if start is not None else []))
    return MatrixRow(
        case=case,
        returncode=code,
        outcomes={"checkouts": gate.get("checkouts", 0), "failed": gate.get("failures", 0)},
        categories={failed[0]["category"]: len(failed)} if failed else {},
        failing_step=failed[0].get("failing_step") if failed else None,
        message=failed[0].get("message", "") if failed else "",
        seconds=seconds,
        failure_text=text,
    )


def first_failure_text(output: str) -> str:
    """The first diagnosis in pytest's output: from "step '…' failed [" to "underlying error"."""
    lines = [line.removeprefix("E").strip() for line in output.splitlines()]
    start = next((i for i, line in enumerate(lines) if FAILURE_HEADLINE.match(line)), None)
    if start is None:
        return ""
    end = next(
        (i for i in range(start, len(lines)) if lines[i].startswith("underlying error:")),
        start,
    )
    return "\n".join(lines[start : end + 1])
