"""The ``hub`` command: run the embedded hub, manage the database, geography, rules and councils."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from config.settings import get_settings
from hub.access.cli import councils
from hub.delivery.cli import deliveries, mail, mailbox, webhook
from hub.geo.cli import geo
from hub.platform.migrate import upgrade
from hub.routing import RulesError, get_active_rules
from hub.routing.cli import rules


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Foster-carer enquiry routing hub."""
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
@click.option("--data-dir", default="var", show_default=True, type=click.Path(path_type=Path))
def run(host: str, port: int, data_dir: Path) -> None:
    """Start the embedded default: SQLite, embedded Redis, API, worker and beat."""
    # Imported here for start-up time, not for a cycle: the runner loads the whole web app,
    # which `hub geo resolve` and the other small commands do not need.
    from hub.embedded.runner import run_embedded

    run_embedded(host, port, data_dir)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations to HUB_DATABASE_URL."""
    upgrade(get_settings().resolved_database_url, revision)
    click.echo(f"database at {revision}")


def _exec_celery(kind: str, extra: tuple[str, ...]) -> None:
    from hub.embedded.runner import celery_command  # start-up time, as in `run`

    argv = celery_command(kind, get_settings().data_dir) + list(extra)
    sys.stdout.flush()
    os.execv(argv[0], argv)  # noqa: S606 - replace this process, signals go straight to celery


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args: tuple[str, ...]) -> None:
    """Run a Celery worker on every hub queue (extra options go to celery)."""
    _exec_celery("worker", celery_args)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def beat(celery_args: tuple[str, ...]) -> None:
    """Run Celery beat (outbox sweeper, clocks, purges)."""
    _exec_celery("beat", celery_args)


main.add_command(councils)
main.add_command(geo)
main.add_command(rules)
# Delivery (hub/delivery)
councils.add_command(webhook)
councils.add_command(mailbox)
main.add_command(deliveries)
main.add_command(mail)


if __name__ == "__main__":  # pragma: no cover
    main()
