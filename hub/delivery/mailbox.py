"""Reading the ``file`` transport's mailbox: the .eml files under DATA_DIR/mail/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from config.settings import Settings
from hub.delivery.mail_transports import mail_dir


@dataclass(frozen=True, slots=True)
class StoredMail:
    id: str
    written_at: datetime
    to: str
    subject: str
    path: Path


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    assert isinstance(message, EmailMessage)
    return message


def list_mail(settings: Settings) -> list[StoredMail]:
    """Every message written, oldest first."""
    folder = mail_dir(settings)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.eml"):
        message = _parse(path)
        written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        found.append(
            StoredMail(path.stem, written, str(message["To"]), str(message["Subject"]), path)
        )
    return sorted(found, key=lambda m: (m.written_at, m.id))


def read_mail(settings: Settings, mail_id: str) -> str | None:
    """One message as text (headers and body), or None when there is no such message."""
    if not mail_id or "/" in mail_id or mail_id.startswith("."):
        return None
    path = mail_dir(settings) / f"{mail_id.removesuffix('.eml')}.eml"
    if not path.is_file():
        return None
    message = _parse(path)
    headers = "".join(f"{name}: {value}\n" for name, value in message.items())
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return f"{headers}\n{text}"
