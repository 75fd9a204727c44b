"""``checkout-probe init DIR``: write a new project for a team's own shop.

The project has the layout every checkout-probe project has (``pyproject.toml``
opting in, ``conftest.py``, ``flows/``, ``fixtures/``, ``tests/``, ``reports/``,
``environments.toml`` and a README), with a starter page object, journey and
smoke test whose places to fill in say TODO. Nothing is ever overwritten: if any
of the files exists, nothing is written and the command says which.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from checkout_probe.basics.errors import ConfigError
from checkout_probe.settings.argtypes import OneLineParser

SUFFIX = ".tmpl"


def _templates(folder: Traversable, prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            found += _templates(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(SUFFIX):
            found.append((prefix + entry.name.removesuffix(SUFFIX), entry.read_text("utf-8")))
    return found


#: A template whose name starts with this is a dot file or folder of the project
#: (``dot-github/`` → ``.github/``): packaging tools leave hidden files out.
DOT = "dot-"


def _project_path(template_path: str) -> str:
    return "/".join("." + p.removeprefix(DOT) if p.startswith(DOT) else p
                    for p in template_path.split("/"))  # fmt: skip


def project_files(name: str) -> list[tuple[str, str]]:
    """The new project's files (relative path, text) for a project called ``name``."""
    root = files("checkout_probe.cli").joinpath("templates", "project")
    return [
        (_project_path(path), text.replace("{{name}}", name)) for path, text in _templates(root)
    ]


def _name(folder: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    return slug or "shop-checkouts"


#: A project name as a distribution takes it (PEP 508): it goes into pyproject.toml and
#: the README, where a quote or a newline would break them.
_PROJECT_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9])?")


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "'' is no folder: name the new project's folder, e.g. checkout-probe init our-shop"
        )
    return Path(text)


def _project_name(text: str) -> str:
    if not _PROJECT_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a project name: letters, digits, '.', '_' and '-', starting "
            "and ending with a letter or digit (e.g. our-shop-checkouts)"
        )
    return text


def write_project(folder: Path, name: str | None = None) -> list[Path]:
    """Write the project into ``folder``; refuse (writing nothing) if any file exists."""
    planned = [(folder / path, text) for path, text in project_files(name or _name(folder))]
    existing = [str(path.relative_to(folder)) for path, _ in planned if path.exists()]
    if existing:
        shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more" if existing[5:] else "")
        raise ConfigError(
            f"{folder} already has {shown}: init never overwrites; choose a new or empty folder"
        )
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} is a file, not a folder")
    written = []
    try:
        for path, text in planned:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise ConfigError(f"cannot write {folder}: {exc.strerror}") from None
    return written


def main(argv: Sequence[str]) -> int:
    """Write a project and say what to do next."""
    parser = OneLineParser(prog="checkout-probe init", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=_folder, metavar="DIR", help="where to write the project")
    parser.add_argument(
        "--name", type=_project_name, default=None,
        help="project name (default: the folder's name)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    written = write_project(args.folder, args.name)
    print(f"wrote a checkout-probe project in {args.folder}:")
    for path in written:
        print(f"  {path.relative_to(args.folder)}")
    print(
        "next: fill in the places marked TODO (flows/shop.py, flows/journeys.py, "
        "flows/pages/, flows/orders.py, environments.toml), then\n"
        f"  cd {args.folder} && pytest            # the suites against env local\n"
        "  checkout-probe verify --env staging   # the post-deploy gate\n"
        "  checkout-probe probe --once           # one round of the scheduled probe"
    )
    return 0
