"""``hub users``: staff accounts for the pages (invite, list, disable, rekey).

Inviting makes the account (or gives an existing one a new scope) and e-mails the person a
sign-in link through the configured mail transport: in the embedded default, an ``.eml`` file
under ``DATA_DIR/mail/`` that ``hub mail show`` prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from hub.access.manage_staff import (
    StaffAccountError,
    disable_staff_user,
    invite_staff_user,
    list_staff_users,
    rekey_staff_emails,
)
from hub.access.manage_tokens import UnknownScopeError, resolve_token_scope
from hub.access.models import LinkPurpose, StaffRole
from hub.access.sign_in_links import issue_link
from hub.platform.cli_options import command_settings, data_dir_option
from hub.platform.db import Database, open_existing_database
from hub.web.staff.sign_in_mail import DEFAULT_BASE_URL, send_sign_in_mail


@contextmanager
def _db() -> Iterator[Database]:
    """The hub's database for one command, closed when it is done (each engine holds a pool
    of connections: left open, every command run in one process keeps one)."""
    db = open_existing_database(command_settings())
    try:
        yield db
    finally:
        db.dispose()


@click.group()
def users() -> None:
    """Staff accounts: council teams, delivery bodies and hub operators sign in to the pages."""


@users.command("invite")
@click.argument("email")
@click.option("--council", "council", metavar="CODE", help="A council: GSS code or name.")
@click.option("--delivery-body", "delivery_body", metavar="NAME", help="A trust or company.")
@click.option("--hub-operator", is_flag=True, help="A hub operator (triage, deliveries, reports).")
@click.option(
    "--role",
    type=click.Choice([str(StaffRole.MANAGER), str(StaffRole.OFFICER)]),
    help="On a council's or delivery body's team: manager (runs the team, webhooks and "
    "mailboxes) or officer (works the referrals). Default: officer.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="The hub's address for the link; default $HUB_PUBLIC_BASE_URL, else the address "
    f"the `hub run` on the data directory serves, else {DEFAULT_BASE_URL}.",
)
@data_dir_option
def invite(
    email: str,
    council: str | None,
    delivery_body: str | None,
    hub_operator: bool,
    role: str | None,
    base_url: str | None,
) -> None:
    """Give EMAIL an account and e-mail it a sign-in link (valid for 24 hours, once)."""
    if sum((council is not None, delivery_body is not None, hub_operator)) != 1:
        raise click.UsageError("give exactly one of --council, --delivery-body, --hub-operator")
    if hub_operator and role is not None:
        raise click.UsageError("--role is for a council's or delivery body's team")
    try:
        choice = resolve_token_scope(council or delivery_body, hub_operator=hub_operator)
    except UnknownScopeError as exc:
        raise click.ClickException(str(exc)) from None
    if delivery_body is not None and choice.scope != "delivery_body":
        raise click.ClickException(f"{delivery_body!r} is not a delivery body in the rules")
    if council is not None and choice.scope != "authority":
        raise click.ClickException(f"{council!r} is not a council; use --delivery-body")
    settings = command_settings()
    with _db() as db:
        try:
            user = invite_staff_user(
                db, email, choice, role=StaffRole(role) if role is not None else None
            )
        except StaffAccountError as exc:
            raise click.ClickException(str(exc)) from None
        link = issue_link(db, user.email, LinkPurpose.INVITE)
    assert link is not None  # the account was just made live
    base_url = base_url or settings.public_base_url or DEFAULT_BASE_URL
    if not send_sign_in_mail(settings, link, LinkPurpose.INVITE, base_url):
        raise click.ClickException(
            f"user {user.id} ({user.email}) was made, but the e-mail could not be sent: "
            "they can ask for a link at /sign-in"
        )
    click.echo(
        f"user {user.id} invited: {user.email} ({user.scope_label}, {user.role}); "
        "sign-in link e-mailed"
    )


@users.command("list")
@data_dir_option
def list_users() -> None:
    """List staff accounts."""
    with _db() as db:
        found = list_staff_users(db)
    for user in found:
        state = "disabled" if user.disabled_at is not None else "active"
        last = (
            user.last_signed_in_at.isoformat(timespec="seconds") if user.last_signed_in_at else "-"
        )
        click.echo(
            f"{user.id}\t{user.email}\t{user.scope_label}\t{state}\tlast sign-in {last}\t"
            f"{user.role}"
        )


@users.command("disable")
@click.argument("user_id", metavar="ID", type=int)
@data_dir_option
def disable(user_id: int) -> None:
    """Disable account ID at once: its sessions end and it cannot sign in."""
    with _db() as db:
        disabled = disable_staff_user(db, user_id)
    if not disabled:
        raise click.ClickException(f"no active user has id {user_id}")
    click.echo(f"user {user_id} disabled")


@users.command("rekey")
@data_dir_option
def rekey() -> None:
    """Re-encrypt staff addresses with the first key and recompute their index.

    Run it after putting a new key first in HUB_ENCRYPTION_KEYS (before removing the old one)
    and after changing HUB_SECRET_KEY (until then nobody can be found by address).
    """
    with _db() as db:
        count = rekey_staff_emails(db)
    click.echo(f"{count} staff addresses re-encrypted and re-indexed")
