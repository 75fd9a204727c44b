"""One page object per page of the demo shop; each exposes user actions and locators."""

from flows.pages.account import RegisterPage, SignInPage
from flows.pages.cart import CartPage
from flows.pages.catalog import CatalogPage
from flows.pages.confirmation import ConfirmationPage
from flows.pages.contact import ContactPage
from flows.pages.header import SiteHeader
from flows.pages.payment import PaymentPage
from flows.pages.product import ProductPage
from flows.pages.review import ReviewPage
from flows.pages.shipping import ShippingPage

__all__ = [
    "CartPage",
    "CatalogPage",
    "ConfirmationPage",
    "ContactPage",
    "PaymentPage",
    "ProductPage",
    "RegisterPage",
    "ReviewPage",
    "ShippingPage",
    "SignInPage",
    "SiteHeader",
]
