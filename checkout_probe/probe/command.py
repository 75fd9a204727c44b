"""``checkout-probe probe``: rounds of K checkouts, a verdict per round, alerts on changes.

One round: run K guest checkouts in the pool's browsers, read the shop's
version and ``/health``, judge the window of recent rounds with the decision
rule, store the round, update metrics, and send an alert if the verdict
changed. Options and exit codes: :mod:`checkout_probe.probe.options`.
"""

from __future__ import annotations

import argparse
import shutil
import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from checkout_probe.basics.errors import ExitCode
from checkout_probe.basics.output import MachineOutput, configure_logging, paint
from checkout_probe.basics.phases import Phases
from checkout_probe.checkout import otlp
from checkout_probe.probe.alerts import AlertMachine
from checkout_probe.probe.checkout import CheckoutJob, job_seed, job_slot
from checkout_probe.probe.delivery import Delivery
from checkout_probe.probe.environment_options import probe_arguments
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_url import database_error, open_history
from checkout_probe.probe.judge import Judge
from checkout_probe.probe.lost_rounds import LostRounds
from checkout_probe.probe.metrics import ProbeMetrics
from checkout_probe.probe.model import Round
from checkout_probe.probe.progress import RoundProgress
from checkout_probe.probe.published import PublishedEvidence
from checkout_probe.probe.round_fit import checkout_p95_of, misfit
from checkout_probe.probe.round_line import round_line, vitals_summary
from checkout_probe.probe.rule import DecisionRule, Verdict
from checkout_probe.probe.runner import CheckoutPool
from checkout_probe.probe.signals import Cut, Stop, handling_signals
from checkout_probe.probe.startup import (
    announce,
    fit_from_history,
    preflight,
    published_evidence,
    say_what_is_not_checked,
    start_target,
)
from checkout_probe.probe.webhook_options import webhook_sinks
from checkout_probe.settings.baseline import (
    HISTORY_ROUNDS,
    Baseline,
    from_history,
)
from checkout_probe.settings.config import Settings
from checkout_probe.settings.devices import DEFAULT_DEVICES
from checkout_probe.target import Target


class Probe:
    """The probe's long-lived parts (target, browsers, history, metrics, alerts) and its loop."""

    def __init__(self, args: argparse.Namespace, settings: Settings, rule: DecisionRule) -> None:
        self.args = args
        self.settings = settings
        self.stop = Stop()
        self.metrics = ProbeMetrics()
        self.out = MachineOutput(args.json)
        self.progress = RoundProgress(
            self.out, settings.env, name_devices=settings.devices != DEFAULT_DEVICES
        )
        reminder = timedelta(seconds=args.remind_every) if args.remind_every else None
        self.judge = Judge(
            rule,
            AlertMachine(reminder_every=reminder),  # its state: the history's, per round
            Delivery(webhook_sinks(args, settings)),
        )
        self.rounds_run = 0
        #: The round's fit was judged from the history (else the first round judges it).
        self.fit_known = False
        #: The last round judged nothing because its timeout cut every checkout.
        self.nothing_fit = False
        self.last_verdict: Verdict | None = None
        #: The evidence folder of a round not (yet) in the history, and of a round cut short.
        self.unrecorded_folder: Path | None = None
        self.cut_folder: Path | None = None
        #: The newest round with no verdict: its evidence is kept, an older one's deleted.
        self.unjudged_folder: Path | None = None
        #: Rounds the history database could not store since it last answered.
        self.lost = LostRounds(args.once)
        #: The evidence store's publisher (``--evidence-store``), if any.
        self.published: PublishedEvidence | None = None
        #: Where the current round's time goes (its ``--json`` record has it).
        self.phases = Phases()

    def run(self) -> int:
        """Run rounds until ``--once``/``--rounds`` are done or a signal stops the probe."""
        args, settings = self.args, self.settings
        with self.out, ExitStack() as stack:
            if settings.otlp_endpoint:
                otlp.enable(settings.otlp_endpoint)
                stack.callback(otlp.flush)  # the last round's spans (batches go out meanwhile)
            store = open_history(args.history, create=True)
            stack.callback(store.close)
            self.published = published_evidence(args, settings, stack)  # no store: exit 2 now
            target = start_target(settings, stack)
            if args.once:
                # A fresh process per round: start the counters where the history left them.
                self.metrics.preload_checkouts(settings.env, store.checkout_totals(settings.env))
                self.metrics.preload_rounds(settings.env, store.count(settings.env))
            elif args.metrics_port is not None:
                server = self.metrics.serve(args.metrics_port, args.metrics_addr)
                stack.callback(server.stop)
                print(f"metrics on http://{args.metrics_addr}:{server.port}/metrics", flush=True)
            # Runs after pool.close (LIFO): no worker writes into a cut round's folder then.
            stack.callback(self._discard_cut_round)
            pool = CheckoutPool(settings, target, min(args.workers, args.checkouts))
            stack.callback(pool.close)
            announce(args, settings, target, self.judge.rule)
            self.fit_known = fit_from_history(args, settings, store)
            say_what_is_not_checked(settings, target, pool)
            with handling_signals(self.stop):
                try:
                    self._loop(store, target, pool)
                except Cut:
                    # A signal landing after the round was stored cuts only its alerting.
                    self.cut_folder = self.unrecorded_folder
                    unstored = "; it was not recorded" if self.cut_folder else ""
                    print(f"probe: round cut short by a second signal{unstored}", flush=True)
            if not args.once:
                rounds = f"{self.rounds_run} round{'' if self.rounds_run == 1 else 's'}"
                print(f"probe stopped after {rounds}", flush=True)
        return self._exit_code()

    def _discard_cut_round(self) -> None:
        """Delete a cut round's evidence: no history row points at it, so retention never would."""
        if self.cut_folder is not None:
            shutil.rmtree(self.cut_folder, ignore_errors=True)

    def _loop(self, store: HistoryStore, target: Target, pool: CheckoutPool) -> None:
        args = self.args
        while not self.stop.is_set():
            started = time.monotonic()
            self.rounds_run += 1
            self.phases = Phases()
            try:
                with self.phases.timed("history read"):
                    recent = store.recent(self.settings.env, HISTORY_ROUNDS)
            except SQLAlchemyError:
                recent = []  # judged without a baseline; the store below says what failed
            baseline = from_history(recent, self.settings.baseline)
            after_failures = bool(recent) and recent[-1].failures > 0
            round_ = self._round(self.rounds_run, target, pool, baseline, after_failures)
            try:
                self._judge(store, round_, time.monotonic() - started)
            except SQLAlchemyError as exc:
                self.lost.failed(self.rounds_run, round_.env, exc)
                self.unrecorded_folder = None  # its evidence stays on disk for whoever looks
            else:
                self.lost.stored()
            if args.once or (args.rounds is not None and self.rounds_run >= args.rounds):
                break
            # The interval runs from round start to round start; a signal ends the wait.
            self.stop.wait(max(args.interval - (time.monotonic() - started), 0.0))

    def _round(
        self, number: int, target: Target, pool: CheckoutPool, baseline: Baseline | None,
        after_failures: bool,
    ) -> Round:  # fmt: skip
        args, settings = self.args, self.settings
        started_at = datetime.now(UTC)
        folder = args.evidence_dir / settings.env / f"{started_at:%Y%m%dT%H%M%SZ}-{number}"
        self.unrecorded_folder = folder
        jobs = []
        for i in range(args.checkouts):
            journey, device = job_slot(settings, i)
            seed = job_seed(settings.faker_seed, number, i)
            jobs.append(
                CheckoutJob(journey, seed, folder / f"checkout-{i + 1}", baseline, device=device)
            )
        tell = partial(self.progress.checkout, number, total=len(jobs))
        with self.phases.timed("checkouts"):
            results = pool.run(jobs, args.round_timeout, tell, after_failures=after_failures)
        if self.published is not None:  # uploads start now, in the background
            results = [self.published.publish(r) for r in results]
        with self.phases.timed("shop health"):
            health = target.read_health()
            version = target.read_version(health)
        return Round(
            started_at=started_at,
            finished_at=datetime.now(UTC),
            env=settings.env,
            shop_version=version,
            results=tuple(results),
            health=health.to_dict() if health else None,
        )

    def _judge(self, store: HistoryStore, round_: Round, wall_s: float) -> None:
        with self.phases.timed("judge"):
            judged = self.judge.turn(store, round_)  # the round stored, its alerts queued
        self.last_verdict = judged.verdict
        if judged.verdict is None:
            self._no_verdict(round_)
            self._keep_newest_unjudged()
        else:
            self._judged(round_, judged.verdict, wall_s)
        with self.phases.timed("alerts"):
            self.judge.send(store, round_.env, judged)
        if judged.verdict is not None:
            try:
                with self.phases.timed("retention"):
                    self._retain(store)
            except SQLAlchemyError as exc:
                # The round is stored: only its pruning waits for the next round.
                print(f"  retention skipped: the history database failed "
                      f"({database_error(exc)})", flush=True)  # fmt: skip
        with self.phases.timed("export"):
            self._export()
        # Last, so the record has every phase of the round (its line came first).
        self.progress.round(self.rounds_run, round_, judged.verdict, wall_s, self.phases.seconds)

    def _no_verdict(self, round_: Round) -> None:
        """Nothing judged the shop (no browser, every checkout crashed, all cut)."""
        first = round_.results[0].message if round_.results else "no checkouts ran"
        print(f"round {self.rounds_run} · {round_.env} · no verdict: {round_.errors} harness "
              f"errors, {round_.cut} cut and {round_.not_run} not run at the round "
              f"timeout, e.g. {first}", flush=True)  # fmt: skip
        self.nothing_fit = round_.errors == 0 and (round_.cut + round_.not_run) > 0
        if self.nothing_fit:
            print(f"  round does not fit: no checkout finished within --round-timeout "
                  f"{self.args.round_timeout:.0f} s: raise it above one checkout's time "
                  f"× ceil(--checkouts / --workers)", flush=True)  # fmt: skip
        self.metrics.count_checkouts(round_)

    def _keep_newest_unjudged(self) -> None:
        # No history row points at a round without a verdict, so retention never deletes its
        # evidence (the failure screenshots of its harness errors): a day of them piled up.
        # The newest one's stays, for whoever looks into the errors.
        if self.unjudged_folder is not None:
            shutil.rmtree(self.unjudged_folder, ignore_errors=True)
        self.unjudged_folder, self.unrecorded_folder = self.unrecorded_folder, None

    def _judged(self, round_: Round, verdict: Verdict, wall_s: float) -> None:
        self.unrecorded_folder = None  # its evidence belongs to the history now
        self.metrics.record_round(round_, verdict)
        # Numbered per process: with --once every run prints "round 1" (history has them all).
        state = verdict.state.upper()
        line = round_line(self.rounds_run, round_, verdict, wall_s)
        colour = "red" if verdict.failing else "green"
        print(line.replace(f" {state} ", f" {paint(state, colour)} "), flush=True)
        if not self.fit_known and (checkout_s := checkout_p95_of(round_)) is not None:
            self.fit_known = True
            args = self.args
            line = misfit(args.checkouts, args.workers, args.round_timeout, checkout_s,
                          "p95 of this round")  # fmt: skip
            if line:
                print(f"  {line}", flush=True)
        for failure in round_.cleanup_failures:
            print(f"  not cleaned up: {failure}", flush=True)
        breaches = round_.vital_breaches()
        if breaches:
            # Reported, not judged (a breach fails a step only where vitals_fail says): one
            # line with the count; each breach is in the history and on its page.
            print(f"  {vitals_summary(breaches)}", flush=True)

    def _retain(self, store: HistoryStore) -> None:
        args = self.args
        gone = store.retention.apply(self.settings.env, args.keep_rounds, args.keep_evidence,
                                     args.evidence_dir)  # fmt: skip
        if self.published is not None:
            self.published.forget(gone)
            if (news := self.published.news()) is not None:
                print(f"  {news}", flush=True)

    def _export(self) -> None:
        args = self.args
        self.metrics.export(
            self.settings.env, args.metrics_textfile, args.pushgateway, args.push_job
        )

    def _exit_code(self) -> int:
        if not self.args.once:
            return int(ExitCode.OK)
        if self.last_verdict is None:
            # The round timeout cut every checkout: the run's sizing, the user's to fix.
            return int(ExitCode.USAGE if self.nothing_fit else ExitCode.HARNESS_ERROR)
        return int(ExitCode.CHECKOUT_FAILED if self.last_verdict.failing else ExitCode.OK)


def main(argv: Sequence[str]) -> int:
    """Run the probe; every outcome maps to one of the documented exit codes."""
    args, settings = probe_arguments(argv)  # ConfigError → exit 2 in checkout_probe.cli.main
    configure_logging(args.log_format)
    return Probe(args, settings, preflight(args, settings)).run()
