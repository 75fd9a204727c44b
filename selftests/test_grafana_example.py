"""Self-tests: examples/grafana/'s dashboard queries only what the probe really exports.

Every PromQL expression of the dashboard (panels, annotations, template variables) is read for
its metric names, label matchers, ``by (...)`` groups and legend labels, and each is checked
against a real :class:`ProbeMetrics` registry after a recorded round (``generate_latest``):
a renamed metric or label fails here rather than as an empty panel. promtool parses them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from checkout_probe.probe.metrics import ProbeMetrics
from checkout_probe.probe.model import ERROR, FAILED, PASSED, CheckoutResult, Round
from checkout_probe.probe.rule import DecisionRule
from selftests.helpers import ROOT
from selftests.kubernetes_manifests import K8S, load
from selftests.promtool import run_promtool

DASHBOARD = ROOT / "examples" / "grafana" / "checkout-probe-dashboard.json"
#: The sample names each family type exports (PromQL queries those, never the family name).
SUFFIXES = {"counter": ("_total", "_created"), "gauge": ("",),
            "histogram": ("_bucket", "_count", "_sum", "_created")}  # fmt: skip
#: Not on the dashboard: a --once run's counter restarts at 1 on every push. Rounds are
#: counted by changes() of the last-round timestamp instead, which works in both modes.
NOT_SHOWN = {"checkout_probe_rounds"}
#: Grafana's interval variables, as PromQL durations (for promtool's parser).
GRAFANA_INTERVALS = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "6h"}
Doc = dict[str, Any]


@dataclass(frozen=True)
class Exports:
    """What the probe exports: sample names with their labels, and each family's type."""

    labels: dict[str, set[str]]  # sample name -> label names
    values: dict[str, set[str]]  # label name -> values seen
    families: dict[str, str]  # family name -> "counter" | "gauge" | "histogram"
    #: Labels Prometheus adds when scraping (job, instance, scrape-configs.yaml's targets).
    target_labels: frozenset[str]

    def family(self, name: str) -> tuple[str | None, str]:
        """``(family, problem)`` for a sample name used in a query; problem "" when exported."""
        for family, kind in self.families.items():
            for suffix in SUFFIXES[kind]:
                if name == family + suffix and name in self.labels:
                    return family, ""
        if name in self.families:
            ok = "/".join(family + s for s in SUFFIXES[self.families[name]])
            return name, f"{name} is a {self.families[name]}: query {ok}"
        return None, f"{name} is not a metric the probe exports"


def _exports() -> Exports:
    metrics = ProbeMetrics()
    started = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    vitals = {"pay": {"LCP": 800.0, "CLS": 0.02, "INP": 40.0}}
    results = (
        CheckoutResult(PASSED, None, None, "", {"pay": 1.0}, journey="guest", step_vitals=vitals,
                       a11y_counts={"pay": {"serious": 1}}),
        CheckoutResult(FAILED, "payment_error", "pay", "Payment Processing Error", {"pay": 4.0},
                       journey="guest", step_vitals=vitals),
        CheckoutResult(ERROR, None, None, "browser crashed", journey="guest"),
    )  # fmt: skip
    health = {"status": "degraded", "components": [{"name": "db", "status": "down"}]}
    round_ = Round(started, started + timedelta(minutes=1), "production", "1.0.0", results, health)
    metrics.record_round(round_, DecisionRule().decide([(1, 2)]))
    labels: dict[str, set[str]] = {}
    values: dict[str, set[str]] = {}
    # Types from the registry (the text format calls *_created a gauge of its own); names
    # and labels from what goes over the wire.
    families = {family.name: family.type for family in metrics.registry.collect()}
    for family in text_string_to_metric_families(generate_latest(metrics.registry).decode()):
        for sample in family.samples:
            labels.setdefault(sample.name, set()).update(sample.labels)
            for label, value in sample.labels.items():
                values.setdefault(label, set()).add(value)
    for family_name, kind in families.items():  # the round above must have set every metric
        assert any(family_name + s in labels for s in SUFFIXES[kind]), family_name
    assert {"checkout_probe_web_vital_seconds", "checkout_probe_web_vital_score"} <= set(families)
    scrape = load(K8S / "prometheus" / "scrape-configs.yaml")[0]["scrape_configs"]
    added = {
        r["target_label"]
        for s in scrape
        for r in s.get("relabel_configs", []) + s.get("metric_relabel_configs", [])
        if not r.get("target_label", "__").startswith("__")
    }
    return Exports(labels, values, families, frozenset({"job", "instance"} | added))


EXPORTS = _exports()


@dataclass(frozen=True)
class Query:
    """One PromQL expression of the dashboard, and the labels its display uses."""

    where: str
    expr: str
    shown: frozenset[str]  # labels of legendFormat, titleFormat, tagKeys, label_values()


def _template_labels(*texts: str) -> frozenset[str]:
    return frozenset(re.findall(r"\{\{\s*(\w+)\s*\}\}", " ".join(texts)))


def _panels(panels: list[Doc]) -> Iterator[Doc]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))  # a collapsed row holds its panels


def queries(dashboard: Doc) -> list[Query]:
    """Every Prometheus expression: panel targets, annotations, query variables."""
    found = []
    for panel in _panels(dashboard.get("panels", [])):
        for target in panel.get("targets", []):
            if "expr" in target:
                where = f"panel {panel.get('title')!r} {target.get('refId')}"
                legend = _template_labels(target.get("legendFormat", ""))
                found.append(Query(where, target["expr"], legend))
    for annotation in dashboard["annotations"]["list"]:
        expr = annotation.get("expr") or annotation.get("target", {}).get("expr")
        if annotation.get("datasource", {}).get("type") == "prometheus" and expr:
            tags = frozenset(t.strip() for t in annotation.get("tagKeys", "").split(",") if t)
            shown = _template_labels(annotation.get("titleFormat", ""),
                                     annotation.get("textFormat", "")) | tags  # fmt: skip
            found.append(Query(f"annotation {annotation['name']!r}", expr, shown))
    for variable in dashboard["templating"]["list"]:
        if variable.get("type") != "query":
            continue
        query = variable["query"]
        text = query["query"] if isinstance(query, dict) else query
        call = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", text)
        assert call, f"variable {variable['name']}: only label_values(selector, label) is checked"
        found.append(Query(f"variable {variable['name']!r}", call[1], frozenset({call[2]})))
    return found


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def problems(dashboard: Doc, exports: Exports = EXPORTS) -> list[str]:
    """What in the dashboard's queries the probe does not export (empty: all of it is)."""
    found: list[str] = []
    for query in queries(dashboard):
        bare = _STRING.sub('""', query.expr)  # no identifiers from inside strings
        names = set(re.findall(r"\bcheckout_probe_[A-Za-z0-9_:]*", bare))
        if not names:
            found.append(f"{query.where}: no checkout-probe metric in {query.expr}")
        common: set[str] | None = None
        for name in sorted(names):
            _, problem = exports.family(name)
            if problem:
                found.append(f"{query.where}: {problem}")
            labels = exports.labels.get(name, set()) | exports.target_labels
            common = labels if common is None else common & labels
        for name, matchers in re.findall(r"\b(checkout_probe_\w+)\s*\{([^}]*)\}", query.expr):
            for label, op, value in re.findall(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"', matchers):
                if label not in exports.labels.get(name, set()) | exports.target_labels:
                    found.append(f"{query.where}: {name} has no label {label!r}")
                elif (  # a literal value of a probe label (not a variable, not job=…)
                    op in ("=", "!=")
                    and "$" not in value
                    and value not in exports.values.get(label, {value})
                ):
                    found.append(f"{query.where}: {label}={value!r} is never exported")
        groups = [
            (keyword, set(re.findall(r"\w+", group)))
            for keyword, group in re.findall(r"\b(by|without|on|ignoring)\s*\(([^)]*)\)", bare)
        ]
        for _, group in groups:
            for label in sorted(group - (common or set())):
                found.append(f"{query.where}: by/on ({label}) is not a label of {sorted(names)}")
        # What an aggregation keeps: its by () labels (le only until histogram_quantile).
        by = [group for keyword, group in groups if keyword == "by"]
        kept = set.intersection(*by) - {"le"} if by else common or set()
        for label in sorted(query.shown - kept):
            found.append(f"{query.where}: shows {{{{{label}}}}}, which the query result lacks")
    return found


def _dashboard() -> Doc:
    data: Doc = json.loads(DASHBOARD.read_text())
    return data


def test_every_metric_and_label_the_dashboard_queries_is_one_the_probe_exports() -> None:
    dashboard = _dashboard()
    assert len(queries(dashboard)) >= 15
    assert problems(dashboard) == []


def test_the_dashboard_shows_every_metric_the_probe_exports() -> None:
    used = set()
    for query in queries(_dashboard()):
        for name in re.findall(r"\bcheckout_probe_\w+", _STRING.sub('""', query.expr)):
            used.add(EXPORTS.family(name)[0])
    assert set(EXPORTS.families) - NOT_SHOWN <= used, set(EXPORTS.families) - NOT_SHOWN - used
    web_vitals = [q.expr for q in queries(_dashboard()) if "web_vital" in q.expr]
    assert web_vitals and all(e.startswith("histogram_quantile(0.75,") for e in web_vitals)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("checkout_probe_verdict{", "checkout_probe_verdicts{", "checkout_probe_verdicts is not"),
        ("checkout_probe_step_duration_seconds_bucket{", "checkout_probe_step_duration_seconds{",
         "is a histogram"),
        ("sum by (env, step, le)", "sum by (env, stage, le)", "by/on (stage)"),
        ('outcome="failed"', 'outcome="fail"', "outcome='fail' is never exported"),
        ('{env=~"$env"}, journey)', '{env=~"$env"}, jorney)', "shows {{jorney}}"),
        ("{{env}} · {{dependency}}", "{{env}} · {{dependency}} {{step}}", "shows {{step}}"),
        ("checkout_probe_dependency_up{env", 'checkout_probe_dependency_up{component="db", env',
         "has no label 'component'"),
    ],
)  # fmt: skip
def test_a_wrong_name_or_label_in_the_dashboard_is_reported(
    old: str, new: str, expected: str
) -> None:
    def in_json(promql: str) -> str:
        return json.dumps(promql, ensure_ascii=False)[1:-1]

    text = DASHBOARD.read_text()
    assert in_json(old) in text, old
    found = problems(json.loads(text.replace(in_json(old), in_json(new))))
    assert any(expected in p for p in found), found


def test_every_dashboard_expression_parses_as_promql(tmp_path: Path) -> None:
    rules = []
    for number, query in enumerate(queries(_dashboard())):
        expr = query.expr
        for variable, duration in GRAFANA_INTERVALS.items():
            expr = expr.replace(variable, duration)
        rules.append({"record": f"grafana:query_{number}", "expr": expr})
    path = tmp_path / "dashboard-queries.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = run_promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dashboard_asks_for_its_prometheus_and_environment() -> None:
    dashboard = _dashboard()
    assert 36 <= dashboard["schemaVersion"] <= 41 and dashboard["uid"]
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    assert variables["env"]["definition"] == "label_values(checkout_probe_verdict, env)"
    prometheus = {"type": "prometheus", "uid": "${datasource}"}
    panels = [p for p in _panels(dashboard["panels"]) if p["type"] != "row"]
    for item in [*panels, *(t for p in panels for t in p["targets"])]:
        assert item["datasource"] == prometheus, item.get("title", item.get("refId"))
    ids = [p["id"] for p in _panels(dashboard["panels"])]
    assert len(ids) == len(set(ids))
    annotations = {a["name"]: a for a in dashboard["annotations"]["list"]}
    assert "checkout_probe_shop_version_info" in annotations["Shop version changes"]["expr"]
