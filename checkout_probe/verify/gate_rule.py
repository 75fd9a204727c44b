"""The gate's rule: keep or roll back, by Wald's sequential probability ratio test (SPRT).

The question after a deploy is not "did three checkouts pass?" but "is the checkout failure
rate still that of a healthy shop, or has it risen to an outage's?". With a partial outage
(the incident behind this project: about 20 % of checkouts failing) three checkouts with one
retry each keep the deploy with probability 0.96³ ≈ 0.88. The gate therefore treats every
checkout attempt as a Bernoulli trial (failed or passed) and tests

    H0: p = p0  (``healthy_rate``: a healthy deploy's failure rate, its false failures)
    H1: p = p1  (``outage_rate``: the partial outage the gate must catch)

with the log-likelihood ratio after ``n`` checkouts, ``f`` of them failed:

    LLR(n, f) = f · ln(p1 / p0) + (n − f) · ln((1 − p1) / (1 − p0))

It rolls back as soon as ``LLR ≥ ln((1 − β) / α)`` and keeps the deploy as soon as
``LLR ≤ ln(β / (1 − α))`` (Wald's boundaries for the target error rates α, "roll back a
healthy deploy", and β, "keep a deploy failing p1 of its checkouts"). A gate that reaches
``max_checkouts`` undecided rolls back: it keeps a deploy only on evidence that it is healthy.

Wald's boundaries give α and β only approximately, and the truncation changes them: the
figures the gate prints and checks (:meth:`GateRule.odds`) are exact, computed by dynamic
programming over (checkouts, failures) — no simulation. With the defaults (p0 1 %, p1 20 %,
α 1 %, β 5 %, at most 60 checkouts), exactly:

=========================  ================  ==============================
failure rate of the shop   rolled back       checkouts it takes (mean)
=========================  ================  ==============================
0 %                        0 %               15 (the fewest that keep)
1 % (healthy, assumed)     0.48 %            17.4
5 %                        24.2 %            25.7
10 %                       67.6 %            23.6
20 % (the incident)        95.9 %            12.5
=========================  ================  ==============================

Every attempt counts, in the order the checkouts started: the smoke checkouts first (a
checkout that failed and then passed on retry is one failure and one pass, never a pass),
then the burst. A checkout the harness could not run (``harness_error``) is no trial.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from checkout_probe.basics.errors import ConfigError

KEEP = "keep"
ROLL_BACK = "roll back"
#: The most checkouts a gate may be asked for: its exact odds take O(n²) steps to compute.
MAX_GATE_CHECKOUTS = 1000


@dataclass(frozen=True)
class Odds:
    """What the rule does to a shop failing ``rate`` of its checkouts (exact)."""

    rate: float
    roll_back: float
    #: Mean number of checkouts until the decision.
    expected_checkouts: float

    @property
    def keep(self) -> float:
        """The probability of keeping the deploy."""
        return 1.0 - self.roll_back


@dataclass(frozen=True)
class GateRule:
    """The SPRT of the module docstring, truncated at ``max_checkouts``."""

    healthy_rate: float = 0.01
    outage_rate: float = 0.20
    #: α: the largest acceptable probability of rolling back a healthy deploy.
    false_rollback: float = 0.01
    #: β: the largest acceptable probability of keeping a deploy that fails ``outage_rate``.
    missed_outage: float = 0.05
    max_checkouts: int = 60

    def __post_init__(self) -> None:
        if not 0.0 < self.healthy_rate < self.outage_rate < 1.0:
            raise ConfigError(
                f"gate rule: the healthy failure rate ({self.healthy_rate:g}) must be above 0 "
                f"and below the outage rate ({self.outage_rate:g}), which must be below 1"
            )
        for name, value in (("--false-rollback", self.false_rollback),
                            ("--missed-outage", self.missed_outage)):  # fmt: skip
            if not 0.0 < value < 0.5:
                raise ConfigError(f"gate rule: {name} {value:g} must be between 0 and 0.5")
        if not 1 <= self.max_checkouts <= MAX_GATE_CHECKOUTS:
            raise ConfigError(
                f"gate rule: --gate-checkouts {self.max_checkouts} must be between 1 and "
                f"{MAX_GATE_CHECKOUTS}"
            )

    @property
    def upper(self) -> float:
        """Roll back at or above this log-likelihood ratio."""
        return math.log((1 - self.missed_outage) / self.false_rollback)

    @property
    def lower(self) -> float:
        """Keep at or below this log-likelihood ratio."""
        return math.log(self.missed_outage / (1 - self.false_rollback))

    def llr(self, failures: int, checkouts: int) -> float:
        """The log-likelihood ratio of H1 over H0 after ``checkouts`` with ``failures``."""
        p0, p1 = self.healthy_rate, self.outage_rate
        return failures * math.log(p1 / p0) + (checkouts - failures) * math.log((1 - p1) / (1 - p0))

    def decide(self, failures: int, checkouts: int) -> str | None:
        """``KEEP``, ``ROLL_BACK``, or None while the evidence is not clear either way."""
        llr = self.llr(failures, checkouts)
        if llr >= self.upper:
            return ROLL_BACK
        if llr <= self.lower:
            return KEEP
        if checkouts >= self.max_checkouts:
            return ROLL_BACK  # undecided at the end: no evidence that the deploy is healthy
        return None

    @property
    def fewest_to_keep(self) -> int:
        """Passed checkouts in a row that keep a deploy (no failure among them)."""
        return math.ceil(self.lower / math.log((1 - self.outage_rate) / (1 - self.healthy_rate)))

    def odds(self, rate: float) -> Odds:
        """The exact probability of rolling back, and the mean checkouts, at a failure ``rate``."""
        undecided = {0: 1.0}  # failures so far → probability of being here, undecided
        roll_back = expected = 0.0
        for n in range(1, self.max_checkouts + 1):
            after: dict[int, float] = {}
            for failures, mass in undecided.items():
                after[failures + 1] = after.get(failures + 1, 0.0) + mass * rate
                after[failures] = after.get(failures, 0.0) + mass * (1 - rate)
            undecided = {}
            for failures, mass in after.items():
                decision = self.decide(failures, n)
                if decision is None:
                    undecided[failures] = mass
                    continue
                expected += mass * n
                if decision == ROLL_BACK:
                    roll_back += mass
        return Odds(rate, min(roll_back, 1.0), expected)

    def check(self) -> None:
        """Refuse a rule whose exact odds miss its own targets (one line, exit 2)."""
        if self.fewest_to_keep > self.max_checkouts:
            raise ConfigError(
                f"gate rule: keeping a deploy needs {self.fewest_to_keep} passed checkouts, "
                f"but --gate-checkouts is {self.max_checkouts}: use "
                f"--gate-checkouts {self.smallest_max()} or more"
            )
        healthy, outage = self.odds(self.healthy_rate), self.odds(self.outage_rate)
        if healthy.roll_back > self.false_rollback or outage.keep > self.missed_outage:
            raise ConfigError(
                f"gate rule: within {self.max_checkouts} checkouts it rolls back a healthy "
                f"deploy with {healthy.roll_back:.2%} and keeps a {self.outage_rate:.0%} "
                f"outage with {outage.keep:.2%} (targets {self.false_rollback:.2%}, "
                f"{self.missed_outage:.2%}): use --gate-checkouts {self.smallest_max()} or more"
            )

    def smallest_max(self) -> int:
        """The fewest ``max_checkouts`` with which this rule meets its targets."""
        for n in range(self.fewest_to_keep, MAX_GATE_CHECKOUTS + 1):
            trial = GateRule(self.healthy_rate, self.outage_rate, self.false_rollback,
                             self.missed_outage, n)  # fmt: skip
            healthy, outage = trial.odds(self.healthy_rate), trial.odds(self.outage_rate)
            if healthy.roll_back <= self.false_rollback and outage.keep <= self.missed_outage:
                return n
        return MAX_GATE_CHECKOUTS

    def describe(self) -> list[str]:
        """The rule and its odds, as verify prints them before it starts."""
        lines = [
            f"gate rule: SPRT, healthy {self.healthy_rate:.1%} vs outage "
            f"{self.outage_rate:.0%} failing, at most {self.max_checkouts} checkouts; keeps "
            f"after {self.fewest_to_keep} passed in a row"
        ]
        rates = sorted({self.healthy_rate, 0.05, 0.10, self.outage_rate})
        for rate in rates:
            odds = self.odds(rate)
            what = (
                "healthy deploy" if rate == self.healthy_rate
                else "the outage to catch" if rate == self.outage_rate else "partial outage"
            )  # fmt: skip
            lines.append(
                f"  {rate:5.1%} failing ({what}): rolled back {odds.roll_back:7.2%}, kept "
                f"{odds.keep:7.2%}, after {odds.expected_checkouts:.0f} checkouts on average"
            )
        return lines
