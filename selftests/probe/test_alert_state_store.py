"""The alert machine's state kept in the history database, shared by every probe on it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from checkout_probe.probe.alerts import AlertMachine, AlertState
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.rule import DecisionRule
from selftests.probe.support import make_round

RULE = DecisionRule()


def firing_state() -> AlertState:
    """The state after a machine saw checkout start failing."""
    machine = AlertMachine()
    round_ = make_round(0, 8)
    assert machine.observe(round_, RULE.decide([(8, 20)])) is not None
    return machine.state


def _save(store: HistoryStore, env: str, state: dict[str, object]) -> None:
    """Save ``state`` as a probe does: in its locked turn."""
    with store.turn(env) as turn:
        turn.save_alert_state(state)


def test_alert_state_survives_a_new_store_and_moves_on_from_what_was_read(
    history_url: str,
) -> None:
    first_run = HistoryStore(history_url)
    saved = first_run.read_alert_state("prod")
    assert (saved.data, saved.version) == (None, 0)
    _save(first_run, "prod", firing_state().to_dict())
    first_run.close()

    next_run = HistoryStore(history_url)  # the next CronJob run, in a new process
    saved = next_run.read_alert_state("prod")
    assert saved.version == 1 and saved.data is not None
    assert AlertState.from_dict(saved.data) == firing_state()
    assert saved.data["firing"]["top_category"] == "payment_error"

    recovered = AlertState().to_dict()
    _save(next_run, "prod", recovered)
    assert next_run.read_alert_state("prod").data == recovered
    assert next_run.read_alert_state("prod").version == 2
    next_run.close()


def test_each_env_has_its_own_alert_state(history_url: str) -> None:
    store = HistoryStore(history_url)
    _save(store, "prod", firing_state().to_dict())
    _save(store, "staging", AlertState().to_dict())
    prod, staging = store.read_alert_state("prod"), store.read_alert_state("staging")
    assert prod.data is not None and prod.data["state"] == "failing"
    assert staging.data == AlertState().to_dict()
    store.close()


def test_turns_of_probes_judging_at_once_follow_one_another(history_url: str) -> None:
    """Each turn reads what the previous one wrote: eight increments, no update lost."""
    stores = [HistoryStore(history_url) for _ in range(8)]
    start = Barrier(len(stores))

    def increment(store: HistoryStore) -> None:
        start.wait()
        with store.turn("prod") as turn:
            seen = turn.alert_state().data or {"count": 0}
            turn.add(make_round(seen["count"]), RULE.decide([(0, 20)]))
            turn.save_alert_state({"count": seen["count"] + 1})

    with ThreadPoolExecutor(len(stores)) as pool:
        list(pool.map(increment, stores))
    saved = stores[0].read_alert_state("prod")
    assert (saved.data, saved.version) == ({"count": 8}, 8)
    assert stores[0].count("prod") == 8
    for store in stores:
        store.close()
