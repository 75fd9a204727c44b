"""Round helpers: counts, top failure, and both /health shapes."""

from __future__ import annotations

from checkout_probe.probe.model import CheckoutResult, Round, snapshot_from_dict
from selftests.probe.support import HEALTH_DB_DOWN, make_round


def test_counts_and_top_failure() -> None:
    slow = CheckoutResult("failed", "slow", "confirm", "took 31 s", {}, ["/ev/slow.png"])
    base = make_round(0, 3)
    round_ = Round(base.started_at, base.finished_at, "prod", "1.4.3", (slow, *base.results))
    assert (round_.checkouts, round_.failures) == (21, 4)
    assert round_.failures_by_category() == {"payment_error": 3, "slow": 1}
    top = round_.top_failure()
    assert top is not None and top.category == "payment_error"
    assert make_round(1).top_failure() is None


def test_health_snapshot_from_list_or_mapping() -> None:
    listed = snapshot_from_dict(HEALTH_DB_DOWN)
    mapped = snapshot_from_dict(
        {
            "status": "degraded",
            "components": {
                "order-service database": {"status": "down", "error": "unable to open file"},
                "payment-provider": {"status": "ok"},
            },
        }
    )
    assert listed is not None and mapped is not None
    assert [c.name for c in listed.down] == [c.name for c in mapped.down]
    assert listed.describe() == "degraded — order-service database: unable to open file"
    assert snapshot_from_dict(None) is None
