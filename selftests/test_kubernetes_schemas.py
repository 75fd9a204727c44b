"""Self-tests: every manifest under examples/kubernetes/ is valid for a pinned Kubernetes version.

kubernetes-validate checks each object against the OpenAPI schemas of that Kubernetes release,
bundled with it (offline, no cluster), in strict mode: a field the API does not have (a typo,
a field from another kind or a newer release) fails like a wrong type does.
"""

from __future__ import annotations

import copy
from typing import Any

import kubernetes_validate
import pytest

from selftests.kubernetes_manifests import K8S, load, objects, yaml_files

#: The Kubernetes release the manifests must be valid for: the oldest of the three newest minor
#: releases (upstream supports three) that kubernetes-validate 1.37 bundles schemas for.
KUBERNETES_VERSION = "1.35.0"
#: Kinds kubernetes-validate has no schema for (no core API kind), and how each is checked.
NO_SCHEMA = {
    # kustomize's own file, never sent to the API server: test_kubernetes_examples.py checks
    # what it lists, and `kubectl kustomize` builds it where kubectl exists.
    "Kustomization": "kustomize.config.k8s.io/v1beta1",
    # A Prometheus Operator CRD (monitoring.coreos.com/v1): its schema is the Operator's and not
    # bundled. Its metadata and label selector are core types and are validated as such below
    # (test_servicemonitor_metadata_and_selector_are_valid_core_types); its endpoints only by
    # the Operator's CRD in a cluster.
    "ServiceMonitor": "monitoring.coreos.com/v1",
}
#: YAML files under examples/kubernetes that are Prometheus configuration, not manifests.
PROMETHEUS_FILES = {"prometheus/rules.yaml", "prometheus/scrape-configs.yaml"}


def _documents() -> list[tuple[str, dict[str, Any]]]:
    """``(file, object)`` of every Kubernetes object in the YAML files."""
    return [
        (str(path.relative_to(K8S)), doc)
        for path in yaml_files()
        for doc in load(path)
        if isinstance(doc, dict) and "kind" in doc and "apiVersion" in doc
    ]


DOCUMENTS = _documents()
CORE = [(file, doc) for file, doc in DOCUMENTS if doc["kind"] not in NO_SCHEMA]


def _id(entry: tuple[str, dict[str, Any]]) -> str:
    file, doc = entry
    return f"{file}:{doc['kind']}/{doc.get('metadata', {}).get('name', '')}"


def test_every_yaml_file_is_a_manifest_or_named_prometheus_configuration() -> None:
    with_objects = {file for file, _ in DOCUMENTS}
    files = {str(p.relative_to(K8S)) for p in yaml_files()}
    assert files - with_objects == PROMETHEUS_FILES, "a YAML file no test validates"
    assert len(CORE) >= 6, [_id(e) for e in CORE]


@pytest.mark.parametrize("entry", CORE, ids=[_id(e) for e in CORE])
def test_manifest_is_valid_for_the_pinned_kubernetes_version_in_strict_mode(
    entry: tuple[str, dict[str, Any]],
) -> None:
    file, doc = entry
    try:
        validated = kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        where = ".".join(str(p) for p in exc.path) or "(top level)"
        pytest.fail(f"{file}: {doc['kind']} is not valid for Kubernetes {exc.version}: "
                    f"{where}: {exc.message}")  # fmt: skip
    except kubernetes_validate.SchemaNotFoundError as exc:
        pytest.fail(f"{file}: {exc.message}: a core kind, or add it to NO_SCHEMA with its check")
    assert validated == "1.35"


def test_kinds_without_a_schema_are_exactly_the_ones_checked_otherwise() -> None:
    for file, doc in DOCUMENTS:
        if doc["kind"] not in NO_SCHEMA:
            continue
        assert doc["apiVersion"] == NO_SCHEMA[doc["kind"]], (file, doc["apiVersion"])
        # Should kubernetes-validate gain a schema for one, validate it like the rest.
        with pytest.raises(kubernetes_validate.SchemaNotFoundError):
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    assert {doc["kind"] for _, doc in DOCUMENTS} >= set(NO_SCHEMA)


def test_servicemonitor_metadata_and_selector_are_valid_core_types() -> None:
    monitors = objects("ServiceMonitor")
    assert monitors
    for path, monitor in monitors:
        # The one bundled core kind made of just ObjectMeta and a LabelSelector carries them.
        carrier = {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": monitor["metadata"],
            "spec": {"selector": monitor["spec"]["selector"]},
        }
        try:
            kubernetes_validate.validate(carrier, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{path}: {'.'.join(str(p) for p in exc.path)}: {exc.message}")


def test_strict_validation_rejects_a_field_the_api_does_not_have() -> None:
    _, cronjob = next((f, d) for f, d in CORE if d["kind"] == "CronJob")
    typo = copy.deepcopy(cronjob)
    typo["spec"]["jobTemplate"]["spec"]["backofLimit"] = 0  # backoffLimit, misspelt
    kubernetes_validate.validate(typo, KUBERNETES_VERSION, strict=False)  # lax: accepted
    with pytest.raises(kubernetes_validate.ValidationError, match="backofLimit"):
        kubernetes_validate.validate(typo, KUBERNETES_VERSION, strict=True)


def test_validation_rejects_a_wrong_type() -> None:
    _, cronjob = next((f, d) for f, d in CORE if d["kind"] == "CronJob")
    wrong = copy.deepcopy(cronjob)
    wrong["spec"]["schedule"] = 5
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong, KUBERNETES_VERSION, strict=True)
