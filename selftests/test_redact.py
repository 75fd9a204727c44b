"""Self-tests: card numbers and secrets are masked before they reach a report."""

from __future__ import annotations

import json

from checkout_probe.basics.redact import redact
from checkout_probe.evidence.scrub import scrub_text


def test_card_numbers_are_masked_with_or_without_spaces() -> None:
    text = "number=4242 4242 4242 4242&other=4000000000000002"
    masked = redact(text)
    assert "4242 4242 4242 4242" not in masked
    assert "4000000000000002" not in masked
    assert "[card …4242]" in masked and "[card …0002]" in masked


def test_short_numbers_such_as_prices_and_order_numbers_stay() -> None:
    assert redact("total 5035 cents, order CP-0012AB34, zip 90210") == (
        "total 5035 cents, order CP-0012AB34, zip 90210"
    )


def test_given_secrets_are_masked() -> None:
    assert redact("Bearer s3cr3t-token", ["s3cr3t-token"]) == "Bearer [redacted]"


def test_trace_lines_stay_valid_json_with_timestamps_while_card_data_goes() -> None:
    line = json.dumps(
        {
            "type": "before",
            "wallTime": 1764093600123,  # 13 digits: a clock, not a card
            "params": {"selector": 'internal:label="Card number"i', "value": "4242424242424242"},
            "body": "card 4000 0000 0000 9995 declined",
            "amount": 4242424242424242,  # a Luhn-valid 16-digit number under no clock key
        }
    )
    scrubbed = scrub_text(line + "\n")
    event = json.loads(scrubbed)  # the trace viewer must still read every line
    assert event["wallTime"] == 1764093600123
    assert event["params"]["value"] == "[redacted]"
    assert "9995" in event["body"] and "4000 0000 0000 9995" not in event["body"]
    assert event["amount"] == "[card …4242]"


def test_a_whole_json_document_stays_json() -> None:
    document = json.dumps(
        {"log": {"entries": [{"time": 1764093600123, "text": "4242424242424242"}]}}, indent=2
    )
    data = json.loads(scrub_text(document))
    assert data["log"]["entries"][0] == {"time": 1764093600123, "text": "[card …4242]"}


def test_card_fields_of_a_json_request_body_are_masked_by_key() -> None:
    body = json.dumps({"number": "4242424242424242", "cvc": "123", "exp": "12/30", "name": "Ann"})
    assert json.loads(scrub_text(body)) == {
        "number": "[redacted]",
        "cvc": "[redacted]",
        "exp": "[redacted]",
        "name": "Ann",
    }


def test_what_a_fill_into_a_card_field_typed_is_masked_in_the_action_log_too() -> None:
    card_cvc = (
        'internal:title="Card details" >> internal:control=enter-frame >> internal:label="CVC"i'
    )
    events = [
        {"type": "before", "callId": "c@1", "params": {"selector": card_cvc, "value": "123"}},
        {"type": "log", "callId": "c@1", "message": '  fill("123")'},
        {"type": "before", "callId": "c@2", "params": {"selector": "#city", "value": "Leeds"}},
        {"type": "log", "callId": "c@2", "message": '  fill("Leeds")'},
    ]  # fmt: skip
    scrubbed = [
        json.loads(line)
        for line in scrub_text("".join(json.dumps(e) + "\n" for e in events)).splitlines()
    ]
    assert scrubbed[0]["params"]["value"] == "[redacted]"
    assert scrubbed[1]["message"] == '  fill("[redacted]")'
    assert scrubbed[3]["message"] == '  fill("Leeds")'  # what is not card data stays readable


def test_a_posted_forms_card_fields_are_masked_by_name_while_headers_stay() -> None:
    request = {
        "headers": [{"name": "Content-Length", "value": "123"}],
        "postData": {
            "params": [{"name": "cvc", "value": "123"}, {"name": "exp", "value": "12/34"}]
        },
    }
    scrubbed = json.loads(scrub_text(json.dumps(request) + "\n"))
    assert scrubbed["headers"] == [{"name": "Content-Length", "value": "123"}]
    assert scrubbed["postData"]["params"] == [
        {"name": "cvc", "value": "[redacted]"},
        {"name": "exp", "value": "[redacted]"},
    ]
