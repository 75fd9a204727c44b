"""Self-tests: the docs' output samples are what the current code prints (doc_samples.py).

The samples of whole runs are checked by the self-tests that run those scenarios (each calls
``assert_sample_in``); this file holds that every sample has such a test, checks the samples
that take no browser by running their command, and tests the comparison itself.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from selftests.doc_samples import assert_sample_in, missing_lines, samples, shape
from selftests.helpers import CLI, ROOT

#: The samples of commands refused before anything starts: each checked here, by running it.
REFUSALS = [
    ("probe-rule-refused", ("probe", "--once", "--checkouts", "4")),
    ("bad-input", ("probe", "--interval", "nan")),
    ("bad-input", ("verify", "--timeout", "0")),
]
_CHECKED = re.compile(r"assert_sample_in\(\s*(?:\"([\w-]+)\"|_SAMPLES\[)")


def _names_checked_by_tests() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "selftests").rglob("test_*.py"):
        text = path.read_text()
        names |= {m for m in _CHECKED.findall(text) if m}
        if "_SAMPLES[" in text:  # a table of case → sample (the detection matrix)
            names |= set(re.findall(r'^\s+"[\w-]+": "([\w-]+)",$', text, re.MULTILINE))
    return names


def test_every_sample_in_the_docs_is_checked_by_a_self_test_and_no_check_is_orphaned() -> None:
    in_docs = {s.name for s in samples()}
    assert len(in_docs) >= 8, in_docs
    assert in_docs == _names_checked_by_tests() | {name for name, _ in REFUSALS}


@pytest.mark.parametrize(("name", "args"), REFUSALS)
def test_a_sample_of_a_refusal_is_what_the_command_prints(name: str, args: tuple[str, ...]) -> None:
    run = subprocess.run([CLI, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    (sample,) = [s for s in samples() if s.name == name]
    # Each of the sample's lines is one command's output: the one after "$ <args>".
    command = f"$ checkout-probe {' '.join(args)}"
    shown = sample.lines[sample.lines.index(command) + 1]
    assert shape(shown) == shape(run.stderr.strip()), run.stderr


def test_masks_what_changes_between_runs_and_nothing_else() -> None:
    line = "round 3 · local · version 1.0.0 · 0/20 failed · HEALTHY · 31.4 s"
    assert shape(line) == shape(line.replace("31.4", "9.0").replace("round 3", "round 12"))
    assert shape(line) != shape(line.replace("HEALTHY", "FAILING"))
    trace = "  trace: reports/artifacts/gw1/test-a-chromium/trace.zip"
    assert shape(trace) == shape("  trace: /tmp/pytest-of-root/p0/test_x0/artifacts/t/trace.zip")
    hexes = "trace id: c417dbd981a359b82e530488924bb8c4, span eb11f731189f31b7"
    assert shape(hexes) == "trace id: <id>, span <id>"


def test_a_sample_line_that_the_output_lacks_is_named() -> None:
    (sample,) = [s for s in samples() if s.name == "verify-no-checkout"]
    output = "\n".join(sample.lines).replace("31", "7")  # what a later run could print
    assert missing_lines("verify-no-checkout", output) == []
    changed = output.replace("verify: exit 5 (no checkout)", "verify: exit 5 (nothing ran)")
    (missing,) = missing_lines("verify-no-checkout", changed)
    assert missing.startswith("docs/verify.md: verify: exit 5 (no checkout)")
    with pytest.raises(AssertionError, match="no longer matches what the code prints"):
        assert_sample_in("verify-no-checkout", changed)


def test_an_elided_sample_line_matches_any_text_in_its_place_and_only_there() -> None:
    lines = [line for s in samples() if s.name == "probe-broken-deploy" for line in s.lines]
    elided = [line for line in lines if "…" in line.strip("… ")]
    assert elided, lines
    filled = "\n".join(line.replace("…", "what the run said") for line in lines)
    assert missing_lines("probe-broken-deploy", filled) == []
    wrong = filled.replace(elided[0].split("…")[0], elided[0].split("…")[0].upper())
    assert missing_lines("probe-broken-deploy", wrong) != []
