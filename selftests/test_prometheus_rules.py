"""Self-tests: examples/kubernetes/prometheus/rules.yaml, checked and unit-tested by promtool.

``promtool check rules`` parses the file as Prometheus would load it. ``promtool test rules``
runs its alerts over series the probe really exported (selftests/probe_series.py): a
:class:`ProbeMetrics` registry records rounds (none yet, healthy, failing, then the probe
stops) and each minute's exposition text becomes one sample of promtool's ``input_series``,
labelled as Prometheus would scrape it from the Pushgateway (scrape-configs.yaml). No
Prometheus server runs. ``./run tests`` installs promtool (Debian's prometheus package);
without it these tests fail.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from selftests.kubernetes_manifests import CRONJOBS, K8S, load, parse_probe_args
from selftests.probe_series import (
    DATABASE,
    END,
    ENV,
    FIRST_FAILING,
    PAYMENTS,
    STOPPED,
    Scrapes,
    probe_scrapes,
)
from selftests.promtool import run_promtool

RULES = K8S / "prometheus" / "rules.yaml"


def _rules() -> list[dict[str, Any]]:
    return [r for g in load(RULES)[0]["groups"] for r in g["rules"]]


def test_promtool_accepts_the_rule_file() -> None:
    result = run_promtool("check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(_rules())} rules found" in result.stdout, result.stdout


def test_promtool_check_rejects_a_rule_with_a_broken_expression(tmp_path: Path) -> None:
    broken = tmp_path / "rules.yaml"
    broken.write_text(RULES.read_text().replace("== 1", "== == 1", 1))
    result = run_promtool("check", "rules", str(broken))
    assert result.returncode != 0 and "FAILED" in result.stdout + result.stderr, result.stdout


def _pushgateway_labels(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """job and region as the pushgateway scrape job labels a CronJob's pushes."""
    scrape = load(K8S / "prometheus" / "scrape-configs.yaml")[0]["scrape_configs"]
    gateway = next(s for s in scrape if s["job_name"] == "pushgateway")
    relabel = next(r for r in gateway["metric_relabel_configs"] if r["target_label"] == "region")
    job = parse_probe_args(CRONJOBS[0], monkeypatch).push_job
    match = re.fullmatch(relabel["regex"], job)
    assert match, (job, relabel["regex"])
    return {"job": job, "region": match.expand(relabel["replacement"].replace("$", "\\"))}


# --- expected alerts ---------------------------------------------------------------------


def _humanize_duration(seconds: float) -> str:
    """Prometheus' ``humanizeDuration`` for a minute or more ("16m 0s", "1h 2m 3s")."""
    assert seconds >= 60, seconds
    whole = int(seconds)
    days, hours = whole // 86400, whole // 3600 % 24
    minutes, secs = whole // 60 % 60, whole % 60
    if days:
        return f"{days}d {hours}h {minutes}m {secs}s"
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    return f"{minutes}m {secs}s"


def _render(template: str, labels: dict[str, str], value: float | None) -> str:
    """An annotation as Prometheus renders it, for the template forms rules.yaml uses."""

    def one(match: re.Match[str]) -> str:
        expr = match[1]
        if label := re.fullmatch(r"\$labels\.(\w+)", expr):
            assert label[1] in labels, f"{{{{ {expr} }}}}: the alert has no {label[1]} label"
            return labels[label[1]]
        if expr == "$value | humanizeDuration" and value is not None:
            return _humanize_duration(value)
        raise AssertionError(f"this test cannot render {{{{ {expr} }}}}: teach _render it")

    return re.sub(r"\{\{\s*(.*?)\s*\}\}", one, template)


def _alert(name: str, labels: dict[str, str], value: float | None = None) -> dict[str, Any]:
    """One expected firing alert: its labels plus the rule's, its annotations rendered."""
    rule = next(r for r in _rules() if r.get("alert") == name)
    all_labels = {**labels, **rule.get("labels", {})}
    annotations = {
        k: _render(str(v), all_labels, value) for k, v in rule.get("annotations", {}).items()
    }
    return {"exp_labels": all_labels, "exp_annotations": annotations}


def _alert_tests(scrapes: Scrapes) -> tuple[list[dict[str, Any]], set[str]]:
    """``alert_rule_test`` entries over the timeline, and the alerts they cover."""
    tests: list[dict[str, Any]] = []

    def expect(minute: int, name: str, *alerts: dict[str, Any]) -> None:
        test = {"eval_time": f"{minute}m", "alertname": name, "exp_alerts": list(alerts)}
        if test not in tests:
            tests.append(test)

    series_labels = {"env": ENV, **scrapes.target_labels}

    # Healthy rounds: nothing fires.
    for name in ("CheckoutProbeStale", "CheckoutProbeVerdictFailing", "CheckoutProbeDependencyDown",
                 "CheckoutProbeGone", "CheckoutProbeDown"):  # fmt: skip
        expect(FIRST_FAILING - 1, name)

    # Failing rounds: the verdict alert fires with the round whose verdict says failing.
    failing = scrapes.first("checkout_probe_verdict", 1.0, env=ENV)
    assert FIRST_FAILING <= failing < STOPPED, failing  # healthy rounds never turn it
    verdict = _alert("CheckoutProbeVerdictFailing", {"env": ENV})
    expect(failing - 1, "CheckoutProbeVerdictFailing")
    expect(failing, "CheckoutProbeVerdictFailing", verdict)
    expect(END, "CheckoutProbeVerdictFailing", verdict)  # the last push still says failing

    # The database reported down: firing after 10 minutes of it, only for that dependency.
    down = scrapes.first("checkout_probe_dependency_up", 0.0, env=ENV, dependency=DATABASE)
    assert down == FIRST_FAILING, down
    assert all(v == 1.0 for _, v in scrapes.values(
        "checkout_probe_dependency_up", env=ENV, dependency=PAYMENTS))  # fmt: skip
    database = _alert("CheckoutProbeDependencyDown", {"env": ENV, "dependency": DATABASE})
    expect(down + 9, "CheckoutProbeDependencyDown")
    expect(down + 10, "CheckoutProbeDependencyDown", database)

    # The probe stopped: its last push stays, and Stale fires once it is over 15 minutes old.
    last = max(v for _, v in scrapes.values("checkout_probe_last_round_timestamp_seconds",
                                            env=ENV))  # fmt: skip
    assert last == (STOPPED - 1) * 60, last
    stale = next(m for m in range(END + 1) if m * 60 - last > 900)
    expect(STOPPED, "CheckoutProbeStale")
    expect(stale - 1, "CheckoutProbeStale")
    expect(stale, "CheckoutProbeStale",
           _alert("CheckoutProbeStale", series_labels, value=stale * 60 - last))  # fmt: skip
    # The stale push is still there: Stale's job, not Gone's; no scrape of a probe: not Down's.
    expect(END, "CheckoutProbeGone")
    expect(END, "CheckoutProbeDown")
    return tests, {t["alertname"] for t in tests}


class _PlainDumper(yaml.SafeDumper):
    """Writes a repeated expected alert out again rather than as a YAML alias (readable)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _write_unit_test(path: Path, rules: Path, scrapes: Scrapes) -> set[str]:
    tests, covered = _alert_tests(scrapes)
    document = {
        "rule_files": [str(rules)],
        "evaluation_interval": "1m",
        "tests": [
            {
                "name": "probe rounds: none, healthy, failing, then the probe stops",
                "interval": "1m",
                "input_series": scrapes.input_series(),
                "alert_rule_test": tests,
            }
        ],
    }
    path.write_text(yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, width=1000))
    return covered


def test_every_alert_fires_on_the_probes_own_series_when_it_should_and_only_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scrapes = probe_scrapes(_pushgateway_labels(monkeypatch))
    unit_test = tmp_path / "rules.test.yaml"
    covered = _write_unit_test(unit_test, RULES, scrapes)
    # Every alert is covered. The one recording rule (step-time p95) is not an alert: it reads
    # long-running probes' rates (job="checkout-probe"), and its names and labels are checked
    # against the probe's exports by test_kubernetes_examples.py.
    assert covered == {r["alert"] for r in _rules() if "alert" in r}
    result = run_promtool("test", "rules", str(unit_test))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout, result.stdout


def test_the_unit_test_fails_when_an_alert_threshold_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = tmp_path / "rules.yaml"
    changed.write_text(RULES.read_text().replace("> 900", "> 1800", 1))
    assert changed.read_text() != RULES.read_text()
    unit_test = tmp_path / "rules.test.yaml"
    _write_unit_test(unit_test, changed, probe_scrapes(_pushgateway_labels(monkeypatch)))
    result = run_promtool("test", "rules", str(unit_test))
    assert result.returncode != 0, result.stdout
    assert "CheckoutProbeStale" in result.stdout + result.stderr, result.stdout + result.stderr


def _dead_probe_test(rules: Path, pod_deleted: bool) -> dict[str, Any]:
    """promtool's test of a long-running probe (scraped as job checkout-probe) that dies at
    minute 10: its pod stays and cannot be scraped (up 0), or its Deployment is deleted (no
    series at all)."""
    target = 'instance="10.0.0.7:9464",job="checkout-probe",pod="checkout-probe-0",region="eu-west"'
    alive = " ".join(str(60 * m) for m in range(11))
    after = "_x30" if pod_deleted else "0x30"
    series = [
        {"series": f"up{{{target}}}", "values": f"1x10 {after}"},
        {"series": f'checkout_probe_last_round_timestamp_seconds{{env="{ENV}",{target}}}',
         "values": f"{alive} _x30"},
    ]  # fmt: skip
    gone = _alert("CheckoutProbeGone", {"env": ENV, "region": "eu-west"})
    down = _alert("CheckoutProbeDown", dict(
        item.split("=") for item in target.replace('"', "").split(",")
    ))  # fmt: skip
    if pod_deleted:
        # Absent from 5 min after its last sample (staleness), firing 10 min later.
        tests = [
            {"eval_time": "25m", "alertname": "CheckoutProbeGone", "exp_alerts": []},
            {"eval_time": "26m", "alertname": "CheckoutProbeGone", "exp_alerts": [gone]},
            {"eval_time": "40m", "alertname": "CheckoutProbeDown", "exp_alerts": []},
        ]
    else:
        tests = [
            {"eval_time": "15m", "alertname": "CheckoutProbeDown", "exp_alerts": []},
            {"eval_time": "16m", "alertname": "CheckoutProbeDown", "exp_alerts": [down]},
            # One incident, one alert: the pod is there and down, so not "gone" as well.
            {"eval_time": "40m", "alertname": "CheckoutProbeGone", "exp_alerts": []},
        ]
    return {
        "rule_files": [str(rules)],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": series, "alert_rule_test": tests}],
    }


@pytest.mark.parametrize("pod_deleted", [False, True], ids=["pod-down", "deployment-deleted"])
def test_a_dead_long_running_probe_fires_once_for_any_env(
    tmp_path: Path, pod_deleted: bool
) -> None:
    unit_test = tmp_path / "dead.test.yaml"
    unit_test.write_text(yaml.dump(_dead_probe_test(RULES, pod_deleted), Dumper=_PlainDumper,
                                   sort_keys=False, width=1000))  # fmt: skip
    result = run_promtool("test", "rules", str(unit_test))
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout, result.stdout


def test_every_alert_rule_has_a_severity_and_only_the_probes_own_alert_pages() -> None:
    severities = {r["alert"]: r.get("labels", {}).get("severity") for r in _rules() if "alert" in r}
    assert all(severities.values()), severities
    assert "critical" not in severities.values() and "page" not in severities.values(), severities
