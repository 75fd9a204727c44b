"""Find a checkout-probe project and import the shop it declares.

A project is a folder a team owns (``checkout-probe init`` writes one): its
``pyproject.toml`` opts in with a ``[tool.checkout-probe]`` table naming its
:class:`~checkout_probe.shop.Shop` by import string, Flask-``--app``-style::

    [tool.checkout-probe]
    shop = "flows.shop:SHOP"               # module:attribute, imported from the project folder
    environments = "environments.toml"     # optional; relative to the project folder

Without that table the pytest plugin stays inert (as pytest-django does without
its settings), and ``verify``/``probe`` stop with one line saying how to opt in.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkout_probe.basics.errors import ConfigError, ProbeError
from checkout_probe.settings.toml_text import parse_toml
from checkout_probe.shop import Shop

TABLE = "checkout-probe"
OPT_IN = '[tool.checkout-probe] shop = "flows.shop:SHOP"'


@dataclass(frozen=True)
class Project:
    """An opted-in project folder and what its ``[tool.checkout-probe]`` table says."""

    root: Path
    shop_ref: str
    environments: Path

    def load_shop(self) -> Shop:
        """Import the project's shop (once per process; the project folder goes on sys.path)."""
        return _load_shop(self.root, self.shop_ref)


def _table(pyproject: Path) -> dict[str, Any] | None:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {pyproject}: {exc}") from None
    document = parse_toml(text, pyproject)
    tool = document.get("tool")
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.{TABLE}] must be a table")
    return table


def project_at(root: Path) -> Project | None:
    """The project whose ``pyproject.toml`` is in ``root``, or None when it has not opted in."""
    pyproject = root / "pyproject.toml"
    table = _table(pyproject)
    if table is None:
        return None
    unknown = sorted(set(table) - {"shop", "environments"})
    if unknown:
        raise ConfigError(
            f"{pyproject}: unknown key '{unknown[0]}' in [tool.{TABLE}] (known: shop, environments)"
        )
    shop = table.get("shop")
    if not isinstance(shop, str) or ":" not in shop:
        raise ConfigError(
            f'{pyproject}: [tool.{TABLE}] needs shop = "module:attribute" '
            '(e.g. shop = "flows.shop:SHOP")'
        )
    environments = table.get("environments", "environments.toml")
    if not isinstance(environments, str) or not environments:
        raise ConfigError(f"{pyproject}: [tool.{TABLE}] environments must be a file name")
    return Project(root.resolve(), shop, (root / environments).resolve())


def find_project(start: Path) -> Project:
    """The project in ``start`` or the nearest folder above; one clear line when there is none."""
    for folder in (start, *start.resolve().parents):
        project = project_at(folder)
        if project is not None:
            return project
    raise ConfigError(
        f"no checkout-probe project in {start} or above: a project's pyproject.toml has "
        f"{OPT_IN} (`checkout-probe init DIR` writes one; or pass --project DIR)"
    )


def require_project(root: Path) -> Project:
    """The project in exactly ``root`` (``--project DIR``)."""
    if not root.is_dir():
        raise ConfigError(f"project folder {root} does not exist: fix --project")
    project = project_at(root)
    if project is None:
        raise ConfigError(
            f"{root} is not a checkout-probe project: its pyproject.toml needs {OPT_IN}"
        )
    return project


def _load_shop(root: Path, ref: str) -> Shop:
    module_name, _, attribute = ref.partition(":")
    if str(root) not in sys.path:
        # The project's flows/ are imported from its folder, never from an installed copy.
        sys.path.insert(0, str(root))
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise ConfigError(
                f"cannot import '{module_name}' (shop = \"{ref}\") from {root}: no such module"
            ) from None
        raise ConfigError(f"importing '{module_name}' from {root} failed: {exc}") from None
    except ConfigError:
        raise
    except Exception as exc:  # the project's own code: report it, in one line
        raise ConfigError(
            f"importing '{module_name}' from {root} failed: {type(exc).__name__}: {exc}"
        ) from None
    except BaseException as exc:
        # sys.exit() or an interrupt in the project's module: never "exit 0, all is well"
        # for a run that checked nothing out; a harness-side error (exit 4), in one line.
        raise ProbeError(
            f"importing '{module_name}' from {root} raised {type(exc).__name__}"
            f"({exc!s}): the project's code must not exit while it is imported"
        ) from None
    shop = getattr(module, attribute, None)
    if shop is None:
        raise ConfigError(f"'{module_name}' has no attribute '{attribute}' (shop = \"{ref}\")")
    if not isinstance(shop, Shop):
        raise ConfigError(
            f"'{ref}' is a {type(shop).__name__}, not a checkout_probe.Shop: "
            "define it as SHOP = Shop(name=..., steps=..., ...)"
        )
    return shop
