"""Parsing a project's TOML files (environments.toml, pyproject.toml) into one-line errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from checkout_probe.basics.errors import ConfigError


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """``text`` (read from ``path``) as TOML; what does not parse is a one-line ConfigError."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}: fix the file") from None
    except RecursionError:  # tomllib recurses into nested arrays and tables
        too_deep = f"{path} nests arrays or tables too deeply to read: fix the file"
        raise ConfigError(too_deep) from None
