"""A run's settings: the shared options and their value types, ``environments.toml``, the
project that declares the shop, budgets and baselines a checkout is judged against, and the
one frozen :class:`~checkout_probe.settings.config.Settings` built from all of them."""
