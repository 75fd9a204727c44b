"""Scrub card data and secrets out of artifacts before they are kept or attached.

Playwright traces record typed text (``fill`` actions), input values in DOM
snapshots, and request bodies; HAR files record bodies too. Each text entry is
scrubbed: known secrets, card-number-shaped digit runs, and the values of
card, CVC and password fields wherever the structure says what they are.
Screenshots and video are pixels: they are protected at capture time instead
(``MASK_SENSITIVE_FIELDS_CSS``, injected into every frame).
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO
from zipfile import ZIP_DEFLATED

from checkout_probe.basics.files import write_atomically
from checkout_probe.basics.redact import MASK, redact

#: Renders card and password fields as dots in screenshots, video and screencasts.
MASK_SENSITIVE_FIELDS_CSS = (
    'input[autocomplete^="cc-"], input[type="password"], input[name*="card" i],'
    ' input[name*="cvc" i] { -webkit-text-security: disc !important; }'
)

_SENSITIVE = re.compile(r"card|cc-|cvc|cvv|csc|security code|password|expir", re.IGNORECASE)
_JSON_FIELD = re.compile(
    r'("(?:cvc|cvv|csc|cvc2|password|pass|exp|expiry|card_number|number)"\s*:\s*)"[^"]*"',
    re.IGNORECASE,
)
#: JSON keys whose values are card data or passwords (request bodies to the provider).
_SENSITIVE_KEY = re.compile(
    r"cvc|cvv|csc|cvc2|password|pass|exp|expiry|card_number|number", re.IGNORECASE
)
_FORM_FIELD = re.compile(r"((?:^|[&?])(?:cvc|cvv|csc|password|number|exp)=)[^&\s\"]*")
_TEXT_SUFFIXES = {".trace", ".network", ".json", ".har", ".txt", ".log", ".html", ".xml", ".stacks"}


#: What Playwright's action log says it typed: 'fill("…")', 'type("…")', 'press("…")'.
_TYPED = re.compile(r'\b(fill|type|pressSequentially|press)\((?:"(?:[^"\\]|\\.)*"|[^)]*)\)')
_NOT_JSON = object()

#: Numbers under these keys are clocks and ids, never card data (wallTime is 13 digits).
_NOT_CARD_KEYS = re.compile(r"time|stamp|id$|size|bytes|offset", re.IGNORECASE)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _scrub_string(text: str, secrets: tuple[str, ...]) -> str:
    scrubbed = redact(text, secrets)
    scrubbed = _JSON_FIELD.sub(lambda m: f'{m.group(1)}"{MASK}"', scrubbed)
    return _FORM_FIELD.sub(lambda m: m.group(1) + MASK, scrubbed)


def _scrub_number(key: str, value: int) -> Any:
    digits = str(abs(value))
    if 13 <= len(digits) <= 19 and not _NOT_CARD_KEYS.search(key) and _luhn(digits):
        return f"[card …{digits[-4:]}]"
    return value


def _is_sensitive_action(node: dict[str, Any]) -> bool:
    """An action typing into a card or password field (its selector names the field)."""
    params = node.get("params")
    return (
        isinstance(params, dict)
        and "value" in params
        and _SENSITIVE.search(str(params.get("selector", ""))) is not None
    )


def _scrub_node(node: Any, secrets: tuple[str, ...], key: str = "") -> Any:
    # DOM snapshot nodes look like [tag, {attrs}, *children]; actions carry params.
    # Strings are scrubbed by pattern; numbers only when they could be a card number,
    # so timestamps stay numbers and the trace stays readable by the trace viewer.
    if isinstance(node, str):
        return _scrub_string(node, secrets)
    if isinstance(node, bool):
        return node
    if isinstance(node, int):
        return _scrub_number(key, node)
    if isinstance(node, list):
        if len(node) >= 2 and isinstance(node[0], str) and isinstance(node[1], dict):
            attrs = node[1]
            hints = " ".join(str(attrs.get(k, "")) for k in ("autocomplete", "type", "name", "id"))
            if _SENSITIVE.search(hints):
                for name in ("value", "__playwright_value_"):
                    if name in attrs:
                        attrs[name] = MASK
        return [_scrub_node(child, secrets, key) for child in node]
    if isinstance(node, dict):
        if _is_sensitive_action(node):
            node["params"]["value"] = MASK
        # Name/value pairs (HAR form params, headers): the name says what the value is.
        pair_name = node.get("name")
        if isinstance(pair_name, str) and _SENSITIVE_KEY.fullmatch(pair_name) and "value" in node:
            node["value"] = MASK
        return {
            name: MASK
            if isinstance(value, (str, int)) and _SENSITIVE_KEY.fullmatch(name)
            else _scrub_node(value, secrets, name)
            for name, value in node.items()
        }
    return node


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Scrub one text: JSON lines structurally (they stay valid JSON), other lines by pattern."""
    secrets = tuple(secrets)
    if text.lstrip().startswith(("{", "[")):
        try:  # a whole JSON document (HAR, summary): keep it one
            whole = json.loads(text)
        except ValueError:
            pass  # JSON lines (a trace): one document per line, below
        else:
            return json.dumps(_scrub_node(whole, secrets), indent=2) + "\n"
    parsed_lines: list[tuple[str, Any]] = []
    sensitive_calls: set[str] = set()
    for line in text.splitlines(keepends=True):
        parsed: Any = _NOT_JSON
        stripped = line.strip()
        if stripped.startswith(("{", "[")):
            with contextlib.suppress(ValueError):
                parsed = json.loads(stripped)
        if isinstance(parsed, dict) and _is_sensitive_action(parsed):
            sensitive_calls.add(str(parsed.get("callId")))
        parsed_lines.append((line, parsed))
    lines = []
    for line, parsed in parsed_lines:
        if parsed is _NOT_JSON:
            lines.append(_scrub_string(line, secrets))
            continue
        if (
            isinstance(parsed, dict)
            and parsed.get("type") == "log"
            and str(parsed.get("callId")) in sensitive_calls
        ):
            # Playwright logs what a fill types ('fill("123")') under the action's callId.
            parsed["message"] = _TYPED.sub(f'\\1("{MASK}")', str(parsed.get("message", "")))
        lines.append(json.dumps(_scrub_node(parsed, secrets)) + "\n")
    return "".join(lines)


def _scrub_bytes(name: str, data: bytes, secrets: Iterable[str]) -> bytes:
    if Path(name).suffix not in _TEXT_SUFFIXES and not name.startswith("resources/"):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data  # binary resource (image, font): no typed text in it
    return scrub_text(text, secrets).encode("utf-8")


def scrub_zip(path: Path, secrets: Iterable[str] = ()) -> None:
    """Rewrite a zip (a Playwright trace) with every text entry scrubbed (whole or not at
    all: on a full disk ``path`` is left as it was and ``OSError`` raised)."""
    secrets = tuple(secrets)

    def write(out: BinaryIO) -> None:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", ZIP_DEFLATED) as into:
            for info in source.infolist():
                into.writestr(info, _scrub_bytes(info.filename, source.read(info), secrets))

    write_atomically(path, write)


def scrub_file(path: Path, secrets: Iterable[str] = ()) -> None:
    """Scrub a trace, HAR, log or JSON file in place (images and video are left alone)."""
    if path.suffix == ".zip":
        scrub_zip(path, secrets)
    elif path.suffix in _TEXT_SUFFIXES:
        text = scrub_text(path.read_text(errors="replace"), secrets)
        write_atomically(path, lambda out: out.write(text.encode()))
