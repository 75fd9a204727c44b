"""Self-tests of the evidence store: failed checkouts' evidence published where the team can
open it, against a real S3-compatible server (moto's, ``selftests/s3_server.py``) on
127.0.0.1, and a ``file://`` store. Links are fetched with plain HTTP, as a reader would."""

from __future__ import annotations

import json
import shutil
import socket
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import httpx
import pytest

from checkout_probe.basics.errors import ConfigError
from checkout_probe.evidence.ledger import LEDGER_NAME
from checkout_probe.evidence.publisher import Attempt, EvidencePublisher
from checkout_probe.evidence.store import EvidenceStore, trace_viewer_link
from selftests.s3_server import ACCESS_KEY, REGION, SECRET_KEY, S3Server, free_port

#: Bounded waits: how long a test waits for uploads that should take well under a second.
DRAIN_S = 60.0


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on 127.0.0.1, for the module."""
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """botocore's credentials from the environment only: not this machine's ~/.aws, no
    instance metadata, no endpoint but the one a test names."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL",
                 "AWS_ENDPOINT_URL_S3"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    """A new, empty bucket."""
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    s3_server.create_bucket(name)
    return name


def evidence_folder(evidence_dir: Path, name: str = "checkout-1") -> dict[str, bytes]:
    """A failed checkout's evidence (a trace zip, a screenshot, a diagnosis) under
    ``evidence_dir/round-1/name``; returns each file's bytes by its name in the folder."""
    folder = evidence_dir / "round-1" / name
    (folder / "requests").mkdir(parents=True)
    with zipfile.ZipFile(folder / "trace.zip", "w") as trace:
        trace.writestr("trace.trace", '{"type":"context-options"}\n')
    (folder / "failure-screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "diagnosis.json").write_text(json.dumps({"category": "payment_error"}))
    (folder / "requests" / "1.json").write_text('{"status": 500}')
    (folder / ".scrub-partial.zip").write_bytes(b"a temporary file, not evidence")
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }


def ledger(evidence_dir: Path) -> list[dict[str, object]]:
    """The pending jobs the ledger holds (none when it is gone)."""
    path = evidence_dir / LEDGER_NAME
    return json.loads(path.read_text())["pending"] if path.exists() else []


def test_published_evidence_opens_over_plain_http_from_presigned_links_after_the_publisher_closed(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    store = EvidenceStore(f"s3://{bucket}/evidence", endpoint_url=s3_server.endpoint)
    files = evidence_folder(tmp_path)
    with EvidencePublisher(store, tmp_path) as publisher:
        links = publisher.publish(tmp_path / "round-1" / "checkout-1", "staging/round-1/checkout-1")
        status = publisher.drain(DRAIN_S)
    assert (status.uploaded, status.pending, status.failed_attempts) == (4, 0, 0), status.line()
    assert sorted(links) == sorted(files), "one link for each file, none for the hidden one"
    for name, link in links.items():
        assert "X-Amz-Signature=" in link and "X-Amz-Expires=604800" in link, link
        answer = httpx.get(link)
        assert answer.status_code == 200, f"{name}: {answer.status_code} {answer.text[:200]}"
        assert answer.content == files[name], f"{name}: other bytes than the folder's"
    assert httpx.get(links["failure-screenshot.png"]).headers["content-type"] == "image/png"
    assert s3_server.keys(bucket) == sorted(
        f"evidence/staging/round-1/checkout-1/{n}" for n in files
    )
    assert not (tmp_path / LEDGER_NAME).exists(), "nothing left pending"


def test_public_base_links_open_without_a_signature_where_the_bucket_allows_anonymous_reads(
    s3_server: S3Server, tmp_path: Path
) -> None:
    bucket = f"public-{uuid.uuid4().hex[:12]}"
    s3_server.create_bucket(bucket, public_read=True)
    public_base = f"{s3_server.endpoint}/{bucket}/evidence"
    store = EvidenceStore(
        f"s3://{bucket}/evidence", endpoint_url=s3_server.endpoint, public_base=public_base
    )
    files = evidence_folder(tmp_path)
    with EvidencePublisher(store, tmp_path) as publisher:
        links = publisher.publish(tmp_path / "round-1" / "checkout-1", "round-1/checkout-1")
        assert publisher.drain(DRAIN_S).pending == 0
    assert links["trace.zip"] == f"{public_base}/round-1/checkout-1/trace.zip"
    for name, link in links.items():
        assert httpx.get(link).content == files[name], name


def test_trace_viewer_link_carries_the_trace_link_as_its_trace_parameter(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    store = EvidenceStore(f"s3://{bucket}", endpoint_url=s3_server.endpoint)
    trace_link = store.links(["round 1/checkout-1/trace.zip"])["round 1/checkout-1/trace.zip"]
    viewer = trace_viewer_link(trace_link)
    assert viewer is not None and viewer.startswith("https://trace.playwright.dev/?trace=")
    assert parse_qs(urlsplit(viewer).query) == {"trace": [trace_link]}
    assert "&" not in viewer.split("?", 1)[1], "the trace link's own parameters are encoded"
    assert trace_viewer_link((tmp_path / "trace.zip").as_uri()) is None, (
        "the viewer cannot fetch it"
    )


def test_publish_to_a_store_that_never_answers_returns_before_the_first_attempt_ends(
    tmp_path: Path,
) -> None:
    deadline_s = 5.0
    with socket.socket() as silent:  # listens, never accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        store = EvidenceStore("s3://evidence", endpoint_url=endpoint, call_deadline_s=deadline_s)
        attempt_ended = threading.Event()
        attempts: list[Attempt] = []

        def heard(attempt: Attempt) -> None:
            attempts.append(attempt)
            attempt_ended.set()

        publisher = EvidencePublisher(store, tmp_path, attempts=1, on_attempt=heard)
        evidence_folder(tmp_path)
        started = time.monotonic()
        links = publisher.publish(tmp_path / "round-1" / "checkout-1", "round-1/checkout-1")
        took = time.monotonic() - started
        returned_before_the_attempt_ended = not attempt_ended.is_set()
        assert attempt_ended.wait(deadline_s * 6), "the attempt outlived its deadline"
        publisher.close()
    assert returned_before_the_attempt_ended, "publish waited for the upload"
    assert took < deadline_s, f"publish took {took:.1f} s, the store's whole deadline"
    assert len(links) == 4, "links are there before any upload"
    assert not attempts[0].ok and attempts[0].error and "\n" not in attempts[0].error
    pending = ledger(tmp_path)
    assert len(pending) == 4
    failed = [job for job in pending if job["attempts"] == 1]
    assert failed, "the failed attempt is in the ledger"
    reason = str(failed[0]["last_error"])
    assert "\n" not in reason and len(reason) < 300, reason
    assert SECRET_KEY not in reason


def test_uploads_that_failed_while_the_store_was_down_are_uploaded_by_the_next_process(
    tmp_path: Path,
) -> None:
    server = S3Server()  # its own: this test stops it
    server.start()
    try:
        server.create_bucket("evidence")
        store = EvidenceStore("s3://evidence/probe", endpoint_url=server.endpoint)
        files = evidence_folder(tmp_path)
        server.stop()
        failures: list[Attempt] = []
        four_failed = threading.Event()

        def heard(attempt: Attempt) -> None:
            failures.append(attempt)
            if len(failures) == 4:
                four_failed.set()

        first = EvidencePublisher(store, tmp_path, attempts=1, on_attempt=heard)
        links = first.publish(tmp_path / "round-1" / "checkout-1", "round-1/checkout-1")
        assert four_failed.wait(DRAIN_S), "every upload was tried once"
        status = first.status()
        first.close()
        assert (status.uploaded, status.pending, status.failed_attempts) == (0, 4, 4)
        assert status.last_error and "\n" not in status.last_error
        assert all(not attempt.ok for attempt in failures)
        pending = ledger(tmp_path)
        assert sorted(str(job["key"]) for job in pending) == sorted(
            f"round-1/checkout-1/{name}" for name in files
        )
        assert all(job["attempts"] == 1 and "\n" not in str(job["last_error"]) for job in pending)

        server.start()  # back, on the same port, empty
        server.create_bucket("evidence")
        # The next process: nothing of the first publisher but the ledger on disk.
        second_store = EvidenceStore("s3://evidence/probe", endpoint_url=server.endpoint)
        with EvidencePublisher(second_store, tmp_path) as second:
            status = second.drain(DRAIN_S)
        assert (status.uploaded, status.pending) == (4, 0), status.line()
        assert ledger(tmp_path) == []
        for name, link in links.items():  # the links the alert carried work now
            assert httpx.get(link).content == files[name], name
    finally:
        server.stop()


def test_uploads_whose_local_files_are_gone_are_counted_lost_and_leave_the_ledger(
    tmp_path: Path,
) -> None:
    nothing_there = f"http://127.0.0.1:{free_port()}"
    tried = threading.Event()
    failures: list[Attempt] = []

    def heard(attempt: Attempt) -> None:
        failures.append(attempt)
        if len(failures) == 4:
            tried.set()

    store = EvidenceStore("s3://evidence", endpoint_url=nothing_there)
    evidence_folder(tmp_path)
    with EvidencePublisher(store, tmp_path, attempts=1, on_attempt=heard) as first:
        first.publish(tmp_path / "round-1" / "checkout-1", "round-1/checkout-1")
        assert tried.wait(DRAIN_S)
    assert len(ledger(tmp_path)) == 4
    shutil.rmtree(tmp_path / "round-1")  # local retention (or a second signal) took the round
    # The ledger is the store's business, not its URL's: any next publisher takes it over.
    with EvidencePublisher(EvidenceStore((tmp_path / "shared").as_uri()), tmp_path) as second:
        status = second.drain(DRAIN_S)
    assert (status.uploaded, status.lost, status.pending) == (0, 4, 0)
    assert "local file is gone" in status.line()
    assert ledger(tmp_path) == []


def test_without_credentials_publish_returns_no_links_and_says_why(
    s3_server: S3Server, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    evidence_folder(tmp_path)
    store = EvidenceStore(f"s3://{bucket}", endpoint_url=s3_server.endpoint)
    with EvidencePublisher(store, tmp_path, attempts=1) as publisher:
        links = publisher.publish(tmp_path / "round-1" / "checkout-1", "round-1/checkout-1")
        status = publisher.drain(DRAIN_S)
    assert links == {}
    assert status.pending == 4 and len(ledger(tmp_path)) == 4, "kept for when credentials come"
    assert status.last_error and "NoCredentialsError" in status.last_error, status.line()


def test_delete_removes_a_rounds_objects_and_keeps_the_others(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    store = EvidenceStore(f"s3://{bucket}/evidence", endpoint_url=s3_server.endpoint)
    evidence_folder(tmp_path, "checkout-1")
    evidence_folder(tmp_path, "checkout-2")
    with EvidencePublisher(store, tmp_path) as publisher:
        gone = publisher.publish(tmp_path / "round-1" / "checkout-1", "round-1/checkout-1")
        kept = publisher.publish(tmp_path / "round-1" / "checkout-2", "round-2/checkout-2")
        assert publisher.drain(DRAIN_S).pending == 0
        publisher.delete("round-1")
        assert publisher.drain(DRAIN_S).pending == 0
    assert all(key.startswith("evidence/round-2/") for key in s3_server.keys(bucket))
    assert len(s3_server.keys(bucket)) == 4
    assert httpx.get(gone["trace.zip"]).status_code == 404
    assert httpx.get(kept["trace.zip"]).status_code == 200


def test_the_endpoint_comes_from_botocores_AWS_ENDPOINT_URL_S3_when_no_option_names_it(
    s3_server: S3Server, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_server.endpoint)
    files = evidence_folder(tmp_path)
    with EvidencePublisher(EvidenceStore(f"s3://{bucket}"), tmp_path) as publisher:
        links = publisher.publish(tmp_path / "round-1" / "checkout-1", "r1/c1")
        assert publisher.drain(DRAIN_S).uploaded == 4
    assert links["trace.zip"].startswith(f"{s3_server.endpoint}/{bucket}/r1/c1/trace.zip?")
    assert httpx.get(links["trace.zip"]).content == files["trace.zip"]


def test_a_file_store_publishes_file_links_to_the_same_bytes(tmp_path: Path) -> None:
    files = evidence_folder(tmp_path / "local")
    shared = tmp_path / "shared evidence"
    with EvidencePublisher(EvidenceStore(shared.as_uri()), tmp_path / "local") as publisher:
        links = publisher.publish(tmp_path / "local" / "round-1" / "checkout-1", "r1/c1")
        assert publisher.drain(DRAIN_S).uploaded == 4
    for name, link in links.items():
        assert link.startswith("file:///"), link
        with urlopen(link) as answer:
            assert answer.read() == files[name], name
    assert (shared / "r1" / "c1" / "requests" / "1.json").is_file()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("s3://AKIAEXAMPLEKEY:wJalr/XUtnFEMI+K7MDENG@evidence/probe", "credentials"),
        ("s3://AKIAEXAMPLEKEY:wJalrXUtnFEMIK7MDENG@evidence/probe", "credentials"),
        ("ftp://files.example.com/evidence", "unknown store"),
        ("https://evidence.example.com/probe", "unknown store"),
        ("evidence/probe", "unknown store"),
        ("s3://", "names no bucket"),
        ("s3://Not_A:Bucket/x", "names no bucket"),
        ("s3://evidence/probe?region=eu-west-1", "no '?'"),
        ("file://relative/folder", "file:///absolute/path"),
        ("gs://evidence/probe", "needs gcsfs: pip install 'checkout-probe[store-gcs]'"),
        ("az://evidence/probe", "needs adlfs: pip install 'checkout-probe[store-azure]'"),
    ],
)
def test_a_store_url_that_cannot_work_is_one_line_without_credentials(url: str, says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        EvidenceStore(url)
    message = str(refused.value)
    assert says in message and message.startswith("--evidence-store ")
    assert "\n" not in message
    assert "wJalr" not in message and "AKIAEXAMPLEKEY" not in message


def test_s3_without_s3fs_installed_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "s3fs", None)  # import s3fs now raises ImportError
    with pytest.raises(ConfigError, match=r"needs s3fs: pip install 'checkout-probe\[store\]'$"):
        EvidenceStore("s3://evidence/probe")


def test_public_base_and_endpoint_with_credentials_are_refused_without_showing_them() -> None:
    with pytest.raises(ConfigError) as base:
        EvidenceStore("s3://evidence", public_base="https://user:hunter2/x@cdn.example.com/e")
    with pytest.raises(ConfigError) as endpoint:
        EvidenceStore("s3://evidence", endpoint_url="http://minio:hunter2@127.0.0.1:9000")
    for refused in (base, endpoint):
        assert "hunter2" not in str(refused.value) and "\n" not in str(refused.value)
