"""The checkouts' traces exported over OTLP/HTTP (``--otlp-endpoint``) to a receiver on
loopback that decodes them with OpenTelemetry's own protobuf definitions.

What is and is not tested: the export a collector would receive (the OTLP/HTTP protobuf
request, its spans, ids and attributes), not an OpenTelemetry Collector itself (none can be
installed on this machine: no package registry carries it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from selftests.helpers import run_suites
from selftests.probe.running import catalog_only_project, demo_shop, run_probe
from selftests.probe.support import trickling_receiver

GUEST = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_with_valid_card_shows_order_number_matching_stored_order"
)


class _Receiver(ThreadingHTTPServer):
    requests: list[tuple[str, ExportTraceServiceRequest]]


class _Handler(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        self.server.requests.append((self.path, request))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    server = _Receiver(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_failed_checkout_reaches_the_collector_as_one_trace_with_a_span_per_step(
    receiver: _Receiver, tmp_path: Path
) -> None:
    endpoint = f"http://127.0.0.1:{receiver.server_address[1]}"
    run = run_suites(
        tmp_path, GUEST, f"--otlp-endpoint={endpoint}",
        "--shop-arg=--order-database-url=sqlite:////nonexistent/order-service/orders.db",
    )  # fmt: skip
    assert run.returncode == 1, run.output
    (test,) = run.summary()["tests"]
    assert {path for path, _ in receiver.requests} == {"/v1/traces"}
    spans = [
        (resource.resource, span)
        for _, request in receiver.requests
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    mine = [(r, s) for r, s in spans if s.trace_id.hex() == test["trace_id"]]
    names = [s.name for _, s in mine]
    root = next(s for _, s in mine if s.name.startswith("checkout: "))
    assert GUEST in root.name and root.status.code == 2  # STATUS_CODE_ERROR
    steps = [s for _, s in mine if s.name.startswith("step: ")]
    assert [s.name for s in steps][:2] == ["step: open catalog", "step: add to cart"], names
    assert all(s.parent_span_id == root.span_id for s in steps)
    failed = [s for s in steps if s.status.code == 2]
    assert [s.name for s in failed] == ["step: place order"]
    # The span the failing request carried is the one the collector got for the step.
    assert failed[0].span_id.hex() == test["diagnosis"]["failed_requests"][0]["span_id"]
    service = {a.key: a.value.string_value for a in mine[0][0].attributes}
    assert service["service.name"] == "checkout-probe"


def test_without_the_exporter_installed_the_option_is_one_line_and_exit_2(tmp_path: Path) -> None:
    # The exporter is an extra: a Python without it must say so, not export nothing quietly.
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class _NoOtlp:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.startswith('opentelemetry.exporter'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, _NoOtlp())\n"
    )
    run = run_suites(
        tmp_path, GUEST, "--otlp-endpoint=http://127.0.0.1:9", "--collect-only",
        env={"PYTHONPATH": str(tmp_path)},
    )  # fmt: skip
    assert run.returncode == 4, run.output  # pytest's usage error
    assert "--otlp-endpoint needs the OTLP exporter: pip install 'checkout-probe[otlp]'" in (
        run.output
    )
    assert "Traceback" not in run.output


def test_a_collector_that_trickles_its_answer_holds_the_probe_no_longer_than_the_flush(
    tmp_path: Path,
) -> None:
    # Before: the SDK's flush ignored its timeout and the exporter's bounds each read, so a
    # collector sending a header line a second held `probe --once` for 104 s here.
    project = f"--project={catalog_only_project(tmp_path / 'project')}"
    with demo_shop(tmp_path / "shop") as shop, trickling_receiver() as collector:
        assert shop.url is not None
        run = run_probe(shop.url, tmp_path, "--once", "--checkouts", "2", project,
                        f"--otlp-endpoint={collector}", timeout_s=90)  # fmt: skip
    assert run.returncode == 0, run.output
    assert "HEALTHY" in run.rounds()[0], run.output
    assert "took no spans within 10 s: those left are dropped" in run.stderr, run.output
    assert "Traceback" not in run.output
