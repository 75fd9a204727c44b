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
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from checkout_probe.redact import MASK, redact

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
_FORM_FIELD = re.compile(r"((?:^|[&?])(?:cvc|cvv|csc|password|number|exp)=)[^&\s\"]*")
_TEXT_SUFFIXES = {".trace", ".network", ".json", ".har", ".txt", ".log", ".html", ".xml", ".stacks"}


def _scrub_node(node: Any) -> Any:
    # DOM snapshot nodes look like [tag, {attrs}, *children]; actions carry params.
    if isinstance(node, list):
        if len(node) >= 2 and isinstance(node[0], str) and isinstance(node[1], dict):
            attrs = node[1]
            hints = " ".join(str(attrs.get(k, "")) for k in ("autocomplete", "type", "name", "id"))
            if _SENSITIVE.search(hints):
                for key in ("value", "__playwright_value_"):
                    if key in attrs:
                        attrs[key] = MASK
        return [_scrub_node(child) for child in node]
    if isinstance(node, dict):
        params = node.get("params")
        if (
            isinstance(params, dict)
            and "value" in params
            and _SENSITIVE.search(str(params.get("selector", "")))
        ):
            params["value"] = MASK
        return {key: _scrub_node(value) for key, value in node.items()}
    return node


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Scrub one text: JSON lines structurally where they parse, then by pattern."""
    lines = []
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(("{", "[")):
            with contextlib.suppress(ValueError):
                line = json.dumps(_scrub_node(json.loads(stripped))) + "\n"
        lines.append(line)
    scrubbed = redact("".join(lines), secrets)
    scrubbed = _JSON_FIELD.sub(lambda m: f'{m.group(1)}"{MASK}"', scrubbed)
    return _FORM_FIELD.sub(lambda m: m.group(1) + MASK, scrubbed)


def _scrub_bytes(name: str, data: bytes, secrets: Iterable[str]) -> bytes:
    if Path(name).suffix not in _TEXT_SUFFIXES and not name.startswith("resources/"):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data  # binary resource (image, font): no typed text in it
    return scrub_text(text, secrets).encode("utf-8")


def scrub_zip(path: Path, secrets: Iterable[str] = ()) -> None:
    """Rewrite a zip (a Playwright trace) with every text entry scrubbed."""
    secrets = tuple(secrets)
    with (
        tempfile.NamedTemporaryFile(delete=False, dir=path.parent, suffix=".zip") as tmp,
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            out.writestr(info, _scrub_bytes(info.filename, source.read(info), secrets))
    shutil.move(tmp.name, path)


def scrub_file(path: Path, secrets: Iterable[str] = ()) -> None:
    """Scrub a trace, HAR, log or JSON file in place (images and video are left alone)."""
    if path.suffix == ".zip":
        scrub_zip(path, secrets)
    elif path.suffix in _TEXT_SUFFIXES:
        path.write_text(scrub_text(path.read_text(errors="replace"), secrets))
