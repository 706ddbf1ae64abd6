"""Reading a file of outcomes from the council's case system: ``reference,stage,date,reason``.

Pure: bytes in, rows (or one error about the whole file) out. What each row means for a
referral is checked by ``import_outcomes``. A file over ``MAX_ROWS`` rows is refused whole, with
a message that says how to split it, rather than read for minutes in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from hub.platform.csv_export import FORMULA_STARTS
from hub.platform.errors import ValidationFailedError

HEADER: tuple[str, ...] = ("reference", "stage", "date", "reason")
MAX_ROWS = 10_000
_DAY_FIRST = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


@dataclass(slots=True)
class OutcomeRow:
    """One line of the file (``line`` counts the header as line 1) and what is wrong with it."""

    line: int
    reference: str
    stage: str
    date_text: str
    reason: str | None
    day: date | None = None
    errors: list[dict[str, str]] = field(default_factory=list)

    def refuse(self, column: str, message: str) -> None:
        self.errors.append({"field": column, "message": message})


def file_error(message: str) -> ValidationFailedError:
    return ValidationFailedError(message, errors=[{"field": "file", "message": message}])


def read_outcomes_file(data: bytes) -> list[OutcomeRow]:
    """The file's rows, each with the errors a row can have on its own (formula, date)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error("The file is not UTF-8 text: save it as CSV UTF-8.") from None
    lines = list(csv.reader(io.StringIO(text, newline="")))
    while lines and not any(cell.strip() for cell in lines[-1]):
        lines.pop()  # trailing blank lines
    if not lines:
        raise file_error("The file is empty: it needs the header reference,stage,date,reason.")
    header = tuple(cell.strip().lower() for cell in lines[0])
    if header != HEADER:
        raise ValidationFailedError(
            "The first line must be exactly: reference,stage,date,reason.",
            errors=[
                {
                    "field": "header",
                    "message": f"Found {','.join(lines[0])[:200]!r}; expected "
                    "reference,stage,date,reason (in that order).",
                }
            ],
        )
    body = lines[1:]
    if len(body) > MAX_ROWS:
        raise file_error(
            f"The file has {len(body):,} rows; at most {MAX_ROWS:,} are taken at once. "
            "Split it into files of up to that many rows and import each."
        )
    if not body:
        raise file_error("The file has a header but no rows.")
    return [_row(number, cells) for number, cells in enumerate(body, start=2)]


def _row(line: int, cells: list[str]) -> OutcomeRow:
    padded = [*cells, "", "", "", ""]
    reference, stage, when, reason = (cell.strip() for cell in padded[:4])
    row = OutcomeRow(line, reference, stage, when, reason or None)
    if len(cells) > len(HEADER):
        row.refuse("row", f"Has {len(cells)} cells; a row has 4: reference,stage,date,reason.")
    for column, raw in zip(HEADER, padded[:4], strict=True):
        if raw.lstrip(" ").startswith(FORMULA_STARTS) or raw.startswith(FORMULA_STARTS):
            row.refuse(
                column,
                "Starts like a spreadsheet formula (= + - @ tab or return): "
                "the hub takes plain values only.",
            )
    if not reference:
        row.refuse("reference", "Enter the hub's reference, like FE-7K3M9Q2D.")
    if not stage:
        row.refuse("stage", "Enter the stage, like initial_visit.")
    row.day = _day(row)
    return row


def _day(row: OutcomeRow) -> date | None:
    text = row.date_text
    if not text:
        row.refuse("date", "Enter the day it happened, like 2026-03-14 or 14/03/2026.")
        return None
    try:
        match = _DAY_FIRST.fullmatch(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        row.refuse("date", f"{text[:40]!r} is not a day: use 2026-03-14 or 14/03/2026.")
        return None
