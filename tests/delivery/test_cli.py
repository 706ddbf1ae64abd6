"""The CLI contract: webhook add prints the secret alone; list, disable, rotate; mailboxes;
replay; the file transport's mailbox."""

from __future__ import annotations

from click.testing import CliRunner
from standardwebhooks.webhooks import Webhook

from config.settings import load_settings
from hub.cli import main
from hub.delivery.events import EventType, emit_event
from hub.delivery.manage_subscriptions import all_subscriptions
from hub.delivery.send_delivery import SendOutcome
from tests.delivery.receiver import Reply
from tests.delivery.support import attempt_due, deliveries, mailbox, subscription, webhook
from tests.support.council import AFC, KENT, audit_rows
from tests.support.settings import db_settings

URL = "http://127.0.0.1:9/hook"


def _run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_webhook_add_prints_the_secret_alone_on_standard_output(db, settings) -> None:
    result = _run("councils", "webhook", "add", "Kent", "--url", URL, "--event", "referral.routed")
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith("whsec_") and "\n" not in secret
    Webhook(secret)  # a valid Standard Webhooks secret
    rows = _run("councils", "webhook", "list").stdout
    assert f"authority:{KENT}\t{URL}\treferral.routed\tactive" in rows


def test_webhook_add_for_a_delivery_body_and_for_the_operators(db, settings) -> None:
    assert _run("councils", "webhook", "add", AFC, "--url", URL).exit_code == 0
    assert _run("councils", "webhook", "add", "--hub-operator", "--url", URL).exit_code == 0
    rows = _run("councils", "webhook", "list").stdout
    assert f"delivery_body:{AFC}\t{URL}\tall" in rows and f"hub\t{URL}\tall" in rows


def test_webhook_add_refuses_an_unknown_council_and_event(db, settings) -> None:
    assert _run("councils", "webhook", "add", "Atlantis", "--url", URL).exit_code == 2
    bad = _run("councils", "webhook", "add", "Kent", "--url", URL, "--event", "x.y")
    assert bad.exit_code == 2


def test_webhook_disable_and_rotate_secret(db, settings) -> None:
    made = webhook(db, KENT, URL)
    rotated = _run("councils", "webhook", "rotate-secret", str(made.subscription.id))
    assert rotated.exit_code == 0 and rotated.stdout.strip().startswith("whsec_")
    assert rotated.stdout.strip() != made.secret
    assert subscription(db, made.subscription.id).previous_secret == made.secret
    assert _run("councils", "webhook", "disable", str(made.subscription.id)).exit_code == 0
    assert subscription(db, made.subscription.id).status == "disabled"
    assert _run("councils", "webhook", "disable", str(made.subscription.id)).exit_code == 1


def test_mailbox_add_for_a_council_and_the_operators(db, settings) -> None:
    ok = _run("councils", "mailbox", "add", "Kent", "fostering@kent.example.gov.uk")
    assert ok.exit_code == 0, ok.output
    ops = _run("councils", "mailbox", "add", "--hub-operator", "ops@hub.example.gov.uk")
    assert ops.exit_code == 0, ops.output
    assert _run("councils", "mailbox", "add", "Kent", "not-an-address").exit_code == 2
    rows = _run("councils", "mailbox", "list").stdout
    assert "fostering@kent.example.gov.uk" in rows and "ops@hub.example.gov.uk" in rows


def test_replay_by_id_and_every_dead_delivery_of_a_subscriber(db, delivery_env, receiver) -> None:
    with db_settings(db, load_settings({**delivery_env, "HUB_DELIVERY_MAX_ATTEMPTS": "1"})):
        made = webhook(db, KENT, receiver.url, receiver=receiver)
        receiver.script = [Reply(200), Reply(500)]
        with db.transaction() as session:
            for n in range(2):
                emit_event(
                    session, EventType.REFERRAL_ROUTED, event_key=f"e{n}", authority_code=KENT
                )
        assert attempt_due(db) == [SendOutcome.DELIVERED, SendOutcome.DEAD]
        first, dead = deliveries(db)
        assert _run("deliveries", "replay", str(first.id)).exit_code == 0
        assert attempt_due(db) == [SendOutcome.DELIVERED]
        replayed = _run("deliveries", "replay", "--subscriber", str(made.subscription.id), "--dead")
        assert replayed.exit_code == 0 and replayed.stdout == f"1 queued again: {dead.id}\n"
        assert attempt_due(db) == [SendOutcome.DELIVERED]
        assert _run("deliveries", "replay").exit_code == 2
        assert _run("deliveries", "replay", str(dead.id)).exit_code == 0
        assert _run("deliveries", "replay", str(dead.id)).exit_code == 1  # still pending
    assert receiver.ids().count(first.webhook_id) == 2
    assert receiver.ids().count(dead.webhook_id) == 2


def test_deliveries_list_shows_status_and_attempts(db, settings, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    with db.transaction() as session:
        emit_event(
            session,
            EventType.REFERRAL_ROUTED,
            event_key="e",
            reference="FE-7K3M9Q2D",
            authority_code=KENT,
        )
    attempt_due(db)
    listed = _run("deliveries", "list", "--status", "delivered").stdout
    assert "\treferral.routed\tFE-7K3M9Q2D\tdelivered\t1\t200\t" in listed


def test_mail_list_and_show_read_the_file_transports_messages(db, settings, hub_env) -> None:
    mailbox(db, KENT, "fostering@kent.example.gov.uk")
    with db.transaction() as session:
        emit_event(
            session,
            EventType.REFERRAL_ROUTED,
            event_key="e",
            reference="FE-7K3M9Q2D",
            authority_code=KENT,
        )
    assert attempt_due(db) == [SendOutcome.DELIVERED]
    data_dir = str(settings.data_dir)
    env = {"HUB_DATABASE_URL": hub_env["HUB_DATABASE_URL"]}  # the hub whose data dir this is
    listed = _run("mail", "list", "--data-dir", data_dir, env=env).stdout.splitlines()
    assert len(listed) == 2
    mail_id, _, to, subject = listed[1].split("\t")
    assert to == "fostering@kent.example.gov.uk"
    assert subject == "New fostering enquiry FE-7K3M9Q2D for Kent"
    shown = _run("mail", "show", mail_id, "--data-dir", data_dir, env=env)
    assert shown.exit_code == 0
    assert "New fostering enquiry FE-7K3M9Q2D for Kent: open it in the hub." in (shown.stdout)
    assert mail_id == deliveries(db)[0].webhook_id
    missing = _run("mail", "show", "msg_nothing", "--data-dir", data_dir, env=env)
    assert missing.exit_code == 1 and "no message has id msg_nothing" in missing.stderr


def test_webhook_commands_take_the_data_dir(db, settings, hub_env, tmp_path) -> None:
    env = {
        "HUB_DATABASE_URL": hub_env["HUB_DATABASE_URL"],
        "HUB_REDIS_URL": hub_env["HUB_REDIS_URL"],
    }
    result = _run(
        "councils", "webhook", "add", "Kent", "--url", URL, "--data-dir", str(tmp_path), env=env
    )
    assert result.exit_code == 0, result.output
    listed = _run("councils", "webhook", "list", "--data-dir", str(tmp_path), env=env).stdout
    assert f"authority:{KENT}\t{URL}" in listed


def test_deliveries_from_a_data_dir_without_a_database_fail_and_create_nothing(tmp_path) -> None:
    missing = tmp_path / "no-hub-here"
    result = CliRunner().invoke(main, ["deliveries", "list", "--data-dir", str(missing)])
    assert result.exit_code != 0
    assert "no hub database" in str(result.exception) + result.output
    assert not (missing / "hub.db").exists()


def test_subscription_changes_from_the_cli_are_audited(db, settings) -> None:
    assert _run("councils", "webhook", "add", "Kent", "--url", URL).exit_code == 0
    (sub,) = [s for s in all_subscriptions(db) if s.kind == "webhook"]
    assert _run("councils", "webhook", "rotate-secret", str(sub.id)).exit_code == 0
    assert _run("councils", "webhook", "disable", str(sub.id)).exit_code == 0
    address = "fostering@kent.example.gov.uk"
    assert _run("councils", "mailbox", "add", "Kent", address).exit_code == 0
    rows = [
        (row.action, row.outcome, row.detail["subscription_id"])
        for row in audit_rows(db)
        if row.action.endswith(("_subscription", "_secret"))
    ]
    (mailbox_sub,) = [s for s in all_subscriptions(db) if s.kind == "mailbox"]
    assert rows == [
        ("add_subscription", "ok", sub.id),
        ("rotate_subscription_secret", "ok", sub.id),
        ("disable_subscription", "ok", sub.id),
        ("add_subscription", "ok", mailbox_sub.id),
    ]
    row = audit_rows(db, action="add_subscription")[0]
    assert row.actor.startswith("cli:") and row.actor_scope == "system"
    assert row.detail == {
        "subscription_id": sub.id,
        "kind": "webhook",
        "owner": f"authority:{KENT}",
        "events": [],
    }
    assert address not in str(audit_rows(db, action="add_subscription")[1].detail)
