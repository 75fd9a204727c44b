"""Print the detection matrix as a table: fault → outcome → category (not a CI test).

    .venv/bin/python bench/detection_matrix.py [FAULT ...] [--messages]

With fault names, only those rows run; ``--messages`` prints each row's failure
message (the diagnosis a user reads) under the table.

Runs the smoke suite against the demo shop once healthy and once per fault,
two at a time, as ``selftests/test_detection_matrix.py`` does.
"""

from __future__ import annotations

import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from selftests.matrix import MATRIX, MatrixRow, run_case


def main(argv: list[str]) -> int:
    """Run the cases and print one row each; exit 1 if any row is wrong."""
    wanted = [a for a in argv if not a.startswith("--")]
    cases = [c for c in MATRIX if not wanted or c.name in wanted]
    if wanted and len(cases) != len(set(wanted)):
        known = ", ".join(c.name for c in MATRIX)
        print(f"detection_matrix: unknown row in {', '.join(wanted)}; rows: {known}")
        return 2
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        rows: list[MatrixRow] = list(pool.map(lambda c: run_case(c, Path(tmp) / c.name), cases))
    header = ("fault", "outcome", "category", "expected", "failing step", "time", "ok")
    table = [header] + [
        (
            row.case.name,
            "failed" if row.returncode else "passed",
            row.category or "-",
            row.case.expected or "-",
            row.failing_step or "-",
            f"{row.seconds:.1f} s",
            "yes" if row.detected else "NO",
        )
        for row in rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for index, line in enumerate(table):
        print(" | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))
        if index == 0:
            print("-+-".join("-" * w for w in widths))
    if "--messages" in argv:
        for row in rows:
            print(f"\n## {row.case.name}\n{row.failure_text or '(passed)'}")
    return 0 if all(row.detected for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
