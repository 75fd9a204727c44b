"""Self-tests: examples/kubernetes/ parses and agrees with the probe's options, config and metrics.

No cluster is needed: every manifest is read with ``yaml.safe_load_all`` and checked against
the code it drives (``checkout_probe.probe.options``, ``checkout_probe.settings.environments``,
``checkout_probe.probe.metrics``). ``kubectl kustomize`` is run only where kubectl exists.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from checkout_probe.basics.errors import ConfigError
from checkout_probe.probe.metrics import ProbeMetrics
from checkout_probe.probe.model import CheckoutResult, Round
from checkout_probe.probe.options import DEFAULT_HISTORY
from checkout_probe.probe.payloads import ALERTNAME
from checkout_probe.probe.rule import DecisionRule
from checkout_probe.settings.environments import load_file, resolve
from flows.shop import SHOP
from selftests.kubernetes_manifests import (
    CONTAINERS,
    CRONJOBS,
    DEPLOYMENTS,
    IDS,
    K8S,
    Doc,
    ProbeContainer,
    container_environ,
    example_secrets,
    load,
    objects,
    parse_probe_args,
    pod_labels,
    pod_template,
    yaml_files,
)


def test_every_yaml_file_parses() -> None:
    files = yaml_files()
    assert len(files) >= 10, files
    for path in files:
        documents = load(path)
        assert documents and all(isinstance(d, dict) for d in documents), path


def test_every_manifest_is_listed_by_the_kustomization_beside_it() -> None:
    kustomizations = sorted(K8S.rglob("kustomization.yaml"))
    assert K8S / "kustomization.yaml" in kustomizations
    for path in kustomizations:
        listed = {str(r).split("#")[0].strip() for r in load(path)[0].get("resources", [])}
        for resource in listed:
            target = path.parent / resource
            assert target.is_file() or (target / "kustomization.yaml").is_file(), (path, resource)
    for path in yaml_files():
        if path.name == "kustomization.yaml" or not any("kind" in d for d in load(path)):
            continue  # not a Kubernetes object (e.g. a Prometheus config)
        kustomization = path.parent / "kustomization.yaml"
        assert kustomization.is_file(), f"{path} has no kustomization.yaml beside it"
        assert path.name in load(kustomization)[0]["resources"], f"{kustomization}: {path.name}"
    top = (K8S / "kustomization.yaml").read_text()
    for sub in kustomizations[1:]:  # alternatives are named where they would be switched on
        assert f"- {sub.parent.relative_to(K8S)}" in top, sub


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_builds_the_folder() -> None:
    result = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    kinds = [d["kind"] for d in yaml.safe_load_all(result.stdout)]
    assert kinds.count("CronJob") >= 2 and "Secret" in kinds and "ConfigMap" in kinds


def test_there_are_two_regional_cronjobs_and_a_long_running_deployment() -> None:
    assert len(CRONJOBS) >= 2 and len(DEPLOYMENTS) >= 1, IDS


@pytest.mark.parametrize("probe", CONTAINERS, ids=IDS)
def test_probe_options_parse_and_share_one_history(
    probe: ProbeContainer, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = parse_probe_args(probe, monkeypatch)
    # A pod's disk goes with it: history (and so alert state) must be the shared database.
    assert args.history != DEFAULT_HISTORY and not args.history.startswith("sqlite"), args.history
    assert args.history == example_secrets()["checkout-probe-secrets"]["history-url"]
    assert args.webhook or "CHECKOUT_PROBE_WEBHOOK_URL" in container_environ(probe), (
        "alerts go nowhere"
    )
    assert args.config and args.env, "name the environment and its file"


@pytest.mark.parametrize("probe", CRONJOBS, ids=[c.file for c in CRONJOBS])
def test_cronjob_runs_one_round_per_schedule_and_pushes_per_region(
    probe: ProbeContainer, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = parse_probe_args(probe, monkeypatch)
    cron, job = probe.workload["spec"], probe.workload["spec"]["jobTemplate"]["spec"]
    assert args.once and args.pushgateway and args.metrics_port is None
    period = re.fullmatch(r"\*/(\d+) \* \* \* \*", cron["schedule"])
    assert period, cron["schedule"]
    assert cron["concurrencyPolicy"] == "Forbid" and cron["startingDeadlineSeconds"] > 0
    assert args.round_timeout < job["activeDeadlineSeconds"] < int(period[1]) * 60
    assert job["backoffLimit"] == 0, "exit 1 is a failing verdict: a retry only adds a round"
    assert args.push_job == f"checkout-probe-{pod_labels(probe.workload)['region']}"
    assert any(v.get("emptyDir", {}).get("medium") == "Memory" for v in probe.pod["volumes"])


def test_each_region_pushes_under_its_own_job_and_the_scrape_config_reads_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scrape = load(K8S / "prometheus" / "scrape-configs.yaml")[0]["scrape_configs"]
    gateway = next(s for s in scrape if s["job_name"] == "pushgateway")
    assert gateway["honor_labels"] is True, "without it every job is relabelled 'pushgateway'"
    relabel = next(
        r for r in gateway["metric_relabel_configs"] if r.get("target_label") == "region"
    )
    jobs = []
    for probe in CRONJOBS:
        push_job = parse_probe_args(probe, monkeypatch).push_job
        match = re.fullmatch(relabel["regex"], push_job)
        assert match and match[1] == pod_labels(probe.workload)["region"], push_job
        jobs.append(push_job)
    assert len(jobs) == len(set(jobs)) >= 2, jobs


@pytest.mark.parametrize("probe", DEPLOYMENTS, ids=[c.file for c in DEPLOYMENTS])
def test_deployment_serves_metrics_that_its_service_and_annotations_point_at(
    probe: ProbeContainer, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = parse_probe_args(probe, monkeypatch)
    assert not args.once and args.metrics_port and args.metrics_addr == "0.0.0.0"
    ports = {p["name"]: p["containerPort"] for p in probe.container["ports"]}
    assert args.metrics_port in ports.values()
    template = pod_template(probe.workload)["metadata"]
    assert template["annotations"]["prometheus.io/port"] == str(args.metrics_port)
    assert probe.workload["spec"]["replicas"] == 1
    cron_pods = [pod_labels(d) for _, d in objects("CronJob")]
    for _, service in objects("Service"):
        selector = service["spec"]["selector"].items()
        assert selector <= template["labels"].items(), "the Service misses the probe's pods"
        assert not any(selector <= labels.items() for labels in cron_pods), "selects CronJob pods"
        target = service["spec"]["ports"][0]["targetPort"]
        assert ports.get(target, target) == args.metrics_port


@pytest.mark.parametrize("probe", CONTAINERS, ids=IDS)
def test_secret_references_name_keys_in_the_example_secret(probe: ProbeContainer) -> None:
    secrets = example_secrets()
    for name, entry in probe.env_sources():
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            assert ref["key"] in secrets.get(ref["name"], {}), f"{probe.file}: ${name} ← {ref}"
    for source in probe.container.get("envFrom", []):
        if "secretRef" in source:
            assert source["secretRef"]["name"] in secrets, probe.file


@pytest.mark.parametrize("probe", CONTAINERS, ids=IDS)
def test_environments_file_comes_from_the_configmap_and_resolves_with_the_containers_secrets(
    probe: ProbeContainer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    args = parse_probe_args(probe, monkeypatch)
    configmaps = {doc["metadata"]["name"]: doc for _, doc in objects("ConfigMap")}
    volumes = {v["name"]: v for v in probe.pod["volumes"]}
    for volume in volumes.values():
        if "configMap" in volume:
            assert volume["configMap"]["name"] in configmaps, volume
    config = Path(args.config)
    mount = next(
        (m for m in probe.container["volumeMounts"] if config.parent == Path(m["mountPath"])), None
    )
    assert mount, f"{probe.file}: nothing is mounted at {config.parent}"
    configmap = configmaps[volumes[mount["name"]]["configMap"]["name"]]
    path = tmp_path / config.name
    path.write_text(configmap["data"][path.name])
    try:
        environment = resolve(args.env, load_file(path), container_environ(probe), path, SHOP)
    except ConfigError as exc:
        pytest.fail(f"{probe.file}: {exc}")
    assert args.env in load_file(path) and environment.base_url


def _exported_series() -> dict[str, set[str]]:
    """``{sample name: label names}`` of everything ProbeMetrics exports after one round."""
    metrics = ProbeMetrics()
    started = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    results = (
        CheckoutResult(
            "passed",
            None,
            None,
            "",
            {"pay": 1.0},
            step_vitals={"pay": {"LCP": 800.0, "CLS": 0.02, "INP": 40.0}},
            a11y_counts={"pay": {"serious": 1}},
        ),
        CheckoutResult("failed", "payment_error", "pay", "Payment Processing Error", {"pay": 4.0}),
    )
    health = {"status": "degraded", "components": [{"name": "db", "status": "down"}]}
    round_ = Round(started, started + timedelta(minutes=1), "production", "1.0.0", results, health)
    metrics.record_round(round_, DecisionRule().decide([(1, 2)]))
    series: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(generate_latest(metrics.registry).decode()):
        for sample in family.samples:
            series.setdefault(sample.name, set()).update(sample.labels)
    for family in metrics.registry.collect():  # the round above must have set every metric
        assert any(name.startswith(family.name) for name in series), family.name
    return series


IDENTIFIER = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def _rules() -> list[Doc]:
    return [r for g in load(K8S / "prometheus" / "rules.yaml")[0]["groups"] for r in g["rules"]]


def test_rules_use_metric_names_and_labels_the_probe_exports() -> None:
    series = _exported_series()
    scrape = load(K8S / "prometheus" / "scrape-configs.yaml")[0]["scrape_configs"]
    target_labels = {"job", "instance"} | {
        r.get("target_label", "__")
        for s in scrape
        for r in s.get("relabel_configs", []) + s.get("metric_relabel_configs", [])
        if not r.get("target_label", "__").startswith("__")
    }
    rules = _rules()
    recorded = {r["record"] for r in rules if "record" in r}
    assert {r.get("alert") for r in rules} >= {"CheckoutProbeStale", "CheckoutProbeVerdictFailing"}
    assert ALERTNAME not in {r.get("alert") for r in rules}, "collides with the probe's webhook"
    for rule in rules:
        expr = str(rule["expr"])
        used: set[str] = set()
        for name, matchers in re.findall(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}", expr):
            labels = set(re.findall(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)", matchers))
            known = series.get(name, set()) | target_labels
            assert name in recorded or labels <= known, (rule, name, labels - known)
        bare = re.sub(r'"[^"]*"|\{[^}]*\}|\[[^\]]*\]', " ", expr)
        for name in IDENTIFIER.findall(bare):
            if "checkout_probe" in name:
                assert name in series or name in recorded, f"{name} is not exported: {expr}"
                used |= series.get(name, set())
        for group in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", bare):
            for label in IDENTIFIER.findall(group):
                assert label in used | target_labels, (rule, label)
        # A rule reads the probe's metrics, or the scrape of the probe itself (up).
        assert used or 'up{job="checkout-probe"}' in expr, f"no checkout-probe metric in {expr}"
        for text in rule.get("annotations", {}).values():
            for name in re.findall(r"\bcheckout_probe_\w+", str(text)):
                assert name in series, f"annotation names {name}, which is not exported"


def test_dockerfile_installs_chromium_the_project_and_the_history_driver() -> None:
    dockerfile = (K8S / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", dockerfile, re.M)
    assert re.search(r"apt-get install [^\n]*\bchromium\b", dockerfile)
    assert re.search(r"pip install \.", dockerfile)
    history = example_secrets()["checkout-probe-secrets"]["history-url"]
    driver = re.match(r"[a-z]+\+(\w+)://", history)
    assert driver and driver[1] == "psycopg", history
    # The driver comes with the engine's extra, at the versions the engine supports.
    assert re.search(r'pip install [^\n]*"checkout-probe\[postgres\]"', dockerfile), dockerfile


def test_manifests_use_the_image_the_kustomization_names() -> None:
    images = {i["name"] for i in load(K8S / "kustomization.yaml")[0]["images"]}
    for probe in CONTAINERS:
        assert probe.container["image"].rsplit(":", 1)[0] in images, probe.file
