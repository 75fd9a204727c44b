"""Self-test: the engine's layers are a contract that a change cannot quietly break.

``./run tests`` runs ``lint-imports`` on the tree; these tests show the contracts have
teeth: an import from a lower room up to a higher one, a circle between two modules of a
room (a type-only import included) and the engine importing a project each break one,
on a copy of the tree. They also hold the old module paths of 0.1 to their new places.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from checkout_probe import _moved
from selftests.helpers import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
#: What the contracts read: the engine, the demo shop and the reference project.
PARTS = ("checkout_probe", "demo_shop", "flows", "fixtures", "pyproject.toml")


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tree / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            tree.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, tree / part)
    return tree


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        # The copy, not the installed tree, is what grimp must read.
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
    )


def _plant(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    text = path.read_text()
    # After the module docstring and `from __future__`, where an import would go.
    marker = "from __future__ import annotations\n"
    path.write_text(text.replace(marker, marker + line + "\n", 1))


@pytest.fixture(scope="module")
def clean_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tree whose contracts hold (checked once)."""
    tree = _copy(tmp_path_factory.mktemp("layers"))
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    return tree


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        pytest.param(
            "checkout_probe.basics.errors",
            "from checkout_probe.probe import model",
            "checkout_probe.basics is not allowed to import checkout_probe.probe",
            id="a basic importing an entry point",
        ),
        pytest.param(
            "checkout_probe.shop.data",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from checkout_probe.checkout.journey import Journey",
            "checkout_probe.shop is not allowed to import checkout_probe.checkout",
            id="a type-only import up from the shop's declaration",
        ),
        pytest.param(
            "checkout_probe.diagnosis.category",
            "from checkout_probe.diagnosis import classify",
            "No cycles are allowed in checkout_probe.diagnosis",
            id="a circle inside a room",
        ),
        pytest.param(
            "checkout_probe.checkout.journey",
            "import flows.shop",
            "The engine never imports a project BROKEN",
            id="the engine importing the project",
        ),
    ],
)
def test_an_import_against_the_layers_breaks_a_contract(
    clean_tree: Path, tmp_path: Path, module: str, line: str, broken: str
) -> None:
    tree = tmp_path / "planted"
    shutil.copytree(clean_tree, tree)
    _plant(tree, module, line)
    result = _lint(tree)
    assert result.returncode != 0, f"lint-imports kept every contract after planting {line!r}"
    assert broken in " ".join(result.stdout.split()), result.stdout


@pytest.mark.parametrize(("old", "new"), sorted(_moved.MOVED.items()))
def test_a_module_path_of_0_1_is_the_module_at_its_new_place(old: str, new: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sys.modules.pop(old, None)
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert any(
        issubclass(w.category, DeprecationWarning) and new in str(w.message) for w in caught
    ), [str(w.message) for w in caught]
