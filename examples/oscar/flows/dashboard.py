"""Read back and cancel the oscar shop's orders through its staff dashboard.

Oscar has no order API for shoppers; its dashboard is what the shop's own staff
use, so the adapter logs in as a staff user (``[env.options] dashboard_user``,
password from ``[env.secrets] dashboard_password``) and reads the order pages.
Cleanup moves a test order to "Cancelled" with the dashboard's own status form
(the shop's ``OSCAR_ORDER_STATUS_PIPELINE`` allows it), so nothing is deleted
behind the shop's back and the order's history says what happened.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

from checkout_probe.basics.redact import redact
from checkout_probe.settings.config import Settings
from checkout_probe.shop.orders import (
    CleanupResult,
    Created,
    ReadBackUnavailable,
    StoredItem,
    StoredOrder,
    Totals,
)
from checkout_probe.target import Target
from flows.money import parse_pence

CANCELLED = "Cancelled"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ORDER_LINK = re.compile(r'href="/dashboard/orders/(\d+)/"')


class _Tables(HTMLParser):
    """Every ``<table>`` of a page: its caption and its rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._open: list[tuple[list[str], list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._open.append(([], []))
        elif self._open and tag == "tr":
            self._open[-1][1].append([])
        elif self._open and tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")  # an address cell: one line per <br>
        elif self._open and tag == "caption":
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._open:
            caption, rows = self._open.pop()
            self.tables.append((" ".join("".join(caption).split()), rows))
        elif tag in ("td", "th") and self._cell is not None and self._open and self._open[-1][1]:
            lines = ("".join(self._cell)).split("\n")
            self._open[-1][1][-1].append("\n".join(" ".join(x.split()) for x in lines if x.strip()))
            self._cell = None
        elif tag == "caption" and self._caption is not None and self._open:
            self._open[-1][0].extend(self._caption)
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)


def _tables(html: str) -> list[tuple[str, list[list[str]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _row_after(tables: list[tuple[str, list[list[str]]]], caption: str, column: str) -> str:
    for name, rows in tables:
        if name == caption and len(rows) > 1 and column in rows[0]:
            return rows[1][rows[0].index(column)]
    raise ValueError(f"the dashboard page has no '{caption}' table with '{column}'")


def parse_order(number: str, html: str) -> StoredOrder:
    """The stored order from the dashboard's order page."""
    tables = _tables(html)
    email = _row_after(tables, "Customer Information", "Email address")
    status = _row_after(tables, "Order information", "Status")
    items: list[StoredItem] = []
    amounts: dict[str, int] = {}
    for _, rows in tables:
        if not rows or "Quantity" not in rows[0] or "Product" not in rows[0]:
            continue
        header = rows[0]
        for row in rows[1:]:
            if len(row) == len(header) and row[header.index("Line ID")].startswith("#"):
                quantity = int(row[header.index("Quantity")])
                line_total = parse_pence(row[header.index("Price inc tax (before discounts)")])
                title = row[header.index("Product")]
                items.append(StoredItem(title, quantity, line_total // quantity, line_total))
            elif len(row) >= 3 and row[1] in ("Cart total", "Shipping total", "Order total"):
                amounts[row[1]] = parse_pence(row[-2])  # incl. tax
    subtotal, shipping = amounts.get("Cart total", 0), amounts.get("Shipping total", 0)
    total = amounts.get("Order total", subtotal + shipping)
    delivery = _shipping_table(tables)
    # The address cell: the name, then the street, town, postcode and country, then the
    # dashboard's own "Update" button.
    address = [line for line in delivery.get("Address", "").splitlines() if line != "Update"]
    return StoredOrder(
        number, email, status, Totals(subtotal, shipping, 0, total), tuple(items),
        full_name=address[0] if address else None,
        address=", ".join(address[1:]) if address else None,
        shipping_method=delivery.get("Method name"),
    )  # fmt: skip


def _shipping_table(tables: list[tuple[str, list[list[str]]]]) -> dict[str, str]:
    """The order page's shipping tab: "Method name", "Address", … → value."""
    for _, rows in tables:
        if rows and rows[0] and rows[0][0] == "Method name":
            return {row[0]: row[1] for row in rows if len(row) == 2}
    return {}


class DashboardOrders:
    """A logged-in staff session on the oscar dashboard."""

    def __init__(self, base_url: str, user: str, password: str, timeout_s: float = 10.0) -> None:
        self._secrets = (password,)
        self._client = httpx.Client(base_url=base_url, timeout=timeout_s, follow_redirects=True)
        self._login(user, password)

    @classmethod
    def connect(cls, target: Target, settings: Settings) -> DashboardOrders:
        """The adapter for ``target`` (``Shop.orders``): needs the dashboard password."""
        env = settings.environment
        password = env.secret("dashboard_password")
        user = env.options.get("dashboard_user")
        if not password or not user:
            raise ReadBackUnavailable(
                f"no dashboard login for {target.name}: its environment needs "
                '[secrets] dashboard_password = "VARIABLE" and [options] dashboard_user'
            )
        return cls(target.base_url, user, password)

    def _csrf(self, path: str) -> str:
        page = self._client.get(path)
        page.raise_for_status()
        match = _CSRF.search(page.text)
        if match is None:
            raise ReadBackUnavailable(f"{path} has no CSRF token: is it the oscar dashboard?")
        return match.group(1)

    def _login(self, user: str, password: str) -> None:
        token = self._csrf("/dashboard/login/")
        answer = self._client.post(
            "/dashboard/login/",
            data={"csrfmiddlewaretoken": token, "username": user, "password": password},
            headers={"Referer": f"{self._client.base_url}dashboard/login/"},
        )
        answer.raise_for_status()
        if answer.url.path.rstrip("/").endswith("/login"):
            raise ReadBackUnavailable(f"the oscar dashboard refused the login of {user}")

    def get(self, number: str) -> StoredOrder | None:
        """The stored order with this number, or None if the shop has none."""
        page = self._client.get(f"/dashboard/orders/{number}/")
        if page.status_code == 404:
            return None
        page.raise_for_status()
        return parse_order(number, page.text)

    def find_by_email(self, email: str) -> list[StoredOrder]:
        """Every stored order of one shopper (the dashboard's order list, filtered)."""
        page = self._client.get("/dashboard/orders/", params={"email": email})
        page.raise_for_status()
        numbers = list(dict.fromkeys(_ORDER_LINK.findall(page.text)))
        found = [self.get(n) for n in numbers]
        return [o for o in found if o is not None and o.email == email]

    def clean_up(self, item: Created) -> CleanupResult:
        """Cancel a test order with the dashboard's status form."""
        if item.kind != "order":
            return CleanupResult(item.kind, item.key, False, f"no cleanup for a {item.kind}")
        path = f"/dashboard/orders/{item.key}/"
        try:
            token = self._csrf(path)
            self._client.post(
                path,
                data={"csrfmiddlewaretoken": token, "order_action": "change_order_status",
                      "new_status": CANCELLED},
                headers={"Referer": f"{self._client.base_url}{path.lstrip('/')}"},
            ).raise_for_status()  # fmt: skip
            after = self.get(item.key)
        except (httpx.HTTPError, ReadBackUnavailable, ValueError) as exc:
            detail = redact(f"{path}: {exc}", self._secrets)
            return CleanupResult(item.kind, item.key, False, detail)
        if after is None or after.status != CANCELLED:
            status = after.status if after else "not found"
            return CleanupResult(item.kind, item.key, False, f"{path}: status is {status}")
        return CleanupResult(item.kind, item.key, True, f"{path}: status {CANCELLED}")

    def close(self) -> None:
        """Release the session."""
        self._client.close()

    def __repr__(self) -> str:
        return f"DashboardOrders({self._client.base_url!s})"
