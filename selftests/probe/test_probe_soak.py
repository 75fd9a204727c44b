"""The short soak: 30 rounds of one long-running probe, a browser crash and wedged pages
part-way, and nothing it holds grows (the long one is ``bench/soak.py``, 300 rounds).

Bounds, from round 10 (warmed up, just before the crash) to round 30:

* the same browsers, drivers and helper processes below the probe (a crashed or wedged
  browser is replaced and its processes are gone, stopped ones included), give or take
  two of Chromium's spare renderers;
* the same threads (a retired worker's thread ends) and at most 4 more file descriptors;
* the probe's resident memory at most 25 MB more, the whole tree's at most 25 % more;
* no more entries in the probe's TMPDIR (a killed browser's temporary files go with its
  worker's folder).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from selftests.probe.running import (
    catalog_only_project,
    demo_shop,
    live_probe,
    module_project,
    run_probe,
    wedge_round_is_explained,
)
from selftests.soak import Sample, Soak, run_soak, table

ROUNDS, CRASH_AT, WEDGE_AT, FROM = 30, 10, 15, 10


def test_thirty_rounds_with_a_crash_and_wedged_pages_hold_no_more_than_they_started_with(
    tmp_path: Path,
) -> None:
    # The one-step project keeps rounds short: what could grow is the probe's, not the journey's.
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    # The probe's own TMPDIR, short: Chromium's sockets live under it (108 bytes at most).
    tmp = Path(tempfile.mkdtemp(prefix="soak-", dir="/tmp"))
    inject = {CRASH_AT: Soak.crash_browsers, WEDGE_AT: Soak.wedge_pages}
    lines: dict[int, str] = {}
    try:
        with demo_shop(tmp_path / "shop") as shop:
            assert shop.url is not None
            with live_probe(
                shop.url, tmp_path, "--interval", "0.5", "--checkouts", "2", "--workers", "2",
                "--action-timeout", "3", "--round-timeout", "20", project,
                env={"TMPDIR": str(tmp)},
            ) as probe:  # fmt: skip

                def heard(sample: Sample, line: str) -> None:
                    lines[sample.round] = line

                soak = run_soak(probe, tmp_path, tmp, ROUNDS, inject, on_sample=heard)
                assert probe.stop() == 0, probe.text()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    shown = table(soak, [FROM, ROUNDS], FROM)
    before, after = soak.at(FROM), soak.at(ROUNDS)
    # A crash is never the shop's failure: the checkouts it cut are harness errors and end
    # at once (no round timeout), and the next round runs on new browsers.
    crashed = lines[CRASH_AT + 1]
    assert "0/2 failed" in crashed or "no verdict: 2 harness errors" in crashed, probe.text()
    clean = [lines[n] for n in range(CRASH_AT + 2, WEDGE_AT + 1)]
    assert all("0/2 failed" in line and "harness" not in line for line in clean), probe.text()
    # The wedged pages cost their round (each checkout failed in its step, or a harness
    # error hung outside one), then their workers are retired, their drivers and browsers
    # killed, and the rounds after are clean.
    assert wedge_round_is_explained(lines[WEDGE_AT + 1], 2), probe.text()
    # A worker whose checkout failed in its step before the timeout finished it and stays;
    # one still inside its checkout is retired, once.
    assert 1 <= probe.text().count("is retired") <= 2, probe.text()
    assert all("0/2 failed" in lines[n] for n in range(WEDGE_AT + 2, ROUNDS + 1)), probe.text()
    assert after.processes <= before.processes + 2, shown
    assert after.threads <= before.threads, shown
    assert after.fds <= before.fds + 4, shown
    assert after.rss_mb <= before.rss_mb + 25, shown
    assert after.tree_pss_mb <= before.tree_pss_mb * 1.25, shown
    assert after.tmp_entries <= before.tmp_entries, shown


_BROKEN_STEP_SHOP = '''
from checkout_probe.shop.data import TestCard
from checkout_probe.shop import Shop


def open_catalog(journey, shopper, card, *, orders=None):
    """A journey with a bug inside its step: each checkout is a harness error."""
    with journey.step("open catalog"):
        journey.page.goto("/")
        raise RuntimeError("journey bug")


SHOP = Shop(
    name="demo shop, broken journey",
    steps={"open catalog": 5.0},
    cards={"test": {"approved": TestCard("4242 4242 4242 4242", "12 / 34", "123", "approved")}},
    journeys={"open catalog": open_catalog},
)
'''


def test_rounds_without_a_verdict_keep_the_newest_one_s_evidence_only(tmp_path: Path) -> None:
    # No history row points at them, so retention never would delete their evidence.
    project = module_project(tmp_path / "project", "broken", _BROKEN_STEP_SHOP)
    with demo_shop(tmp_path / "shop") as shop:
        assert shop.url is not None
        run = run_probe(shop.url, tmp_path, "--rounds", "3", "--interval", "0",
                        "--checkouts", "1", f"--project={project}")  # fmt: skip
    assert run.output.count("no verdict: 1 harness errors") == 3, run.output
    rounds = sorted(p for p in (tmp_path / "evidence" / "local").iterdir() if any(p.rglob("*.*")))
    assert [p.name.rsplit("-", 1)[1] for p in rounds] == ["3"], run.output
