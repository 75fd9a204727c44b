"""What the harness knows about one shop: the project declares it, the engine only reads it.

A project names its :class:`Shop` in its ``pyproject.toml``::

    [tool.checkout-probe]
    shop = "flows.shop:SHOP"

Everything shop-specific the engine needs comes from there: the journey steps
and their default time budgets, the test cards per card profile, how the shop
shows an error to the shopper, how to read back and clean up an order, where
its health and version are (if anywhere), and the journeys the probe runs.
Nothing in the engine names a page, step, card or product of any shop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

from playwright.sync_api import Locator, Page

from checkout_probe.basics.errors import ConfigError
from checkout_probe.shop.data import Shopper, TestCard
from checkout_probe.shop.money import MoneyFormat
from checkout_probe.shop.orders import OrderAdapter, OrderLife
from checkout_probe.shop.origins import Origins
from checkout_probe.shop.pricing import Pricing
from checkout_probe.shop.shoppers import LOCALES

#: The card every journey pays with unless a test picks another: each card profile has one.
APPROVED = "approved"
#: A page is interactive once parsed; a server-rendered shop that hydrates declares its own.
DEFAULT_READY = "document.readyState !== 'loading'"


class ProbeJourney(Protocol):
    """A checkout the probe runs: the same function the project's tests call.

    The probe calls it with a fresh journey, shopper and the approved card of the
    environment's card profile, and the order adapter (None when read-back is
    not possible here); where the shop declares ``pricing``, also with ``items``, a
    cart generated from the checkout's seed. It raises a diagnosed failure at the
    first failed step.

    ``journey`` is a :class:`checkout_probe.checkout.journey.Journey`. It is typed ``Any``
    here because the shop's declaration sits below the checkout in the engine's layers
    (docs/architecture.md), and a project's journey annotated with ``Journey`` must fit.
    """

    def __call__(
        self, journey: Any, shopper: Shopper, card: TestCard, *, orders: Any
    ) -> object: ...


def _alerts(page: Page) -> Locator:
    return page.get_by_role("alert")


def _pattern(value: str | re.Pattern[str] | None, what: str) -> re.Pattern[str] | None:
    if value is None or isinstance(value, re.Pattern):
        return value
    try:
        return re.compile(value, re.IGNORECASE) if value else None
    except re.error as exc:
        raise ConfigError(f"Shop.errors.{what} is not a valid regular expression: {exc}") from None


@dataclass(frozen=True)
class ShopErrors:
    """How the shop tells the shopper that something failed.

    ``shown`` finds the messages on a page (default: ARIA alerts). The two
    patterns (strings are compiled case-insensitively) say which of those texts
    mean "the order or payment failed" (``payment_error``) and "the card was
    declined" (``payment_declined``); without them neither category is used.
    ``settle_s``: how long a message must stay while the expected page does not come
    before it counts as the step's failure (a page that re-renders may flash a notice
    that ``shown`` finds, "Saving…", and replace it).
    """

    shown: Callable[[Page], Locator] = _alerts
    payment_failed: str | re.Pattern[str] | None = None
    declined: str | re.Pattern[str] | None = None
    settle_s: float = 1.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "payment_failed", _pattern(self.payment_failed, "payment_failed"))
        object.__setattr__(self, "declined", _pattern(self.declined, "declined"))

    def says_payment_failed(self, text: str) -> bool:
        """True when ``text`` (what the page showed) says the order or payment failed."""
        pattern = self.payment_failed
        return isinstance(pattern, re.Pattern) and bool(pattern.search(text))

    def says_declined(self, text: str) -> bool:
        """True when ``text`` says the card was declined."""
        return isinstance(self.declined, re.Pattern) and bool(self.declined.search(text))


#: A function building the project's order adapter, called with the run's
#: :class:`~checkout_probe.target.Target` and :class:`~checkout_probe.settings.config.Settings`
#: (raises ReadBackUnavailable). Typed ``Any`` for the reason :class:`ProbeJourney` gives.
OrdersFactory = Callable[[Any, Any], OrderAdapter]


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Shop:
    """A project's description of its shop (see the module docstring).

    ``steps``         every journey step's name and its default time budget in seconds;
                      budgets in ``environments.toml`` and ``--step-budget`` may only
                      name these, and a journey step with another name is a project bug
    ``cards``         card profiles (``card_profile`` in an environment) → name → card;
                      each profile has an ``"approved"`` card, the first profile is the default
    ``errors``        how the shop shows an error (:class:`ShopErrors`)
    ``orders``        factory of the project's :class:`~checkout_probe.shop.orders.OrderAdapter`
                      (read-back and cleanup); None: neither is possible, and cleanup says so
    ``journeys``      the probe's checkouts by name; K is split among them
    ``health_path``, ``version_path``  where the shop reports health and version (None: nowhere)
    ``version_header``  response header carrying the shop version (None: none)
    ``pricing``       how the shop prices an order (:class:`~checkout_probe.shop.pricing.Pricing`):
                      the independent expectation every page and stored order is checked
                      against, and the catalogue carts are generated from (None: neither)
    ``shopper_locales``  Faker locales of generated shoppers (``shoppers.LOCALES``):
                      each shopper lives in one of their countries, with a valid phone and postcode
    ``order_life``    the statuses of a placed and of a cleaned-up order
                      (:class:`~checkout_probe.shop.orders.OrderLife`; None: not checked)
    ``origins``       which other origins its pages talk to, and what their failures mean
                      (:class:`~checkout_probe.shop.origins.Origins`: the payment provider's
                      decide ``payment_provider``; any other is evidence, never the cause)
    ``health``, ``version``  the project's own way to read them (an admin API, a database
                      ping), called with the run's target; over ``health_path``/``version_path``.
                      ``health`` returns the health document (``{"status": …, "components":
                      {name: {"status": …, "error": …}}}``), ``version`` a string or None
    ``ready``         a JavaScript expression true once a page is interactive (a server-rendered
                      page whose scripts have taken over): ``Journey.wait_for_page`` waits for
                      it before the journey types or clicks (default: the document is parsed)
    ``money``         how the shop writes money (:class:`~checkout_probe.shop.money.MoneyFormat`):
                      every amount a page shows is read strictly in it (None: the project's
                      pages read amounts their own way)
    """

    name: str
    steps: Mapping[str, float] = field(default_factory=dict)
    cards: Mapping[str, Mapping[str, TestCard]] = field(default_factory=dict)
    errors: ShopErrors = field(default_factory=ShopErrors)
    orders: OrdersFactory | None = None
    journeys: Mapping[str, ProbeJourney] = field(default_factory=dict)
    health_path: str | None = None
    version_path: str | None = None
    version_header: str | None = None
    pricing: Pricing | None = None
    shopper_locales: tuple[str, ...] = ("en_US",)
    order_life: OrderLife | None = None
    money: MoneyFormat | None = None
    origins: Origins = field(default_factory=Origins)
    health: Callable[[Any], Mapping[str, Any]] | None = None
    version: Callable[[Any], str | None] | None = None
    ready: str = DEFAULT_READY

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", _frozen(self.steps))
        object.__setattr__(self, "cards", _frozen({k: _frozen(v) for k, v in self.cards.items()}))
        object.__setattr__(self, "journeys", _frozen(self.journeys))
        for step, seconds in self.steps.items():
            if (
                isinstance(seconds, bool)
                or not isinstance(seconds, int | float)
                or not (0 < seconds < float("inf"))
            ):
                raise ConfigError(
                    f"Shop.steps['{step}'] must be a positive number of seconds, not {seconds!r}"
                )
        unknown = [loc for loc in self.shopper_locales if loc not in LOCALES]
        if unknown or not self.shopper_locales:
            raise ConfigError(
                f"Shop.shopper_locales: {unknown[0] if unknown else 'none given'} is not a "
                f"shopper locale (known: {', '.join(LOCALES)})"
            )
        for profile, cards in self.cards.items():
            if APPROVED not in cards:
                raise ConfigError(
                    f"card profile '{profile}' of Shop.cards has no '{APPROVED}' card "
                    "(the card journeys pay with)"
                )

    @property
    def default_card_profile(self) -> str | None:
        """The profile used when an environment names none: the first one declared."""
        return next(iter(self.cards), None)

    def check_step(self, step: str, where: str) -> None:
        """Raise a one-line error when ``step`` is not one of the declared steps."""
        if step in self.steps:
            return
        known = ", ".join(f"'{s}'" for s in self.steps) or "none (Shop.steps is empty)"
        raise ConfigError(f"{where}: unknown step '{step}'; the shop's steps are {known}")


#: The shop of a run that names none (engine self-tests, a bare ``Settings()``).
NO_SHOP = Shop(name="(no shop)")
