"""The history page's list of failed checkouts, each linked to its evidence.

Everything in it comes from the shop or the project (a page's text in a diagnosis, step and
journey names): it is escaped, and card-number-shaped digits are masked as everywhere else.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from checkout_probe.basics.redact import redact
from checkout_probe.probe.history_rows import FailedCheckout

COLUMNS = ("time (UTC)", "version", "journey", "device", "category", "failing step",
           "diagnosis", "evidence")  # fmt: skip
SHOWN_LINES = 2  # of a diagnosis; the rest folds away under "more"
LINKED_SCHEMES = ("http", "https", "file")


def evidence_href(value: str, page_dir: Path, base: Path) -> str | None:
    """Where a stored evidence value links from the page in ``page_dir``, or None.

    An http(s) or file URL is linked as it is; an absolute path as a ``file://`` URL; a
    relative path (relative to ``base``, where the probe ran) relative to the page's folder,
    so a page written next to the evidence still finds it when both are copied elsewhere.
    Any other scheme (``javascript:``, ``data:``) is never a link.
    """
    if not value.strip():
        return None
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:  # e.g. an unbalanced "[" where a host would be
        return None
    if scheme in LINKED_SCHEMES:
        return value
    if len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        return None
    path = Path(value)
    if path.is_absolute():
        return path.as_uri()
    target = base / path
    try:
        relative = os.path.relpath(target, page_dir)
    except ValueError:  # another drive than the page's: only an absolute link reaches it
        return target.resolve().as_uri()
    return quote(Path(relative).as_posix())


def _link_text(value: str) -> tuple[str, str | None]:
    """The file name a value links as, and (a URL) its origin, printed under it so a
    cross-origin link always shows where it leads."""
    parts = urlsplit(value)
    if parts.scheme.lower() in ("http", "https"):
        return PurePosixPath(parts.path).name or value, f"{parts.scheme}://{parts.netloc}"
    return PurePosixPath(value.replace("\\", "/")).name or value, None


def _evidence(values: Sequence[str], page_dir: Path, base: Path) -> str:
    items = []
    for value in values:
        href = evidence_href(value, page_dir, base)
        name, origin = _link_text(value)
        text, full = escape(name), escape(value)
        where = f'<span class="origin">{escape(origin)}</span>' if origin else ""
        if href is None:
            items.append(f'<li><span title="{full}">{text}</span>{where}</li>')
        else:
            external = ' rel="noreferrer"' if origin else ""
            link = f'<a href="{escape(href)}" title="{full}"{external}>{text}</a>'
            items.append(f"<li>{link}{where}</li>")
    return f'<ul class="evidence">{"".join(items)}</ul>' if items else "-"


def _diagnosis(message: str) -> str:
    lines = [redact(line) for line in message.strip().splitlines() if line.strip()]
    shown = "".join(f"<div>{escape(line)}</div>" for line in lines[:SHOWN_LINES])
    rest = lines[SHOWN_LINES:]
    if rest:
        folded = escape("\n".join(rest))
        more = f"{len(rest)} more line{'s' if len(rest) > 1 else ''}"
        shown += f"<details><summary>{more}</summary><pre>{folded}</pre></details>"
    return shown or "-"


def _row(f: FailedCheckout, page_dir: Path, base: Path) -> str:
    cells = [
        ("short", escape(f"{f.started_at:%Y-%m-%d %H:%M}")),
        ("short", escape(f.shop_version or "?")),
        ("", escape(f.journey or "-")),
        ("", escape(f.device or "-")),
        ("short", escape(f.category or "unknown")),
        ("", escape(f.failing_step or "-")),
        ("diagnosis", _diagnosis(f.message)),
        ("", _evidence(f.evidence, page_dir, base)),
    ]
    tds = (f'<td class="{css}">{cell}</td>' if css else f"<td>{cell}</td>" for css, cell in cells)
    return f"<tr>{''.join(tds)}</tr>"


def failures_section(
    failures: Sequence[FailedCheckout], total: int, page_dir: Path, base: Path
) -> str:
    """The section: ``failures`` (newest first) of ``total`` failed in the rounds shown.

    ``page_dir`` is the page's folder and ``base`` the folder relative evidence paths start
    from (see :func:`evidence_href`).
    """
    heading = '<h2 id="failed-checkouts">Failed checkouts</h2>'
    if not failures:
        return f'<section>{heading}<p class="note">None in these rounds.</p></section>'
    shown = len(failures)
    note = f"all {total}" if shown >= total else f"the {shown} newest of {total}"
    header = "".join(f"<th>{escape(c)}</th>" for c in COLUMNS)
    rows = "".join(_row(f, page_dir, base) for f in failures)
    return (
        f'<section>{heading}<p class="note">Newest first: {note} failed checkouts in these '
        "rounds; evidence links open the stored trace or screenshot.</p>"
        f'<table class="failed" aria-labelledby="failed-checkouts"><thead><tr>{header}</tr>'
        f"</thead><tbody>{rows}</tbody></table></section>"
    )
