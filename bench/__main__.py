"""Run every ``bench/bench_*.py`` in turn: ``python -m bench [name ...] [--option ...]``.

Arguments starting with ``-`` are options left in ``sys.argv`` for the benchmarks to read
(e.g. ``--long`` for :mod:`bench.bench_classroom`).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(names: list[str]) -> None:
    here = Path(__file__).resolve().parent
    modules = sorted(path.stem for path in here.glob("bench_*.py"))
    for name in names or modules:
        module = importlib.import_module(f"bench.{name if name.startswith('bench_') else 'bench_' + name}")
        print(f"\n== {module.__name__} ==")
        module.main()


if __name__ == "__main__":
    main([argument for argument in sys.argv[1:] if not argument.startswith("-")])
