"""The alert machine's state kept in the history database between ``--once`` runs."""

from __future__ import annotations

from pathlib import Path

from checkout_probe.probe.alerts import AlertMachine, AlertState
from checkout_probe.probe.history import HistoryStore
from checkout_probe.probe.history_schema import Base
from checkout_probe.probe.rule import DecisionRule
from selftests.probe.support import make_round

RULE = DecisionRule()


def firing_state() -> AlertState:
    """The state after a machine saw checkout start failing."""
    machine = AlertMachine()
    round_ = make_round(0, 8)
    assert machine.observe(round_, RULE.decide([(8, 20)])) is not None
    return machine.state


def test_alert_state_survives_a_new_store_and_is_overwritten(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'history.sqlite'}"
    first_run = HistoryStore(url)
    assert first_run.load_alert_state("prod") is None
    first_run.save_alert_state("prod", firing_state().to_dict())
    first_run.close()

    next_run = HistoryStore(url)  # the next CronJob run, in a new process
    saved = next_run.load_alert_state("prod")
    assert saved is not None
    assert AlertState.from_dict(saved) == firing_state()
    assert saved["firing"]["top_category"] == "payment_error"

    next_run.save_alert_state("prod", AlertState().to_dict())  # recovered
    assert next_run.load_alert_state("prod") == AlertState().to_dict()
    next_run.close()


def test_each_env_has_its_own_alert_state(tmp_path: Path) -> None:
    store = HistoryStore(f"sqlite:///{tmp_path / 'history.sqlite'}")
    store.save_alert_state("prod", firing_state().to_dict())
    store.save_alert_state("staging", AlertState().to_dict())
    store.save_alert_state("staging", {**AlertState().to_dict(), "last_sent_at": None})
    prod, staging = store.load_alert_state("prod"), store.load_alert_state("staging")
    assert prod is not None and prod["state"] == "failing"
    assert staging == AlertState().to_dict()
    store.close()


def test_a_history_from_before_alert_state_gains_the_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'history.sqlite'}"
    old = HistoryStore(url)
    Base.metadata.tables["probe_alert_state"].drop(old.engine)  # as an older version left it
    old.close()
    upgraded = HistoryStore(url)
    upgraded.save_alert_state("prod", AlertState().to_dict())
    assert upgraded.load_alert_state("prod") == AlertState().to_dict()
    upgraded.close()
