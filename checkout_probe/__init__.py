"""checkout-probe: a synthetic checkout end-to-end test harness.

The core in this package is shop-agnostic: it knows about browsers, targets,
steps, evidence and diagnoses, never about a particular shop's pages. Shop
knowledge lives in ``flows/`` and in configuration.
"""

__version__ = "0.1.0"
