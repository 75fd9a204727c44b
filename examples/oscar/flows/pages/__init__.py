"""One page object per page of the oscar shop's checkout; each exposes user actions and locators."""

from flows.pages.basket import BasketPage
from flows.pages.catalogue import CataloguePage
from flows.pages.gateway import GatewayPage
from flows.pages.payment_details import PaymentDetailsPage
from flows.pages.preview import PreviewPage
from flows.pages.product import ProductPage
from flows.pages.shipping_address import ShippingAddressPage
from flows.pages.shipping_method import ShippingMethodPage
from flows.pages.thank_you import ThankYouPage

__all__ = [
    "BasketPage",
    "CataloguePage",
    "GatewayPage",
    "PaymentDetailsPage",
    "PreviewPage",
    "ProductPage",
    "ShippingAddressPage",
    "ShippingMethodPage",
    "ThankYouPage",
]
