"""Self-test: verify publishes its failed checkouts' evidence to the evidence store (moto's S3
server on 127.0.0.1): summary.json and the JUnit report carry links that open the screenshot
and the trace with plain HTTP after verify has exited.
"""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from selftests.helpers import run_verify
from selftests.s3_server import S3Server, aws_environment


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    server = S3Server()
    server.start()
    yield server
    server.stop()


def test_verify_links_its_failed_checkouts_evidence_in_summary_and_junit(
    tmp_path: Path, s3: S3Server
) -> None:
    bucket = f"verify-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(bucket)
    reports = tmp_path / "reports"
    code, output, _ = run_verify(
        "--shop-arg=--fault=payment-provider-down", "--reports", str(reports),
        "--gate-checkouts", "0", "--retries", "0", f"--evidence-store=s3://{bucket}/ci",
        env=aws_environment(s3, tmp_path),
    )  # fmt: skip
    assert code == 1, output
    failed = [t for t in json.loads((reports / "summary.json").read_text())["tests"]
              if t["outcome"] == "failed"]  # fmt: skip
    assert failed and all(t.get("evidence_links") for t in failed), output
    links = failed[0]["evidence_links"]
    assert links[0].startswith("https://trace.playwright.dev/?trace="), links
    stored = [link for link in links if link.startswith(s3.endpoint)]
    answers = {link.split("?")[0].rsplit("/", 1)[-1]: httpx.get(link, timeout=10)
               for link in stored}  # fmt: skip
    assert answers["trace.zip"].content.startswith(b"PK"), answers
    assert answers["failure-screenshot.png"].content.startswith(b"\x89PNG"), answers
    junit = ET.parse(reports / "junit.xml")
    properties = [p.get("value") for p in junit.iter("property") if p.get("name") == "evidence"]
    assert set(links) <= set(properties), (links, properties)
    # The verdict came first; the uploads were waited for after it, and all done.
    assert output.index("verify: exit 1") < output.index("evidence store s3://"), output
    assert ", 0 pending" in output, output
