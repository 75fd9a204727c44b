"""Catalog pages: the product list and product detail pages."""

from __future__ import annotations

import random
import struct
import zlib
from functools import cache

from flask import Blueprint, Response, abort, render_template

from demo_shop import faults as fault_names
from demo_shop.context import catalog_db, fault_hits
from demo_shop.storefront.products import get_product, list_products

bp = Blueprint("catalog", __name__)

#: The hero image's side in pixels: 700 × 700 × 3 bytes of noise ≈ 1.5 MB.
HERO_SIDE = 700


@cache
def heavy_png() -> bytes:
    """A ``HERO_SIDE``-square PNG of seeded noise (stored, not deflated: noise would not
    shrink anyway), built once per process."""
    rng = random.Random(26)
    row = HERO_SIDE * 3
    raw = b"".join(b"\0" + rng.randbytes(row) for _ in range(HERO_SIDE))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", HERO_SIDE, HERO_SIDE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 0))
        + chunk(b"IEND", b"")
    )


@bp.get("/")
def index() -> str:
    """The product list."""
    return render_template(
        "catalog.html",
        products=list_products(catalog_db()),
        hero_image=fault_hits(fault_names.HEAVY_HERO_IMAGE),
    )


@bp.get("/static-generated/hero.png")
def hero() -> Response:
    """The heavy-hero-image fault's image: a PNG of noise, which no compression shrinks."""
    response = Response(heavy_png(), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"  # every checkout pays for it, as shoppers do
    return response


@bp.get("/products/<slug>")
def product(slug: str) -> str:
    """One product with its add-to-cart form; 404 for an unknown slug."""
    item = get_product(catalog_db(), slug)
    if item is None:
        abort(404)
    return render_template("product.html", product=item)
