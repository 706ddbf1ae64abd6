"""``hub councils webhook|mailbox``, ``hub deliveries`` and ``hub mail`` commands."""

from __future__ import annotations

import click

from hub.access.caller import RequestContext, command_line_actor
from hub.access.manage_tokens import TokenScopeChoice, UnknownScopeError, resolve_token_scope
from hub.delivery.events import EventType
from hub.delivery.mailbox import list_mail, read_mail
from hub.delivery.manage_subscriptions import (
    SubscriptionError,
    add_mailbox,
    add_webhook,
    all_subscriptions,
    disable_subscription,
    rotate_secret,
)
from hub.delivery.models import DeliveryStatus, SubscriberKind
from hub.delivery.queries import FAILING
from hub.delivery.read_deliveries import list_deliveries_for_ops
from hub.delivery.replay import ReplayRefusedError, replay_dead_for_subscriber, replay_delivery
from hub.platform.cli_options import command_settings, data_dir_option, require_hub_data_dir
from hub.platform.db import Database, open_existing_database

EVENT_CHOICE = click.Choice([str(e) for e in EventType])


def _db() -> Database:
    return open_existing_database(command_settings())


def _owner(code: str | None, hub_operator: bool) -> TokenScopeChoice:
    try:
        return resolve_token_scope(code, hub_operator=hub_operator)
    except UnknownScopeError as exc:
        raise click.BadParameter(str(exc), param_hint="CODE") from exc


def _ctx() -> RequestContext:
    """Who runs this command, for the audit rows of the changes it makes."""
    return RequestContext(command_line_actor())


def _time(value: object) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else "-"


@click.group()
def webhook() -> None:
    """Signed webhooks (Standard Webhooks) to a council, delivery body or the operators."""


@webhook.command("add")
@click.argument("code", required=False)
@click.option("--url", required=True, help="Where to POST events (https in production).")
@click.option("--event", "events", multiple=True, type=EVENT_CHOICE, help="Only these (repeat).")
@click.option("--hub-operator", is_flag=True, help="Subscribe the hub's operators instead.")
@data_dir_option
def webhook_add(code: str | None, url: str, events: tuple[str, ...], hub_operator: bool) -> None:
    """Subscribe CODE (a council's GSS code or name, or a delivery body) to events.

    Prints the signing secret (whsec_...) alone on standard output: it is shown once.
    """
    owner = _owner(code, hub_operator)
    db = _db()
    try:
        made = add_webhook(db, owner, url, events, ctx=_ctx())
    except SubscriptionError as exc:
        raise click.BadParameter(str(exc), param_hint="--url") from exc
    finally:
        db.dispose()
    click.echo(made.secret)
    click.echo(
        f"webhook {made.subscription.id} added for {made.subscription.owner_label}", err=True
    )


def _list(kind: SubscriberKind) -> None:
    db = _db()
    try:
        rows = [s for s in all_subscriptions(db) if s.kind == kind]
    finally:
        db.dispose()
    click.echo("id\towner\ttarget\tevents\tstatus\tfailing_since\tslow_since\tcreated")
    for sub in rows:
        status = sub.status if not sub.disabled_reason else f"{sub.status} ({sub.disabled_reason})"
        click.echo(
            "\t".join(
                [
                    str(sub.id),
                    sub.owner_label,
                    sub.target,
                    ",".join(sub.events) or "all",
                    status,
                    _time(sub.failing_since),
                    _time(sub.slow_since),
                    _time(sub.created_at),
                ]
            )
        )


def _disable(subscription_id: int, kind: str) -> None:
    db = _db()
    try:
        done = disable_subscription(db, subscription_id, ctx=_ctx())
    finally:
        db.dispose()
    if not done:
        raise click.ClickException(f"no active {kind} has id {subscription_id}")
    click.echo(f"{kind} {subscription_id} disabled")


@webhook.command("list")
@data_dir_option
def webhook_list() -> None:
    """List webhook subscriptions (secrets are never shown again)."""
    _list(SubscriberKind.WEBHOOK)


@webhook.command("disable")
@click.argument("subscription_id", metavar="ID", type=int)
@data_dir_option
def webhook_disable(subscription_id: int) -> None:
    """Stop sending to webhook ID (its pending deliveries fail)."""
    _disable(subscription_id, "webhook")


@webhook.command("rotate-secret")
@click.argument("subscription_id", metavar="ID", type=int)
@data_dir_option
def webhook_rotate_secret(subscription_id: int) -> None:
    """A new signing secret for webhook ID, printed alone; the old one signs for 24 hours too."""
    db = _db()
    try:
        secret = rotate_secret(db, subscription_id, ctx=_ctx())
    except SubscriptionError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.dispose()
    click.echo(secret)
    click.echo(f"webhook {subscription_id}: old and new secrets both sign for 24 hours", err=True)


@click.group()
def mailbox() -> None:
    """E-mail notifications to a council's or the operators' team mailbox."""


@mailbox.command("add")
@click.argument("arguments", nargs=-1, metavar="[CODE] ADDRESS")
@click.option("--event", "events", multiple=True, type=EVENT_CHOICE, help="Only these (repeat).")
@click.option("--hub-operator", is_flag=True, help="The hub operators' mailbox.")
@data_dir_option
def mailbox_add(arguments: tuple[str, ...], events: tuple[str, ...], hub_operator: bool) -> None:
    """E-mail CODE's team (or, with --hub-operator, the operators) at ADDRESS."""
    expected = 1 if hub_operator else 2
    if len(arguments) != expected:
        raise click.UsageError(
            "give ADDRESS with --hub-operator" if hub_operator else "give CODE and ADDRESS"
        )
    owner = _owner(None if hub_operator else arguments[0], hub_operator)
    db = _db()
    try:
        sub = add_mailbox(db, owner, arguments[-1], events, ctx=_ctx())
    except SubscriptionError as exc:
        raise click.BadParameter(str(exc), param_hint="ADDRESS") from exc
    finally:
        db.dispose()
    click.echo(f"mailbox {sub.id} added for {sub.owner_label}")


@mailbox.command("list")
@data_dir_option
def mailbox_list() -> None:
    """List mailboxes."""
    _list(SubscriberKind.MAILBOX)


@mailbox.command("disable")
@click.argument("subscription_id", metavar="ID", type=int)
@data_dir_option
def mailbox_disable(subscription_id: int) -> None:
    """Stop e-mailing mailbox ID."""
    _disable(subscription_id, "mailbox")


@click.group()
def deliveries() -> None:
    """Deliveries of events to subscribers: list, replay."""


@deliveries.command("list")
@click.option("--status", type=click.Choice([*(str(s) for s in DeliveryStatus), FAILING]))
@click.option("--subscriber", "subscription_id", type=int, help="One subscription's only.")
@click.option("--limit", default=50, show_default=True, type=int)
@data_dir_option
def deliveries_list(status: str | None, subscription_id: int | None, limit: int) -> None:
    """Newest first: id, subscriber, event, reference, status, attempts, last code."""
    db = _db()
    try:
        page = list_deliveries_for_ops(
            db, status=status, subscription_id=subscription_id, limit=limit
        )
    finally:
        db.dispose()
    click.echo("id\tsubscriber\tevent\treference\tstatus\tattempts\tlast_code\tnext_attempt")
    for item in page["items"]:
        click.echo(
            "\t".join(
                str(x if x is not None else "-")
                for x in (
                    item["id"],
                    item["subscription_id"],
                    item["event_type"],
                    item["reference"],
                    item["status"],
                    item["attempts"],
                    item["last_status_code"],
                    _time(item["next_attempt_at"]) if item["status"] == "pending" else "-",
                )
            )
        )


@deliveries.command("replay")
@click.argument("delivery_id", metavar="[ID]", type=int, required=False)
@click.option("--subscriber", "subscription_id", type=int, help="Replay this subscriber's ...")
@click.option("--dead", is_flag=True, help="... dead deliveries (with --subscriber).")
@data_dir_option
def deliveries_replay(delivery_id: int | None, subscription_id: int | None, dead: bool) -> None:
    """Send delivery ID again, or every dead delivery of a subscriber (same webhook-id)."""
    if (delivery_id is None) == (subscription_id is None) or (subscription_id and not dead):
        raise click.UsageError("give a delivery ID, or --subscriber ID --dead")
    db = _db()
    try:
        if delivery_id is not None:
            replay_delivery(db, delivery_id, ctx=_ctx())
            replayed = [delivery_id]
        else:
            assert subscription_id is not None
            replayed = replay_dead_for_subscriber(db, subscription_id, ctx=_ctx())
    except ReplayRefusedError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.dispose()
    click.echo(f"{len(replayed)} queued again: {' '.join(map(str, replayed)) or '-'}")


@click.group()
def mail() -> None:
    """Messages the file mail transport wrote (the embedded default) under DATA_DIR/mail/."""


@mail.command("list")
@data_dir_option
def mail_list() -> None:
    """id, written, to, subject; oldest first."""
    settings = command_settings()
    require_hub_data_dir(settings)
    click.echo("id\twritten\tto\tsubject")
    for item in list_mail(settings):
        click.echo(f"{item.id}\t{_time(item.written_at)}\t{item.to}\t{item.subject}")


@mail.command("show")
@click.argument("mail_id", metavar="ID")
@data_dir_option
def mail_show(mail_id: str) -> None:
    """Print message ID (headers and text)."""
    settings = command_settings()
    require_hub_data_dir(settings)
    text = read_mail(settings, mail_id)
    if text is None:
        raise click.ClickException(f"no message has id {mail_id}")
    click.echo(text, nl=False)
