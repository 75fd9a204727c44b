"""verify's results where GitHub Actions shows them: annotations and the job summary.

On by itself under GitHub Actions (``GITHUB_ACTIONS=true``), or with ``--github``: one
``::error`` annotation per failed checkout (its category, step and the diagnosis's first
line) on stdout, and a Markdown summary appended to ``$GITHUB_STEP_SUMMARY`` (the verdict,
each checkout, the diagnosis and evidence of each failure).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def wanted(args: argparse.Namespace) -> bool:
    """``--github``, or running under GitHub Actions."""
    return bool(args.github) or os.environ.get("GITHUB_ACTIONS") == "true"


def _escape(text: str, *, property: bool = False) -> str:
    # GitHub's workflow-command escaping (actions/toolkit: escapeData / escapeProperty).
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property else text


def _first_line(test: Mapping[str, Any]) -> str:
    diagnosis = test.get("diagnosis") or {}
    text = diagnosis.get("reason") or test.get("reason") or "failed"
    return str(text).splitlines()[0] if text else "failed"


def error_annotations(tests: Sequence[Mapping[str, Any]]) -> list[str]:
    """One ``::error`` per failed checkout."""
    lines = []
    for test in tests:
        if test.get("outcome") != "failed":
            continue
        step = test.get("failing_step")
        title = f"{test.get('category') or 'failed'}" + (f" at step '{step}'" if step else "")
        name = str(test.get("nodeid", "")).split("::")[-1]
        lines.append(f"::error title={_escape(f'checkout-probe verify: {title}', property=True)}"
                     f"::{_escape(f'{name}: {_first_line(test)}')}")  # fmt: skip
    return lines


def job_summary(verdict: str, code: int, duration_s: float,
                tests: Sequence[Mapping[str, Any]]) -> str:  # fmt: skip
    """The Markdown job summary."""
    icon = "✅" if code == 0 else "❌"
    rows = ["| checkout | outcome | category | step |", "| --- | --- | --- | --- |"]
    details = []
    for test in tests:
        name = str(test.get("nodeid", "")).split("::")[-1]
        rows.append(f"| `{name}` | {test.get('outcome')} | {test.get('category') or ''} | "
                    f"{test.get('failing_step') or ''} |")  # fmt: skip
        if test.get("outcome") != "failed":
            continue
        diagnosis = test.get("diagnosis") or {}
        lines = [f"#### ❌ `{name}` [{test.get('category')}]", "", f"> {_first_line(test)}"]
        for request in diagnosis.get("failed_requests", [])[:2]:
            lines.append(f"> failing request: {request.get('method')} {request.get('path')} "
                         f"→ {request.get('status') or request.get('error')}")  # fmt: skip
        if diagnosis.get("look_first"):
            lines.append(f"\nlook first at: {diagnosis['look_first']}")
        links = test.get("evidence_links") or []
        if links:
            lines.append("\nevidence: " + " · ".join(f"[{_label(link)}]({link})" for link in links))
        details.append("\n".join(lines))
    head = f"### {icon} checkout-probe verify: exit {code} ({verdict}) · {duration_s:.1f} s"
    return "\n\n".join([head, "\n".join(rows), *details]) + "\n"


def _label(link: str) -> str:
    if link.startswith("https://trace.playwright.dev/"):
        return "open the trace"
    return Path(link.split("?", 1)[0]).name or "evidence"


def publish(verdict: str, code: int, duration_s: float,
            tests: Sequence[Mapping[str, Any]]) -> None:  # fmt: skip
    """Print the annotations; append the job summary where GitHub says."""
    for line in error_annotations(tests):
        print(line, flush=True)
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(job_summary(verdict, code, duration_s, tests))
