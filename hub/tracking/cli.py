"""``hub report`` and ``hub retention``: the tracking room's commands."""

from __future__ import annotations

from datetime import date, datetime

import click

from hub.platform.cli_options import command_settings, data_dir_option
from hub.platform.db import open_existing_database
from hub.tracking.anonymise import run_retention
from hub.tracking.ofsted_return import DEFINITION, ReturnYear, build_ofsted_return, ofsted_csv
from hub.tracking.report_queries import GroupBy
from hub.tracking.reports import ReportName, build_report, to_csv, to_json


def _day(_: object, __: object, value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command("report")
@click.argument("name", type=click.Choice([*(str(n) for n in ReportName), "ofsted"]))
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), callback=_day)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), callback=_day)
@click.option(
    "--by", type=click.Choice([str(g) for g in GroupBy]), default="council", show_default=True
)
@click.option("--year", help="ofsted: the return's year, like 2025-26 (1 April to 31 March).")
@click.option(
    "--council",
    "councils",
    multiple=True,
    help="ofsted: one council's own return (every count shown); repeat for several.",
)
@click.option(
    "--format", "output", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@data_dir_option
def report(
    name: str,
    start: date | None,
    end: date | None,
    by: str,
    year: str | None,
    councils: tuple[str, ...],
    output: str,
) -> None:
    """Funnel, clocks or retention figures for the days FROM..TO (counts under 5 suppressed),
    or Ofsted's fostering data return for a --year (suppressed unless for --council)."""
    if name == "ofsted":
        _ofsted(year, councils, output)
        return
    if start is None or end is None:
        raise click.UsageError(f"{name} needs --from and --to")
    if end < start:
        raise click.BadParameter("--to must not be before --from", param_hint="--to")
    db = open_existing_database(command_settings())
    try:
        figures = build_report(db, ReportName(name), start=start, end=end, by=GroupBy(by))
    finally:
        db.dispose()
    click.echo(to_csv(figures) if output == "csv" else to_json(figures), nl=output == "json")


def _ofsted(year: str | None, councils: tuple[str, ...], output: str) -> None:
    if year is None:
        raise click.UsageError("ofsted needs --year, like 2025-26")
    try:
        chosen = ReturnYear.parse(year)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--year") from None
    db = open_existing_database(command_settings())
    try:
        figures = build_ofsted_return(db, chosen, scope=councils or None)
    finally:
        db.dispose()
    # The definition goes to stderr with CSV, so the CSV stays a table a spreadsheet opens.
    if output == "csv":
        click.echo(f"{DEFINITION} {figures['from']} to {figures['to']}.", err=True)
        click.echo(ofsted_csv(figures), nl=False)
    else:
        click.echo(to_json(figures))


@click.group("retention")
def retention() -> None:
    """Keeping personal data only as long as the rules allow."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Count what has expired; change nothing.")
@data_dir_option
def retention_run(dry_run: bool) -> None:
    """Anonymise every enquiry past its retention period (as the daily beat job does)."""
    db = open_existing_database(command_settings())
    try:
        result = run_retention(db, dry_run=dry_run)
    finally:
        db.dispose()
    verb = "would anonymise" if dry_run else "anonymised"
    detail = ", ".join(f"{k}: {v}" for k, v in sorted(result.by_category.items())) or "none"
    click.echo(f"{verb} {result.anonymised} enquiries ({detail})")
