"""pytest plugin for the benchmark: ``--bench-repeat N`` runs every selected test N times."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--bench-repeat", type=int, default=1, help="run each test N times")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    repeat = int(metafunc.config.getoption("bench_repeat"))
    if repeat > 1:
        metafunc.fixturenames.append("bench_round")
        metafunc.parametrize("bench_round", range(repeat))
