"""A cleaner Allure report: titles people read, no rows that say nothing, no class paths.

allure-pytest records every fixture a test used as a set-up and a tear-down row (80 and more
per test with pytest-playwright's), names a test by its function and browser
(``test_guest_checkout…[chromium]``) and starts a failure's message with the exception's
class path (``checkout_probe.diagnosis.evidence.CheckoutFailure: step …``). The run's
results are tidied once, at its end: fixture rows that passed with nothing to show are
dropped (a failed one, or one with steps or attachments, stays), and a message starts with
what happened. Titles are set while a test runs (:func:`title`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkout_probe.basics.files import write_atomically

#: "package.module.SomeError: " at the start of a message: the class path goes; a builtin's
#: bare name (AssertionError) is not a path and stays.
_CLASS_PATH = re.compile(r"^(?:[A-Za-z_]\w*\.)+([A-Z]\w*): ")
#: Exceptions whose text is the whole diagnosis: their name adds nothing.
_SILENT = frozenset({"CheckoutFailure"})


@dataclass(frozen=True)
class Tidied:
    """What :func:`tidy` changed."""

    fixture_rows_dropped: int
    messages_cleaned: int


def title(name: str, doc: str | None, params: str = "") -> str:
    """A test's title: its docstring's first line, else its name in words; the parameters
    that are not the browser after it."""
    first = (doc or "").strip().splitlines()[0].strip().rstrip(".") if (doc or "").strip() else ""
    text = first or name.removeprefix("test_").replace("_", " ").strip().capitalize()
    extra = [p for p in params.split("-") if p and p != "chromium"]
    return f"{text} ({', '.join(extra)})" if extra else text


def _says_something(row: Mapping[str, Any]) -> bool:
    status = row.get("status")
    return (status not in ("passed", None) or bool(row.get("steps"))
            or bool(row.get("attachments")) or bool(row.get("parameters")))  # fmt: skip


def _clean_message(text: str) -> str:
    match = _CLASS_PATH.match(text)
    if not match:
        return text
    rest = text[match.end() :]
    return rest if match.group(1) in _SILENT else f"{match.group(1)}: {rest}"


def _rewrite(path: Path, data: Any) -> None:
    write_atomically(path, lambda out: out.write(json.dumps(data).encode()))


def tidy(results: Path) -> Tidied:
    """Tidy the Allure results in ``results`` in place (see the module's docstring)."""
    dropped = cleaned = 0
    for path in results.glob("*-container.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        before = len(data.get("befores", [])) + len(data.get("afters", []))
        data["befores"] = [r for r in data.get("befores", []) if _says_something(r)]
        data["afters"] = [r for r in data.get("afters", []) if _says_something(r)]
        after = len(data["befores"]) + len(data["afters"])
        if after == before:
            continue
        dropped += before - after
        if after == 0:
            path.unlink(missing_ok=True)  # a container of nothing: it only grouped rows
        else:
            _rewrite(path, data)
    for path in results.glob("*-result.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        details = data.get("statusDetails") or {}
        message = details.get("message")
        if isinstance(message, str) and (new := _clean_message(message)) != message:
            details["message"] = new
            cleaned += 1
            _rewrite(path, data)
    return Tidied(dropped, cleaned)
