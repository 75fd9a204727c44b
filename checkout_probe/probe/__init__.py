"""Building blocks of ``checkout-probe probe``: scheduled rounds of K checkouts against a shop.

Each module has one job and no knowledge of the scheduler or the CLI:

- :mod:`~checkout_probe.probe.model`: ``CheckoutResult`` and ``Round``, the input of the rest.
- :mod:`~checkout_probe.probe.rule`: Wilson interval, ``DecisionRule`` and its ``Verdict``.
- :mod:`~checkout_probe.probe.stats`: the rule's exact false-alarm and detection
  probabilities (table for the defaults in its docstring) and a seeded simulator.
- :mod:`~checkout_probe.probe.alerts`: ``AlertMachine`` (alert on state changes, JSON-able
  state for ``--once`` runs) and ``Alert``.
- :mod:`~checkout_probe.probe.judge`: one round judged, stored and its alerts queued in the
  history's locked turn (``Judge``); the outbox and delivery in
  :mod:`~checkout_probe.probe.outbox` and :mod:`~checkout_probe.probe.delivery`.
- :mod:`~checkout_probe.probe.webhook`: ``WebhookSink`` (generic / Slack / Alertmanager
  payloads, bounded retries, never raises).
- :mod:`~checkout_probe.probe.metrics`: ``ProbeMetrics`` in its own Prometheus registry
  (scrape endpoint, textfile, Pushgateway).
- :mod:`~checkout_probe.probe.history`: ``HistoryStore`` (SQLAlchemy), retention, deploy
  correlation; tables in :mod:`~checkout_probe.probe.history_schema`.
- :mod:`~checkout_probe.probe.correlation`: when the failing streak began, on which version.
- :mod:`~checkout_probe.probe.render`: history as a text table;
  :mod:`~checkout_probe.probe.render_html` (with ``render_charts``, ``render_failures``): a
  self-contained HTML page.

A round, as the runner would drive it::

    verdict = rule.decide([(r.failures, r.checkouts) for r in window], machine.state.state)
    store.add(round_, verdict)
    metrics.record_round(round_, verdict)
    if (alert := machine.observe(round_, verdict)) is not None:
        sink.send(alert)
"""
