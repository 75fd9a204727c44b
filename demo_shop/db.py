"""Database engines, schema creation (retried until it succeeds) and the catalog seed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine, MetaData, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from demo_shop.errors import first_line
from demo_shop.models import Product

log = logging.getLogger(__name__)

# (slug, name, description, price_cents, stock). The harness's tests rely on these
# names, prices and the count of six. Most prices give 8 % tax a fraction of a cent
# (1299 → 103.92), so a checkout shows whether tax is rounded or truncated.
SEED_PRODUCTS: tuple[tuple[str, str, str, int, int], ...] = (
    ("trail-mug", "Trail Mug", "Enamel camp mug that survives drops and campfires.", 1299, 5000),
    ("summit-backpack", "Summit Backpack", "A 40 litre pack with a padded hip belt.", 8950, 2000),
    ("camp-lantern", "Camp Lantern", "Rechargeable LED lantern, 300 lumens.", 3449, 3000),
    ("merino-socks", "Merino Socks", "Cushioned hiking socks in soft merino wool.", 1795, 5000),
    (
        "water-bottle",
        "Water Bottle",
        "Insulated steel bottle, keeps water cold all day.",
        2137,
        5000,
    ),
    ("rain-shell", "Rain Shell", "Waterproof, breathable jacket that packs small.", 12999, 1500),
)


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets a busy timeout so concurrent writers wait."""
    if make_url(url).get_backend_name() == "sqlite":
        return create_engine(url, connect_args={"timeout": 15})
    return create_engine(url, pool_pre_ping=True)


def ping(engine: Engine) -> None:
    """Run ``SELECT 1``; raises the driver's error when the database is unreachable."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def seed_products(session: Session) -> None:
    """Insert the seed products that are missing (idempotent).

    Existing rows are left alone (stock and price included), so a database file
    created before a price change keeps its old prices; recreate it to get these.
    """
    existing = set(session.scalars(select(Product.slug)))
    for slug, name, description, price_cents, stock in SEED_PRODUCTS:
        if slug not in existing:
            session.add(
                Product(
                    slug=slug,
                    name=name,
                    description=description,
                    price_cents=price_cents,
                    stock=stock,
                )
            )


class Database:
    """One engine plus its schema, which is created on first successful use.

    Creating the schema at start-up must not stop the shop when a database is
    unreachable, so failures are remembered and retried on the next use.
    """

    def __init__(
        self,
        url: str,
        metadata: MetaData,
        label: str,
        seed: Callable[[Session], None] | None = None,
    ) -> None:
        self.url = url
        self.label = label
        self.engine = create_db_engine(url)
        self._metadata = metadata
        self._seed = seed
        self._ready = False
        self._lock = threading.Lock()

    def ensure_schema(self) -> None:
        """Create tables (and seed) unless already done; raises on database errors."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            self._metadata.create_all(self.engine)
            if self._seed is not None:
                with Session(self.engine) as session, session.begin():
                    self._seed(session)
            self._ready = True

    def try_ensure_schema(self) -> str | None:
        """Like :meth:`ensure_schema` but logs and returns the error instead of raising."""
        try:
            self.ensure_schema()
        except SQLAlchemyError as exc:
            message = first_line(exc)
            log.warning("%s: schema not created yet (%s); will retry on use", self.label, message)
            return message
        return None

    def session(self) -> Session:
        """A new ORM session; makes sure the schema exists first."""
        self.ensure_schema()
        return Session(self.engine, expire_on_commit=False)

    def ping(self) -> None:
        """``SELECT 1`` on this database."""
        ping(self.engine)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
