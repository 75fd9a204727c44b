"""Output for people and for machines, the same way in ``verify`` and ``probe``.

``--json``: one JSON object per line on stdout (a checkout's, a round's or a run's; field
names in docs/options.md), everything written for people goes to stderr instead.
``--log-format json``: log records as JSON lines (python-json-logger), for Loki or ELK.
Colour: on a terminal only, never with ``NO_COLOR``, always with ``FORCE_COLOR``
(https://no-color.org).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
from types import TracebackType
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter

LOG_FORMATS = ("text", "json")
_TEXT_LOG = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_COLOURS = {"red": "31", "green": "32", "yellow": "33", "bold": "1"}


def configure_logging(log_format: str) -> None:
    """Warnings and errors on stderr, as text lines or JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                           rename_fields={"levelname": "level"}))  # fmt: skip
    else:
        handler.setFormatter(logging.Formatter(_TEXT_LOG))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)


def colour_on(stream: TextIO) -> bool:
    """Whether to colour what goes to ``stream``."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def paint(text: str, colour: str, stream: TextIO | None = None) -> str:
    """``text`` in ``colour`` (red, green, yellow, bold) where :func:`colour_on` says so."""
    if not colour_on(stream or sys.stdout):
        return text
    return f"\033[{_COLOURS[colour]}m{text}\033[0m"


class MachineOutput:
    """While entered with ``enabled``: :meth:`emit` writes JSON lines to the real stdout and
    ``print`` writes to stderr (the lines for people, from every module, unchanged)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._stream: TextIO = sys.stdout
        self._lock = threading.Lock()
        self._redirect: contextlib.AbstractContextManager[Any] | None = None

    def __enter__(self) -> MachineOutput:
        if self.enabled:
            self._stream = sys.stdout
            self._redirect = contextlib.redirect_stdout(sys.stderr)
            self._redirect.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:  # fmt: skip
        if self._redirect is not None:
            self._redirect.__exit__(kind, value, traceback)
            self._redirect = None

    def emit(self, record: dict[str, Any]) -> None:
        """One JSON object, one line (nothing unless ``--json``); safe from any thread."""
        if not self.enabled:
            return
        with self._lock:
            print(json.dumps(record, ensure_ascii=False, default=str), file=self._stream,
                  flush=True)  # fmt: skip
