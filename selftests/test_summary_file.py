"""Self-tests: ``summary.json`` and scrubbed evidence are written whole or not at all, and
the summary is read back defensively.

A full disk is stood in for by a file size limit (RLIMIT_FSIZE, with SIGXFSZ ignored, so a
write that goes over it fails with EFBIG as a full disk's fails with ENOSPC).
"""

from __future__ import annotations

import errno
import resource
import signal
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from checkout_probe.evidence.record import read_summary, write_summary
from checkout_probe.evidence.scrub import scrub_file


@contextmanager
def _files_limited_to(size: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_summary_that_cannot_be_written_leaves_the_last_one_whole_and_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "summary.json"
    write_summary(path, {"tests": [], "run_id": "before"})
    big = {"tests": [{"nodeid": "x" * 200_000}], "run_id": "after"}

    with pytest.raises(OSError) as raised, _files_limited_to(4096):
        write_summary(path, big)

    assert raised.value.errno in {errno.EFBIG, errno.ENOSPC}
    assert read_summary(path) == {"tests": [], "run_id": "before"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


@pytest.mark.parametrize(
    "content",
    [b"", b'{"tests": [', b"[1, 2]", b'{"run_id": "no tests"}', b"\xff\xfe"],
    ids=["empty", "torn", "a list", "no tests", "not UTF-8"],
)
def test_a_torn_or_foreign_summary_reads_as_none(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "summary.json"
    path.write_bytes(content)
    assert read_summary(path) is None
    assert read_summary(tmp_path / "missing.json") is None


@pytest.mark.parametrize("name", ["trace.zip", "network.har"])
def test_evidence_that_cannot_be_scrubbed_is_left_as_it_was_and_no_temporary_file(
    tmp_path: Path, name: str
) -> None:
    # Before: the trace's scrubbed copy was a temporary file that a full disk left behind,
    # and a text file was truncated in place.
    path = tmp_path / name
    text = '{"value": "4111111111111111"}\n' + "x" * 200_000
    if name.endswith(".zip"):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
            out.writestr("trace.trace", text)
    else:
        path.write_text(text)
    before = path.read_bytes()

    with pytest.raises(OSError), _files_limited_to(4096):
        scrub_file(path)

    assert path.read_bytes() == before  # whoever kept it deletes it; nothing half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
