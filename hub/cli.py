"""The ``hub`` command: run the embedded hub, manage the database, geography, rules and councils."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
from alembic.util import CommandError
from sqlalchemy.exc import ArgumentError, OperationalError

from config.settings import Settings, SettingsError, get_settings
from hub.access.cli import councils
from hub.access.manage_tokens import UnknownScopeError
from hub.councils.cli import COMMANDS as COUNCIL_COMMANDS
from hub.delivery.cli import deliveries, mail, mailbox, webhook
from hub.geo.cli import geo
from hub.geo.store import StoreError
from hub.people.cli import enquiries
from hub.platform.cli_options import (
    ExpectedFailuresGroup,
    add_data_dir_option,
    command_settings,
    data_dir_option,
    one_line,
    require_hub_data_dir,
)
from hub.platform.crypto import KeyConfigError
from hub.platform.db import DatabaseUnavailableError, sqlite_path
from hub.platform.migrate import upgrade
from hub.process_settings import use_settings
from hub.rules import RulesError, get_active_rules
from hub.rules.cli import rules
from hub.tracking.cli import report, retention
from hub.web.staff.cli import users


class SettingsFailure(click.ClickException):
    """A setting stops the command: ``hub: <what is wrong with which variable>``, exit 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"hub: {self.format_message()}", err=True)


class HubGroup(ExpectedFailuresGroup):
    """The ``hub`` group: an expected failure is one line on stderr and exit status 1."""

    expected = (
        KeyConfigError,
        DatabaseUnavailableError,  # no hub (database file, directory) where --data-dir points
        OperationalError,  # the database cannot be opened or reached
        ArgumentError,  # HUB_DATABASE_URL is not a database URL
        CommandError,  # alembic: an unknown revision
        RulesError,
        UnknownScopeError,  # a token for a council the hub does not know
        StoreError,
        PermissionError,
        NotADirectoryError,
        FileExistsError,
    )

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as error:  # a malformed setting, production without its secrets
            raise SettingsFailure(one_line(error)) from None


@click.group(cls=HubGroup)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Foster-carer enquiry routing hub."""
    # The command's edge: its settings are read here, once, and every sub-command takes them
    # from the context (``ctx.obj``; a caller such as a test may hand its own in).
    if not isinstance(ctx.obj, Settings):
        ctx.obj = get_settings()
    use_settings(ctx.obj)
    if ctx.invoked_subcommand == "geo":
        # The geography library never reads the rules; the `hub` command gives `geo resolve`
        # the rules' partial-postcode share as its default, so it answers as the router does.
        try:
            share = get_active_rules().partial_postcode_share
        except RulesError as error:
            click.echo(f"hub: the rules could not be read ({error}); --min-share is 1", err=True)
        else:
            ctx.default_map = {"geo": {"resolve": {"min_share": share}}}


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--data-dir",
    default="var",
    show_default=True,
    envvar="HUB_DATA_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="The hub's data directory (SQLite file, Redis, geography); default: $HUB_DATA_DIR.",
)
def run(host: str, port: int, data_dir: Path) -> None:
    """Start the embedded default: SQLite, embedded Redis, API (gunicorn), worker and beat.

    A child process that dies is restarted (backoff doubling from 1 s to 30 s); Ctrl-C or
    SIGTERM stops them all. A port already in use stops it before anything starts.
    """
    # Imported here for start-up time, not for a cycle: the runner loads the whole web app,
    # which `hub geo resolve` and the other small commands do not need.
    from hub.embedded.runner import ApiPortError, run_embedded

    try:
        run_embedded(host, port, data_dir)
    except ApiPortError as error:
        click.echo(f"hub run: {error}", err=True)
        sys.exit(1)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@data_dir_option
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations to HUB_DATABASE_URL (default: the data directory's SQLite)."""
    url = command_settings().resolved_database_url
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    upgrade(url, revision)
    click.echo(f"database at {revision}")


def _exec_celery(kind: str, extra: tuple[str, ...], pool: str = "all") -> None:
    from hub.embedded.runner import celery_command  # start-up time, as in `run`

    settings = command_settings()
    require_hub_data_dir(settings)  # a mistyped --data-dir: one line, not a worker for nothing
    argv = celery_command(kind, settings.data_dir, pool=pool) + list(extra)
    # Celery reads its settings again: hand it the ones this command runs with (--data-dir).
    environ = {
        **os.environ,
        "HUB_DATA_DIR": str(settings.data_dir.resolve()),
        "HUB_GEO_DIR": str(settings.resolved_geo_dir.resolve()),
    }
    sys.stdout.flush()
    os.execve(argv[0], argv, environ)  # noqa: S606 - replace this process, signals go to celery


@main.command(context_settings={"ignore_unknown_options": True})
@click.option(
    "--pool",
    type=click.Choice(["routing", "delivery", "all"]),
    default="all",
    show_default=True,
    help="routing: the routing and maintenance queues; delivery: the delivery queue. "
    "Run one of each in production, so routing never waits behind a slow council.",
)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@data_dir_option
def worker(pool: str, celery_args: tuple[str, ...]) -> None:
    """Run a Celery worker on one pool's queues (extra options go to celery)."""
    _exec_celery("worker", celery_args, pool)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@data_dir_option
def beat(celery_args: tuple[str, ...]) -> None:
    """Run Celery beat, which sends the hub's scheduled jobs to the workers.

    \b
    Today's schedule (times in UTC):
      outbox sweep           every HUB_OUTBOX_SWEEP_SECONDS (10 s): publish outbox rows
                             left unpublished or unfinished (broker down, worker killed)
      delivery sweep         every HUB_DELIVERY_SWEEP_SECONDS (5 s): send the webhooks
                             and e-mails whose next attempt is due
      idempotency-key purge  hourly: forget Idempotency-Keys older than
                             HUB_IDEMPOTENCY_TTL_HOURS (24 h)
      form-draft purge       every 15 minutes: delete web form drafts past their life
      clock sweep            every 5 minutes: announce clocks that breached; a safety net
                             for first-contact clocks, which routing opens at once
      follow-up creation     hourly: the next yearly check-in when the last falls due; a
                             safety net for follow-ups, which their stage creates at once
      follow-up digest       daily at 07:00: each council's follow-ups due, by e-mail
      retention              daily at 02:30: anonymise enquiries past their retention
      council readiness      daily at 06:00: each council's readiness, for the report
                             `hub councils readiness`

    Clocks and follow-ups start with the event that causes them, in its transaction; the
    sweeps are for time passing, and are idempotent with those events (they create nothing
    twice).

    Run it on every machine: one beat sends the jobs, holding a lock in Redis that the
    others take over within HUB_BEAT_LOCK_SECONDS (30 s) plus one loop when it dies.

    Extra options go to celery beat.
    """
    _exec_celery("beat", celery_args)


main.add_command(councils)
main.add_command(geo)
main.add_command(rules)
# Tracking (hub/tracking).
main.add_command(report)
main.add_command(retention)
# Staff accounts (hub/access, hub/web)
main.add_command(users)
# Delivery (hub/delivery)
councils.add_command(webhook)
councils.add_command(mailbox)
# The directory and readiness (hub/councils)
for _command in COUNCIL_COMMANDS:
    councils.add_command(_command)
main.add_command(deliveries)
main.add_command(enquiries)
main.add_command(mail)
# Every sub-command takes --data-dir (geo and rules may not import the platform to add it):
# added last, so it reaches every command above.
add_data_dir_option(main)


if __name__ == "__main__":  # pragma: no cover
    main()
