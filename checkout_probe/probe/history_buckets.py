"""The history page's chart over any period: at most :data:`CHART_POINTS` points, summed in SQL.

A year of one environment is millions of rounds; the chart is 760 pixels wide. Rounds are
grouped into equal time buckets summed by the database (one range of the
``(env, started_at, id, …)`` index each, which carries the figures summed), so the page reads
a few hundred rows whatever the period.
A bucket shows the failure rate of all its checkouts, the range the decision window's rate
took in it, whether any of its rounds was judged failing, and its last round's shop version,
step times and web vitals (the version a deploy line is drawn against). A period with fewer
rounds than points is charted round by round, as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from checkout_probe.probe.history_schema import RoundRecord, RoundRow, to_record
from checkout_probe.probe.rule import FAILING, HEALTHY

#: Points on the chart at most: about two pixels each across its plot.
CHART_POINTS = 360
#: The chart's points, oldest first, and the width of their buckets (None: one per round).
Chart = tuple[list[RoundRecord], timedelta | None]


@dataclass(frozen=True)
class Bucket(RoundRecord):
    """Rounds of one time bucket, as one point: ``k``/``failures`` summed, ``rate`` theirs
    (all its checkouts), ``low``/``high`` the lowest and highest window rate in it,
    ``verdict`` failing if any round was; the rest (version, steps, vitals) its last round's."""

    rounds: int = 1
    until: datetime | None = None  # the bucket's end
    failing_rounds: int = 0
    first_version: str | None = None  # its first round's version (a deploy inside it)

    def tip(self) -> str:
        """What hovering its point says."""
        versions = self.shop_version or "?"
        if self.first_version != self.shop_version:
            versions = f"{self.first_version or '?'} → {versions}"
        end = f"–{self.until:%m-%d %H:%M}" if self.until else ""
        failing = f", {self.failing_rounds} judged failing" if self.failing_rounds else ""
        return (
            f"{self.started_at:%Y-%m-%d %H:%M}{end} UTC, {versions}: {self.rate:.1%} of "
            f"{self.k:,} checkouts in {self.rounds:,} rounds failed (window rate "
            f"{self.low:.0%}–{self.high:.0%}{failing})"
        )


def chart_rounds(session: Session, env: str, since: datetime, until: datetime,
                 most: int = CHART_POINTS) -> Chart:  # fmt: skip
    """``env``'s rounds started from ``since`` to ``until``, oldest first: each round when
    they are no more than ``most``, else one :class:`Bucket` per stretch of equal time (its
    width is returned; None: the rounds themselves)."""
    in_period = (RoundRow.env == env, RoundRow.started_at >= since, RoundRow.started_at <= until)
    few = select(RoundRow.id).where(*in_period).limit(most + 1).subquery()
    if (session.scalar(select(func.count()).select_from(few)) or 0) <= most:
        each = select(RoundRow).where(*in_period).order_by(RoundRow.started_at, RoundRow.id)
        return [to_record(r) for r in session.scalars(each)], None
    width = timedelta(seconds=max(60, math.ceil((until - since).total_seconds() / most)))
    sums = select(func.count(), func.sum(RoundRow.k), func.sum(RoundRow.failures),
                  func.min(RoundRow.rate), func.max(RoundRow.rate),
                  func.sum(cast(RoundRow.verdict == FAILING, Integer)),
                  func.min(RoundRow.id), func.max(RoundRow.id))  # fmt: skip
    groups = []
    # One range of the index per bucket (all read from it, no row, no sort): a single
    # GROUP BY over an expression of started_at would compute it and sort every round.
    for number in range(math.ceil((until - since) / width) + 1):
        began = since + number * width
        row = session.execute(sums.where(
            RoundRow.env == env, RoundRow.started_at >= began,
            RoundRow.started_at < min(began + width, until + timedelta(microseconds=1)),
        )).one()  # fmt: skip
        if row[0]:
            groups.append((number, *row))
    ends = {g[7] for g in groups} | {g[8] for g in groups}
    by_id = {
        r.id: to_record(r) for r in session.scalars(select(RoundRow).where(RoundRow.id.in_(ends)))
    }
    chart: list[RoundRecord] = []
    for number, rounds, k, failures, low, high, failing_rounds, first, last in groups:
        began = since + number * width
        chart.append(
            Bucket(
                **{
                    **vars(by_id[last]),
                    "started_at": began,
                    "k": int(k),
                    "failures": int(failures),
                    "rate": int(failures) / max(int(k), 1),
                    "low": float(low),
                    "high": float(high),
                    "verdict": FAILING if failing_rounds else HEALTHY,
                    "failures_by_category": {},
                },
                rounds=int(rounds),
                until=began + width,
                failing_rounds=int(failing_rounds),
                first_version=by_id[first].shop_version,
            )
        )
    return chart, width
