"""Session tokens for the token API, and the rate limit on the logins that issue them.

Real shops hand staff and integrations short-lived sessions and limit how often one can
log in, so a harness that logs in for every checkout locks itself out. No Flask here:
:mod:`demo_shop.api_access` serves the login and checks the tokens.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# How long a session token is accepted, and the window the login limit counts over.
SESSION_SECONDS = 900
LOGIN_WINDOW_SECONDS = 15 * 60


class LoginLimitError(Exception):
    """Too many logins in the window; ``retry_after`` is when the oldest one leaves it."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many logins; the next is allowed in {retry_after:.0f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Login:
    """A session just issued, and how many logins this process has allowed so far."""

    token: str
    count: int


def _key(token: str) -> str:
    # Tokens are kept hashed: a lookup takes no time that depends on a stored token.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiSessions:
    """The live session tokens and the sliding window of recent logins; thread-safe.

    ``limit`` logins are allowed per :data:`LOGIN_WINDOW_SECONDS` (0 = no limit);
    ``clock`` is monotonic seconds (tests pass their own).
    """

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._expiries: dict[str, float] = {}
        self._recent: deque[float] = deque()
        self._count = 0

    def login(self) -> Login:
        """Issue a session token; raises :class:`LoginLimitError` over the limit."""
        with self._lock:
            now = self._clock()
            while self._recent and self._recent[0] <= now - LOGIN_WINDOW_SECONDS:
                self._recent.popleft()
            if self._limit and len(self._recent) >= self._limit:
                raise LoginLimitError(self._recent[0] + LOGIN_WINDOW_SECONDS - now)
            if self._limit:
                self._recent.append(now)
            self._count += 1
            # Expired tokens go on every login, so the table stays as small as the limit lets it.
            self._expiries = {key: end for key, end in self._expiries.items() if end > now}
            token = "sess_" + secrets.token_urlsafe(32)
            self._expiries[_key(token)] = now + SESSION_SECONDS
            return Login(token, self._count)

    def is_valid(self, token: str) -> bool:
        """Whether ``token`` was issued here and has not expired."""
        with self._lock:
            end = self._expiries.get(_key(token))
            return end is not None and end > self._clock()
