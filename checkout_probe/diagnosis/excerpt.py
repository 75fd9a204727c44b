"""The readable part of an error response: what a person would read on the page.

A 500 page's first bytes are its ``<head>`` (styles, scripts); what says what went
wrong is its title, its headings and the exception text frameworks print (Django's
``exception_value``, a ``<pre>`` traceback's last line). JSON and text bodies are
kept as they are, whitespace collapsed.
"""

from __future__ import annotations

from html.parser import HTMLParser

LIMIT = 200
_SKIP = {"script", "style", "noscript", "svg", "template"}
_KEEP = {"title", "h1", "h2", "pre", "p"}


class _Readable(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[int, str]] = []  # (priority, text); lower comes first
        self._stack: list[str] = []
        self._skip = 0
        self._priority = 3
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        classes = dict(attrs).get("class") or ""
        if "exception_value" in classes or "error" in classes or "alert" in classes:
            self._flush()
            self._priority = 1
        elif tag in ("title", "h1"):
            self._flush()
            self._priority = 0 if tag == "title" else 1
        elif tag in _KEEP:
            self._flush()
            self._priority = 2
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(self._skip - 1, 0)
            return
        if tag in _KEEP or tag == "title":
            self._flush()
            self._priority = 3

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        self._text = []
        if text and self._priority < 3:
            self.parts.append((self._priority, text))

    def close(self) -> None:
        super().close()
        self._flush()


def _looks_like_html(body: str, content_type: str | None) -> bool:
    if content_type and "html" in content_type.lower():
        return True
    head = body.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body"))


def readable_excerpt(body: str, content_type: str | None = None, limit: int = LIMIT) -> str:
    """At most ``limit`` characters of what ``body`` says; for HTML, its readable error."""
    if not _looks_like_html(body, content_type):
        return " ".join(body.split())[:limit]
    parser = _Readable()
    try:
        parser.feed(body)
        parser.close()
    except Exception:  # a page too broken to parse: fall back to its text
        return " ".join(body.split())[:limit]
    seen: list[str] = []
    for _, text in sorted(parser.parts, key=lambda part: part[0]):
        if text not in seen and not any(text in earlier for earlier in seen):
            seen.append(text)
    return " — ".join(seen)[:limit]
