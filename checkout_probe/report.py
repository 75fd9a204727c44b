"""``checkout-probe report``: render Allure results as one HTML file that opens offline.

Uses Allure 3 from the npm registry (installed once into a cache folder);
its "awesome" report in single-file mode needs no web server to view.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from checkout_probe.errors import ConfigError, ProbeError

ALLURE_PACKAGE = "allure@3.18.0"
CACHE = Path.home() / ".cache" / "checkout-probe" / "allure"


def ensure_allure(cache: Path = CACHE) -> Path:
    """Install the Allure CLI with npm into ``cache`` (once) and return its executable."""
    executable = cache / "node_modules" / ".bin" / "allure"
    if executable.exists():
        return executable
    npm = shutil.which("npm")
    if npm is None:
        raise ConfigError(
            "rendering the report needs Node.js and npm: apt-get install -y nodejs npm"
        )
    cache.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(cache), ALLURE_PACKAGE],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not executable.exists():
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ProbeError(f"npm could not install {ALLURE_PACKAGE}: {last}")
    return executable


def render(results: Path, output: Path, name: str = "checkout-probe") -> Path:
    """Render ``results`` into ``output``/index.html (single file); return its path."""
    if not results.is_dir() or not any(results.glob("*-result.json")):
        raise ConfigError(f"no Allure results in {results}: run the suites first (./run checkout)")
    allure = ensure_allure()
    output.mkdir(parents=True, exist_ok=True)
    config = output.parent / f".{output.name}-allurerc.mjs"
    settings = {
        "name": name,
        "output": str(output.resolve()),
        "plugins": {"awesome": {"options": {"singleFile": True, "reportName": name}}},
    }
    config.write_text(f"export default {json.dumps(settings, indent=2)};\n")
    result = subprocess.run(
        [str(allure), "generate", str(results.resolve()), "--config", str(config.resolve())],
        capture_output=True,
        text=True,
    )
    config.unlink(missing_ok=True)
    index = output / "index.html"
    if result.returncode != 0 or not index.exists():
        last = result.stderr.strip().splitlines() or result.stdout.strip().splitlines() or ["?"]
        raise ProbeError(f"allure generate failed: {last[-1]}")
    return index


def main(argv: Sequence[str]) -> int:
    """Parse ``report`` options and render."""
    parser = argparse.ArgumentParser(prog="checkout-probe report", description=__doc__)
    parser.add_argument("--results", type=Path, default=Path("reports/allure-results"))
    parser.add_argument("--output", type=Path, default=Path("reports/allure-report"))
    args = parser.parse_args(argv)
    index = render(args.results, args.output)
    print(f"Allure report: {index} (a single file: open it in any browser)")
    return 0
