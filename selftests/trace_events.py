"""Reading a kept Playwright trace as its events, for the self-tests of what traces hold.

A ``trace.zip`` holds ``*.trace`` (actions, logs, console, snapshots, screencast frames) and
``*.network`` (resources) files of JSON lines. An action is a ``before`` event (``class``,
``method``, ``callId``, ``startTime``; ``parentId`` when it ran inside a group) and an
``after`` event with the same ``callId`` (``endTime``; ``error`` when it failed). A group
(``tracing.group``) is an action of class ``Tracing``, method ``tracingGroup``, whose
``title`` is its name.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def trace_events(path: Path) -> list[dict[str, Any]]:
    """Every event of the trace at ``path``, in file order."""
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith((".trace", ".network"))]
        lines = [ln for n in names for ln in archive.read(n).decode().splitlines() if ln]
    return [json.loads(line) for line in lines]


def kinds(events: list[dict[str, Any]]) -> set[str]:
    """The event types in the trace (``frame-snapshot``, ``screencast-frame``, …)."""
    return {str(e.get("type")) for e in events}


@dataclass(frozen=True)
class Action:
    """One call recorded in the trace."""

    call_id: str
    cls: str
    method: str
    title: str
    parent: str | None
    start: float
    end: float | None
    error: str | None

    @property
    def is_group(self) -> bool:
        """True for a ``tracing.group``."""
        return self.cls == "Tracing" and self.method == "tracingGroup"


def actions(events: list[dict[str, Any]]) -> list[Action]:
    """The trace's calls (groups included), in the order they started."""
    after = {e["callId"]: e for e in events if e.get("type") == "after"}
    found = []
    for event in events:
        if event.get("type") != "before":
            continue
        done = after.get(event["callId"], {})
        error = done.get("error")
        found.append(
            Action(
                call_id=event["callId"],
                cls=str(event.get("class")),
                method=str(event.get("method")),
                title=str(event.get("title", "")),
                parent=event.get("parentId"),
                start=float(event["startTime"]),
                end=float(done["endTime"]) if "endTime" in done else None,
                error=str(error.get("message", error)) if error else None,
            )
        )
    return sorted(found, key=lambda a: a.start)


def groups(events: list[dict[str, Any]]) -> list[Action]:
    """The trace's groups, in the order they opened."""
    return [a for a in actions(events) if a.is_group]


def in_group(events: list[dict[str, Any]], name: str) -> list[Action]:
    """The calls made inside the (first) group called ``name``."""
    named = [g for g in groups(events) if g.title == name]
    assert named, f"no group {name!r}; the trace's: {[g.title for g in groups(events)]}"
    return [a for a in actions(events) if a.parent == named[0].call_id]


def errors(events: list[dict[str, Any]]) -> list[Action]:
    """The calls that failed: what the trace viewer's Errors tab lists."""
    return [a for a in actions(events) if a.error is not None]
