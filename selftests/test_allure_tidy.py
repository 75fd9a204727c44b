"""Self-tests: the Allure results tidied at the end of a run
(checkout_probe/evidence/allure_tidy.py), on results shaped as allure-pytest writes them."""

from __future__ import annotations

import json
from pathlib import Path

from checkout_probe.evidence.allure_tidy import tidy, title


def test_a_title_is_the_docstrings_first_line_or_the_name_in_words() -> None:
    assert title("test_pay_twice", "Paying twice charges once.\n\nMore.", "chromium") == (
        "Paying twice charges once"
    )
    assert title("test_declined_card_is_refused", None, "chromium-visa") == (
        "Declined card is refused (visa)"
    )


def test_rows_that_say_nothing_go_and_messages_start_with_what_happened(tmp_path: Path) -> None:
    quiet = {"name": "page", "status": "passed", "start": 1, "stop": 2}
    failed = {"name": "orders", "status": "broken", "statusDetails": {"message": "no token"}}
    shown = {"name": "browser", "status": "passed", "attachments": [{"name": "log"}]}
    (tmp_path / "a-container.json").write_text(json.dumps(
        {"uuid": "a", "children": ["t"], "befores": [quiet, failed], "afters": [quiet, shown]}
    ))  # fmt: skip
    (tmp_path / "b-container.json").write_text(json.dumps(
        {"uuid": "b", "children": ["t"], "befores": [quiet], "afters": [quiet]}
    ))  # fmt: skip
    messages = {
        "t": "checkout_probe.diagnosis.evidence.CheckoutFailure: step 'pay' failed [payment_error]",
        "u": "AssertionError: stored total differs",
        "v": "playwright._impl._errors.TimeoutError: Timeout 5000ms exceeded",
    }
    for uuid, message in messages.items():
        (tmp_path / f"{uuid}-result.json").write_text(json.dumps(
            {"uuid": uuid, "name": "x", "status": "failed", "statusDetails": {"message": message}}
        ))  # fmt: skip

    tidied = tidy(tmp_path)

    kept = json.loads((tmp_path / "a-container.json").read_text())
    assert [r["name"] for r in kept["befores"] + kept["afters"]] == ["orders", "browser"]
    assert not (tmp_path / "b-container.json").exists(), "a container of nothing stays"
    cleaned = {u: json.loads((tmp_path / f"{u}-result.json").read_text())["statusDetails"]
               ["message"] for u in messages}  # fmt: skip
    assert cleaned == {
        "t": "step 'pay' failed [payment_error]",
        "u": "AssertionError: stored total differs",
        "v": "TimeoutError: Timeout 5000ms exceeded",
    }
    assert (tidied.fixture_rows_dropped, tidied.messages_cleaned) == (4, 2)
