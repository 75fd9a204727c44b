"""Alembic migrations of the probe's history database (see ``history_migrations``)."""
