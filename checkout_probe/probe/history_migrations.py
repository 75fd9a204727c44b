"""The history database's schema version, and its upgrades (Alembic).

Several probes (regions, cron runs) may share one database, and they may not
all run the same checkout-probe release. The schema therefore carries a
revision (Alembic's ``alembic_version`` table): a probe brings an older one up
to :data:`HEAD` before its first round, and refuses, with one line, a database
a newer release has already upgraded. ``checkout-probe history`` only reads: it
names the mismatch instead of migrating.

Histories written before migrations existed have the tables but no revision:
they are recognised as revision ``0001`` and upgraded from there.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from checkout_probe.basics.errors import ConfigError
from checkout_probe.probe.db_lock import locked

log = logging.getLogger(__name__)

#: The schema revision this release writes and reads.
HEAD = "0007"
#: The revision of a history that has the tables but predates migrations.
UNVERSIONED = "0001"
_SCRIPTS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration for migrating on ``connection`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = connection
    return config


def _known(config: Config) -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The schema revision of the database (``UNVERSIONED`` for a pre-migration history)."""
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None and inspect(connection).has_table("probe_rounds"):
        return UNVERSIONED
    return revision


def _newer(shown: str, revision: str) -> ConfigError:
    return ConfigError(
        f"the history database {shown} has schema revision {revision}, newer than this "
        f"checkout-probe knows (up to {HEAD}): upgrade checkout-probe"
    )


def upgrade(engine: Engine, shown: str) -> list[str]:
    """Bring the schema to :data:`HEAD`; return the revisions it went through ([] if current).

    Probes starting together upgrade one at a time: the migration runs in one
    transaction holding a lock (:func:`~checkout_probe.probe.db_lock.locked`), so
    the second finds the work done.
    """
    with engine.connect() as connection, locked(connection, "schema"):
        config = alembic_config(connection)
        recorded = MigrationContext.configure(connection).get_current_revision()
        before = current_revision(connection)
        if before == HEAD:
            return []
        if before is not None and before not in _known(config):
            raise _newer(shown, before)
        if before == UNVERSIONED and recorded is None:
            command.stamp(config, UNVERSIONED)  # a history from before migrations
        command.upgrade(config, HEAD)
        script = ScriptDirectory.from_config(config)
        applied = [s.revision for s in script.iterate_revisions(HEAD, before or "base")]
    if before is not None:
        log.warning(
            "history database %s upgraded from schema revision %s to %s", shown, before, HEAD
        )
    return list(reversed(applied))


def reading_problem(connection: Connection, shown: str) -> str | None:
    """Why this release cannot read the database as it is (None: it can)."""
    revision = current_revision(connection)
    if revision is None or revision == HEAD:
        return None
    if revision not in _known(alembic_config(connection)):
        return str(_newer(shown, revision))
    return (
        f"the history database {shown} has schema revision {revision}, older than this "
        f"checkout-probe reads ({HEAD}): the next `checkout-probe probe` run upgrades it"
    )
