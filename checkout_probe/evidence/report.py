"""``checkout-probe report``: render Allure results as one HTML file that opens offline.

Uses Allure 3 from the npm registry (installed once into a cache folder);
its "awesome" report in single-file mode needs no web server to view, and (with its
analytics script removed) makes no request at all.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checkout_probe.basics.errors import ConfigError, ProbeError
from checkout_probe.diagnosis.category import LOOK_FIRST, Category
from checkout_probe.settings.argtypes import OneLineParser

ALLURE_PACKAGE = "allure@3.18.0"
#: Allure 3's report pages load Google Analytics (gtag.js) with the report's id, and unlike
#: Allure 2 it cannot be turned off (allure-framework/allure3#476): a report that opens
#: offline, possibly with a shop's failures in it, should not call out, so it is removed.
_ANALYTICS = re.compile(
    r'<script async src="https://www\.googletagmanager\.com/[^"]*"></script>\s*'
    r"<script>\s*window\.dataLayer[^<]*</script>"
)
CACHE = Path.home() / ".cache" / "checkout-probe" / "allure"


def allure_categories() -> list[dict[str, Any]]:
    """Allure 2's ``categories.json``: one category per failure category, matched on the message."""
    return [
        {
            "name": category.value,
            "messageRegex": rf"(?s).*\[{category.value}\].*",
            "matchedStatuses": ["failed", "broken"],
            "description": f"look first at {LOOK_FIRST[category]}",
        }
        for category in Category
    ]


def _allure3_config(name: str, output: Path) -> str:
    """An ``allurerc.mjs``: single-file report, and the failure categories as Allure 3 rules."""
    rules = ",\n".join(
        f'      {{ name: "{c.value}", matchers: {{ statuses: ["failed", "broken"], '
        f"message: /\\[{c.value}\\]/ }} }}"
        for c in Category
    )
    plugins = {"awesome": {"options": {"singleFile": True, "reportName": name}}}
    return (
        "export default {\n"
        f"  name: {json.dumps(name)},\n"
        f"  output: {json.dumps(str(output.resolve()))},\n"
        f"  plugins: {json.dumps(plugins)},\n"
        f"  categories: {{\n    rules: [\n{rules}\n    ]\n  }}\n"
        "};\n"
    )


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


def _readable_results(results: Path) -> list[Path]:
    """The result files that are a test's result (JSON with a name and a status)."""
    found = []
    for path in results.glob("*-result.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and "name" in data and "status" in data:
            found.append(path)
    return found


def _given_allure(path: Path) -> tuple[Path, int]:
    """An Allure CLI the user has (``--allure``) and its major version (2 or 3)."""
    found = shutil.which(str(path))
    if found is None:
        raise ConfigError(f"--allure {path}: no such program")
    try:
        answer = subprocess.run([found, "--version"], capture_output=True, text=True,
                                timeout=120)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"--allure {path}: it does not run ({exc})") from None
    version = (answer.stdout.strip().splitlines() or [""])[-1]
    major = re.match(r"\D*(\d+)\.", version)
    if answer.returncode != 0 or major is None or major.group(1) not in ("2", "3"):
        raise ConfigError(f"--allure {path}: not an Allure 2 or 3 CLI ({version or 'no version'})")
    return Path(found), int(major.group(1))


def render(
    results: Path, output: Path, name: str = "checkout-probe", allure: Path | None = None
) -> Path:
    """Render ``results`` into ``output``/index.html (single file); return its path. With
    ``allure``: that Allure CLI (2 or 3, no npm needed), else Allure 3 from npm."""
    if not results.is_dir():
        raise ConfigError(f"no Allure results in {results}: run the suites first (./run checkout)")
    if not any(_readable_results(results)):
        raise ConfigError(
            f"no Allure results in {results} (no *-result.json that is a test's result): run "
            "the suites first (./run checkout)"
        )
    if output.exists() and not output.is_dir():
        raise ConfigError(f"--output {output} is a file: name a folder for the report")
    executable, major = _given_allure(allure) if allure is not None else (ensure_allure(), 3)
    config = output.parent / f".{output.name}-allurerc.mjs"
    try:
        output.mkdir(parents=True, exist_ok=True)
        if major == 3:
            config.write_text(_allure3_config(name, output))
    except OSError as exc:
        raise ConfigError(f"cannot write the report into {output}: {exc.strerror}") from None
    command = (
        [str(executable), "generate", str(results.resolve()), "--config", str(config.resolve())]
        if major == 3  # Allure 2 (Java): its own single-file mode
        else [str(executable), "generate", str(results.resolve()), "-o", str(output.resolve()),
              "--clean", "--single-file", "--name", name]
    )  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    config.unlink(missing_ok=True)
    index = output / "index.html"
    if result.returncode != 0 or not index.exists():
        last = result.stderr.strip().splitlines() or result.stdout.strip().splitlines() or ["?"]
        raise ProbeError(f"allure generate failed: {last[-1]}")
    html = index.read_text(encoding="utf-8")
    try:
        index.write_text(_ANALYTICS.sub("", html), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the report into {output}: {exc.strerror}") from None
    return index


def main(argv: Sequence[str]) -> int:
    """Parse ``report`` options and render."""
    parser = OneLineParser(prog="checkout-probe report", description=__doc__)
    parser.add_argument("--results", type=Path, default=Path("reports/allure-results"),
                        metavar="DIR", help="Allure results (default %(default)s)")  # fmt: skip
    parser.add_argument(
        "--output", type=Path, default=Path("reports/allure-report"), metavar="DIR",
        help="where index.html goes (default %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--allure", type=Path, default=None, metavar="PATH",
        help="an Allure 2 or 3 CLI you have (no npm needed; default: Allure 3 from npm, "
        "installed once)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    index = render(args.results, args.output, allure=args.allure)
    print(f"Allure report: {index} (a single file: open it in any browser)")
    return 0
