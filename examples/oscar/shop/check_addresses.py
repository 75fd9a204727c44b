"""Validate addresses with the shop's own form: ``python check_addresses.py < shoppers.json``.

Reads ``[{"first_name", "last_name", "line1", "line4", "postcode", "country",
"phone_number"}, ...]`` and prints, as JSON, the ones Oscar's ShippingAddressForm
rejects with its errors (an empty list: all valid). Run with the shop's interpreter.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oscar_shop.settings")

import django

django.setup()

from oscar.apps.checkout.forms import ShippingAddressForm  # noqa: E402


def main() -> int:
    rejected = []
    for address in json.load(sys.stdin):
        form = ShippingAddressForm(data=address)
        if not form.is_valid():
            rejected.append({"address": address, "errors": form.errors.get_json_data()})
    print(json.dumps(rejected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
