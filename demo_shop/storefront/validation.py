"""Server-side validation of the contact and account forms.

Each validator returns ``{field: message}``; an empty dict means valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTAL_PATTERNS: Mapping[str, re.Pattern[str]] = {
    "US": re.compile(r"^\d{5}(-\d{4})?$"),
    "CA": re.compile(r"^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$"),
    "GB": re.compile(r"^[A-Za-z0-9 ]{3,10}$"),
    "DE": re.compile(r"^[A-Za-z0-9 ]{3,10}$"),
}
PHONE_PATTERN = re.compile(r"^[\d\s+\-().x]+$")
MIN_PHONE_DIGITS = 7
MIN_PASSWORD_LENGTH = 8

COUNTRIES: Mapping[str, str] = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "DE": "Germany",
}
DEFAULT_COUNTRY = "US"

FORM_ERROR = "Please correct the highlighted fields."
EMAIL_ERROR = "Enter a valid email address."
NAME_ERROR = "Enter your full name."


def clean(form: Mapping[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    """The submitted ``fields``, stripped (missing fields become "")."""
    return {field: form.get(field, "").strip() for field in fields}


def valid_email(email: str) -> bool:
    """Whether ``email`` looks like an address."""
    return bool(EMAIL_PATTERN.match(email))


def validate_contact(values: Mapping[str, str]) -> dict[str, str]:
    """Validate the contact and shipping-address form."""
    errors: dict[str, str] = {}
    if not valid_email(values.get("email", "")):
        errors["email"] = EMAIL_ERROR
    required = {
        "full_name": NAME_ERROR,
        "address": "Enter your street address.",
        "city": "Enter your city.",
    }
    for field, message in required.items():
        if not values.get(field):
            errors[field] = message
    country = values.get("country", "")
    if country not in COUNTRIES:
        errors["country"] = "Choose a country."
    else:
        if not POSTAL_PATTERNS[country].match(values.get("postal_code", "")):
            errors["postal_code"] = "Enter a valid postal code."
    phone = values.get("phone", "")
    if phone:
        digits = sum(ch.isdigit() for ch in phone)
        if not PHONE_PATTERN.match(phone) or digits < MIN_PHONE_DIGITS:
            errors["phone"] = "Enter a valid phone number."
    return errors


def validate_registration(values: Mapping[str, str], password: str) -> dict[str, str]:
    """Validate the create-account form (the password is passed unstripped)."""
    errors: dict[str, str] = {}
    if not values.get("full_name"):
        errors["full_name"] = NAME_ERROR
    if not valid_email(values.get("email", "")):
        errors["email"] = EMAIL_ERROR
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"Use at least {MIN_PASSWORD_LENGTH} characters."
    return errors
