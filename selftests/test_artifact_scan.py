"""Self-test: card data and secrets never reach any artifact in clear.

Runs the suites (some failing) with tracing, screenshots and video on, then
scans every file the run produced — unzipping traces — for the card numbers,
the CVC as a field value, the shoppers' password and the API token; and reads every
screenshot and every changed video frame by OCR for what a person would see typed.
Then a project whose own code raises with every secret of the run in its message (a failed
check inside a step, a bug outside one) runs through ``verify`` and ``probe --once``, and
everything they print and keep is searched the same way.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest
from playwright.sync_api import Browser

from checkout_probe.checkout.browser import ensure_video_ffmpeg
from checkout_probe.checkout.context import MASK_SCRIPT
from checkout_probe.target import LocalShop
from flows.cards import TEST_CARDS
from selftests.helpers import CLI, run_suites
from selftests.pixels import PictureScan, scan_picture, scan_pictures, squeezed
from selftests.probe.running import workable_rule

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


def _seen_needles() -> list[str]:
    """What a picture must not show: each card number whole and its first twelve digits (the
    last four are the shop's own "ending 4242"), the expiry, the password and the token.
    The CVC's three digits are no needle for OCR (prices hold them): its field is masked
    by the same rule as the others, which the control test shows works."""
    numbers = [squeezed(c.number) for c in TEST_CARDS.values()]
    expiry = {squeezed(c.expiry) for c in TEST_CARDS.values()}
    return sorted({*numbers, *(n[:12] for n in numbers), *expiry, PASSWORD, TOKEN})


def _read_pictures(root: Path, workdir: Path) -> list[PictureScan]:
    pictures = sorted(p for p in root.rglob("*") if p.suffix in {".png", ".jpeg", ".webm"})
    return scan_pictures(pictures, workdir)


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
)  # fmt: skip
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


#: Every kind of secret a shopper types, on every kind of page that takes one: the card of a
#: guest checkout (its review, confirmation and failure screenshot), the refused cards and
#: their payment page again, the password of a registered shopper. The other suites type
#: the same fields on the same pages; their frames would double the OCR for nothing new.
SCANNED = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_of_a_generated_cart_is_priced_shown_stored_and_charged_as_expected",
    "tests/test_registered_checkout.py",
    "tests/test_payment_failures.py",
)


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
        reports, *SCANNED, "--env", "scan", "--config", str(config),
        # Traces with everything they can hold: DOM snapshots and the screencast too.
        "--tracing=on", "--trace-snapshots", "--trace-screenshots", "--screenshot=on", "--video=on",
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

    pictures = _read_pictures(reports, tmp_path / "frames")
    videos = [p for p in pictures if p.artifact.endswith(".webm")]
    needles_seen = _seen_needles()
    seen = [(p.artifact, hit) for p in pictures for hit in p.hits(needles_seen)]
    payment_pages = sum("Card number" in p.text for p in videos)
    print(
        f"pixel scan: {len(pictures) - len(videos)} screenshots and {len(videos)} videos "
        f"({sum(p.frames for p in videos)} changed frames) read by OCR, {payment_pages} videos "
        f"showing the payment form; {len(needles_seen)} values looked for; {len(seen)} hits"
    )
    assert len(videos) >= 4 and payment_pages >= 4, "OCR did not read the payment pages"
    assert seen == []


_PAYMENT_FORM = (
    # Styled like a shop's form (its fonts and sizes), where the suites' videos show one.
    "<html><head><style>body { font: 16px sans-serif; margin: 40px }"
    " input { font: inherit; padding: 6px; margin: 8px } label { display: block }</style>"
    "</head><body><h1>Payment</h1>"
    "<label>Card number <input name='card_number' autocomplete='cc-number' size='24'></label>"
    "<label>Expiry date <input name='expiry' autocomplete='cc-exp' size='10'></label>"
    "<label>Name on card <input name='holder' size='24'></label>"
    "</body></html>"
)


@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "masked"])
def test_ocr_reads_a_typed_card_in_a_video_frame_unless_the_harness_masks_it(
    browser: Browser, tmp_path: Path, masked: bool
) -> None:
    # The control for the pixel scan: the same OCR, on frames of the same size, does read
    # a card number and expiry typed into a plain page, and reads neither with the mask.
    # It records video itself, so it links the ffmpeg as the plugin does for --video (on a
    # fresh machine this test can run before any suite run has).
    ensure_video_ffmpeg(os.environ.get("PLAYWRIGHT_BROWSERS_PATH"))
    context = browser.new_context(
        record_video_dir=str(tmp_path), viewport={"width": 1280, "height": 720}
    )
    if masked:
        context.add_init_script(MASK_SCRIPT)
    page = context.new_page()
    page.route(
        "http://control.test/",
        lambda route: route.fulfill(body=_PAYMENT_FORM, content_type="text/html"),
    )
    page.goto("http://control.test/")
    page.get_by_label("Expiry date").fill(CARD.expiry)
    page.get_by_label("Card number").fill(CARD.number)
    # A shopper goes on typing after the card: the video's frames catch up meanwhile.
    page.get_by_label("Name on card").press_sequentially("Control Holder")
    page.screenshot(path=str(tmp_path / "filled.png"))
    context.close()

    pictures = [
        scan_picture(p, tmp_path / "frames")
        for p in (*tmp_path.glob("*.webm"), tmp_path / "filled.png")
    ]
    assert [p.artifact.endswith(".webm") for p in pictures] == [True, False]
    read_the_form = all("Payment" in p.text and "Card" in p.text for p in pictures)
    assert read_the_form, pictures
    typed = [squeezed(CARD.number), squeezed(CARD.expiry)]
    found = {Path(p.artifact).suffix: p.hits(typed) for p in pictures}
    assert found == ({".webm": [], ".png": []} if masked else {".webm": typed, ".png": typed})


#: A project whose code raises with every secret of the run in its message: a failed check
#: inside a step (a smoke test, as verify and pytest run it) and a bug outside any step (its
#: journey, as the probe and verify's burst run it).
_LEAKY_SHOP = """
import os
from checkout_probe.shop import Shop
from checkout_probe.shop.data import TestCard


def secrets_in_clear():
    return (f"token {os.environ['SCAN_TOKEN']} password {os.environ['SCAN_PASSWORD']} "
            f"declared {os.environ['SCAN_DECLARED']}")


def open_shop(journey):
    with journey.step("open shop"):
        journey.page.goto("/")


def buggy(journey, shopper, card, **kwargs):
    open_shop(journey)
    raise RuntimeError(f"journey bug: {secrets_in_clear()}")


SHOP = Shop(
    name="leaky project",
    steps={"open shop": 10.0, "check": 10.0},
    cards={"test": {"approved": TestCard("4111 1111 1111 1111", "12 / 34", "123", "approved")}},
    journeys={"buggy": buggy},
)
"""

_LEAKY_TESTS = """
import pytest

from shop import open_shop, secrets_in_clear


@pytest.mark.smoke
def test_a_check_that_echoes_every_secret(journey):
    open_shop(journey)
    with journey.step("check"):
        assert False, f"the shop echoed {secrets_in_clear()}"
"""


def _leaky_project(folder: Path, shop_url: str) -> Path:
    (folder / "tests").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        '[tool.checkout-probe]\nshop = "shop:SHOP"\n[tool.pytest.ini_options]\n'
        'testpaths = ["tests"]\nmarkers = ["smoke: the deploy gate\'s checkouts"]\n'
    )
    (folder / "environments.toml").write_text(
        f'[scan]\nbase_url = "{shop_url}"\napi_token_env = "SCAN_TOKEN"\n'
        'shopper_password_env = "SCAN_PASSWORD"\npreflight = "reachable"\n'
        '[scan.secrets]\ndeclared = "SCAN_DECLARED"\n'
    )
    (folder / "shop.py").write_text(_LEAKY_SHOP)
    (folder / "tests" / "test_leaky.py").write_text(_LEAKY_TESTS)
    return folder


def test_a_projects_exception_carrying_every_secret_reaches_no_output_in_clear(
    tmp_path: Path, shop: LocalShop
) -> None:
    # Before: the probe printed such a message in its round line and logged traceback, and
    # pytest/verify kept it in summary.json, JUnit and Allure.
    declared = "declared-Secret-7Tq"
    assert shop.url is not None
    project = _leaky_project(tmp_path / "project", shop.url)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CHECKOUT_PROBE_")},
        "SCAN_TOKEN": TOKEN, "SCAN_PASSWORD": PASSWORD, "SCAN_DECLARED": declared,
    }  # fmt: skip
    out = tmp_path / "out"
    runs = {
        "verify": [CLI, "verify", "--env", "scan", "--reports", str(out / "verify"),
                   "--gate-checkouts", "0", "--retries", "0", "--workers", "1"],
        "probe": [CLI, "probe", "--env", "scan", "--once", "--checkouts", "2",
                  "--history", f"sqlite:///{out / 'history.sqlite'}",
                  "--evidence-dir", str(out / "evidence"), *workable_rule(["--checkouts", "2"])],
    }  # fmt: skip
    out.mkdir()
    printed: dict[str, str] = {}
    for name, command in runs.items():
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                              timeout=240)  # fmt: skip
        printed[name] = done.stdout + done.stderr
        (out / f"{name}.output.txt").write_text(printed[name])
        assert done.returncode in {1, 4}, printed[name][-3000:]
    # Each path was taken: the check inside a step and the bug outside one, both redacted.
    summary = (out / "verify" / "summary.json").read_text()
    assert "the shop echoed token [redacted] password [redacted] declared [redacted]" in summary
    assert "journey bug: token [redacted]" in printed["probe"], printed["probe"][-3000:]

    files = list(_contents(out))
    needles = sorted({form for v in (TOKEN, PASSWORD, declared) for form in _encodings(v)})
    leaks = [(name, n.decode()) for name, data in files for n in needles if n in data]
    print(
        f"exception scan: {sum('!' not in n for n, _ in files)} files (the outputs of verify and "
        f"probe --once, reports, evidence, history) and {sum('!' in n for n, _ in files)} "
        f"archive entries; {len(needles)} forms of the token, the password and a declared "
        f"secret; {len(leaks)} hits"
    )
    assert {".json", ".xml", ".sqlite", ".txt"} <= {Path(n.split("!")[0]).suffix for n, _ in files}
    assert leaks == []
