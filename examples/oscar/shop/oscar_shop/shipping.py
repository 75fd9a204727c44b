"""Three shipping methods: the shopper picks one on Oscar's shipping-method page."""

from decimal import Decimal as D

from oscar.apps.shipping import methods
from oscar.apps.shipping.repository import Repository as CoreRepository


class Standard(methods.FixedPrice):
    code = "standard"
    name = "Standard"
    charge_excl_tax = D("4.99")
    charge_incl_tax = D("4.99")


class Express(methods.FixedPrice):
    code = "express"
    name = "Express"
    charge_excl_tax = D("14.99")
    charge_incl_tax = D("14.99")


class Repository(CoreRepository):
    """Standard, Express, and Oscar's free shipping."""

    methods = (Standard(), Express(), methods.Free())
