"""E-mail transports chosen in settings: ``file`` (embedded default), ``smtp``, ``notify``.

``file`` writes each message as ``DATA_DIR/mail/<message id>.eml``: the same message sent
twice overwrites one file, so a retry after a crash never makes a second copy. ``smtp`` sends
with smtplib (STARTTLS and login when configured); ``notify`` sends through GOV.UK Notify's
client with one template whose ``subject`` and ``body`` are personalisation fields.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

import structlog
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from config.settings import Settings
from hub.delivery.attempts import AttemptOutcome, AttemptResult, outcome_for_status
from hub.delivery.messages import MailMessage

log = structlog.get_logger(__name__)


class _WithoutNotifyErrorBody(logging.Filter):
    """Notify's client logs a failed request with the words of Notify's answer, which can
    quote what was sent (an address, a line of the body): keep the method and the status."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            args = record.args if isinstance(record.args, tuple) else ()
            method = args[0] if len(args) > 0 else "?"
            status = args[2] if len(args) > 2 else "?"
            record.msg, record.args = "Notify API %s request failed with %s", (method, status)
        return True


logging.getLogger("notifications_python_client.base").addFilter(_WithoutNotifyErrorBody())


def mail_dir(settings: Settings) -> Path:
    return settings.data_dir / "mail"


def to_email(settings: Settings, message: MailMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = f"<{message.message_id}@fostering-hub>"
    email.set_content(message.body)
    return email


def send_mail(settings: Settings, message: MailMessage) -> AttemptResult:
    """Send one message with the configured transport and say how it went."""
    if settings.mail_transport == "smtp":
        return _send_smtp(settings, message)
    if settings.mail_transport == "notify":
        return _send_notify(settings, message)
    return _write_file(settings, message)


def _write_file(settings: Settings, message: MailMessage) -> AttemptResult:
    folder = mail_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{message.message_id}.eml"
    partial = folder / f".{message.message_id}.tmp"
    partial.write_bytes(bytes(to_email(settings, message)))
    os.replace(partial, final)
    return AttemptResult(AttemptOutcome.DELIVERED)


def _send_smtp(settings: Settings, message: MailMessage) -> AttemptResult:
    timeout = settings.webhook_connect_timeout + settings.webhook_read_timeout
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
            if settings.smtp_starttls:
                # The relay's certificate is verified (a private CA through HUB_SMTP_CA_FILE).
                smtp.starttls(
                    context=ssl.create_default_context(cafile=settings.smtp_ca_file or None)
                )
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(to_email(settings, message))
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        permanent = all(500 <= code < 600 for code in codes)
        outcome = AttemptOutcome.FAILED if permanent else AttemptOutcome.RETRY
        return AttemptResult(outcome, status_code=codes[0] if codes else None, error="refused")
    except smtplib.SMTPResponseException as exc:
        outcome = AttemptOutcome.FAILED if 500 <= exc.smtp_code < 600 else AttemptOutcome.RETRY
        return AttemptResult(outcome, status_code=exc.smtp_code, error=f"SMTP {exc.smtp_code}")
    except (smtplib.SMTPException, OSError) as exc:
        return AttemptResult(AttemptOutcome.RETRY, error=type(exc).__name__)
    return AttemptResult(AttemptOutcome.DELIVERED, status_code=250)


def _send_notify(settings: Settings, message: MailMessage) -> AttemptResult:
    client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
        settings.notify_api_key,
        base_url=settings.notify_base_url,
        timeout=int(settings.webhook_connect_timeout + settings.webhook_read_timeout),
    )
    try:
        client.send_email_notification(  # type: ignore[no-untyped-call]
            email_address=message.to,
            template_id=settings.notify_template_id,
            personalisation={"subject": message.subject, "body": message.body},
            reference=message.message_id,
        )
    except APIError as exc:
        code = int(exc.status_code)
        log.warning("notify_send_failed", status_code=code, errors=_error_codes(exc))
        # Retried for the same answers as a webhook; any other (410 too) fails this delivery
        # only, never the subscription.
        retry = outcome_for_status(code) is AttemptOutcome.RETRY
        outcome = AttemptOutcome.RETRY if retry else AttemptOutcome.FAILED
        return AttemptResult(outcome, status_code=code, error=f"Notify {code}")
    return AttemptResult(AttemptOutcome.DELIVERED, status_code=201)


def _error_codes(exc: APIError) -> list[str]:
    """Notify's error codes (``BadRequestError``, ...), never its messages."""
    try:
        errors: Any = exc.response.json().get("errors") if exc.response is not None else None
    except (ValueError, AttributeError):
        return []
    if not isinstance(errors, list):
        return []
    return [str(e.get("error"))[:64] for e in errors if isinstance(e, dict) and e.get("error")]
