"""``python -m demo_shop``."""

from __future__ import annotations

from demo_shop.cli import main

raise SystemExit(main())
