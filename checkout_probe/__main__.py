"""``python -m checkout_probe`` is the ``checkout-probe`` command."""

from checkout_probe.cli import main

raise SystemExit(main())
