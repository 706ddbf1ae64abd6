"""Ofsted's annual fostering data return, as far as the hub knows it, for one year.

The year runs from 1 April to 31 March, England's dates (midnight in England, so an enquiry
sent at 00:30 BST on 1 April is in the new year). Columns, one row per council and one
across them (``all``):
- ``initial_enquiries``: people whose enquiry the hub received in the year and passed to the
  council, each person once (``hub.enquiries.repeats`` finds the same person's enquiries);
  the across-councils row counts a person who enquired with two councils once. This is the
  hub's definition: Ofsted asks each council for its initial enquiries, and a council also
  takes enquiries that never pass through the hub, which this return cannot count.
- ``applications``: journeys that reached the application in the year.
- ``withdrawals_before_panel_AW0`` .. ``AW5``: applicants who withdrew in the year after
  applying and before panel, by Ofsted's code (``hub.tracking.ofsted_reasons``).
- ``approvals``: households approved in the year.
- ``deregistrations`` and ``deregistrations_<reason>``: by Ofsted's split, then the three
  Fostering Network reasons as "of which" columns (they are inside Ofsted's split already).
A council's own return shows every count. Figures that cross councils (the operators' pages,
``hub report ofsted`` without ``--council``) hide counts from 1 to 4, as every report does.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.platform.csv_export import rows_to_csv
from hub.platform.db import Database
from hub.tracking.calendar import ENGLAND
from hub.tracking.ofsted_queries import (
    ALL,
    applications,
    deregistrations,
    initial_enquiries,
    stage_counts,
    withdrawals_before_panel,
)
from hub.tracking.ofsted_reasons import DeregistrationReason, OfstedLeaving, OfstedWithdrawal
from hub.tracking.queries import is_hub_operator
from hub.tracking.reports import SUPPRESS_UNDER
from hub.tracking.stages import Stage

DEFINITION = (
    "Initial enquiries: people whose enquiry the hub received in the year and passed to the "
    "council, each person counted once (the hub's definition: enquiries a council took "
    "without the hub are not counted)."
)
NETWORK_REASONS = (
    DeregistrationReason.LACK_OF_SUPPORT,
    DeregistrationReason.LACK_OF_RESPECT,
    DeregistrationReason.BURNOUT,
)
COLUMNS: tuple[str, ...] = (
    "council",
    "initial_enquiries",
    "applications",
    "withdrawals_before_panel",
    *(f"withdrawals_before_panel_{code}" for code in OfstedWithdrawal),
    "approvals",
    "deregistrations",
    *(f"deregistrations_{reason}" for reason in OfstedLeaving),
    *(f"deregistrations_of_which_{reason}" for reason in NETWORK_REASONS),
)
_YEAR = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, slots=True)
class ReturnYear:
    """A year of the return: 1 April of ``first`` to 31 March of the next."""

    first: int

    @classmethod
    def parse(cls, text: str) -> ReturnYear:
        """'2025-26' (the return's own way of naming a year); ValueError otherwise."""
        match = _YEAR.fullmatch(text.strip())
        if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise ValueError("A year is written like 2025-26 (1 April 2025 to 31 March 2026).")
        return cls(int(match.group(1)))

    @property
    def label(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    @property
    def first_day(self) -> date:
        return date(self.first, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.first + 1, 3, 31)

    @classmethod
    def last_complete(cls, today: date) -> ReturnYear:
        """The latest year that has ended by ``today`` (the one a council files next)."""
        return cls(today.year - 2 if today < date(today.year, 4, 1) else today.year - 1)

    def instants(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: midnight in England on 1 April, to the next 1 April's."""
        begin = datetime.combine(self.first_day, time(), ENGLAND).astimezone(UTC)
        stop = datetime.combine(date(self.first + 1, 4, 1), time(), ENGLAND).astimezone(UTC)
        return begin, stop


def build_ofsted_return(
    db: Database, year: ReturnYear, *, scope: Collection[str] | None = None
) -> dict[str, Any]:
    """The return's rows for ``year``; ``scope`` limits it to those councils (their own
    figures, never suppressed); without it, every council, counts under 5 suppressed."""
    start, end = year.instants()
    with db.transaction() as session:
        enquiries = initial_enquiries(session, start, end, scope)
        applied = applications(session, start, end, scope)
        approved = stage_counts(session, Stage.APPROVED, start, end, scope)
        withdrawn = withdrawals_before_panel(session, start, end, scope)
        left = deregistrations(session, start, end, scope)
    councils = sorted(
        {key for key in (*enquiries, *applied, *approved) if key != ALL}
        | {council for council, _ in withdrawn}
        | {council for council, _, _ in left}
    )
    rows = [_row(key, enquiries, applied, approved, withdrawn, left) for key in [*councils, ALL]]
    crosses_councils = scope is None
    if crosses_councils:
        for row in rows:
            _suppress(row)
    return {
        "report": "ofsted",
        "year": year.label,
        "from": year.first_day.isoformat(),
        "to": year.last_day.isoformat(),
        "definition": DEFINITION,
        "suppressed_under": SUPPRESS_UNDER if crosses_councils else None,
        "columns": list(COLUMNS),
        "rows": rows,
    }


def _row(
    key: str,
    enquiries: dict[str, int],
    applied: dict[str, int],
    approved: dict[str, int],
    withdrawn: dict[tuple[str, str], int],
    left: dict[tuple[str, str, str], int],
) -> dict[str, Any]:
    def mine(council: str) -> bool:
        return key == ALL or council == key

    row: dict[str, Any] = {
        "council": key,
        "initial_enquiries": enquiries.get(key, 0),
        "applications": applied.get(key, 0),
    }
    by_code = {
        code: sum(n for (council, aw), n in withdrawn.items() if aw == code and mine(council))
        for code in OfstedWithdrawal
    }
    row["withdrawals_before_panel"] = sum(by_code.values())
    for code, n in by_code.items():
        row[f"withdrawals_before_panel_{code}"] = n
    row["approvals"] = approved.get(key, 0)
    mine_left = {(o, r): n for (council, o, r), n in left.items() if mine(council)}
    row["deregistrations"] = sum(mine_left.values())
    for leaving in OfstedLeaving:
        row[f"deregistrations_{leaving}"] = sum(
            n for (o, _), n in mine_left.items() if o == leaving
        )
    for reason in NETWORK_REASONS:
        row[f"deregistrations_of_which_{reason}"] = sum(
            n for (_, r), n in mine_left.items() if r == reason
        )
    return row


def _suppress(row: dict[str, Any]) -> None:
    hidden = [
        name for name, value in row.items() if isinstance(value, int) and 0 < value < SUPPRESS_UNDER
    ]
    for name in hidden:
        row[name] = None
    row["suppressed"] = ";".join(sorted(hidden))


def ofsted_return_for_caller(db: Database, ctx: RequestContext, year: ReturnYear) -> dict[str, Any]:
    """The return a staff caller may see: an operator every council's (suppressed), a
    council its own (in full). Audited."""
    scope = None if is_hub_operator(ctx.caller) else sorted(ctx.caller.authority_codes)
    figures = build_ofsted_return(db, year, scope=scope)
    with db.transaction() as session:
        add_audit_event(
            session,
            ctx,
            AuditAction.READ_REPORT,
            AuditOutcome.OK,
            visible_to=None if scope is None else ctx.caller.scope_label,
            detail={"report": "ofsted", "year": year.label},
        )
    return figures


def ofsted_csv(figures: dict[str, Any]) -> str:
    """The return's columns as CSV (spreadsheet-safe), then which cells were suppressed."""
    columns = list(figures["columns"])
    if figures["suppressed_under"] is not None:
        columns.append("suppressed")
    return rows_to_csv(columns, figures["rows"])
