"""The end of a verify run: its reports, its verdict line, its record for machines.

One duration per run, the same everywhere: verify's own, from its start (the version wait
and the gate's burst included) to its verdict; it is the printed one, ``summary.json``'s
``duration_s`` and the JUnit report's ``time`` (pytest's own session time is
``checkouts_s`` in ``summary.json``).
"""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from checkout_probe.basics.errors import ExitCode
from checkout_probe.basics.files import write_atomically
from checkout_probe.basics.output import MachineOutput, paint
from checkout_probe.evidence.publisher import EvidencePublisher
from checkout_probe.evidence.record import write_summary
from checkout_probe.settings.config import Settings
from checkout_probe.verify.gate_rule import GateRule
from checkout_probe.verify.published import add_to_junit, junit_name, publish_failures


def start_line(args: argparse.Namespace, settings: Settings, rule: GateRule | None) -> str:
    """What verify is about to do and wait for, said before it waits for anything."""
    steps = []
    if args.expect_version:
        steps.append(f"wait for version {args.expect_version} (up to "
                     f"{min(args.version_timeout, args.timeout):.0f} s)")  # fmt: skip
    if not settings.is_local:
        steps.append(f"preflight ({settings.environment.preflight})")
    browsers = "no browser" if args.workers == 0 else f"{max(args.workers, 1)} browsers"
    steps.append(f"the smoke checkouts (-m {args.marker}, {browsers})")
    if rule is not None and settings.shop.journeys:
        steps.append(f"up to {rule.max_checkouts} checkouts for the gate's rule")
    return (f"verify: env {settings.env} of {settings.shop.name}: " + ", then ".join(steps)
            + f"; within {args.timeout:.0f} s")  # fmt: skip


def write_reports(
    reports: Path, written: dict[str, Any], extra: dict[str, Any], total_s: float,
    publisher: EvidencePublisher | None,
) -> None:  # fmt: skip
    """summary.json (with the run's one duration) and the JUnit report's time and links;
    ``OSError`` when the disk refuses (the caller says so in a second line)."""
    if publisher is not None:
        # Links before the verdict (they can be made before the upload ends).
        publish_failures(publisher, written)
    data = {**written, **extra, "checkouts_s": written.get("duration_s"),
            "duration_s": round(total_s, 3)}  # fmt: skip
    write_summary(reports / "summary.json", data)
    junit = reports / "junit.xml"
    if junit.is_file():
        _mend_junit(junit, reports, data.get("tests", []), total_s)


def _mend_junit(junit: Path, reports: Path, tests: list[dict[str, Any]], total_s: float) -> None:
    """The run's duration; each failure's category as its ``type`` (CI's test views group
    by it); artifact paths relative to the reports folder (it is what CI archives); the
    evidence store's links. One read, one write."""
    categories = {junit_name(str(t["nodeid"])): t.get("category") for t in tests}
    root = f"{reports.resolve()}/"
    tree = ET.parse(junit)
    for suite in tree.iter("testsuite"):
        suite.set("time", f"{total_s:.3f}")
    for case in tree.iter("testcase"):
        category = categories.get((case.get("classname", ""), case.get("name", "")))
        for failure in case.iter("failure"):
            failure.set("type", category or "harness_error")
        for prop in case.iter("property"):
            prop.set("value", prop.get("value", "").replace(root, ""))
    add_to_junit(tree, tests)  # the evidence store's links, as they are
    write_atomically(junit, lambda out: tree.write(out, encoding="utf-8", xml_declaration=True))


def say_verdict(
    out: MachineOutput, code: ExitCode, label: str, total_s: float, reports: Path,
    written: dict[str, Any] | None,
) -> None:  # fmt: skip
    """The verdict line (for people) and the run's record (for machines)."""
    colour = "green" if code == ExitCode.OK else "red"
    seconds = round(total_s, 3)  # the one value printed and recorded (29.2503 would say 29.3)
    print(f"verify: {paint(f'exit {int(code)} ({label})', colour)} · {seconds:.1f} s · "
          f"reports in {reports}/", flush=True)  # fmt: skip
    totals = (written or {}).get("totals", {})
    out.emit({
        "type": "run", "exit_code": int(code), "verdict": label,
        "duration_s": seconds, "reports": str(reports),
        "passed": totals.get("passed", 0), "failed": totals.get("failed", 0),
        "skipped": totals.get("skipped", 0), "flaky": (written or {}).get("flaky", 0),
        "shop_versions": (written or {}).get("shop_versions", []),
        "gate": (written or {}).get("gate"),
    })  # fmt: skip
