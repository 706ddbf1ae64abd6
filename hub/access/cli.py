"""``hub councils``: API tokens for councils, delivery bodies and hub operators."""

from __future__ import annotations

from datetime import datetime, timedelta

import click

from hub.access.manage_tokens import (
    UnknownScopeError,
    create_api_token,
    list_api_tokens,
    parse_lifetime,
    resolve_token_scope,
    revoke_api_token,
)
from hub.access.models import TokenScope
from hub.platform.cli_options import command_settings, data_dir_option
from hub.platform.db import Database, open_existing_database
from hub.platform.models import utcnow


def _db() -> Database:
    return open_existing_database(command_settings())


class Lifetime(click.ParamType[timedelta]):
    """A token lifetime such as ``90d``, ``12h``, ``6w`` or ``1y``."""

    name = "lifetime"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        if isinstance(value, timedelta):
            return value
        try:
            return parse_lifetime(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.group()
def councils() -> None:
    """Council access to the hub."""


@councils.group()
def token() -> None:
    """API tokens (shown once, stored only as a hash)."""


@token.command("create")
@click.argument("code", required=False)
@click.option("--label", help="Who or what the token is for.")
@click.option("--hub-operator", is_flag=True, help="A token for the hub's operator endpoints.")
@click.option(
    "--expires-in",
    type=Lifetime(),
    default="1y",
    show_default=True,
    help="How long the token works: a number and h (hours), d (days), w (weeks) or y (years).",
)
@click.option(
    "--manage",
    is_flag=True,
    help="Also manage the council's own webhooks and mailboxes (/v1/council/subscriptions), "
    "as a manager does on the pages (permission council:manage).",
)
@data_dir_option
def token_create(
    code: str | None, label: str | None, hub_operator: bool, expires_in: timedelta, manage: bool
) -> None:
    """Create a token for CODE (a council's GSS code or name, or a delivery body).

    Prints the token alone on standard output: it cannot be shown again.
    """
    try:
        choice = resolve_token_scope(code, hub_operator=hub_operator)
        if manage and choice.scope is TokenScope.HUB:
            raise UnknownScopeError("--manage is for a council's or delivery body's token")
    except UnknownScopeError as exc:
        raise click.ClickException(str(exc)) from None
    db = _db()
    try:
        row, secret = create_api_token(db, choice, label=label, lifetime=expires_in, manage=manage)
    finally:
        db.dispose()
    click.echo(secret)
    can = " (may manage its webhooks and mailboxes)" if manage else ""
    click.echo(
        f"token {row.id} created for {row.scope_label}{can}, expires {_when(row.expires_at)}",
        err=True,
    )


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "-"


@token.command("list")
@data_dir_option
def token_list() -> None:
    """List tokens: id, prefix, scope, label, created, expires, last used, revoked."""
    db = _db()
    try:
        rows = list_api_tokens(db)
    finally:
        db.dispose()
    now = utcnow()
    click.echo("id\tprefix\tscope\tlabel\tcreated\texpires\tlast_used\trevoked")
    for row in rows:
        expires = _when(row.expires_at) + (" (expired)" if row.expires_at <= now else "")
        click.echo(
            "\t".join(
                [
                    str(row.id),
                    row.prefix,
                    row.scope_label,
                    row.label or "-",
                    _when(row.created_at),
                    expires,
                    _when(row.last_used_at),
                    _when(row.revoked_at),
                ]
            )
        )


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
@data_dir_option
def token_revoke(token_id: int) -> None:
    """Revoke token ID at once."""
    db = _db()
    try:
        revoked = revoke_api_token(db, token_id)
    finally:
        db.dispose()
    if not revoked:
        raise click.ClickException(f"no live token has id {token_id}")
    click.echo(f"token {token_id} revoked")
