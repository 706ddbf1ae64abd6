"""``hub councils list|show|check|completeness|readiness|first-manager``: the directory of
councils and hubs, checked like the rules file, with each council's readiness."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click

from hub.access.manage_staff import StaffAccountError
from hub.councils.directory_report import all_council_facts, completeness
from hub.councils.first_manager import find_first_manager_address, put_first_manager_address
from hub.councils.readiness import Readiness, read_readiness
from hub.councils.record_readiness import read_readiness_history, record_readiness
from hub.geo import find_authority, list_authorities
from hub.platform.cli_options import command_settings
from hub.platform.db import Database, DatabaseUnavailableError, open_existing_database
from hub.platform.models import utcnow
from hub.rules.directory import CouncilDirectory, CouncilFacts, council_facts
from hub.rules.directory_checker import directory_gaps
from hub.rules.directory_loader import read_directory_file
from hub.rules.loader import read_rules_file
from hub.rules.model import RuleSet


def _known() -> dict[str, str]:
    return {info.code: info.name for info in list_authorities()}


def _load(path: Path | None) -> tuple[Path, CouncilDirectory | None, RuleSet | None, list[str]]:
    """The directory (checked against the geography and the configured rules) and problems."""
    settings = command_settings()
    target = path or settings.councils_path
    known = _known()
    rules, rule_problems = read_rules_file(settings.rules_path, known)
    directory, problems = read_directory_file(target, known, rules)
    texts = [str(p) for p in problems]
    if rules is None or rule_problems:
        texts.append(f"{settings.rules_path}: the rules file has problems: run `hub rules check`")
    return target, directory, rules, texts


def _loaded(path: Path | None = None) -> tuple[CouncilDirectory, RuleSet]:
    target, directory, rules, problems = _load(path)
    if directory is None or rules is None or problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{target}: {len(problems)} problem(s): run `hub councils check`"
        )
    return directory, rules


@contextmanager
def _optional_db() -> Iterator[Database | None]:
    """The hub's database when there is one (readiness needs it), else None."""
    try:
        db = open_existing_database(command_settings())
    except DatabaseUnavailableError:
        yield None
        return
    try:
        yield db
    finally:
        db.dispose()


def _readiness(db: Database | None, rules: RuleSet, now: datetime) -> dict[str, Readiness] | None:
    if db is None:
        return None
    with db.sessions() as session:
        return read_readiness(session, rules, now)


def _ready_text(found: Readiness | None) -> str:
    if found is None:
        return "unknown (no hub database)"
    if not found.ready:
        return "NOT READY (no live channel)"
    return "ready (" + ", ".join(str(c) for c in found.channels) + ")"


def _target_text(facts: CouncilFacts) -> str:
    if facts.confirmed_working_days is not None:
        return f"{facts.confirmed_working_days} working day(s), confirmed"
    return f"{facts.first_contact_working_days} working day(s), not confirmed (not promised)"


def _contact_text(facts: CouncilFacts) -> str:
    contact = facts.public_contact
    if contact is None:
        return "MISSING"
    whose = "own" if contact is facts.contact else f"hub's ({facts.hub_brand})"
    parts = [p for p in (contact.phone, contact.web) if p]
    return f"{' '.join(parts)} [{whose}; source: {contact.source}]"


@click.command("list")
@click.option("--not-ready", is_flag=True, help="Only councils with no live channel.")
def list_councils(not_ready: bool) -> None:
    """Every council: hub, public contact, first-contact target, readiness."""
    directory, rules = _loaded()
    now = utcnow()
    with _optional_db() as db:
        readiness = _readiness(db, rules, now)
    for facts in all_council_facts(directory, rules, now.date()):
        found = readiness.get(facts.code) if readiness is not None else None
        if not_ready and (found is None or found.ready):
            continue
        contact = facts.public_contact
        click.echo(
            "\t".join(
                [
                    facts.code,
                    facts.name,
                    facts.hub_brand or "no hub",
                    "contact" if contact is not None else "no contact",
                    "confirmed target" if facts.confirmed_working_days else "target not confirmed",
                    "ready"
                    if found and found.ready
                    else "unknown"
                    if found is None
                    else "not ready",
                ]
            )
        )


@click.command("show")
@click.argument("code")
def show_council(code: str) -> None:
    """One council (GSS code or name): every fact, its source, and readiness."""
    info = find_authority(code)
    if info is None:
        raise click.ClickException(f"{code!r} is not a children's services authority in England")
    directory, rules = _loaded()
    now = utcnow()
    facts = council_facts(directory, rules, info.code, now.date())
    with _optional_db() as db:
        readiness = _readiness(db, rules, now)
        address = find_first_manager_address(db, info.code) if db is not None else None
    found = readiness.get(info.code) if readiness is not None else None
    hub = facts.hub
    lines = [
        f"{facts.code} {facts.name}",
        f"  hub: {facts.hub_brand or 'none'}"
        + (
            ""
            if hub is None
            else " (routed through it)"
            if facts.routed_through_hub
            else " (listed; enquiries go to the council)"
        ),
        f"  hub source: {facts.hub_source}",
        f"  delivery body: {facts.delivery_body or 'none (the council itself)'}",
        f"  public contact: {_contact_text(facts)}",
        f"  first contact: {_target_text(facts)}",
        f"  readiness: {_ready_text(found)}",
    ]
    if found is not None and found.last_signed_in_at is not None:
        lines.append(
            f"  last staff sign-in: {found.last_signed_in_at.isoformat(timespec='minutes')}"
        )
    if address is not None:
        invited = (
            address.invited_at.isoformat(timespec="minutes") if address.invited_at else "not yet"
        )
        lines.append(f"  first manager's address on file (invited: {invited})")
    click.echo("\n".join(lines))


@click.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check_councils(path: Path | None) -> None:
    """Check the directory (default: the configured one); list what is missing. Exit 1 if wrong."""
    target, directory, rules, problems = _load(path)
    if problems or directory is None or rules is None:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{target}: {len(problems)} problem(s); the hub will not load it"
        )
    gaps = directory_gaps(directory, rules, date.today())
    click.echo(
        f"{target}: valid (version {directory.version}), {len(directory.councils)} councils."
    )
    click.echo(f"Councils without a public contact ({len(gaps.without_contact)}):")
    for code in gaps.without_contact:
        click.echo(f"  {code} {directory.councils[code].name}")
    click.echo(f"Hubs whose members are not all known ({len(gaps.incomplete_hubs)}):")
    for hub in gaps.incomplete_hubs:
        of = f" of {hub.member_count}" if hub.member_count is not None else " (count unknown)"
        click.echo(f"  {hub.name}: {len(hub.members)}{of} members known")


@click.command("completeness")
def completeness_command() -> None:
    """153/153 with a hub-or-none, N with a public contact, M confirmed targets."""
    directory, rules = _loaded()
    now = utcnow()
    with _optional_db() as db:
        readiness = _readiness(db, rules, now)
    click.echo(completeness(directory, rules, now.date(), readiness).line())


@click.command("readiness")
@click.option("--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day.")
@click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day.")
@click.option("--record", is_flag=True, help="Write today's readiness first (the daily job does).")
def readiness_command(start: datetime | None, end: datetime | None, record: bool) -> None:
    """Readiness over time: per council, the days recorded ready out of days recorded."""
    _directory, rules = _loaded()
    settings = command_settings()
    db = open_existing_database(settings)
    try:
        if record:
            click.echo(f"{record_readiness(db, rules)} councils recorded for today")
        today = utcnow().date()
        history = read_readiness_history(
            db, start.date() if start else today, end.date() if end else today
        )
    finally:
        db.dispose()
    click.echo("code\tname\tdays ready\tdays recorded\tlast day\tready then")
    for row in history:
        click.echo(
            f"{row.authority_code}\t{rules.authorities.get(row.authority_code, '?')}\t"
            f"{row.days_ready}\t{row.days_recorded}\t{row.last_day}\t"
            f"{'yes' if row.ready_on_last_day else 'no'}"
        )


@click.command("first-manager")
@click.argument("code")
@click.argument("email")
def first_manager_command(code: str, email: str) -> None:
    """Put on file the address to invite COUNCIL's first manager at, when it is not ready."""
    info = find_authority(code)
    if info is None:
        raise click.ClickException(f"{code!r} is not a children's services authority in England")
    db = open_existing_database(command_settings())
    try:
        put_first_manager_address(db, info.code, email, actor="cli")
    except StaffAccountError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()
    click.echo(
        f"{info.code} {info.name}: first manager's address on file; invited at the next "
        "referral while the council is not ready"
    )


COMMANDS = (
    list_councils,
    show_council,
    check_councils,
    completeness_command,
    readiness_command,
    first_manager_command,
)
