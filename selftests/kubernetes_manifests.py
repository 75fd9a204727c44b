"""Reading examples/kubernetes/: its objects, and the containers that run the probe."""

from __future__ import annotations

import argparse
import base64
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from checkout_probe.probe.environment_options import with_environment
from checkout_probe.probe.options import build_parser
from selftests.helpers import ROOT

K8S = ROOT / "examples" / "kubernetes"
Doc = dict[str, Any]
#: Variables build_parser() reads as defaults: cleared so the test's own environment never leaks.
PROBE_VARIABLES = (
    "CHECKOUT_PROBE_WEBHOOK_URL",
    "CHECKOUT_PROBE_PUSHGATEWAY",
    "CHECKOUT_PROBE_HISTORY_URL",
    "CHECKOUT_PROBE_BROWSER_ENDPOINT",
)


def load(path: Path) -> list[Any]:
    """The YAML documents of one file (empty ones dropped)."""
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def yaml_files() -> list[Path]:
    """Every YAML file under examples/kubernetes/."""
    return sorted(p for p in K8S.rglob("*") if p.suffix in (".yaml", ".yml"))


def objects(kind: str) -> list[tuple[Path, Doc]]:
    """Kubernetes objects of one kind, with the file each came from."""
    return [
        (path, doc)
        for path in yaml_files()
        for doc in load(path)
        if isinstance(doc, dict) and doc.get("kind") == kind and "apiVersion" in doc
    ]


def pod_template(workload: Doc) -> Doc:
    """The pod template of a CronJob or a Deployment."""
    spec: Doc = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    template: Doc = spec["template"]
    return template


def pod_labels(workload: Doc) -> dict[str, str]:
    """The labels of a workload's pods."""
    return {str(k): str(v) for k, v in pod_template(workload)["metadata"]["labels"].items()}


@dataclass(frozen=True)
class ProbeContainer:
    """A container of a CronJob or Deployment that runs ``checkout-probe probe``."""

    file: str
    workload: Doc
    container: Doc

    @property
    def argv(self) -> list[str]:
        """command + args."""
        return [str(a) for a in self.container.get("command", []) + self.container.get("args", [])]

    @property
    def pod(self) -> Doc:
        """The pod spec."""
        spec: Doc = pod_template(self.workload)["spec"]
        return spec

    def env_sources(self) -> Iterator[tuple[str, Doc]]:
        """``(name, entry)`` of each ``env`` entry."""
        for entry in self.container.get("env", []):
            yield entry["name"], entry


def probe_containers() -> list[ProbeContainer]:
    """Every container of a CronJob or Deployment whose command is ``checkout-probe``."""
    found = []
    for kind in ("CronJob", "Deployment"):
        for path, doc in objects(kind):
            spec = pod_template(doc)["spec"]
            for container in spec.get("initContainers", []) + spec["containers"]:
                words = container.get("command", []) + container.get("args", [])
                if words and Path(str(words[0])).name == "checkout-probe":
                    found.append(ProbeContainer(str(path.relative_to(K8S)), doc, container))
    return found


CONTAINERS = probe_containers()
IDS = [f"{c.file}:{c.container['name']}" for c in CONTAINERS]
CRONJOBS = [c for c in CONTAINERS if c.workload["kind"] == "CronJob"]
DEPLOYMENTS = [c for c in CONTAINERS if c.workload["kind"] == "Deployment"]


def example_secrets() -> dict[str, dict[str, str]]:
    """``{secret name: {key: value}}`` from the example Secret(s)."""
    secrets: dict[str, dict[str, str]] = {}
    for _, doc in objects("Secret"):
        values = {k: str(v) for k, v in doc.get("stringData", {}).items()}
        values |= {k: base64.b64decode(v).decode() for k, v in doc.get("data", {}).items()}
        secrets[doc["metadata"]["name"]] = values
    return secrets


def container_environ(probe: ProbeContainer) -> dict[str, str]:
    """The container's environment, secrets filled in from the example Secret."""
    secrets = example_secrets()
    environ = {}
    for name, entry in probe.env_sources():
        ref = entry.get("valueFrom", {}).get("secretKeyRef", {})
        # A dangling reference is reported by its own test; here it leaves the variable unset.
        value = entry.get("value", secrets.get(ref.get("name"), {}).get(ref.get("key")))
        if value is not None:
            environ[name] = str(value)
    return environ


def parse_probe_args(probe: ProbeContainer, monkeypatch: pytest.MonkeyPatch) -> argparse.Namespace:
    """The container's options as ``checkout-probe probe`` would read them, in its environment."""
    assert probe.argv[:2] == ["checkout-probe", "probe"], f"{probe.file}: {probe.argv[:2]}"
    for variable in PROBE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    for name, value in container_environ(probe).items():
        monkeypatch.setenv(name, value)
    argv = probe.argv[2:]
    try:
        args = build_parser().parse_args(argv)
        # As the probe reads them: the environment's probe table under the command line.
        table = environments_document().get(args.env, {}).get("probe", {})
        where = f"environment '{args.env}' in the ConfigMap's environments.toml"
        return with_environment(build_parser, argv, table, where)
    except SystemExit:
        pytest.fail(f"{probe.file}: `checkout-probe probe` rejects {argv} with its ConfigMap")


def environments_document() -> dict[str, Any]:
    """The example ConfigMap's environments.toml, parsed."""
    ((_, configmap),) = list(objects("ConfigMap"))
    return tomllib.loads(configmap["data"]["environments.toml"])
