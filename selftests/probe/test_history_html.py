"""``checkout-probe history --html``: in a real browser, the page shows the chart and the
deploy, draws each step in one colour with legends in it, the decision rule's thresholds,
no label over another, and the failed checkouts linked to their evidence."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.render_failures import evidence_href
from selftests.probe.history_rounds import (
    OUTAGE_STEPS,
    RULE,
    UPLOADS,
    bad_deploy,
    outage,
    record,
    run,
)
from selftests.probe.support import CADENCE, JOURNEY, T0, make_round

CHART = "Checkout failure rate, p95 step time and p75 web vitals"
#: Each text of the chart with its box: [text, x, y, width, height].
TEXT_BOXES = """els => els.map(e => {
  const r = e.getBoundingClientRect(); return [e.textContent, r.x, r.y, r.width, r.height];
})"""
Box = tuple[float, float, float, float]


@pytest.fixture
def offline(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page of the session's browser that may load nothing from the network (a
    self-contained page needs none), and the URLs it asked for."""
    context = browser.new_context(viewport={"width": 1180, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))

    def refuse(route: Route) -> None:
        route.abort()

    context.route("http*://**", refuse)
    yield context.new_page(), requests
    context.close()


def computed(locator: Locator, prop: str) -> str:
    """The computed value of CSS property ``prop`` of the one element ``locator`` finds."""
    return str(locator.evaluate("(e, p) => getComputedStyle(e).getPropertyValue(p)", prop))


def box_of(locator: Locator) -> Box:
    """The (x, y, width, height) of the one element ``locator`` finds, as laid out."""
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not laid out"
    return (box["x"], box["y"], box["width"], box["height"])


def overlap(a: Box, b: Box) -> bool:
    """Do two boxes (x, y, width, height) share more than a pixel each way?"""
    wide = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    high = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return wide > 1 and high > 1


def test_html_page_shows_the_chart_and_the_deploy_in_a_real_browser(
    history: tuple[HistoryStore, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    offline: tuple[Page, list[str]],
) -> None:
    store, url = history
    record(store, bad_deploy())
    out = run(capsys, "--history", url, "--html", str(tmp_path / "out" / "history.html"))
    page_file = Path(out.splitlines()[-1].removeprefix("html: "))
    assert page_file == (tmp_path / "out" / "history.html").resolve()
    page, requests = offline
    page.goto(page_file.as_uri())

    expect(page.get_by_role("heading", name="checkout-probe history: prod")).to_be_visible()
    expect(page.locator("p.summary"), "the verdict line is on the page").to_contain_text(
        "started on version 1.4.2 (first failures 12:20 UTC); last healthy"
    )
    chart = page.get_by_role("img", name=CHART)
    expect(chart, "the chart has an accessible name naming the deploy").to_have_attribute(
        "aria-label",
        "Checkout failure rate, p95 step time and p75 web vitals, 8 rounds from "
        "2026-03-02 12:00 to 2026-03-02 12:35 UTC; deploys: 1.4.2 at 12:20",
    )
    rate = chart.locator("polyline.rate")
    expect(rate, "the failure-rate line is drawn").to_be_visible()
    assert len((rate.get_attribute("points") or "").split()) == 8
    expect(chart.locator("circle.round.failing")).to_have_count(3)

    marker = chart.locator('g.deploy[data-version="1.4.2"]')
    expect(marker, "the 1.4.1 → 1.4.2 deploy is marked").to_be_visible()
    expect(marker).to_have_attribute("data-from", "1.4.1")
    expect(marker.locator("text")).to_have_text("1.4.2")
    expect(marker.locator("title")).to_contain_text("first seen 2026-03-02 12:20 UTC (was 1.4.1)")
    # The mark sits between the last round on 1.4.1 and the first on 1.4.2.
    rounds = chart.locator("circle.round")
    last_old, first_new, line = (
        rounds.nth(3).bounding_box(),
        rounds.nth(4).bounding_box(),
        marker.locator("path").bounding_box(),
    )
    assert last_old and first_new and line
    assert last_old["x"] < line["x"] < first_new["x"]

    table = page.get_by_role("table", name="Rounds")
    expect(table.locator("tbody tr")).to_have_count(8)
    expect(table.locator("tbody tr.failing")).to_have_count(3)
    assert requests == [page_file.as_uri()]


@pytest.fixture
def outage_page(
    history: tuple[HistoryStore, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    offline: tuple[Page, list[str]],
) -> Page:
    """The page of an outage (1.4.1 healthy, 1.4.2 failing, 1.4.3 healed; ten steps), written
    from the project's folder where its evidence files are, with the rule of
    ``--threshold 0.03 --recover-below 0.12``."""
    store, url = history
    monkeypatch.chdir(tmp_path)
    rounds = outage(str(tmp_path / "srv" / "evidence"))
    record(store, rounds)
    for value in {v for r in rounds for f in r.failed_results for v in f.evidence}:
        if not value.startswith(UPLOADS):
            Path(value).parent.mkdir(parents=True, exist_ok=True)
            Path(value).write_text("<title>evidence</title>", encoding="utf-8")
    page_file = tmp_path / "out" / "history.html"
    argv = ("--history", url, "--html", str(page_file), "--threshold", "0.03")
    run(capsys, *argv, "--recover-below", "0.12")
    page, _ = offline
    page.goto(page_file.as_uri())
    return page


def test_each_step_keeps_one_colour_on_every_chart_and_its_legend_is_written_in_it(
    outage_page: Page,
) -> None:
    chart = outage_page.get_by_role("img", name=CHART)
    colours: dict[str, set[str]] = {}
    for line in chart.locator("polyline[data-step]").all():
        step = line.get_attribute("data-step") or ""
        colours.setdefault(step, set()).add(computed(line, "stroke"))
    assert sorted(colours) == sorted(OUTAGE_STEPS)
    assert all(len(c) == 1 for c in colours.values()), f"a step changes colour: {colours}"
    assert len({c for (c,) in colours.values()}) == len(OUTAGE_STEPS), "two steps share a colour"

    legends = chart.locator("g.legend")
    expect(legends, "the step chart and three vitals charts have legends").to_have_count(4)
    for legend in legends.all():
        css = legend.get_attribute("data-for")
        entries = legend.locator("g.legend-entry")
        lines = chart.locator(f'polyline[class="{css}"]')
        named = [e.get_attribute("data-step") or "" for e in entries.all()]
        assert sorted(named) == sorted(ln.get_attribute("data-step") or "" for ln in lines.all())
        for entry, step in zip(entries.all(), named, strict=True):
            line = chart.locator(f'polyline[class="{css}"][data-step="{step}"]')
            label = entry.locator("text")
            expect(label).to_be_visible()
            assert computed(label, "fill") == computed(line, "stroke"), f"{css} legend {step}"
            swatch = entry.locator("line")
            assert computed(swatch, "stroke-dasharray") == computed(line, "stroke-dasharray")


def test_failure_rate_chart_draws_the_rule_thresholds_the_command_was_given(
    outage_page: Page,
) -> None:
    chart = outage_page.get_by_role("img", name=CHART)
    fire, recover = chart.locator("g.threshold.fire"), chart.locator("g.threshold.recover")
    expect(fire).to_have_attribute("data-value", "0.03")
    expect(fire.locator("text")).to_have_text("fire: lower bound > 3%")
    expect(recover).to_have_attribute("data-value", "0.12")
    expect(recover.locator("text")).to_have_text("recover: upper bound < 12%")
    zero = box_of(chart.get_by_text("0%", exact=True))
    fire_y, recover_y = box_of(fire.locator("line"))[1], box_of(recover.locator("line"))[1]
    assert zero[1] > fire_y > recover_y, "the 0% mark below 3%, below 12%"
    for threshold in (fire, recover):
        assert computed(threshold.locator("text"), "fill") == computed(
            threshold.locator("line"), "stroke"
        )
    expect(outage_page.get_by_text("A window turns failing once")).to_contain_text(
        "lower bound is above 3%"
    )


def test_no_label_of_the_chart_overlaps_another_nor_a_deploy_label_a_title(
    outage_page: Page, tmp_path: Path
) -> None:
    chart = outage_page.get_by_role("img", name=CHART)
    laid_out = chart.locator("text").evaluate_all(TEXT_BOXES)
    boxes = [(str(text), (float(x), float(y), float(w), float(h))) for text, x, y, w, h in laid_out]
    assert len(boxes) > 60
    clashes = [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if overlap(box_a, box_b)
    ]
    assert not clashes, f"labels drawn over each other: {clashes}"
    expect(chart.locator("g.deploy")).to_have_count(2)
    titles = [box_of(title) for title in chart.locator("text.panel-title").all()]
    assert len(titles) == 5
    for label in chart.locator("g.deploy text").all():
        assert not any(overlap(box_of(label), title) for title in titles)
    # What docs/images/history-page.png shows.
    outage_page.screenshot(path=tmp_path / "history-page.png", full_page=True)


def test_failed_checkouts_are_listed_newest_first_with_working_evidence_links(
    outage_page: Page, tmp_path: Path
) -> None:
    dialogs: list[str] = []
    outage_page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    expect(outage_page.get_by_text("Newest first: the 20 newest of 24 failed")).to_be_visible()
    table = outage_page.get_by_role("table", name="Failed checkouts")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first.locator("td")).to_have_text([
        "2026-03-02 12:35", "1.4.2", "guest checkout", "Desktop Chrome", "payment_error",
        "place order",
        re.compile(r"^step 'place order' failed \[payment_error\]: page showed 'Payment .*"
                   r"failing request: POST /api/orders → 500 .*1 more line"),
        "trace.ziphttps://evidence.examplefailure.png",
    ])  # fmt: skip
    expect(rows.first.get_by_text("/health right after"), "the third line folds").to_be_hidden()

    hostile = rows.filter(has_text="validation_error").first
    expect(hostile).to_contain_text("Postcode <img src=x onerror=alert(1)> is not valid")
    expect(outage_page.locator("img"), "page text is shown, never parsed").to_have_count(0)

    links = table.get_by_role("link")
    # The newest 20: 13 payment errors (an upload, a screenshot), 4 slow, 3 form errors.
    expect(links).to_have_count(2 * 13 + 4 + 3)
    for link in links.all():
        href, resolved = link.get_attribute("href") or "", str(link.evaluate("a => a.href"))
        stored = link.get_attribute("title") or ""
        if stored.startswith(UPLOADS):
            assert href == stored, "an upload is linked as it is"
            continue
        if Path(stored).is_absolute():
            assert href == Path(stored).as_uri()
        else:  # relative to the page in out/: the page and the evidence can move together
            assert href == f"../{stored}"
        assert Path(url2pathname(urlsplit(resolved).path)).is_file(), f"{href} leads nowhere"
    table.get_by_role("link", name="page.html").first.click()
    expect(outage_page).to_have_title("evidence")
    assert dialogs == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://evidence.example/trace.zip?a=1&b=2", "https://evidence.example/trace.zip?a=1&b=2"),
        ("file:///srv/e/trace.zip", "file:///srv/e/trace.zip"),
        ("/srv/e/my trace.zip", "file:///srv/e/my%20trace.zip"),
        ("reports/e/#1/fail.png", "../reports/e/%231/fail.png"),
        ("javascript:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("  ", None),
    ],
)  # fmt: skip
def test_evidence_is_linked_as_url_file_or_relative_path_and_never_by_another_scheme(
    value: str, expected: str | None
) -> None:
    assert evidence_href(value, Path("/work/project/out"), Path("/work/project")) == expected


def test_failed_checkouts_are_read_newest_round_first_from_the_rounds_since(
    history_url: str,
) -> None:
    store = HistoryStore(history_url)
    try:
        for index in range(3):
            evidence = [f"e/{index}.png"]
            round_ = make_round(index, 2, version=f"1.{index}", evidence=evidence)
            store.add(round_, RULE.decide([(2, 20)]))
        store.add(make_round(3, 1, env="staging"), RULE.decide([(1, 20)]))
        failed = store.failed_checkouts("prod", T0 + CADENCE, 3)
    finally:
        store.close()
    assert [(f.started_at, f.shop_version, f.evidence) for f in failed] == [
        (T0 + 2 * CADENCE, "1.2", ("e/2.png",)),
        (T0 + 2 * CADENCE, "1.2", ("e/2.png",)),
        (T0 + CADENCE, "1.1", ("e/1.png",)),
    ]  # round 0 is before "since", staging is another environment, the limit cuts round 1
    assert (failed[0].journey, failed[0].category, failed[0].failing_step) == (
        JOURNEY, "payment_error", "pay",
    )  # fmt: skip
