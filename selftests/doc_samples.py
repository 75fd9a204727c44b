"""The output samples in the docs, checked against what the current code prints.

A sample is a fenced block right after a ``<!-- sample: NAME -->`` line in README.md or a
page of docs/. The self-test that runs the scenario a sample shows (the broken deploy, the
healthy gate, …) hands its output to :func:`assert_sample_in`: every line of the sample must
be a line of that output once what changes from run to run is masked (numbers, times, ids,
paths). A line may elide with ``…``; a line that is only ``…`` or starts with ``$ `` (the
command) is not compared. When the output's format changes, the test fails, naming the sample
and the output lines to paste; ``test_doc_samples.py`` holds that every sample is checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from selftests.helpers import ROOT

PAGES = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
_MARKED = re.compile(
    r"<!-- sample: (?P<name>[\w-]+) -->\n```[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL
)
# What changes from run to run: ids (hex), paths, numbers (times, counts, ports, dates).
_MASKS = (
    (re.compile(r"\b[0-9a-f]{12,}\b"), "<id>"),
    (re.compile(r"(?<![\w:])(?:[\w.@…-]+)?(?:/[\w.@…:-]+)+/?"), "<path>"),
    (re.compile(r"\d+(?:\.\d+)?"), "<n>"),
)


@dataclass(frozen=True)
class Sample:
    """One marked block: its name, the page it is on, and its lines."""

    name: str
    page: Path
    lines: tuple[str, ...]

    def compared(self) -> list[str]:
        """The lines compared with an output (not the command, not a bare elision)."""
        return [ln for ln in self.lines if ln.strip() not in ("", "…") and not ln.startswith("$ ")]


def samples() -> list[Sample]:
    """Every marked sample of README.md and docs/."""
    found = []
    for page in PAGES:
        for match in _MARKED.finditer(page.read_text()):
            found.append(Sample(match["name"], page, tuple(match["body"].splitlines())))
    return found


def shape(line: str) -> str:
    """A line with what changes from run to run masked, and its spacing (indents, a table's
    column widths) made one space."""
    for pattern, mask in _MASKS:
        line = pattern.sub(mask, line)
    return " ".join(line.split())


def _matcher(line: str) -> re.Pattern[str]:
    """A sample line as a pattern: its shape, with ``…`` standing for anything."""
    parts = [re.escape(part) for part in shape(line).split("…")]
    return re.compile(".*".join(parts) + r"\Z")


def missing_lines(name: str, output: str) -> list[str]:
    """The lines of sample ``name`` that ``output`` has no line of the same shape for."""
    chosen = [s for s in samples() if s.name == name]
    assert chosen, f"no <!-- sample: {name} --> in README.md or docs/"
    shapes = [shape(line) for line in output.splitlines()]
    return [
        f"{s.page.relative_to(ROOT)}: {line}"
        for s in chosen
        for line in s.compared()
        if not any(_matcher(line).match(seen) for seen in shapes)
    ]


def assert_sample_in(name: str, output: str, *, paths: Iterable[str] = ()) -> None:
    """Every line of sample ``name`` has a line of the same shape in ``output``; ``paths``
    (a test's temporary folders) are shown as the docs show a project's, ``reports/``."""
    for path in paths:
        output = output.replace(path.rstrip("/") + "/", "reports/").replace(path, "reports")
    missing = missing_lines(name, output)
    assert missing == [], (
        f"the docs' sample {name!r} no longer matches what the code prints; lines without a "
        f"match: {missing}; the output to take the sample from:\n{output}"
    )
