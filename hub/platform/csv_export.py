"""CSV for spreadsheets: every CSV file or response the hub writes goes through here.

Some cells hold text an enquirer wrote (a campaign tag is a report's row key). A spreadsheet
runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a
formula, which can open links or run commands on the reader's machine. So such a text cell is
written with a leading single quote, which spreadsheets read as "this is text" (OWASP's advice
on CSV injection). Numbers are written as they are, and so is text that is only a number
(``-7``, ``+1.5``): a spreadsheet reads that as the number, never as a formula, and a reader
would not expect a quote before it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?", re.ASCII)


def spreadsheet_safe(value: object) -> object:
    """``value``, with a leading quote when it is text a spreadsheet would run as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def rows_to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """A header of ``columns``, then one line per row (a missing or None cell left empty)."""
    return "".join(csv_lines(columns, rows))


def csv_lines(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> Iterator[str]:
    """``rows_to_csv`` a line at a time, for a response streamed while the rows are read."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def line(cells: Iterable[object]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow([spreadsheet_safe("" if cell is None else cell) for cell in cells])
        return out.getvalue()

    yield line(columns)
    for row in rows:
        yield line(row.get(name) for name in columns)
