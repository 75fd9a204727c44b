"""Self-test: card data and secrets never reach any artifact in clear.

Runs the suites (some failing) with tracing, screenshots and video on, then
scans every file the run produced — unzipping traces — for the card numbers,
the CVC as a field value, the shoppers' password and the API token.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from checkout_probe.target import LocalShop
from flows.cards import TEST_CARDS
from selftests.helpers import run_suites

TOKEN = "scan-token-Hq3mZ7"
PASSWORD = "Scan-Pa55-word-x9!"
CARD = next(iter(TEST_CARDS.values()))
CVC = CARD.cvc


def _encodings(value: str) -> set[bytes]:
    """``value`` as a trace may hold it: plain, without spaces, URL-encoded, JSON-escaped."""
    forms = {value, value.replace(" ", "")}
    forms |= {quote_plus(f) for f in set(forms)} | {quote(f, safe="") for f in set(forms)}
    forms |= {json.dumps(f)[1:-1] for f in set(forms)}  # JSON-escaped (inside a string)
    return {f.encode() for f in forms}


def _needles() -> list[bytes]:
    """Every typed value that is long enough to search for anywhere (the CVC is not)."""
    values = {c.number for c in TEST_CARDS.values()} | {c.expiry for c in TEST_CARDS.values()}
    return sorted({form for v in [*values, PASSWORD, TOKEN] for form in _encodings(v)})


#: Base64 runs long enough to hold a needle (resources, HAR bodies): decoded and searched too.
_BASE64 = re.compile(rb"[A-Za-z0-9+/]{16,}={0,2}")


def _decoded_base64(data: bytes) -> Iterator[bytes]:
    for run in _BASE64.findall(data):
        with contextlib.suppress(binascii.Error, ValueError):
            yield base64.b64decode(run + b"=" * (-len(run) % 4), validate=True)


# The CVC is three digits: look for it as a typed or stored value, not anywhere
# ("Content-Length: 123" is a header, not a card).
_CVC_AS_VALUE = re.compile(
    rb'(?:"(?:value|cvc|__playwright_value_)"\s*:\s*"|value="|(?:fill|type)\(\\?")'
    + CVC.encode()
    + rb'(?:\\?")|cvc=' + CVC.encode() + rb"(?!\d)"
)
_HEADER_BEFORE = re.compile(rb'\{"name"\s*:\s*"([^"]*)"\s*,\s*$')


def _cvc_leaks(data: bytes) -> list[str]:
    """Each place the CVC is a value, with what precedes it (for the failure message)."""
    leaks = []
    for match in _CVC_AS_VALUE.finditer(data):
        before = data[max(0, match.start() - 80) : match.start()]
        header = _HEADER_BEFORE.search(before)
        if header and not re.search(rb"cvc|cvv|csc", header.group(1), re.IGNORECASE):
            continue  # a name/value pair whose name is not a card field (a header)
        leaks.append((before + match.group(0)).decode(errors="replace"))
    return leaks


def _contents(root: Path) -> Iterator[tuple[str, bytes]]:
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield str(path), data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield f"{path}!{name}", archive.read(name)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalShop]:
    """A demo shop whose order service mis-prices orders, so some checkouts fail."""
    with LocalShop(tmp_path_factory.mktemp("scan-shop"), api_token=TOKEN) as started:
        httpx.post(
            f"{started.url}/admin/faults",
            json={"fault": "price-mismatch"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ).raise_for_status()
        yield started


def test_no_card_number_cvc_password_or_token_in_any_artifact(
    tmp_path: Path, shop: LocalShop
) -> None:
    config = tmp_path / "environments.toml"
    config.write_text(
        f'[scan]\nbase_url = "{shop.url}"\napi_token_env = "SCAN_TOKEN"\n'
        'shopper_password_env = "SCAN_PASSWORD"\npreflight = "reachable"\n'
    )
    reports = tmp_path / "reports"
    run = run_suites(
        reports, "tests", "--env", "scan", "--config", str(config),
        "--tracing=on", "--screenshot=on", "--video=on",
        env={"SCAN_TOKEN": TOKEN, "SCAN_PASSWORD": PASSWORD},
    )  # fmt: skip

    totals = run.summary()["totals"]
    assert totals.get("failed", 0) >= 1 and totals.get("passed", 0) >= 1, run.output[-3000:]
    files = list(_contents(reports))
    kinds = {Path(name.split("!")[0]).suffix for name, _ in files}
    assert {".zip", ".png", ".webm", ".json", ".xml"} <= kinds, kinds
    assert any("!" in name for name, _ in files), "no trace was unzipped"
    needles = _needles()
    leaks, decoded = [], 0
    for name, data in files:
        pixels = name.endswith((".png", ".jpeg", ".jpg", ".webm"))  # masked at capture instead
        blobs = [data] if pixels else [data, *_decoded_base64(data)]
        decoded += len(blobs) - 1
        leaks += [(name, n.decode()) for n in needles for blob in blobs if n in blob]
        leaks += [(name, f"CVC: …{leak}") for leak in _cvc_leaks(data)]
    print(
        f"artifact scan: {sum('!' not in n for n, _ in files)} files and "
        f"{sum('!' in n for n, _ in files)} archive entries, {decoded} base64 runs decoded; "
        f"{len(needles)} forms of {len(TEST_CARDS)} cards' numbers and expiry, the password and "
        f"the token, and the CVC as a field value; {len(leaks)} hits"
    )
    assert leaks == []
