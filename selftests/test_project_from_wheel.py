"""Self-test: the engine as a team gets it, from the wheel, running a project of its own.

Builds the wheel, installs it into a fresh virtual environment outside the
repository, writes a project with ``checkout-probe init``, fills it with a copy of
the demo project's flows, fixtures and tests, and runs the three entry points
(``pytest``, ``checkout-probe verify``, ``checkout-probe probe --once``) against the
embedded demo shop. Also proves the plugin stays inert in a run that did not opt in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from selftests.helpers import ROOT

#: One worker builds and installs the wheel once for the whole module (``--dist loadgroup``).
pytestmark = pytest.mark.xdist_group("wheel")

#: What the team copies from the reference project into its scaffold.
DEMO_PARTS = ("flows", "fixtures", "tests", "conftest.py", "environments.toml")


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment with the wheel installed, and the wheel itself."""

    wheel: Path
    bin: Path

    def run(
        self, *args: str, cwd: Path, timeout_s: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """Run one of the environment's commands in ``cwd`` (no variable of this run leaks in)."""
        ours = ("CHECKOUT_PROBE_", "PYTEST")
        env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True,
            text=True, timeout=timeout_s,
        )  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """checkout-probe's wheel, with its demo extra, in a new venv in a temporary folder."""
    where = tmp_path_factory.mktemp("wheel")
    # Built from a copy of the files git knows (as a fresh clone has them), so no build/
    # folder or stray file of this working tree can end up in the wheel.
    source = where / "source"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    for name in listed:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(where), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = where.glob("checkout_probe-*.whl")
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "-c", str(ROOT / "constraints.txt"),
         f"{wheel}[demo]"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    return Installed(wheel, venv / "bin")


@pytest.fixture(scope="module")
def project(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A project written by ``checkout-probe init``, filled with the demo project's parts."""
    folder = tmp_path_factory.mktemp("team") / "our-shop"
    init = installed.run("checkout-probe", "init", str(folder), cwd=folder.parent)
    assert init.returncode == 0, init.stdout + init.stderr
    for part in DEMO_PARTS:
        source, target = ROOT / part, folder / part
        if source.is_dir():
            shutil.rmtree(target)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    yield folder


def test_the_wheel_installs_the_engine_and_the_demo_shop_but_no_project(
    installed: Installed,
) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = wheel.namelist()
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        registered = wheel.read(entry_points).decode()
    tops = {name.split("/")[0] for name in names if not name.startswith("checkout_probe-")}
    assert tops == {"checkout_probe", "demo_shop"}, tops
    assert "[pytest11]\ncheckout_probe = checkout_probe.pytest_plugin" in registered
    assert "checkout_probe/cli/templates/project/flows/shop.py.tmpl" in names
    assert "checkout_probe/py.typed" in names


def test_init_writes_the_project_layout_and_refuses_to_overwrite(
    installed: Installed, tmp_path: Path
) -> None:
    first = installed.run("checkout-probe", "init", "fresh", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    written = sorted(str(p.relative_to(tmp_path / "fresh")) for p in (tmp_path / "fresh").rglob("*")
                     if p.is_file())  # fmt: skip
    for expected in ("pyproject.toml", "conftest.py", "environments.toml", "README.md",
                     "flows/shop.py", "flows/journeys.py", "flows/pages/home.py",
                     "flows/orders.py", "fixtures/shop.py", "tests/test_smoke.py",
                     "reports/README.md"):  # fmt: skip
        assert expected in written, written
    assert "TODO" in (tmp_path / "fresh" / "flows" / "journeys.py").read_text()
    environments = (tmp_path / "fresh" / "environments.toml").read_text()
    assert all(f"[{name}]" in environments for name in ("local", "staging", "production"))
    (tmp_path / "fresh" / "README.md").write_text("ours\n")

    again = installed.run("checkout-probe", "init", "fresh", cwd=tmp_path)

    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [again.stderr.strip()]
    assert "init never overwrites" in again.stderr and "Traceback" not in again.stderr
    assert (tmp_path / "fresh" / "README.md").read_text() == "ours\n"

    # What its README says to do next installs it (its dependencies; no package of its own).
    install = installed.run("pip", "install", "--no-deps", "-e", ".", cwd=tmp_path / "fresh")
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]


def test_pytest_in_the_project_runs_its_own_flows_against_the_demo_shop(
    installed: Installed, project: Path
) -> None:
    run = installed.run("pytest", "-m", "smoke", "-p", "no:cacheprovider", cwd=project)

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    summary = json.loads((project / "reports" / "summary.json").read_text())
    assert summary["shop"] == "demo shop" and summary["checkouts"] == 3
    assert f"project {project}" in run.stdout


def test_verify_in_the_project_passes_on_the_healthy_demo_shop(
    installed: Installed, project: Path
) -> None:
    # The gate as installed, with a coarse rule (keeps after 5 clean checkouts) for time.
    run = installed.run("checkout-probe", "verify", "--outage-rate", "0.5", cwd=project)

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    smoke = run.stdout.count("  PASS ") - run.stdout.count("  PASS burst")
    assert smoke == 3 and "3 passed, 0 failed" in run.stdout
    assert f"in {project.resolve()}" in run.stdout
    summary = json.loads((project / "reports" / "summary.json").read_text())
    assert summary["totals"] == {"passed": 3} and summary["checkouts"] == 3
    # The gate, from the installed package: the project's journeys until its rule keeps.
    assert summary["gate"]["decision"] == "keep" and "gate: keep — 0 of " in run.stdout


def test_probe_once_in_the_project_runs_its_declared_journey(
    installed: Installed, project: Path
) -> None:
    run = installed.run(
        "checkout-probe", "probe", "--once", "--checkouts", "2", "--recover-below", "0.5",
        "--workers", "1", cwd=project,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "journeys: guest checkout" in run.stdout
    assert "0/2 failed" in run.stdout and "HEALTHY" in run.stdout


def test_plugin_stays_inert_in_a_run_that_did_not_opt_in(
    installed: Installed, tmp_path: Path
) -> None:
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert 1 + 1 == 2\n")
    (tmp_path / "environments.toml").write_text("this is [not toml")
    results = tmp_path / "allure"
    results.mkdir()
    (results / "kept.json").write_text("{}")

    run = installed.run(
        "pytest", "-p", "no:cacheprovider", f"--alluredir={results}", "-q", cwd=tmp_path
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert (results / "kept.json").exists(), "the alluredir was wiped"
    assert not (tmp_path / "reports").exists(), "a summary.json was written"
    assert "checkout-probe" not in run.stdout
