"""``checkout-probe probe`` end to end: real demo shop, real Chromium, real webhook receiver.

These are the runs the scheduled probe is for: quiet while healthy, one alert
when a partial outage or a broken deploy starts (one when it ends:
``test_probe_concurrency.py``), metrics a Prometheus server can scrape, and
history that names the deploy.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import httpx

from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.rule import DecisionRule
from checkout_probe.probe.stats import detection_probability_within
from selftests.doc_samples import assert_sample_in
from selftests.helpers import CLI, ROOT, lenient_budgets
from selftests.probe.running import (
    BEARER,
    admin,
    alerts,
    catalog_only_project,
    demo_shop,
    live_probe,
    run_probe,
)
from selftests.probe.support import http_receiver, make_round
from selftests.remote_browser import launched_browsers, run_server


def _verdicts(workdir: Path) -> list[tuple[str, int, int, str | None]]:
    with sqlite3.connect(workdir / "history.sqlite") as db:
        rows = db.execute(
            "SELECT verdict, k, failures, shop_version FROM probe_rounds ORDER BY id"
        ).fetchall()
    return [(str(v), int(k), int(f), s) for v, k, f, s in rows]


def test_twelve_healthy_rounds_no_alert_metrics_scraped_and_sigterm_stops_cleanly(
    tmp_path: Path,
) -> None:
    project = catalog_only_project(tmp_path / "project")
    with demo_shop(tmp_path / "shop") as shop, http_receiver() as receiver:
        assert shop.url is not None
        # One short journey per round (a project whose only step opens the catalog) keeps
        # 12 rounds affordable: the loop, the rule and the alert state do not depend on how
        # long a journey is; whole checkouts are what the other tests here run, and many
        # rounds of them bench/probe_round.py (--rounds N).
        with live_probe(
            shop.url, tmp_path, "--interval", "0", "--checkouts", "1",
            "--webhook", receiver.url, "--metrics-port", "0", f"--project={project}",
            *lenient_budgets(steps=("open catalog",)),
        ) as probe:  # fmt: skip
            metrics_url = probe.wait_for("metrics on ", 60).split()[-1]
            for number in range(1, 13):
                line = probe.wait_for(f"round {number} ", 60)
                assert "0/1 failed" in line and "HEALTHY" in line, probe.text()
            scraped = httpx.get(metrics_url, timeout=5).text
            code = probe.stop()
        assert code == 0, probe.text()
        assert receiver.requests == [], "a healthy shop raised an alert"
    passed = _sample(
        scraped,
        'checkout_probe_checkouts_total{category="none",device="Desktop Chrome",env="local",'
        'journey="open catalog",outcome="passed"}',
    )
    assert passed >= 12
    assert _sample(scraped, 'checkout_probe_verdict{env="local"}') == 0
    assert (
        _sample(
            scraped, 'checkout_probe_dependency_up{dependency="order-service database",env="local"}'
        )
        == 1
    )
    assert 'checkout_probe_shop_version_info{env="local",version="1.0.0"} 1.0' in scraped
    assert "checkout_probe_step_duration_seconds_bucket" in scraped
    rounds = _verdicts(tmp_path)
    assert len(rounds) >= 12 and {v for v, *_ in rounds} == {"healthy"}
    assert "stopping" in probe.text() or "SIGTERM" in probe.text()


def _sample(exposition: str, series: str) -> float:
    for line in exposition.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{series} not in the scraped metrics:\n{exposition[:3000]}")


def test_partial_outage_switched_at_run_time_alerts_within_predicted_rounds(
    tmp_path: Path,
) -> None:
    k = 20
    rule = DecisionRule()
    # The rule's exact detection probability decides how long the test waits: the
    # smallest number of rounds that catches a 20 % outage with P >= 0.9999.
    allowed = next(
        n for n in range(1, 10) if detection_probability_within(rule, k, 0.2, n) >= 0.9999
    )
    # The figures start from a failure-free window: the healthy round before the outage
    # is stored as a probe would have stored it (what recovers is test_probe_concurrency's).
    seeded = HistoryStore(f"sqlite:///{tmp_path / 'history.sqlite'}")
    healthy = make_round(0, 0, k=k, env="local", version="1.0.0")
    # Without step times: made-up times would become the probe's baseline for the real steps
    # (a loaded machine's 'pay' three times over a made-up 1 s fails as slow).
    timeless = tuple(replace(r, step_durations={}) for r in healthy.results)
    healthy = replace(healthy, results=timeless)
    seeded.add(healthy, rule.decide([(0, k)]))
    seeded.close()
    with demo_shop(tmp_path / "shop") as shop, http_receiver() as receiver:
        assert shop.url is not None
        admin(shop, "/admin/faults", {"fault": "partial", "rate": 0.2})
        fired_after = None
        for n in range(1, allowed + 1):
            run = run_probe(shop.url, tmp_path, "--once", "--checkouts", str(k),
                            "--webhook", receiver.url, *lenient_budgets())  # fmt: skip
            assert run.returncode in (0, 1), run.output
            if alerts(receiver.requests):
                fired_after = n
                break
        assert fired_after is not None, f"no alert within {allowed} rounds of a 20 % outage"
        assert run.returncode == 1
        (firing,) = alerts(receiver.requests)
        assert firing["kind"] == "firing"
        assert firing["top_category"] == "payment_error"
        assert firing["failing_step"] == "place order"
        assert 0 < firing["low"] < firing["rate"] < firing["high"]
        assert "95% CI" in firing["summary"]
        print(f"20 % outage alerted after {fired_after} round(s) (rule: ≤ 2 with P ≥ 0.99)")


def test_broken_deploy_alerts_once_and_history_names_the_version(tmp_path: Path) -> None:
    textfile = tmp_path / "textfile" / "checkout_probe.prom"
    with (
        demo_shop(tmp_path / "shop") as shop,
        http_receiver() as receiver,
        http_receiver() as pushgateway,
    ):
        assert shop.url is not None
        # K=3: the deploy's first round (3/3 failed, 3/6 in the window) already fires.
        args = (
            "--once", "--checkouts", "3", "--webhook", receiver.url,
            "--metrics-textfile", str(textfile), "--pushgateway", pushgateway.url,
            *lenient_budgets(),  # what fails here is the deploy, never a loaded machine's step
        )  # fmt: skip
        first = run_probe(shop.url, tmp_path, *args)
        assert first.returncode == 0, first.output
        admin(shop, "/admin/version", {"version": "1.1.0"})
        admin(shop, "/admin/faults", {"fault": "bad-db-connection-string"})
        broken = [run_probe(shop.url, tmp_path, *args) for _ in range(2)]
        pushes = list(pushgateway.requests)
    assert [run.returncode for run in broken] == [1, 1]
    outputs = first.output + "".join(run.output for run in broken)
    assert_sample_in("probe-broken-deploy", outputs, paths=[str(tmp_path)])
    # --once metrics: each run continues the counters from the history, for rate() to work.
    metrics = textfile.read_text()
    # 2 runs × 3 failed, continued across the processes (on a loaded machine one of them
    # may be judged slow rather than payment_error: counted all the same).
    failed = [
        float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
        if line.startswith("checkout_probe_checkouts_total{") and 'outcome="failed"' in line
    ]  # fmt: skip
    assert sum(failed) == 6, metrics
    payment = (
        'checkout_probe_checkouts_total{category="payment_error",device="Desktop Chrome",'
        'env="local",journey="guest checkout",outcome="failed"}'
    )
    assert _sample(metrics, payment) >= 1
    assert _sample(metrics, 'checkout_probe_verdict{env="local"}') == 1
    down = 'checkout_probe_dependency_up{dependency="order-service database",env="local"}'
    assert _sample(metrics, down) == 0
    assert [(p.method, p.path) for p in pushes] == [
        ("PUT", "/metrics/job/checkout-probe/env/local")
    ] * 3
    assert payment.encode() in pushes[-1].body
    sent = alerts(receiver.requests)
    assert [a["kind"] for a in sent] == ["firing"], "one alert for the outage, not one per round"
    firing = sent[0]
    assert firing["shop_version"] == "1.1.0"
    assert firing["top_category"] == "payment_error"
    assert "order-service database" in firing["health"]
    assert "started on version 1.1.0" in firing["deploy"] and "1.0.0" in firing["deploy"]
    assert "POST /api/orders" in firing["sample_message"]
    assert firing["evidence"] and all(Path(p).is_file() for p in firing["evidence"])
    history = subprocess.run(
        [CLI, "history", "--history", f"sqlite:///{tmp_path / 'history.sqlite'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert history.returncode == 0, history.stderr
    assert "started on version 1.1.0" in history.stdout
    assert "last healthy" in history.stdout and "on 1.0.0" in history.stdout
    assert_sample_in("history-broken-deploy", history.stdout, paths=[str(tmp_path)])


def test_a_round_through_browser_endpoint_runs_in_the_servers_browsers(tmp_path: Path) -> None:
    launches = tmp_path / "launches.log"
    with demo_shop(tmp_path / "shop") as shop, run_server(launch_log=launches) as endpoint:
        assert shop.url is not None
        run = run_probe(
            shop.url, tmp_path, "--once", "--checkouts", "4", "--browser-endpoint", endpoint,
            # A local browser that cannot start: only the server's browsers can run checkouts.
            env={"CHECKOUT_PROBE_BROWSER": str(tmp_path / "no-local-chromium")},
        )  # fmt: skip
        launched = launched_browsers(launches)
    assert run.returncode == 0, run.output
    assert "0/4 failed" in run.rounds()[0], run.output
    assert len(launched) == 2, "one server-side browser per probe worker"


def test_second_signal_cuts_the_round_and_leaves_the_history_intact(tmp_path: Path) -> None:
    # A failing shop: every round keeps evidence, so the cut round's must be seen to go.
    with demo_shop(tmp_path / "shop", "--fault=bad-db-connection-string") as shop:
        assert shop.url is not None
        with live_probe(shop.url, tmp_path, "--interval", "0", "--checkouts", "4") as probe:
            probe.wait_for("round 1 ", 120)
            time.sleep(1.0)  # round 2 (4 checkouts) takes seconds: signal inside it
            probe.process.send_signal(signal.SIGTERM)
            # Two signals in a row can reach Python as one: wait until the first is heard.
            probe.wait_for("finishing the current round", 30, anywhere=True)
            probe.process.send_signal(signal.SIGTERM)
            probe.process.wait(timeout=60)
            code = probe.stop()
    assert "cut short" in probe.text(), probe.text()
    printed = [line for line in probe.seen if line.startswith("round ")]
    with sqlite3.connect(tmp_path / "history.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (stored,) = db.execute("SELECT count(*) FROM probe_rounds").fetchone()
    assert stored == len(printed) == 1, "the cut round must not be recorded"
    assert code == 0
    kept = sorted(p.name for p in (tmp_path / "evidence" / "local").iterdir())
    assert len(kept) == 1 and kept[0].endswith("-1"), f"evidence of the cut round left: {kept}"


def test_a_round_that_cannot_fit_its_timeout_says_what_would_and_alerts_no_one(
    tmp_path: Path,
) -> None:
    # About ten seconds a checkout (every page a second late): twelve cannot finish in 40 s.
    with demo_shop(tmp_path / "shop", "--fault=slow-pages") as shop:
        assert shop.url is not None
        # 40 s: two rounds of a full-traced checkout fit (each ~10-20 s), twelve cannot.
        run = run_probe(shop.url, tmp_path, "--once", "--checkouts", "12",
                        "--round-timeout", "40", *lenient_budgets())  # fmt: skip
        # Every synthetic order the shop still holds open, whichever checkout placed it.
        left = httpx.get(f"{shop.url}/api/synthetic", headers=BEARER, timeout=5).json()

    assert run.returncode == 0, run.output  # a healthy, slow shop: no verdict against it
    (line,) = run.rounds()
    assert "HEALTHY" in line and " 0/" in line, line
    assert "cut and" in line and "not run at the round timeout" in line, line
    assert "round does not fit: 12 checkouts of" in run.output
    assert "use --round-timeout" in run.output and "ALERT" not in run.output
    # The queued checkouts were dropped, not given fresh workers (no worker storm).
    assert "is retired" not in run.output, run.output
    # What the timeout cut placed (or would have) was found and cleaned up, not left behind.
    assert left["orders"] == [], left
    assert "not cleaned up" not in run.output, run.output


def test_a_round_whose_timeout_cuts_every_checkout_is_a_sizing_error_not_the_shops(
    tmp_path: Path,
) -> None:
    with demo_shop(tmp_path / "shop", "--fault=slow-pages") as shop:
        assert shop.url is not None
        run = run_probe(shop.url, tmp_path, "--once", "--checkouts", "12",
                        "--round-timeout", "5")  # fmt: skip

    assert run.returncode == 2, run.output  # fix the job, do not page anyone
    assert "no verdict: 0 harness errors, 2 cut and 10 not run" in run.output
    assert "round does not fit: no checkout finished within --round-timeout 5 s" in run.output
