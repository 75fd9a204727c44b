"""The module paths of checkout-probe 0.1, before the engine moved into rooms (0.2).

A project written for 0.1 imports e.g. ``checkout_probe.journey``; that path now names
``checkout_probe.checkout.journey``. Each old path stays importable, as the very module at
its new place, with a :class:`DeprecationWarning` that names the new one (pytest lists it
in its warnings summary). The table is the CHANGELOG's list of moves; it goes in 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType

#: Old module → where it lives now. ``checkout_probe.shop`` and ``checkout_probe.target``
#: kept their names (packages that re-export ``Shop``, ``ShopErrors``, ``Target`` …).
MOVED = {
    f"checkout_probe.{old}": f"checkout_probe.{new}"
    for old, new in {
        "errors": "basics.errors", "redact": "basics.redact",
        "web_values": "basics.web_values",
        "data": "shop.data", "shoppers": "shop.shoppers", "orders": "shop.orders",
        "pricing": "shop.pricing",
        "options": "settings.options", "argtypes": "settings.argtypes",
        "environments": "settings.environments", "config": "settings.config",
        "project": "settings.project", "commandline": "settings.commandline",
        "baseline": "settings.baseline", "vital_budgets": "settings.vital_budgets",
        "health": "target.health", "preflight": "target.preflight",
        "failed_request": "diagnosis.failed_request", "excerpt": "diagnosis.excerpt",
        "readback": "checks.readback", "payments": "checks.payments",
        "record": "evidence.record", "scrub": "evidence.scrub",
        "report_steps": "evidence.report_steps", "report": "evidence.report",
        "browser": "checkout.browser", "remote": "checkout.remote",
        "context": "checkout.context", "journey": "checkout.journey",
        "step_failure": "checkout.step_failure", "step_vitals": "checkout.step_vitals",
        "network": "checkout.network", "vitals": "checkout.vitals",
        "tracecontext": "checkout.tracecontext", "otlp": "checkout.otlp",
        "init": "cli.init",
    }.items()
}  # fmt: skip


class _OldPaths(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old path and hands out the module at its new one."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = MOVED[spec.name]
        warnings.warn(
            f"{spec.name} moved to {new} in checkout-probe 0.2: import it from there",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module was loaded at its new place."""


def install() -> None:
    """Make the old paths importable (once per process)."""
    if not any(isinstance(finder, _OldPaths) for finder in sys.meta_path):
        sys.meta_path.append(_OldPaths())
