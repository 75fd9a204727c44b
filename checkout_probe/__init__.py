"""checkout-probe: a synthetic checkout end-to-end test harness.

The engine in this package is shop-agnostic: it knows about browsers, targets, steps,
evidence and diagnoses, never about a particular shop's pages. Shop knowledge lives in a
project's ``flows/`` and configuration. The engine's rooms, one sub-package each, and the
layers between them are described in docs/architecture.md.
"""

from checkout_probe import _moved

__version__ = "0.2.0"

_moved.install()
