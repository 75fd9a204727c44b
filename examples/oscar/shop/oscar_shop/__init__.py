"""A minimal django-oscar 4.2 shop: the third-party shop examples/oscar's project tests.

Nothing here is checkout-probe's: it is the shop, as a team would run it (SQLite,
Oscar's own templates and apps). It runs in a virtual environment of its own
(``shopctl.py setup``), never in the harness's.
"""
