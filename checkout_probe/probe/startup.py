"""Starting a probe: what it needs before its first round, and what it says then.

The target (a URL, or the embedded demo shop it starts), the evidence store, whether K
fits the round timeout by the history's times, and the lines a reader needs once: what is
probed, by which rule, and what the checkouts will not check.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

from checkout_probe.basics.errors import ConfigError
from checkout_probe.checkout.browser import check_browser
from checkout_probe.checkout.devices import check_devices
from checkout_probe.evidence.store import EvidenceStore
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_url import check_history_url
from checkout_probe.probe.options import decision_rule
from checkout_probe.probe.published import PublishedEvidence
from checkout_probe.probe.round_fit import checkout_p95_from, misfit
from checkout_probe.probe.rule import DecisionRule
from checkout_probe.probe.rule_check import check_rule, describe_rule
from checkout_probe.probe.runner import CheckoutPool
from checkout_probe.probe.webhook_options import webhook_sinks
from checkout_probe.settings.baseline import HISTORY_ROUNDS, BaselineRule, from_history
from checkout_probe.settings.config import Settings
from checkout_probe.target import LocalShop, Target, make_target


def start_target(settings: Settings, stack: ExitStack) -> Target:
    """The shop to probe: its URL, or the embedded demo shop started for the probe's life."""
    if not settings.is_local:
        assert settings.base_url is not None
        return make_target(settings, settings.base_url)
    workdir = Path(tempfile.mkdtemp(prefix="checkout-probe-shop-"))
    stack.callback(shutil.rmtree, workdir, ignore_errors=True)  # after the shop stops
    shop = LocalShop(workdir, settings.shop_args)
    shop.start()  # TargetUnreachable (exit 3) if the demo shop cannot start
    stack.callback(shop.stop)
    return make_target(settings, shop.url or "", api_token=shop.api_token)


def published_evidence(
    args: argparse.Namespace, settings: Settings, stack: ExitStack
) -> PublishedEvidence | None:
    """The evidence store, when one is named (option, variable or environment); a URL that
    cannot work is a ConfigError now, before any browser starts."""
    url = args.evidence_store or settings.environment.evidence_store
    if not url:
        return None
    store = EvidenceStore(url, public_base=args.evidence_public_base)
    published = PublishedEvidence(store, args.evidence_dir)
    # At the end: wait (bounded) for the last uploads, and say what became of them.
    stack.callback(lambda: print(published.close(), flush=True))
    return published


def announce(
    args: argparse.Namespace, settings: Settings, target: Target, rule: DecisionRule
) -> None:
    """What is probed, how often, and by which rule."""
    print(
        f"probing env {settings.env} at {target.base_url}: {args.checkouts} checkouts "
        f"per round on {args.workers} browsers"
        + ("" if args.once else f", every {args.interval:.0f} s")
        + f"; journeys: {', '.join(settings.shop.journeys)}"
        + f"; devices: {', '.join(str(d) for d in settings.devices)}",
        flush=True,
    )
    print(describe_rule(rule, args.checkouts, args.interval), flush=True)


def fit_from_history(args: argparse.Namespace, settings: Settings, store: HistoryStore) -> bool:
    """Before the first round: does K fit the round timeout, by the history's times?
    A ``--once`` run refuses one that does not (exit 2); a long-running probe says so
    and goes on (its cut checkouts count neither way). False: no history to tell yet."""
    # Any stored round tells a checkout's time: no sample floor as for judging "slow".
    recent = store.recent(settings.env, HISTORY_ROUNDS)
    baseline = from_history(recent, None, BaselineRule(min_samples=1))
    checkout_s = checkout_p95_from(baseline)
    if checkout_s is None:
        return False  # no history yet: the first round will tell
    line = misfit(args.checkouts, args.workers, args.round_timeout, checkout_s,
                  "p95 of the recent rounds in the history")  # fmt: skip
    if line and args.once:
        raise ConfigError(line)
    if line:
        print(line, flush=True)
    return True


def say_what_is_not_checked(settings: Settings, target: Target, pool: CheckoutPool) -> None:
    """Once at start: the checkouts run either way, but say what they will not check (the
    pool's one adapter connects here: the login its checkouts then share)."""
    if target.sources_note():
        print(target.sources_note(), flush=True)
    access = pool.orders.get()
    if access.adapter is None:
        print(f"orders not read back or cleaned up: {access.unavailable}", flush=True)
    if settings.order_block_reason:
        print(f"orders not placed: {settings.order_block_reason}; checkouts stop "
              "before charging", flush=True)  # fmt: skip


def preflight(args: argparse.Namespace, settings: Settings) -> DecisionRule:
    """The decision rule, once every mistake the options can hold is refused (one line,
    exit 2) before a browser starts."""
    try:
        rule = decision_rule(args)
    except ValueError as exc:
        raise ConfigError(f"decision rule: {exc}") from None
    check_rule(rule, args.checkouts)
    webhook_sinks(args, settings)
    check_history_url(args.history)
    check_devices(settings.devices)  # a device Playwright does not know
    if not settings.browser_endpoint:
        # No browser → one line and exit 2 now, not a harness error in every checkout.
        check_browser(settings.browser_path)
    return rule
