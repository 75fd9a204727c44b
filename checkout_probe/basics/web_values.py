"""What a browser and an HTTP client accept as a value: http(s) URLs, header names and
values, paths on a host. Each check returns why a value is refused (for a one-line
message that names where it came from), or None.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Longest URL taken: browsers and servers refuse much longer ones (HTTP client: "URL too long").
MAX_URL_LENGTH = 4096
#: An HTTP header name (RFC 9110 token): what a browser sends without refusing the request.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
#: A header value may not hold line breaks or other control characters (header injection).
_HEADER_VALUE_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def url_problem(url: str) -> str | None:
    """Why ``url`` is no http(s) URL a browser can go to, or None: for one-line messages."""
    if len(url) > MAX_URL_LENGTH:
        return f"is longer than {MAX_URL_LENGTH} characters ({len(url)})"
    return None if is_http_url(url) else "is not an http(s) URL"


def shop_url_problem(url: str) -> str | None:
    """:func:`url_problem`, and credentials in the URL of a shop: a browser drops them from
    its navigations (the checkouts would all fail), and every report that names the shop's
    URL would carry the password."""
    if (problem := url_problem(url)) is not None:
        return problem
    if has_credentials(url):
        return (
            "carries credentials (user:password@), which a browser does not send and every "
            "report would show: give the shop's token in the environment's api_token_env "
            "($CHECKOUT_PROBE_API_TOKEN), other secrets in its [secrets] table"
        )
    return None


def has_credentials(url: str) -> bool:
    """True when ``url`` has user info (``user:password@host``)."""
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return "@" in url.split("/", 3)[2] if url.count("/") >= 2 else False


def is_http_url(url: str) -> bool:
    """True for an http(s) URL a browser can go to: a host, no space, a port that can exist."""
    if len(url) > MAX_URL_LENGTH:
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


def header_name_problem(name: str) -> str | None:
    """Why ``name`` is no HTTP header name, or None."""
    if _HEADER_NAME.fullmatch(name):
        return None
    return "is not an HTTP header name (letters, digits and - only, no spaces)"


def header_value_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as one header's value, or None."""
    if _HEADER_VALUE_FORBIDDEN.search(value):
        return "holds a line break or control character: one line of text only"
    return None


def host_path_problem(path: str) -> str | None:
    """Why ``path`` is no absolute path on a shop's host ("/health"), or None."""
    if path.startswith("/") and not path.startswith("//") and path.isprintable():
        return None if " " not in path else "must be a path on the shop's host, without spaces"
    return 'must be a path on the shop\'s host starting with "/" (e.g. "/health")'
