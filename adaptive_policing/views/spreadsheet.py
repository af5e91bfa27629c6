"""CSV files that are safe to open in a spreadsheet.

A trainee's name or answer that starts with ``=``, ``+``, ``-``, ``@`` or a
control character would run as a formula in Excel or LibreOffice; every cell is
written as text instead (a leading ``'``). The console's class export and the
grading reports both write their CSV files here.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable


def spreadsheet_safe(value: object) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text and (text[0] in "=+-@\t\r" or ord(text[0]) < 32):
        return "'" + text
    return text


def write_csv(path: Path, header: list[str], rows: Iterable[list[object]]) -> Path:
    """Write ``header`` and ``rows`` to ``path`` (UTF-8), every cell spreadsheet-safe."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return path
