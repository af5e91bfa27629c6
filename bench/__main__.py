"""Run every ``bench/bench_*.py`` in turn: ``python -m bench [name ...]``."""

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
    main(sys.argv[1:])
