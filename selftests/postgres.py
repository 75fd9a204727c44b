"""A real PostgreSQL server for the self-tests: its own data folder, port and socket.

Started from Debian's ``postgresql`` package (``./run tests`` installs it), bound to
127.0.0.1 on a free port, trusting local connections, and stopped when the tests
end. As root, the server runs as the ``postgres`` user (PostgreSQL refuses root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

#: Where Debian puts each major version's server programs.
_DEBIAN_BINDIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def server_bindir() -> Path:
    """The folder with ``initdb`` and ``pg_ctl`` (the newest installed major version)."""
    for bindir in _DEBIAN_BINDIRS:
        if (bindir / "initdb").is_file():
            return bindir
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("no PostgreSQL server (initdb) here: `./run tests` installs postgresql")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One throwaway cluster; :meth:`new_database` hands each test a database of its own."""

    def __init__(self) -> None:
        # Not under pytest's tmp folders: those are root's alone, and the server runs as postgres.
        self.folder = Path(tempfile.mkdtemp(prefix="checkout-probe-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.bindir = server_bindir()
        self._as_root = os.geteuid() == 0

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, timeout=60)

    def start(self) -> None:
        """initdb (trust, user ``probe``) and start on 127.0.0.1:port, socket in the folder."""
        if self._as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "probe",
                  "--auth=trust", "--no-sync", "-E", "UTF8")  # fmt: skip
        self.resume()

    def halt(self) -> None:
        """Stop the server but keep its data: :meth:`resume` starts it again, same port."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start a halted server again with the options it had."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "server.log"), "-w", "-t", "30", "start")  # fmt: skip

    def restart(self) -> None:
        """Restart the server (fast shutdown, same options): every open connection is cut."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                  "-l", str(self.folder / "server.log"), "-t", "30", "restart")  # fmt: skip

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder."""
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of one database on this server."""
        return f"postgresql+psycopg://probe@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database; return its URL."""
        name = f"history_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)
