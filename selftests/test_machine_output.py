"""Self-tests: output for machines and people (checkout_probe/basics/output.py).

``--json`` gives one JSON object per line on stdout (per checkout, per round or run) and
nothing else there; the lines for people go to stderr. ``--log-format json`` makes log
records JSON. Colour only on a terminal or with FORCE_COLOR, never with NO_COLOR.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from checkout_probe.basics.output import paint
from selftests.helpers import CLI, ROOT
from selftests.probe.running import catalog_only_project, demo_shop, probe_args, probe_env


def _objects(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]  # every line, or it raises


def test_probe_json_is_one_object_per_checkout_and_per_round(tmp_path: Path) -> None:
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with demo_shop(tmp_path / "shop", "--fault=catalog-db-down") as shop:
        done = subprocess.run(
            probe_args(shop.url or "", tmp_path, "--once", "--checkouts", "3", "--json", project,
                       "--log-format", "json"),
            cwd=ROOT, capture_output=True, text=True, timeout=180, env=probe_env(),
        )  # fmt: skip
    objects = _objects(done.stdout)
    assert done.returncode == 1, done.stderr
    assert [o["type"] for o in objects] == ["checkout"] * 3 + ["round"], objects
    assert sorted(o["index"] for o in objects[:3]) == [1, 2, 3]
    assert {o["category"] for o in objects[:3]} == {"server_error"}
    round_ = objects[-1]
    assert round_["verdict"] == "failing" and round_["failures"] == 3, round_
    assert round_["window"]["checkouts"] == 3
    # The people's lines, on stderr: a line per checkout, the round line, the alert.
    assert "checkout 1/3 failed [server_error] in 'open catalog'" in done.stderr
    assert "round 1 · local" in done.stderr and "ALERT firing" in done.stderr
    # With no webhook the printed alert is all there is: it answers "did a deploy start it?"
    (deploy,) = [line for line in done.stderr.splitlines() if line.startswith("  deploy: ")]
    assert "started on version 1.0.0" in deploy, deploy


def test_verify_json_is_one_object_per_checkout_and_one_for_the_run(tmp_path: Path) -> None:
    done = subprocess.run(
        [CLI, "verify", "--json", "--shop-arg=--fault=payment-provider-down", "--reports",
         str(tmp_path / "reports"), "--gate-checkouts", "0", "--retries", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    objects = _objects(done.stdout)
    assert done.returncode == 1, done.stderr
    checkouts = [o for o in objects if o["type"] == "checkout"]
    (run,) = [o for o in objects if o["type"] == "run"]
    assert objects[-1] == run and run["exit_code"] == 1 and run["failed"] == len(checkouts)
    assert {c["category"] for c in checkouts} == {"payment_provider"}, checkouts
    # One duration everywhere: the run's record, summary.json and the JUnit report.
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text())
    junit = (tmp_path / "reports" / "junit.xml").read_text()
    assert summary["duration_s"] == run["duration_s"], (summary["duration_s"], run)
    assert f'time="{run["duration_s"]:.3f}"' in junit
    assert f"· {run['duration_s']:.1f} s · reports in" in done.stderr
    assert done.stderr.startswith("verify: env local of demo shop: the smoke checkouts")


@pytest.mark.parametrize(
    ("environ", "tty", "coloured"),
    [({}, True, True), ({}, False, False), ({"NO_COLOR": "1"}, True, False),
     ({"FORCE_COLOR": "1"}, False, True), ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False)],
    ids=["tty", "pipe", "no-color", "force-color", "no-color-wins"],
)  # fmt: skip
def test_colour_on_a_terminal_only_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], tty: bool, coloured: bool
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert (paint("FAILING", "red", Stream()) != "FAILING") == coloured


def test_under_github_actions_verify_annotates_summarises_and_types_its_failures(
    tmp_path: Path,
) -> None:
    summary_file = tmp_path / "step-summary.md"
    reports = tmp_path / "reports"
    done = subprocess.run(
        [CLI, "verify", "--shop-arg=--fault=bad-db-connection-string", "--reports",
         str(reports), "--gate-checkouts", "0", "--retries", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)},
    )  # fmt: skip
    print(done.stdout[-3000:])
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    summary = json.loads((reports / "summary.json").read_text())
    failed = [t for t in summary["tests"] if t["outcome"] == "failed"]
    assert done.returncode == 1 and failed, done.stdout[-2000:]
    assert len(annotations) == len(failed), annotations
    assert all("title=checkout-probe verify%3A payment_error at step 'place order'" in a
               for a in annotations), annotations  # fmt: skip
    assert "Payment Processing Error" in annotations[0]
    markdown = summary_file.read_text()
    assert markdown.startswith("### ❌ checkout-probe verify: exit 1 (checkout failed)"), markdown
    assert "look first at: order-service database" in markdown
    junit = (reports / "junit.xml").read_text()
    assert junit.count('type="payment_error"') == len(failed), junit[:2000]
    assert str(reports.resolve()) not in junit, "absolute paths in the JUnit report"


def test_the_printed_duration_is_the_recorded_one_rounded_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from checkout_probe.basics.errors import ExitCode
    from checkout_probe.basics.output import MachineOutput
    from checkout_probe.verify.finish import say_verdict

    # 29.2503 s: printed from the raw value it said 29.3 while the record's 29.25 reads 29.2.
    with MachineOutput(enabled=True) as out:
        say_verdict(out, ExitCode.CHECKOUT_FAILED, "checkout failed", 29.2503, tmp_path, None)
    captured = capsys.readouterr()
    (record,) = [json.loads(line) for line in captured.out.splitlines()]
    assert record["duration_s"] == 29.25
    assert f"· {record['duration_s']:.1f} s · reports in" in captured.err, captured.err
