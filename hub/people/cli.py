"""``hub enquiries``: the people room's command."""

from __future__ import annotations

import click

from hub.people.reindex import reindex_enquiries
from hub.platform.cli_options import command_settings, data_dir_option
from hub.platform.db import open_existing_database


@click.group("enquiries")
def enquiries() -> None:
    """Enquiries as people: the indexes that find them."""


@enquiries.command("reindex")
@data_dir_option
def reindex() -> None:
    """Recompute every enquiry's search indexes and repeat-enquiry matches.

    Run it once after upgrading to the version with search (enquiries stored before it are
    not found until then), and after changing HUB_SECRET_KEY. Safe to run again.
    """
    db = open_existing_database(command_settings())
    try:
        result = reindex_enquiries(db)
    finally:
        db.dispose()
    click.echo(
        f"{result.enquiries} enquiries read, {result.changed} reindexed, "
        f"{result.matches} repeat matches found"
    )
