"""Open the round history from a ``--history`` URL, with one-line errors for every mistake.

Shared by ``checkout-probe probe`` (which creates the tables, and a SQLite
file's folder) and ``checkout-probe history`` (which must not create anything:
a typo in a SQLite path would otherwise leave an empty database behind and
report "no rounds"). Passwords in URLs never reach a message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)

from checkout_probe.basics.errors import ConfigError, TargetUnreachable
from checkout_probe.basics.redact import mask_url
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.options import DEFAULT_HISTORY

RUN_PROBE_FIRST = "run `checkout-probe probe` first or pass --history"


def _sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL names; None for other databases."""
    if url.get_backend_name() != "sqlite":
        return None
    name = url.database or ""
    if name.startswith("file:"):  # URI form: sqlite:///file:path?mode=ro&uri=true
        name = name.removeprefix("file:").split("?", 1)[0]
    if name in ("", ":memory:"):
        raise ConfigError(
            "an in-memory SQLite database holds no history: pass the probe's --history"
        )
    return Path(name)


def database_error(exc: SQLAlchemyError) -> str:
    """The first line of what the database (or its driver) said, without the SQL."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


@contextmanager
def reading(shown: str) -> Iterator[None]:
    """Turn database errors into one-line user errors (exit 3 unreachable, 2 not a history)."""
    try:
        yield
    except OperationalError as exc:
        reason = database_error(exc)
        raise TargetUnreachable(f"cannot read the history database {shown}: {reason}") from None
    except DatabaseError as exc:
        reason = database_error(exc)
        raise ConfigError(f"{shown} is not a usable history database: {reason}") from None


#: Seconds a database may take to answer a connection, so a host that never answers
#: fails the probe in seconds (exit 3) instead of hanging it until it is killed.
CONNECT_TIMEOUT_S = 5


def _bounded(url: URL) -> dict[str, Any]:
    """Engine options that bound connecting (and, on SQLite, waiting for a writer's lock)."""
    # Options given in the URL's query win (connect_args would override them).
    if url.get_backend_name() == "sqlite" and "timeout" not in url.query:
        return {"connect_args": {"timeout": 15}}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        return {"connect_args": {"connect_timeout": CONNECT_TIMEOUT_S}}
    return {}


def check_history_url(text: str) -> None:
    """Refuse (ConfigError) a ``--history`` URL that cannot work, without connecting or writing.

    The probe checks it before it starts a browser, so a typo costs one line, not a round.
    """
    shown = mask_url(text)
    userinfo = text.split("://", 1)[-1].split("/", 1)[0]
    if userinfo.count("@") > 1:
        # Parsed, it would make part of the password the host, and errors would name it.
        raise ConfigError(
            f"--history URL {shown!r} has an '@' in its user or password: write it as %40"
        )
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ConfigError(_malformed(shown)) from None
    try:
        url.get_dialect().import_dbapi()  # the driver, as create_engine would load it
    except NoSuchModuleError:
        raise ConfigError(_unknown_database(url, shown)) from None
    except ImportError as exc:
        raise ConfigError(_no_driver(url, shown, exc)) from None
    _sqlite_file(url)  # an in-memory SQLite database holds no history


def _malformed(shown: str) -> str:
    return (
        f"malformed --history URL {shown!r}: expected e.g. {DEFAULT_HISTORY} "
        "or postgresql+psycopg://user@host/db"
    )


def _unknown_database(url: URL, shown: str) -> str:
    return (
        f"unknown database {url.drivername!r} in --history URL {shown!r}: "
        "use a SQLAlchemy URL such as sqlite:///path/to/history.sqlite"
    )


def _no_driver(url: URL, shown: str, exc: ImportError) -> str:
    hint = (
        "install checkout-probe[postgres] and use postgresql+psycopg://"
        if url.get_backend_name() == "postgresql"
        else "install it next to checkout-probe"
    )
    return f"no driver for {url.drivername} in --history URL {shown!r} ({exc}): {hint}"


def open_history(text: str, *, create: bool = False) -> HistoryStore:
    """Open the history at ``text``; ``create`` makes its tables (and a SQLite file's folder).

    Without ``create`` nothing is written, and a missing history is a ConfigError.
    """
    check_history_url(text)  # a malformed URL, an unknown database, no driver
    shown, url = mask_url(text), make_url(text)
    path = _sqlite_file(url)
    if path is not None and create:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif path is not None and not path.is_file():
        what = "not a file" if path.exists() else "no such file"
        raise ConfigError(f"no history at {path.resolve()} ({what}): {RUN_PROBE_FIRST}")
    try:
        with reading(shown):  # creating (or upgrading) the tables connects
            store = HistoryStore(text, create_tables=create, **_bounded(url))
    except ArgumentError as exc:  # query arguments the driver does not take
        raise ConfigError(f"malformed --history URL {shown!r}: {exc}") from None
    if create:
        return store
    try:
        with reading(shown):
            problem = store.reading_problem()
        if problem == "no probe tables":
            raise ConfigError(f"no history at {shown} (no probe tables): {RUN_PROBE_FIRST}")
        if problem is not None:
            raise ConfigError(problem)
    except BaseException:
        store.close()
        raise
    return store
