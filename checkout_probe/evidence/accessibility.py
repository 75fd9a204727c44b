"""An accessibility violation as a step's record keeps it: small, and free of page content.

axe-core's results carry each element's ``html`` snippet, which can hold what the shopper
typed (a card number in an input's ``value``); they are never kept. A violation keeps its
rule, impact, help text, the page it was found on and a few of its elements' CSS targets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Elements named per violation (its ``nodes`` says how many there were).
MAX_TARGETS = 3


@dataclass(frozen=True)
class Violation:
    """One axe-core rule violated on one page (or one of its frames)."""

    rule: str
    impact: str | None
    help: str
    #: The page's path (and frame's, for a violation inside a frame).
    page: str
    #: How many elements violate it.
    nodes: int
    #: Up to :data:`MAX_TARGETS` of them, as axe's CSS selectors; ``a >>> b``: ``b`` in frame ``a``.
    targets: tuple[str, ...] = ()

    def describe(self) -> str:
        """``label — Form elements must have labels (#card-frame >>> #card-number)``."""
        left = self.nodes - len(self.targets)
        more = f" and {left} more" if left > 0 else ""
        where = f" ({', '.join(self.targets)}{more})" if self.targets else ""
        return f"{self.rule} — {self.help}{where}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rule": self.rule,
            "impact": self.impact,
            "help": self.help,
            "page": self.page,
            "nodes": self.nodes,
            "targets": list(self.targets),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Violation:
        """The inverse of :meth:`to_dict`."""
        return cls(
            str(data["rule"]),
            data.get("impact"),
            str(data.get("help", "")),
            str(data.get("page", "")),
            int(data.get("nodes", 0)),
            tuple(data.get("targets") or ()),
        )


def counts_by_impact(violations: Iterable[Violation]) -> dict[str, int]:
    """``{"serious": 2, "minor": 1}``: violations (rules per page) by impact, worst first."""
    order = ("critical", "serious", "moderate", "minor")
    counts = Counter(v.impact or "unknown" for v in violations)
    return {i: counts[i] for i in (*order, "unknown") if counts[i]}
