"""What ``verify`` and ``probe`` share on their command line: the project and the run's settings."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from checkout_probe.settings.config import Settings, build_settings
from checkout_probe.settings.options import values
from checkout_probe.settings.project import Project, find_project, require_project


def add_project_option(parser: argparse.ArgumentParser) -> None:
    """``--project DIR``: the project to run (default: the one the current folder is in)."""
    parser.add_argument(
        "--project", type=Path, default=None, metavar="DIR",
        help="the checkout-probe project to run (default: the current folder or the nearest "
        "one above with [tool.checkout-probe] in its pyproject.toml)",
    )  # fmt: skip


def project_of(args: argparse.Namespace) -> Project:
    """The project ``--project`` names, or the one around the current folder."""
    return require_project(args.project) if args.project else find_project(Path.cwd())


def project_settings(args: argparse.Namespace) -> Settings:
    """The run's one settings object: the project's shop, its environments, the shared options."""
    project = project_of(args)
    return build_settings(
        values(args),
        os.environ,
        shop=project.load_shop(),
        environments=project.environments,
    )
