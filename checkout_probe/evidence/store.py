"""Where failed checkouts' evidence is published: an object store named by a URL.

``s3://bucket/prefix`` (s3fs), ``gs://bucket/prefix`` (gcsfs), ``az://container/prefix``
(adlfs) or ``file:///path``, opened through fsspec's registry. Credentials come from the
platform's usual sources, never from a URL or our command line: for S3, botocore's chain
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``, ``AWS_PROFILE``, a web
identity token, the container's or instance's role). An S3-compatible server (MinIO, Ceph,
R2, …) is named by ``endpoint_url=`` or by botocore's own ``AWS_ENDPOINT_URL_S3`` /
``AWS_ENDPOINT_URL`` (read by the botocore this package pins); the bucket's region by
``AWS_REGION``/``AWS_DEFAULT_REGION`` (presigned links are signed for it).

Every file gets an HTTP(S) link that can be computed before it is uploaded: the
configured public base URL plus the file's key, or else a presigned link (SigV4 on S3,
valid :data:`LINK_LIFETIME_S` at most; signed with temporary credentials, such as an
instance role's, it dies with them, a matter of hours: serve long-lived links from a
public base). A ``file://`` store gets ``file://`` links. :func:`trace_viewer_link` opens
a trace in Playwright's trace viewer, which fetches the trace from the browser: the
bucket (or the public base's server) must answer CORS for ``https://trace.playwright.dev``
(``GET``, ``HEAD``) or the viewer reports a failed fetch.

Every call to the store runs in a worker thread and is waited for until
``call_deadline_s`` at most (the pattern of ``checkout_probe/probe/deadline.py``): a slow
or dead store costs its caller one deadline, never more. A call abandoned at its deadline
may still end in the background; every call here may safely be repeated.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlsplit

from checkout_probe.basics.errors import ConfigError, ProbeError
from checkout_probe.basics.redact import mask_url, redact
from checkout_probe.basics.within import Late
from checkout_probe.basics.within import call_within as within

#: The option that names the store, as messages call it.
OPTION = "--evidence-store"
#: Seven days: the longest a SigV4 presigned link may live.
LINK_LIFETIME_S = 7 * 24 * 3600
#: How long one call to the store (an upload, a listing, a deletion) may take in all.
CALL_DEADLINE_S = 60.0
#: How long making links may take: no request to the store, at most a credentials look-up
#: (an instance role's); the caller (a round about to alert) waits for it.
SIGN_DEADLINE_S = 5.0
TRACE_VIEWER = "https://trace.playwright.dev/"

#: scheme -> (fsspec protocol, the library it needs, the extra that installs it)
_SCHEMES = {
    "s3": ("s3", "s3fs", "store"),
    "gs": ("gs", "gcsfs", "store-gcs"),
    "gcs": ("gs", "gcsfs", "store-gcs"),
    "az": ("az", "adlfs", "store-azure"),
    "abfs": ("az", "adlfs", "store-azure"),
    "file": ("file", "fsspec", "store"),
}

T = TypeVar("T")


class StoreError(ProbeError):
    """A call to the evidence store failed or ran past its deadline; the message is one line."""


def one_line(exc: BaseException) -> str:
    """``exc`` as one short line (type and first line of its message) for a log or a ledger:
    URLs lose their query (a signature) and user info, card numbers are masked."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    text = re.sub(r"(\b[a-z][a-z0-9+.-]*://[^\s?\"'<>]*)\?[^\s\"'<>]*", r"\1?…", text)
    text = " ".join(mask_url(word) for word in text.split(" "))
    text = redact(text)
    return text if len(text) <= 240 else text[:239] + "…"


def call_within(deadline_s: float, what: str, call: Callable[[], T]) -> T:
    """``call()`` waited for at most ``deadline_s``: its result, or :class:`StoreError`
    (``what`` and one line) when it failed or did not end in time."""
    try:
        return within(deadline_s, call, f"evidence-store {what}")
    except Late:
        raise StoreError(f"{what}: no answer within {deadline_s:g} s") from None
    except Exception as exc:
        raise StoreError(f"{what}: {one_line(exc)}") from exc


def trace_viewer_link(trace_link: str) -> str | None:
    """The link that opens ``trace_link`` in Playwright's trace viewer; None for a link the
    viewer cannot fetch (``file://``). The store must answer CORS for the viewer's origin."""
    if urlsplit(trace_link).scheme not in ("http", "https"):
        return None
    return f"{TRACE_VIEWER}?trace={quote(trace_link, safe='')}"


#: Which of a checkout's files a reader opens first: the picture, then the trace.
_READ_FIRST = {".png": 0, ".jpeg": 0, ".zip": 1}


def reading_order(links: Mapping[str, str]) -> list[str]:
    """A published folder's links (file name → link) as a reader opens them: the trace in
    the trace viewer (when there is a web link to it), the screenshot, the trace, the rest."""

    def rank(name: str) -> tuple[int, str]:
        return (_READ_FIRST.get(PurePosixPath(name).suffix, 2), name)

    viewer = trace_viewer_link(links["trace.zip"]) if "trace.zip" in links else None
    return [*([viewer] if viewer else []), *(links[n] for n in sorted(links, key=rank))]


def clean_key(key: str) -> str:
    """``key`` as a relative POSIX key (``env/round/checkout-1``); ValueError for an empty,
    absolute or ``..`` key, which could reach outside the store's prefix."""
    parts = PurePosixPath(key.replace("\\", "/")).parts
    if not parts or parts[0] == "/" or ".." in parts:
        raise ValueError(f"not a relative key: {key!r}")
    return "/".join(part for part in parts if part != ".")


class EvidenceStore:
    """An object store for evidence, named by ``url`` (``s3://bucket/prefix``, ``gs://…``,
    ``az://…``, ``file:///path``); keys are relative to the URL's prefix.

    ``public_base``: the HTTP(S) URL that serves the URL's prefix (links are then it plus
    the key, not presigned); ``endpoint_url``: an S3-compatible server; ``options``: more
    keyword arguments for the fsspec filesystem (``client_kwargs={"region_name": …}``).
    A URL or option that cannot work is a one-line :class:`ConfigError` here, at once."""

    def __init__(
        self,
        url: str,
        *,
        public_base: str | None = None,
        endpoint_url: str | None = None,
        link_lifetime_s: int = LINK_LIFETIME_S,
        call_deadline_s: float = CALL_DEADLINE_S,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.shown = mask_url(url)
        self.protocol, self.root = _parse(url, self.shown)
        self.public_base = (
            _checked_http("evidence public base", public_base, _PUBLIC_EXAMPLE)
            if public_base
            else None
        )
        if not 1 <= link_lifetime_s <= LINK_LIFETIME_S:
            raise ConfigError(
                f"evidence link lifetime {link_lifetime_s} s: give 1 to {LINK_LIFETIME_S} s "
                "(7 days, the longest a presigned link lives)"
            )
        self.link_lifetime_s = link_lifetime_s
        self.call_deadline_s = call_deadline_s
        fs_options: dict[str, Any] = {}
        if self.protocol == "s3":
            fs_options["config_kwargs"] = {
                "signature_version": "s3v4",  # SigV2 links fail on buckets made since 2020
                "connect_timeout": min(10.0, call_deadline_s),
                "read_timeout": min(30.0, call_deadline_s),
                "retries": {"total_max_attempts": 1},  # ours are the retries (publisher)
            }
            if endpoint_url:
                fs_options["endpoint_url"] = _checked_http(
                    "S3 endpoint", endpoint_url, "https://minio.example.com:9000"
                )
        elif endpoint_url:
            raise ConfigError(f"{OPTION} {self.shown}: an endpoint URL is for s3:// stores")
        elif self.protocol == "file":
            fs_options["auto_mkdir"] = True
        fs_options.update(options or {})
        self.fs = _open(self.protocol, self.shown, fs_options)
        if self.protocol == "s3":
            self.fs.retries = 1  # s3fs's own retry loop, likewise

    def path(self, key: str) -> str:
        """The store's path (fsspec's, without scheme) of ``key``."""
        return f"{self.root}/{clean_key(key)}"

    def links(self, keys: Iterable[str]) -> dict[str, str]:
        """An HTTP(S) (or, for a ``file://`` store, ``file://``) link for each key, uploaded
        yet or not; presigning (no request to the store) runs within :data:`SIGN_DEADLINE_S`."""
        keys = [clean_key(key) for key in keys]
        if self.public_base:
            return {key: f"{self.public_base}/{quote(key)}" for key in keys}
        if self.protocol == "file":
            return {key: Path(self.path(key)).as_uri() for key in keys}
        lifetime = self.link_lifetime_s
        return call_within(
            min(SIGN_DEADLINE_S, self.call_deadline_s),
            f"signing links in {self.shown}",
            lambda: {key: str(self.fs.sign(self.path(key), expiration=lifetime)) for key in keys},
        )

    def put(self, local: Path, key: str) -> None:
        """Upload the file ``local`` as ``key`` (its content type guessed from its name)."""
        self._call(f"uploading {key}", lambda: self.fs.put_file(str(local), self.path(key)))

    def delete(self, key_prefix: str) -> None:
        """Delete every object under ``key_prefix`` (nothing there is not an error)."""

        def delete() -> None:
            with contextlib.suppress(FileNotFoundError):  # nothing there: nothing to do
                self.fs.rm(self.path(key_prefix), recursive=True)

        self._call(f"deleting {key_prefix}", delete)

    def _call(self, what: str, call: Callable[[], T]) -> T:
        return call_within(self.call_deadline_s, f"{what} in {self.shown}", call)


def _parse(url: str, shown: str) -> tuple[str, str]:
    """(fsspec protocol, root path) of a store URL, or a one-line ConfigError."""
    if "@" in url:
        # Only the scheme is shown: a secret with a '/' in it hides from URL parsing.
        raise ConfigError(
            f"{OPTION} {url.split(':', 1)[0][:10]}://…: credentials do not belong in the URL; "
            "give them the platform's usual way (for S3: AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY, AWS_PROFILE or an instance role)"
        )
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ConfigError(f"{OPTION} {shown} is not a URL: {_EXAMPLE}") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise ConfigError(f"{OPTION} {shown}: unknown store, expected {_EXAMPLE}")
    if parts.query or parts.fragment:
        raise ConfigError(f"{OPTION} {shown}: a store URL takes no '?' or '#' part")
    protocol = _SCHEMES[scheme][0]
    if protocol == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ConfigError(f"{OPTION} {shown}: write a local folder as file:///absolute/path")
        return protocol, unquote(parts.path).rstrip("/") or "/"
    if not _BUCKET.fullmatch(parts.netloc):
        raise ConfigError(
            f"{OPTION} {shown} names no bucket (lower-case letters, digits, '.', '-', '_'): "
            f"expected e.g. {scheme}://bucket/prefix"
        )
    prefix = parts.path.strip("/")
    if ".." in prefix.split("/"):
        raise ConfigError(f"{OPTION} {shown}: a prefix with '..' is not allowed")
    return protocol, f"{parts.netloc}/{prefix}" if prefix else parts.netloc


#: Bucket (S3, GCS) and container (Azure) names: what all three allow, and no more.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9._-]{1,220}")
_PUBLIC_EXAMPLE = "https://evidence.example.com/prefix"
_EXAMPLE = "s3://bucket/prefix, gs://bucket/prefix, az://container/prefix or file:///path"


def _open(protocol: str, shown: str, options: dict[str, Any]) -> Any:
    """The fsspec filesystem for ``protocol``; a one-line ConfigError if its library is missing."""
    _, library, extra = next(v for v in _SCHEMES.values() if v[0] == protocol)
    for module in dict.fromkeys(("fsspec", library)):
        try:
            importlib.import_module(module)
        except ImportError:
            raise ConfigError(
                f"{OPTION} {shown} needs {module}: pip install 'checkout-probe[{extra}]'"
            ) from None
    import fsspec  # type: ignore[import-untyped]

    try:
        return fsspec.filesystem(protocol, skip_instance_cache=True, **options)
    except (TypeError, ValueError, KeyError) as exc:  # an option the library does not take
        raise ConfigError(f"{OPTION} {shown}: {one_line(exc)}") from None


def _checked_http(what: str, url: str, example: str) -> str:
    """``url`` if it is http(s)://host… without user info; else a one-line ConfigError that
    shows no more of it than its host (a secret with a '/' in it hides from URL parsing)."""
    parts = urlsplit(url)
    if "@" in url:
        raise ConfigError(f"{what}: credentials do not belong in the URL, expected e.g. {example}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what} {url!r}: expected an http(s) URL, e.g. {example}")
    return url.rstrip("/")
