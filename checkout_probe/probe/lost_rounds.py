"""Rounds the history database could not store: said, counted, and said again when it is back.

A ``--once`` run whose round cannot be stored ends (exit 4, one line); a long-running probe
says so in the round's line and keeps probing (its pooled connections are checked before
the next use), and once the database answers again says how many rounds were lost.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from checkout_probe.basics.errors import ProbeError
from checkout_probe.probe.history_url import database_error


class LostRounds:
    """The count of rounds not stored since the database last answered."""

    def __init__(self, once: bool) -> None:
        self.once = once
        self.count = 0

    def failed(self, number: int, env: str, exc: SQLAlchemyError) -> None:
        """Round ``number`` could not be judged and stored."""
        why = database_error(exc)
        if self.once:
            raise ProbeError(f"round not recorded: the history database failed: {why}") from None
        self.count += 1
        lost = f"{self.count} round" + ("s" if self.count != 1 else "")
        print(f"round {number} · {env} · not recorded: the history database failed ({why}); "
              f"{lost} not recorded so far; probing goes on", flush=True)  # fmt: skip

    def stored(self) -> None:
        """A round was stored: if rounds were lost before it, say how many, once."""
        if self.count:
            lost = "1 round was" if self.count == 1 else f"{self.count} rounds were"
            print(f"  the history database answers again: {lost} not recorded (no verdict, "
                  "no alert for them)", flush=True)  # fmt: skip
            self.count = 0
