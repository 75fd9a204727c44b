"""Self-tests: ``examples/oscar``, a project for a real third-party shop (django-oscar 4.2).

The three entry points run the oscar project's own journey from its own folder, as
its team would: on a healthy shop they pass and leave no test order behind (counted
by the shop itself before and after); with the order tables' database unreachable
(the incident's shape: browsing works, placing the order fails) they fail as
``payment_error``, quoting Oscar's own error text and naming the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from checkout_probe.basics.errors import ExitCode
from checkout_probe.shop.shoppers import LOCALES, ShopperFactory
from selftests.oscar_shop import OscarShop, Run, oscar_shop, run_in_project, set_up
from selftests.probe.running import workable_rule

#: One worker runs them all: two shops, each started once for the module.
pytestmark = pytest.mark.xdist_group("oscar")

OSCAR_ERROR = "A problem occurred while placing this order. Please contact customer services."


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OscarShop]:
    """A healthy oscar shop with its catalogue and staff user."""
    set_up()
    with oscar_shop(tmp_path_factory.mktemp("oscar") / "healthy") as shop:
        yield shop


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OscarShop]:
    """The same shop deployed with an order database it cannot open."""
    set_up()
    with oscar_shop(tmp_path_factory.mktemp("oscar") / "broken", "orders-db-unreachable") as shop:
        yield shop


def _probe_once(shop: OscarShop, workdir: Path, k: int) -> Run:
    """One probe round of ``k`` checkouts of ``shop``, history and evidence in ``workdir``."""
    return run_in_project(
        "probe", "--once", "--checkouts", str(k), *workable_rule(["--checkouts", str(k)]),
        f"--base-url={shop.url}",
        f"--history=sqlite:///{workdir / 'history.sqlite'}",
        f"--evidence-dir={workdir / 'evidence'}",
    )  # fmt: skip


def _summary(reports: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((reports / "summary.json").read_text())
    return data


def test_pytest_runs_oscars_journey_on_a_phone_passes_and_cancels_every_order_it_placed(
    healthy: OscarShop, tmp_path: Path
) -> None:
    # On a phone: oscar's own responsive templates (a collapsed menu, stacked basket) drive
    # the same journey; verify and the probe below run it on the desktop.
    open_before, cancelled_before = healthy.count_orders(), healthy.count_orders(cancelled=True)

    run = run_in_project(
        "pytest", f"--base-url={healthy.url}", f"--reports={tmp_path}", "--device=Pixel 7"
    )

    assert run.returncode == 0, run.output[-3000:]
    summary = _summary(tmp_path)
    assert summary["shop"] == "oscar shop" and summary["checkouts"] == 3
    assert {t["device"] for t in summary["tests"]} == {"Pixel 7"}  # type: ignore[attr-defined]
    assert healthy.count_orders() == open_before
    assert healthy.count_orders(cancelled=True) == cancelled_before + 3


def test_verify_runs_the_oscar_projects_smoke_test_and_passes(
    healthy: OscarShop, tmp_path: Path
) -> None:
    open_before = healthy.count_orders()

    # A coarser rule (catch a 50 % outage) keeps after 5 clean checkouts, not 15: the gate's
    # burst on the real shop, at a third of the time (its odds are the default's own tests').
    run = run_in_project("verify", f"--base-url={healthy.url}", f"--reports={tmp_path}",
                         "--outage-rate", "0.5")  # fmt: skip

    assert run.returncode == ExitCode.OK, run.output[-3000:]
    assert "verifying env local of oscar shop" in run.output
    assert run.output.count("  PASS ") - run.output.count("  PASS burst") == 1  # the smoke test
    # The gate's burst runs the project's journey on a real third-party shop until its rule
    # keeps the deploy; every order it placed is read back, cancelled and read back again.
    gate = json.loads((tmp_path / "summary.json").read_text())["gate"]
    assert (gate["decision"], gate["failures"]) == ("keep", 0) and gate["checkouts"] >= 5
    assert sum(t["source"] == "burst" for t in gate["trials"]) >= 4
    assert "CLEANUP FAILED" not in run.output
    assert healthy.count_orders() == open_before


def test_probe_once_runs_oscars_journey_and_leaves_no_test_order_open(
    healthy: OscarShop, tmp_path: Path
) -> None:
    open_before, cancelled_before = healthy.count_orders(), healthy.count_orders(cancelled=True)

    run = _probe_once(healthy, tmp_path, k=2)

    assert run.returncode == ExitCode.OK, run.output[-3000:]
    assert "journeys: guest checkout" in run.output
    assert "0/2 failed (guest checkout 0/2)" in run.output and "HEALTHY" in run.output
    assert "not cleaned up" not in run.output
    assert healthy.count_orders() == open_before
    assert healthy.count_orders(cancelled=True) == cancelled_before + 2


def test_pytest_on_the_broken_shop_fails_as_payment_error_quoting_oscar(
    broken: OscarShop, tmp_path: Path
) -> None:
    run = run_in_project("pytest", "-m", "smoke", f"--base-url={broken.url}",
                         f"--reports={tmp_path}")  # fmt: skip

    assert run.returncode == 1, run.output[-3000:]
    assert f"step 'place order' failed [payment_error]: page showed '{OSCAR_ERROR}'" in run.output
    assert "/health right after: degraded — orders database: unable to open database file" in (
        run.output
    )


def test_verify_on_the_broken_shop_exits_1_naming_oscars_error_and_the_database(
    broken: OscarShop, tmp_path: Path
) -> None:
    run = run_in_project(
        "verify", f"--base-url={broken.url}", f"--reports={tmp_path}", "--retries", "0"
    )

    assert run.returncode == ExitCode.CHECKOUT_FAILED, run.output[-3000:]
    assert "[payment_error]" in run.output
    assert f"step 'place order': the page told the shopper: '{OSCAR_ERROR}'" in run.output
    assert "look first at: orders database (reported down by /health)" in run.output


def test_probe_round_on_the_broken_shop_fails_and_alerts_with_oscars_error(
    broken: OscarShop, tmp_path: Path
) -> None:
    run = _probe_once(broken, tmp_path, k=4)  # the rule fires from 3 failures on

    assert run.returncode == ExitCode.CHECKOUT_FAILED, run.output[-3000:]
    assert "4/4 failed (guest checkout 4/4) · top payment_error at 'place order'" in run.output
    assert "ALERT firing" in run.output and OSCAR_ERROR in run.output


def test_generated_shoppers_of_every_locale_pass_oscars_own_address_validation(
    healthy: OscarShop,
) -> None:
    addresses = []
    for locale in LOCALES:
        factory = ShopperFactory((locale,), "synthetic.example")
        for seed in range(25):
            shopper = factory.make(seed)
            first, _, last = shopper.full_name.partition(" ")
            addresses.append({
                "first_name": first, "last_name": last or first, "line1": shopper.address.street,
                "line4": shopper.address.city, "postcode": shopper.address.postal_code,
                "country": shopper.address.country_code, "phone_number": shopper.phone,
            })  # fmt: skip
    # The check can fail: a phone number from another country's plan is refused.
    control = {**addresses[0], "country": "GB", "phone_number": "+49 30 1234"}

    rejected = healthy.rejected_addresses([*addresses, control])

    assert [r["address"] for r in rejected] == [control], rejected[:3]
