"""verify's failed checkouts' evidence, published to the evidence store (``--evidence-store``).

After the run, each failed test's artifact folder (screenshot, trace, video) is handed to the
store's publisher under ``<env>/verify-<run id>/<folder>``; its links go into
``summary.json`` (``evidence_links`` of the test, a trace-viewer link first) and into the
JUnit report (a ``evidence`` property per link) before the verdict is printed. The uploads
run in the background meanwhile; verify waits for them after its verdict, bounded, and says
what became of them (what failed stays in the reports folder's ledger for a later run).
"""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from checkout_probe.evidence.publisher import EvidencePublisher
from checkout_probe.evidence.store import EvidenceStore, reading_order
from checkout_probe.settings.config import Settings

#: The longest verify waits for its uploads after the verdict.
DRAIN_S = 60.0


def open_publisher(args: argparse.Namespace, settings: Settings,
                   reports: Path) -> EvidencePublisher | None:  # fmt: skip
    """The publisher, when a store is named; a URL that cannot work: ConfigError now."""
    url = args.evidence_store or settings.environment.evidence_store
    if not url:
        return None
    return EvidencePublisher(EvidenceStore(url, public_base=args.evidence_public_base), reports)


def publish_failures(publisher: EvidencePublisher, written: dict[str, Any]) -> int:
    """Add ``evidence_links`` to each failed test of ``written`` (summary.json's data);
    returns how many tests got links."""
    prefix = f"{written.get('env', 'env')}/verify-{written.get('run_id', 'run')}"
    published = 0
    for test in written.get("tests", []):
        artifacts = [Path(a) for a in test.get("artifacts", ())]
        if test.get("outcome") != "failed" or not artifacts:
            continue
        links: list[str] = []
        for folder in sorted({a.parent for a in artifacts}):
            links += reading_order(publisher.publish(folder, f"{prefix}/{folder.name}"))
        if links:
            test["evidence_links"] = links
            published += 1
    return published


def junit_name(nodeid: str) -> tuple[str, str]:
    """pytest's JUnit ``classname`` and ``name`` of a test id."""
    parts = nodeid.split("::")
    module = parts[0].removesuffix(".py").replace("/", ".")
    return ".".join([module, *parts[1:-1]]), parts[-1]


def add_to_junit(tree: ET.ElementTree[ET.Element], tests: Sequence[Mapping[str, Any]]) -> None:
    """An ``evidence`` property per link on each failed test's ``<testcase>`` of a parsed
    JUnit report (the caller writes it)."""
    links = {junit_name(str(t["nodeid"])): t["evidence_links"] for t in tests
             if t.get("evidence_links")}  # fmt: skip
    for case in tree.iter("testcase"):
        found = links.get((case.get("classname", ""), case.get("name", "")))
        if not found:
            continue
        properties = case.find("properties")
        if properties is None:
            properties = ET.Element("properties")
            case.insert(0, properties)
        for link in found:
            ET.SubElement(properties, "property", name="evidence", value=link)
