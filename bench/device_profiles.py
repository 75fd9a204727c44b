"""Benchmark: what a device and a throttled network and CPU cost a checkout (not a CI test).

    .venv/bin/python bench/device_profiles.py [-n 6] [-r 2]

In one run, against one demo shop started here, the same guest checkout of a generated
cart runs N times (``bench/repeat.py``) in a pytest process of its own per profile, one
worker each, the profiles taking turns every round:

- desktop Chromium (the default device),
- Pixel 7 (its descriptor: viewport, scale, touch, user agent; no throttling),
- Pixel 7 on "Fast 4G",
- Pixel 7 on "Slow 4G" with its CPU 4 × slower (Lighthouse's mobile profile).

It prints each profile's median seconds per checkout (pytest's own durations, from JUnit;
the first checkout of a process, which also starts the browser, left out) and its ratio to
the desktop's in the same round. Budgets are set wide so a slow step is measured, not failed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkout_probe.target import LocalShop  # noqa: E402
from flows.shop import SHOP  # noqa: E402

TEST = (
    "tests/test_guest_checkout.py::"
    "test_guest_checkout_of_a_generated_cart_is_priced_shown_stored_and_charged_as_expected"
)
#: Profile name → the device table of its environment (TOML inline table).
PROFILES = {
    "desktop": '{ name = "Desktop Chrome" }',
    "Pixel 7": '{ name = "Pixel 7" }',
    "Pixel 7, Fast 4G": '{ name = "Pixel 7", network = "Fast 4G" }',
    "Pixel 7, Slow 4G, CPU ×4": '{ name = "Pixel 7", network = "Slow 4G", cpu_slowdown = 4 }',
}


def _environments(folder: Path, url: str) -> Path:
    """One environment per profile, on the shop at ``url``, every step's budget wide."""
    budgets = ", ".join(f'"{step}" = 120.0' for step in SHOP.steps)
    text = "".join(
        f'[p{i}]\nbase_url = "{url}"\npreflight = "reachable"\ndevices = [{device}]\n'
        f"step_budgets = {{ {budgets} }}\n\n"
        for i, device in enumerate(PROFILES.values())
    )
    path = folder / "environments.toml"
    path.write_text(text)
    return path


def _run(config: Path, env: str, n: int, folder: Path, token: str) -> list[float]:
    """Seconds per checkout of one pytest process (the first left out)."""
    junit = folder / f"{env}.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", TEST, "-q", "-p", "bench.repeat",
         f"--bench-repeat={n + 1}", f"--config={config}", f"--env={env}",
         f"--reports={folder / env}", f"--junitxml={junit}", "--action-timeout=120"],
        cwd=ROOT, check=True, capture_output=True,
        env={**os.environ, "CHECKOUT_PROBE_API_TOKEN": token},  # read-back, as ./run checkout
    )  # fmt: skip
    times = [float(case.get("time", "0")) for case in ET.parse(junit).iter("testcase")]
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=6, help="checkouts per profile and round")
    parser.add_argument("-r", "--rounds", type=int, default=2, help="rounds")
    args = parser.parse_args()
    names = list(PROFILES)
    medians: dict[str, list[float]] = {name: [] for name in names}
    ratios: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp, LocalShop(Path(tmp) / "shop") as shop:
        assert shop.url is not None  # started
        config = _environments(Path(tmp), shop.url)
        for round_ in range(args.rounds):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            this_round = {}
            for name in order:
                env = f"p{names.index(name)}"
                this_round[name] = statistics.median(
                    _run(config, env, args.n, Path(tmp), shop.api_token)
                )
                medians[name].append(this_round[name])
            for name in names:
                ratios[name].append(this_round[name] / this_round["desktop"])
    print(f"{args.n} checkouts per profile and round, {args.rounds} rounds, one worker each")
    print(f"{'profile':<28} {'s per checkout':>15} {'× desktop':>10} {'range':>14}")
    for name in names:
        low, high = min(ratios[name]), max(ratios[name])
        print(
            f"{name:<28} {statistics.median(medians[name]):>15.2f} "
            f"{statistics.median(ratios[name]):>10.2f} {f'{low:.2f}–{high:.2f}':>14}"
        )


if __name__ == "__main__":
    main()
