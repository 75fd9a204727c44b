"""Test data the journeys use: shoppers and payment cards (the cards are the project's)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    """A postal address as a shopper types it.

    ``region`` is the state, province or county, valid for the country and consistent
    with the postal code where the country's shops check that (US, CA, AU); a shop that
    asks for none ignores it.
    """

    street: str
    city: str
    postal_code: str
    country_code: str
    region: str = ""


@dataclass(frozen=True)
class Shopper:
    """A generated test user; ``password`` is only used by account journeys.

    ``locale`` is the Faker locale it was generated in (``"de_DE"``): where it lives, and
    the language and formats its browser asks the shop for.
    """

    full_name: str
    email: str
    phone: str
    address: Address
    password: str
    locale: str = "en_US"

    def __repr__(self) -> str:
        # Keep the password out of pytest's assertion rewriting and tracebacks.
        return f"Shopper(full_name={self.full_name!r}, email={self.email!r})"


@dataclass(frozen=True)
class TestCard:
    """A payment card with the outcome the provider's test mode gives it."""

    __test__ = False  # not a pytest test class, despite the name

    number: str
    expiry: str
    cvc: str
    outcome: str  # what the provider's test mode does with it, e.g. "approved", "declined"

    @property
    def last4(self) -> str:
        """The last four digits, the only part that may appear in reports."""
        return self.number.replace(" ", "")[-4:]

    def __repr__(self) -> str:
        return f"TestCard(…{self.last4}, {self.outcome})"


#: The card of a shop that takes none (cash on delivery, invoice): what the ``card`` fixture
#: and the probe give its journeys, which simply do not use it.
NO_CARD = TestCard("", "", "", "approved")
