"""Rounds of a made-up history (a bad deploy on a 5-minute schedule) for the history tests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_command import main
from checkout_probe.probe.model import CheckoutResult, Round
from checkout_probe.probe.rule import HEALTHY, DecisionRule
from selftests.probe.support import CADENCE, HEALTH_DB_DOWN, HEALTH_OK, T0

RULE = DecisionRule()
#: The first line of a diagnosis, as the harness writes it for the bad-db-connection-string fault.
BAD_DB = (
    "step 'place order' failed [payment_error]: page showed 'Payment Processing Error We could"
    " not complete your order. Please try again.'\n"
    '  failing request: POST /api/orders → 500 \'{"detail":"could not connect to database"}\'\n'
    "  /health right after: degraded — order-service database: unable to open database file"
)


def checkout(round_no: int, n: int, *, fails: bool) -> CheckoutResult:
    """One checkout of round ``round_no``; a failed one carries its trace and screenshot."""
    steps = {"open catalog": 0.4, "add to cart": 0.6, "place order": 1.1 + n / 100}
    if not fails:
        return CheckoutResult("passed", None, None, "", steps, [])
    evidence = [
        f"reports/probe/evidence/r{round_no}/c{n}/{name}" for name in ("trace.zip", "fail.png")
    ]
    return CheckoutResult("failed", "payment_error", "place order", BAD_DB, steps, evidence)


def make_round(index: int, failures: int, version: str, env: str = "prod") -> Round:
    """Round ``index`` of the 5-minute schedule: ``failures`` of 20 checkouts fail."""
    started = T0 + index * CADENCE
    return Round(
        started_at=started,
        finished_at=started + timedelta(seconds=80),
        env=env,
        shop_version=version,
        results=tuple(checkout(index, n, fails=n < failures) for n in range(20)),
        health=HEALTH_DB_DOWN if failures else HEALTH_OK,
    )


def record(store: HistoryStore, rounds: list[Round]) -> None:
    """Judge each round with the real decision rule, as the probe does, and store it."""
    for round_ in rounds:
        before = store.recent(round_.env, RULE.window_rounds - 1)
        previous = before[-1].verdict if before else HEALTHY
        window = [(r.failures, r.k) for r in before] + [(round_.failures, round_.checkouts)]
        store.add(round_, RULE.decide(window, previous))


def bad_deploy() -> list[Round]:
    """Four healthy rounds on 1.4.1; 1.4.2 fails a few checkouts, then a third of them."""
    healthy = [make_round(i, 0, "1.4.1") for i in range(4)]
    return [*healthy, *(make_round(4 + i, f, "1.4.2") for i, f in enumerate((2, 5, 6, 7)))]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """``checkout-probe history ARGV``; returns what it printed (exit 0 asserted)."""
    assert main(list(argv)) == 0
    return capsys.readouterr().out


#: Ten steps of two journeys: more than a small palette has colours.
OUTAGE_STEPS = (
    "open catalog", "search", "product page", "add to cart", "view cart",
    "contact and address", "shipping method", "payment details", "place order", "confirmation",
)  # fmt: skip
#: What a shop page said, quoted by a diagnosis: untrusted, so the page must show it as text.
HOSTILE = (
    "step 'contact and address' failed [validation_error]: page showed 'Postcode"
    " <img src=x onerror=alert(1)> is not valid'"
)
SLOW = "step 'shipping method' failed [slow]: took 9.1 s, over its 5.0 s budget"
#: Where the outage's failures leave evidence: the probe's relative folder, an upload, and
#: (for the slow ones) an absolute folder the test names.
EVIDENCE = "reports/probe/evidence/prod"
UPLOADS = "https://evidence.example/prod"


def _timings(round_no: int, n: int, broken: bool) -> dict[str, float]:
    # A little deterministic wobble per round and step, so the lines are lines.
    times = {
        step: 0.3 + 0.12 * i + 0.04 * ((round_no * 5 + i * 3) % 7) + n / 400
        for i, step in enumerate(OUTAGE_STEPS)
    }
    if broken:
        times["place order"] += 2.5
        times["shipping method"] += 1.2
    return times


def _vitals(round_no: int, broken: bool) -> dict[str, dict[str, float]]:
    vitals: dict[str, dict[str, float]] = {}
    for i, step in enumerate(OUTAGE_STEPS):
        wobble = (round_no * 3 + i) % 5
        values = {"LCP": 700.0 + 140 * i + 60 * wobble}
        if i % 2 == 0:
            values["CLS"] = 0.01 + 0.008 * i + (0.12 if broken and i == 4 else 0.0)
        if i >= 3:
            values["INP"] = 40.0 + 12 * i + 8 * wobble
        vitals[step] = values
    return vitals


def outage_checkout(round_no: int, n: int, kind: str | None, absolute: str) -> CheckoutResult:
    """Checkout ``n`` of round ``round_no``: passed (``kind`` None) or failed as ``kind``
    (payment_error, slow or validation_error), each kind with its own evidence."""
    broken = kind is not None or round_no in range(4, 8)  # 1.4.2 is slow for everyone
    steps = _timings(round_no, n, broken)
    journey = "guest checkout" if n % 2 == 0 else "registered checkout"
    device = "Desktop Chrome" if n % 4 < 2 else "Pixel 7"
    vitals = _vitals(round_no, broken)
    where = f"r{round_no}/c{n}"
    if kind is None:
        return CheckoutResult(
            "passed", None, None, "", steps, [], journey, device=device, step_vitals=vitals
        )
    failures = {
        "payment_error": ("place order", BAD_DB,
                          [f"{UPLOADS}/{where}/trace.zip", f"{EVIDENCE}/{where}/failure.png"]),
        "slow": ("shipping method", SLOW, [f"{absolute}/{where}/failure.png"]),
        "validation_error": ("contact and address", HOSTILE, [f"{EVIDENCE}/{where}/page.html"]),
    }  # fmt: skip
    step, message, evidence = failures[kind]
    return CheckoutResult(
        "failed", kind, step, message, steps, evidence, journey, device=device,
        step_vitals=vitals,
    )  # fmt: skip


def outage(absolute: str) -> list[Round]:
    """Four healthy rounds on 1.4.1, an outage on 1.4.2 (3, 7, 8 and 6 of 20 failed: mostly
    payment errors, some slow, one a form error quoting hostile page text), then 1.4.3 heals
    it for three rounds. The slow checkouts keep evidence under ``absolute``."""
    kinds = ("payment_error", "payment_error", "slow", "payment_error", "validation_error")
    schedule = [(0, "1.4.1")] * 4 + [(f, "1.4.2") for f in (3, 7, 8, 6)] + [(0, "1.4.3")] * 3
    rounds = []
    for index, (failures, version) in enumerate(schedule):
        started = T0 + index * CADENCE
        results = tuple(
            outage_checkout(index, n, kinds[n % len(kinds)] if n < failures else None, absolute)
            for n in range(20)
        )
        rounds.append(Round(started, started + timedelta(seconds=80), "prod", version, results,
                            HEALTH_DB_DOWN if failures else HEALTH_OK))  # fmt: skip
    return rounds
