"""Generated test shoppers (Faker), shared by the pytest fixtures and the probe."""

from __future__ import annotations

import re

from faker import Faker

from checkout_probe.data import Address, Shopper


def _local_part(name: str, tag: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")
    return f"{slug}.{tag}"


def make_shopper(fake: Faker, seed: int, email_domain: str, password: str | None) -> Shopper:
    """A new test shopper: name, e-mail on a reserved test domain, US address, phone.

    ``fake`` should be seeded with ``seed``; a tag from the seed keeps e-mails
    unique per shopper yet identical on replay. Without ``password`` one is generated.
    """
    name = f"{fake.first_name()} {fake.last_name()}"
    tag = f"{seed % 16**6:06x}"
    return Shopper(
        full_name=name,
        email=f"{_local_part(name, tag)}@{email_domain}",
        phone=fake.numerify("###-###-####"),
        address=Address(
            street=fake.street_address(),
            city=fake.city(),
            postal_code=fake.postcode(),
            country_code="US",
        ),
        password=password or fake.password(length=14),
    )
