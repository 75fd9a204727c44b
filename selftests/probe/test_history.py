"""Round history on SQLite and on PostgreSQL: correlation, retention, evidence, rendering."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import SQLAlchemyError

from checkout_probe.probe.correlation import (
    FAILING_NOW,
    HEALTHY_NOW,
    NEVER_FAILED,
    NEVER_PASSED,
    NO_DATA,
)
from checkout_probe.probe.history import HistoryStore, render_html, render_table
from checkout_probe.probe.model import Round
from checkout_probe.probe.stats import DecisionRule, wilson_interval
from selftests.postgres import PostgresServer
from selftests.probe.support import DEVICE, JOURNEY, T0, make_round

RULE = DecisionRule()


@pytest.fixture
def store(history_url: str) -> Iterator[HistoryStore]:
    history = HistoryStore(history_url)
    yield history
    history.close()


def record(store: HistoryStore, rounds: list[Round]) -> list[int]:
    """Judge rounds with the real rule (window from the store) and store them."""
    ids = []
    for round_ in rounds:
        window = [(r.failures, r.k) for r in store.recent(round_.env, RULE.window_rounds - 1)]
        previous = store.recent(round_.env, 1)
        state = previous[0].verdict if previous else "healthy"
        verdict = RULE.decide([*window, (round_.failures, round_.checkouts)], state)
        ids.append(store.add(round_, verdict))
    return ids


def deploy_story() -> list[Round]:
    """Three healthy rounds on 1.4.2; on 1.4.3 two failures (too few), then an outage."""
    return [
        make_round(0),
        make_round(1),
        make_round(2),
        make_round(3, 2, version="1.4.3"),
        make_round(4, 6, version="1.4.3"),
        make_round(5, 5, version="1.4.3"),
    ]


def test_correlation_points_at_the_deploy(store: HistoryStore) -> None:
    record(store, deploy_story())
    corr = store.deploy_correlation("prod")
    assert corr.state == FAILING_NOW
    assert corr.failing_since == T0 + timedelta(minutes=20)  # the 2nd round on 1.4.3
    assert corr.failing_since_version == "1.4.3"
    assert corr.first_failure_at == T0 + timedelta(minutes=15)  # 1.4.3's first round
    assert corr.first_failure_version == "1.4.3"
    assert corr.last_healthy_at == T0 + timedelta(minutes=10)
    assert corr.last_healthy_version == "1.4.2"
    assert corr.failing_rounds == 2
    assert corr.suspect_deploy
    assert "last healthy 2026-03-02 12:10 UTC on 1.4.2" in corr.describe()
    assert "started on version 1.4.3" in corr.describe()


def test_a_shop_that_reports_no_version_reads_as_english(store: HistoryStore) -> None:
    record(store, [make_round(0, version=None), make_round(1, 6, version=None),
                   make_round(2, 6, version=None)])  # fmt: skip
    text = store.deploy_correlation("prod").describe()
    assert "started on an unknown version" in text and "version an unknown" not in text


def test_correlation_edge_cases(store: HistoryStore) -> None:
    assert store.deploy_correlation("prod").state == NO_DATA
    record(store, [make_round(0), make_round(1, 1)])
    never = store.deploy_correlation("prod")
    assert never.state == NEVER_FAILED and never.last_healthy_version == "1.4.2"
    record(store, [make_round(i, 8, env="staging", version="2.0.0") for i in range(3)])
    broken = store.deploy_correlation("staging")
    assert broken.state == NEVER_PASSED
    assert broken.failing_since == T0 and broken.last_healthy_at is None
    assert not broken.suspect_deploy
    record(store, [make_round(i, env="staging", version="2.0.1") for i in range(3, 6)])
    fixed = store.deploy_correlation("staging")
    assert fixed.state == HEALTHY_NOW and fixed.last_healthy_version == "2.0.1"
    assert fixed.failing_since is None


def test_recent_round_trips_a_round(store: HistoryStore) -> None:
    ids = record(store, deploy_story())
    rounds = store.recent("prod", 2)
    assert [r.id for r in rounds] == ids[-2:]  # oldest first
    last = rounds[-1]
    assert last.started_at == T0 + timedelta(minutes=25)
    assert last.started_at.tzinfo is not None and last.started_at.utcoffset() == timedelta(0)
    assert (last.k, last.failures, last.verdict) == (20, 5, "failing")
    assert last.failures_by_category == {"payment_error": 5}
    assert last.top_category == "payment_error"
    assert last.rate == pytest.approx(11 / 40)
    assert last.step_p50 == {"cart": 0.5, "pay": 1.0}
    assert last.step_p95["pay"] == pytest.approx(4.0)
    (failure, *_) = store.failures(last.id)
    assert failure["failing_step"] == "pay" and failure["category"] == "payment_error"
    assert failure["journey"] == JOURNEY
    counts = {"checkouts": 20, "failures": 5, "categories": {"payment_error": 5}}
    assert last.by_journey == {JOURNEY: {**counts, "devices": {DEVICE: counts}}}
    assert store.checkout_totals("prod")[(JOURNEY, DEVICE, "failed", "payment_error")] == 13


def test_prune_keeps_the_newest_rounds_per_env(store: HistoryStore) -> None:
    ids = record(store, [make_round(i, 1, evidence=[f"/ev/{i}.png"]) for i in range(6)])
    record(store, [make_round(0, env="staging")])
    result = store.retention.prune(keep_rounds=2)
    assert result.rounds == 4
    assert sorted(result.evidence) == [f"/ev/{i}.png" for i in range(4)]
    assert [r.id for r in store.recent("prod", 10)] == ids[-2:]
    assert store.failures(ids[0]) == []
    assert len(store.recent("staging", 10)) == 1


def test_evidence_of_old_failing_rounds_is_deleted(store: HistoryStore, tmp_path: Path) -> None:
    files = []
    rounds = []
    for i in range(4):
        path = tmp_path / f"trace-{i}.zip"
        path.write_bytes(b"PK")
        files.append(path)
        rounds.append(make_round(2 * i, 1, evidence=[str(path)]))
        rounds.append(make_round(2 * i + 1))  # healthy rounds do not count as failing ones
    record(store, rounds)
    files[0].unlink()  # already gone: must be ignored
    retention = store.retention
    assert retention.evidence_to_delete(keep_failing_rounds=2) == [str(files[1]), str(files[0])]
    gone = retention.prune_evidence(keep_failing_rounds=2)
    assert sorted(gone) == sorted([str(files[0]), str(files[1])])
    assert [p.exists() for p in files] == [False, False, True, True]
    assert retention.evidence_to_delete(keep_failing_rounds=2) == []
    assert retention.evidence_to_delete(keep_failing_rounds=0) == [str(files[3]), str(files[2])]


def test_retention_after_a_round_deletes_old_rounds_evidence_and_emptied_folders(
    store: HistoryStore, tmp_path: Path
) -> None:
    # What the probe does after each round: rows, files and the round folders they emptied.
    root = tmp_path / "evidence"
    files = []
    for i in range(3):
        path = root / "prod" / f"round-{i}" / "checkout-1" / "trace.zip"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"PK")
        files.append(path)
    record(store, [make_round(i, 1, evidence=[str(files[i])]) for i in range(3)])
    (root / "prod" / "round-1" / "notes.txt").write_text("not the probe's")

    store.retention.apply("prod", keep_rounds=2, keep_failing_rounds=1, evidence_dir=root)

    assert len(store.recent("prod", 10)) == 2
    assert [p.exists() for p in files] == [False, False, True]
    assert not (root / "prod" / "round-0").exists(), "an emptied round folder was left"
    assert (root / "prod" / "round-1" / "notes.txt").exists(), "a folder not emptied was removed"
    assert not (root / "prod" / "round-1" / "checkout-1").exists()
    assert root.is_dir(), "the evidence root itself must stay"


def test_retention_never_deletes_a_file_outside_the_evidence_folder(
    store: HistoryStore, tmp_path: Path
) -> None:
    # Whoever can write the shared history could list any path as a round's evidence.
    root = tmp_path / "evidence"
    root.mkdir()
    canary = tmp_path / "canary.txt"
    canary.write_text("keep me")
    escape = root / ".." / "canary.txt"
    record(store, [make_round(0, 1, evidence=[str(canary)]),
                   make_round(1, 1, evidence=[str(escape)]), make_round(2, 1)])  # fmt: skip

    store.retention.apply("prod", keep_rounds=1, keep_failing_rounds=0, evidence_dir=root)

    assert canary.read_text() == "keep me"


def test_a_database_restart_between_rounds_costs_nothing(postgres: PostgresServer) -> None:
    # A long-running probe keeps its pooled connections: after a restart they are dead,
    # and the next round must not die on one (each is checked before use).
    history = HistoryStore(postgres.new_database())
    try:
        record(history, [make_round(0)])
        postgres.restart()
        record(history, [make_round(1)])
        assert len(history.recent("prod")) == 2
    finally:
        history.close()


def test_a_database_restart_inside_a_judging_turn_stores_nothing_half_and_the_next_turn_works(
    postgres: PostgresServer,
) -> None:
    # The database goes while a probe holds its turn (the round added, the alert state
    # written, not yet committed): the turn fails as a whole with a database error, which
    # the probe reports as "not recorded"; nothing of it is kept, and the next turn runs.
    history = HistoryStore(postgres.new_database())
    try:
        record(history, [make_round(0)])
        with pytest.raises(SQLAlchemyError), history.turn("prod") as turn:
            turn.add(make_round(1, 20), RULE.decide([(20, 20)]))
            turn.save_alert_state({"state": "failing"})
            postgres.restart()
        stored_after_failure = [r.failures for r in history.recent("prod")]
        with history.turn("prod") as turn:
            state_after_failure = turn.alert_state().data
            turn.add(make_round(2), RULE.decide([(0, 20)]))
        assert stored_after_failure == [0]
        assert state_after_failure in (None, {})
        assert [r.failures for r in history.recent("prod")] == [0, 0]
    finally:
        history.close()


def test_naive_datetimes_are_refused(store: HistoryStore) -> None:
    naive = make_round(0)
    naive = Round(naive.started_at.replace(tzinfo=None), naive.finished_at, "prod", None, ())
    with pytest.raises(Exception, match="tz-aware"):
        store.add(naive, RULE.decide([(0, 0)]))
    assert T0.tzinfo is UTC


def test_render_table(store: HistoryStore) -> None:
    record(store, deploy_story())
    lines = render_table(store.recent("prod", 10)).splitlines()
    assert lines[0].split() == [
        "time",
        "(UTC)",
        "version",
        "K",
        "failures",
        "rate",
        "interval",
        "top",
        "category",
        "verdict",
    ]
    assert len(lines) == 7
    low, high = wilson_interval(11, 40)  # the window: 6 + 5 of 40
    expected = ["1.4.3", "20", "5", "27.5%", f"{low:.1%}–{high:.1%}", "payment_error", "failing"]
    assert lines[-1].split()[2:] == expected


def test_render_html_is_self_contained_with_deploy_markers(
    store: HistoryStore, tmp_path: Path
) -> None:
    record(store, [*deploy_story(), make_round(6, version="1.4.4")])
    out = render_html(store.recent("prod", 10), tmp_path / "history.html")
    page = out.read_text()
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"""(src|href)=["']https?:""", page)
    svg_text = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    svg = ET.fromstring(svg_text)  # well-formed XML, so browsers parse it as intended
    assert svg.get("role") == "img"
    assert "7 rounds" in (svg.get("aria-label") or "")
    ns = {"s": "http://www.w3.org/2000/svg"}
    markers = svg.findall("s:g[@class='deploy']", ns)
    assert [g.get("data-version") for g in markers] == ["1.4.3", "1.4.4"]
    titles = [g.find("s:title", ns) for g in markers]
    assert all(t is not None and "first seen" in (t.text or "") for t in titles)
    assert len(svg.findall("s:polyline[@class='step']", ns)) == 2  # cart and pay p95


def test_render_html_without_rounds(tmp_path: Path) -> None:
    page = render_html([], tmp_path / "empty.html").read_text()
    assert 'role="img"' in page and "no rounds recorded" in page


def test_render_html_shows_web_vitals_per_step_beside_the_failure_rate(
    store: HistoryStore, tmp_path: Path
) -> None:
    steady = {"pay": {"LCP": 900.0, "CLS": 0.01, "INP": 60.0}, "cart": {"LCP": 700.0}}
    shifting = {"pay": {"LCP": 950.0, "CLS": 0.31, "INP": 70.0}, "cart": {"LCP": 650.0}}
    rounds = []
    for index, vitals in enumerate((steady, steady, shifting)):
        round_ = make_round(index, version="1.4.2")
        results = tuple(replace(r, step_vitals=vitals) for r in round_.results)
        rounds.append(replace(round_, results=results))
    record(store, rounds)
    stored = store.recent("prod", 10)
    assert stored[-1].vitals_p75 == {"pay": {"LCP": 950.0, "CLS": 0.31, "INP": 70.0},
                                     "cart": {"LCP": 650.0}}  # fmt: skip
    page = render_html(stored, tmp_path / "history.html").read_text()
    svg = ET.fromstring(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])
    ns = {"s": "http://www.w3.org/2000/svg"}
    lcp = svg.findall("s:polyline[@class='vital lcp']", ns)
    assert sorted(p.get("data-step") or "" for p in lcp) == ["cart", "pay"]
    (cls,) = svg.findall("s:polyline[@class='vital cls']", ns)
    assert cls.get("data-step") == "pay" and len((cls.get("points") or "").split()) == 3
    # The newest round first in the table: its worst vital against its "good" threshold.
    assert "<td>pay CLS 0.31 (3.1×)</td>" in page
    assert "<td>pay LCP 900 ms (0.4×)</td>" in page
