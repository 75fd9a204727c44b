"""Turn what a failed step left behind (evidence) into a diagnosis with one category."""

from checkout_probe.basics.mismatch import DataMismatch
from checkout_probe.diagnosis.category import Category
from checkout_probe.diagnosis.classify import classify
from checkout_probe.diagnosis.evidence import CheckoutFailure, Diagnosis, Evidence
from checkout_probe.diagnosis.message import format_diagnosis

__all__ = [
    "Category",
    "CheckoutFailure",
    "DataMismatch",
    "Diagnosis",
    "Evidence",
    "classify",
    "format_diagnosis",
]
