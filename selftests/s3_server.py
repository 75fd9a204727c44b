"""A real S3-compatible server for the self-tests: moto's, in a process of its own.

``python -m moto.server`` (the ``moto_server`` command of ``moto[s3]``, with ``flask-cors``
from the test extra) bound to 127.0.0.1 on a free port. :meth:`S3Server.stop` takes the
store away (connections are refused); :meth:`S3Server.start` brings it back on the same
port, empty: moto keeps buckets in memory, so a test makes its bucket again.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]

from checkout_probe.basics.processes import terminate

#: moto accepts any credentials; these are what the tests' environment gives botocore.
ACCESS_KEY, SECRET_KEY, REGION = "testing-key-id", "testing-secret-key", "us-east-1"


def free_port() -> int:
    """A TCP port nothing on 127.0.0.1 listens on (as of now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class S3Server:
    """moto's S3 server on 127.0.0.1:``port``, started and stopped at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self._process: subprocess.Popen[str] | None = None
        self._said: deque[str] = deque(maxlen=20)  # its last lines, for a failure's message

    @property
    def endpoint(self) -> str:
        """The endpoint URL an S3 client is given."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the server and return once it listens (``timeout_s`` at most)."""
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self._process = process
        listening = threading.Event()

        def read(stream: Any) -> None:  # also keeps the pipe drained: moto logs every request
            for line in stream:
                self._said.append(line.rstrip())
                if "Running on" in line:
                    listening.set()
            listening.set()  # it ended: start() looks at why

        threading.Thread(target=read, args=(process.stderr,), daemon=True).start()
        if not listening.wait(timeout_s) or process.poll() is not None:
            self.stop()
            raise RuntimeError(f"moto's S3 server did not start: {' | '.join(self._said)}")

    def stop(self) -> None:
        """Stop the server: from now on the port refuses connections."""
        if self._process is not None:
            terminate(self._process, grace_s=10)
            self._process = None

    def client(self) -> Any:
        """A boto3 S3 client of this server (for setting up buckets, not under test)."""
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        )  # fmt: skip

    def create_bucket(self, name: str, *, public_read: bool = False) -> None:
        """Create bucket ``name``; ``public_read``: anyone may GET its objects (a bucket policy)."""
        client = self.client()
        client.create_bucket(Bucket=name)
        if public_read:
            statement = {
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }  # fmt: skip
            policy = {"Version": "2012-10-17", "Statement": [statement]}
            client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))

    def keys(self, bucket: str) -> list[str]:
        """Every object key in ``bucket``."""
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


def aws_environment(server: S3Server, folder: Path) -> dict[str, str]:
    """botocore's configuration from the environment only, as a platform would give a probe
    or a CI job: the server's keys and endpoint, no metadata service, no ~/.aws files."""
    return {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION, "AWS_ENDPOINT_URL_S3": server.endpoint,
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": str(folder / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(folder / "none"),
    }  # fmt: skip
