"""``python -m checkout_probe`` is the ``checkout-probe`` command."""

from checkout_probe.cli.main import main

raise SystemExit(main())
