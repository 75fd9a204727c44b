"""The history page over a long period: one point per time bucket, summed by the database."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bench.history_fill import fill
from checkout_probe.probe.history import HistoryStore, render_html
from checkout_probe.probe.history_buckets import Bucket, chart_rounds
from checkout_probe.probe.history_command import main
from selftests.probe.support import CADENCE, make_round
from selftests.probe.test_history import record
from selftests.probe.test_history_plans import assert_indexed

#: 40 rounds, five minutes apart: a deploy of 1.4.3 at round 20, an outage in rounds 24–27.
ROUNDS = 40


@pytest.fixture
def store(history_url: str) -> Iterator[HistoryStore]:
    """40 rounds of prod on SQLite and on PostgreSQL, a deploy and an outage among them."""
    history = HistoryStore(history_url)
    record(history, [
        make_round(i, 8 if 24 <= i < 28 else i % 7 == 0, version="1.4.3" if i >= 20 else "1.4.2")
        for i in range(ROUNDS)
    ])  # fmt: skip
    yield history
    history.close()


def test_a_long_period_is_charted_one_bucket_per_point_with_the_rounds_summed(
    store: HistoryStore,
) -> None:
    rounds = store.recent("prod", ROUNDS)
    since, until = rounds[0].started_at, rounds[-1].started_at
    with Session(bind=store.engine) as session:
        points, width = chart_rounds(session, "prod", since, until, most=10)
    assert width is not None and width >= (until - since) / 10
    assert 1 < len(points) <= 11 and all(isinstance(p, Bucket) for p in points)
    buckets = [p for p in points if isinstance(p, Bucket)]
    assert sum(b.rounds for b in buckets) == ROUNDS
    assert sum(b.failures for b in buckets) == sum(r.failures for r in rounds)
    assert sum(b.k for b in buckets) == 20 * ROUNDS
    outage = [b for b in buckets if b.verdict == "failing"]
    assert outage and all(b.high >= 0.2 for b in outage)  # the window's peak is kept
    assert (buckets[0].shop_version, buckets[-1].shop_version) == ("1.4.2", "1.4.3")
    tips = [b.tip() for b in buckets]
    assert all(f"in {b.rounds} rounds failed" in t for b, t in zip(buckets, tips, strict=True))


def test_a_short_period_is_charted_round_by_round(store: HistoryStore) -> None:
    rounds = store.recent("prod", ROUNDS)
    points, width = store.chart("prod", rounds[-5].started_at, rounds[-1].started_at)
    assert width is None and [p.id for p in points] == [r.id for r in rounds[-5:]]


def test_the_buckets_are_summed_through_the_index(store: HistoryStore) -> None:
    until = store.recent("prod", 1)[0].started_at
    chart = lambda: store.chart("prod", until - ROUNDS * CADENCE, until)  # noqa: E731
    assert assert_indexed(store, chart)


def test_the_page_of_a_long_period_says_what_a_point_is_and_lists_a_bounded_table(
    store: HistoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("checkout_probe.probe.render_html.TABLE_ROUNDS", 5)
    rounds = store.recent("prod", ROUNDS)
    since, until = rounds[0].started_at, rounds[-1].started_at
    with Session(bind=store.engine) as session:
        chart = chart_rounds(session, "prod", since, until, most=10)
    page = render_html(rounds, tmp_path / "page.html", chart=chart).read_text()
    svg = ET.fromstring(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])
    assert f"{ROUNDS} rounds in {len(chart[0])} buckets of" in (svg.get("aria-label") or "")
    assert "One point per" in page and "The newest 5 of 40." in page
    assert page.count('<tr class="') == 5
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert [g.get("data-version") for g in svg.findall("s:g[@class='deploy']", ns)] == ["1.4.3"]
    assert chart[1] is not None and chart[1] > timedelta(0)


def test_the_command_charts_a_generated_period_one_bucket_per_point(
    history_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # bench/history_fill.py's rounds (the probe's shapes), ten regions: 3,600 of prod.
    fill(history_url, 4000)
    page = tmp_path / "page.html"
    assert (
        main(["--history", history_url, "--env", "prod", "--html", str(page), "--days", "1"]) == 0
    )
    assert "last 20 of 3600 rounds" in capsys.readouterr().out
    html = page.read_text()
    svg = ET.fromstring(html[html.index("<svg") : html.index("</svg>") + len("</svg>")])
    assert "3,600 rounds in " in (svg.get("aria-label") or "")
    assert "One point per" in html and len(html) < 2_000_000
