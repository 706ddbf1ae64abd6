"""``hub councils``: API tokens for councils, delivery bodies and hub operators."""

from __future__ import annotations

import click

from config.settings import get_settings
from hub.access.manage_tokens import (
    UnknownScopeError,
    create_api_token,
    list_api_tokens,
    resolve_token_scope,
    revoke_api_token,
)
from hub.platform.db import Database


def _db() -> Database:
    return Database(get_settings().resolved_database_url)


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
def token_create(code: str | None, label: str | None, hub_operator: bool) -> None:
    """Create a token for CODE (a council's GSS code or name, or a delivery body).

    Prints the token alone on standard output: it cannot be shown again.
    """
    try:
        choice = resolve_token_scope(code, hub_operator=hub_operator)
    except UnknownScopeError as exc:
        raise click.BadParameter(str(exc), param_hint="CODE") from exc
    db = _db()
    try:
        row, secret = create_api_token(db, choice, label=label)
    finally:
        db.dispose()
    click.echo(secret)
    click.echo(f"token {row.id} created for {row.scope_label}", err=True)


@token.command("list")
def token_list() -> None:
    """List tokens: id, prefix, scope, label, created, last used, revoked."""
    db = _db()
    try:
        rows = list_api_tokens(db)
    finally:
        db.dispose()
    click.echo("id\tprefix\tscope\tlabel\tcreated\tlast_used\trevoked")
    for row in rows:
        click.echo(
            "\t".join(
                [
                    str(row.id),
                    row.prefix,
                    row.scope_label,
                    row.label or "-",
                    row.created_at.isoformat(timespec="seconds"),
                    row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "-",
                    row.revoked_at.isoformat(timespec="seconds") if row.revoked_at else "-",
                ]
            )
        )


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
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
