"""The evidence store's options, defined once for ``verify`` and ``probe``.

(Which store: :mod:`checkout_probe.evidence.store`; the option, then
``$CHECKOUT_PROBE_EVIDENCE_STORE``, then the environment's ``evidence_store``.)
"""

from __future__ import annotations

import argparse
import os

from checkout_probe.settings.argtypes import http_url

STORE_VARIABLE = "CHECKOUT_PROBE_EVIDENCE_STORE"


def add_store_options(group: argparse._ArgumentGroup) -> None:
    """``--evidence-store`` and ``--evidence-public-base``."""
    group.add_argument(
        "--evidence-store", default=os.environ.get(STORE_VARIABLE), metavar="URL",
        help="publish failed checkouts' evidence there, for links in reports and alerts: "
        "s3://bucket/prefix (gs://, az://, file://; credentials from the platform, e.g. "
        f"AWS_* variables; default ${STORE_VARIABLE}, else the environment's evidence_store, "
        "else none)",
    )  # fmt: skip
    group.add_argument(
        "--evidence-public-base", type=http_url, default=None, metavar="URL",
        help="the web address serving the store's prefix: links are this plus the file's key "
        "(default: presigned links, valid 7 days)",
    )  # fmt: skip
