"""Signing staff in for tests through the real flow: `hub users invite`, the e-mailed link.

The link is read from the ``.eml`` file the file mail transport wrote under DATA_DIR/mail/,
then opened (GET: the confirm page) and used (POST with the page's CSRF token), as a person
would. Shared with the operator pages' tests (``/ops/``).
"""

from __future__ import annotations

import re
import secrets
import uuid
from email import policy
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from flask.testing import FlaskClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import select

from config.settings import get_settings
from hub.cli import main
from hub.delivery.mail_transports import mail_dir
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import TaskName
from hub.web.staff.send_sign_in_link import send_sign_in_link
from tests.web.journey import BROWSER, csrf_from

LINK = re.compile(r"https?://[^\s/]+(/sign-in/link/[A-Za-z0-9_\-]+)")


def new_address(domain: str = "council.example") -> str:
    return f"staff-{uuid.uuid4().hex[:12]}@{domain}"


def invite(
    email: str,
    *,
    council: str | None = None,
    delivery_body: str | None = None,
    hub_operator: bool = False,
    role: str | None = None,
) -> None:
    """``hub users invite`` for ``email`` (exactly one of the three scopes; ``role`` manager
    or officer, else the command's default, officer)."""
    args = ["users", "invite", email]
    if role is not None:
        args += ["--role", role]
    if council is not None:
        args += ["--council", council]
    if delivery_body is not None:
        args += ["--delivery-body", delivery_body]
    if hub_operator:
        args.append("--hub-operator")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


def mails_to(email: str) -> list[str]:
    """The text of every message written to ``email``, oldest first."""
    folder = mail_dir(get_settings())
    found: list[tuple[float, str]] = []
    for path in folder.glob("*.eml") if folder.is_dir() else []:
        message = BytesParser(policy=policy.default).parse(Path(path).open("rb"))
        if str(message["To"]) == email:
            body = message.get_body(("plain",))
            assert body is not None
            found.append(
                (path.stat().st_mtime, f"Subject: {message['Subject']}\n\n{body.get_content()}")
            )
    return [text for _, text in sorted(found)]


def waiting_sign_in_requests(db: Any) -> list[tuple[int, int]]:
    """(request id, outbox id) of every sign-in request whose task has not finished."""
    with db.sessions() as s:
        rows = s.execute(
            select(OutboxMessage.subject_id, OutboxMessage.id)
            .where(
                OutboxMessage.task_name == str(TaskName.SEND_SIGN_IN_LINK),
                OutboxMessage.completed_at.is_(None),
            )
            .order_by(OutboxMessage.id)
        )
        return [(int(request_id), int(outbox_id)) for request_id, outbox_id in rows]


def send_requested_links(db: Any) -> int:
    """Act as the worker: run the use case of ``hub.send_sign_in_link`` for every waiting
    request (``POST /sign-in`` only records it); how many e-mails went."""
    return sum(
        send_sign_in_link(db, request_id, outbox_id)
        for request_id, outbox_id in waiting_sign_in_requests(db)
    )


def link_path(email: str) -> str:
    """The path of the newest sign-in link e-mailed to ``email``."""
    mails = mails_to(email)
    assert mails, f"no e-mail to {email}"
    match = LINK.search(mails[-1])
    assert match, mails[-1]
    return match.group(1)


def own_address(client: FlaskClient) -> None:
    """Give the test client an address of its own, so the sign-in form's rate limit (per
    client address, kept in Redis across tests) counts only this client's requests."""
    if client.environ_base.get("REMOTE_ADDR", "127.0.0.1") == "127.0.0.1":
        client.environ_base["REMOTE_ADDR"] = (
            f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
        )


def use_link(client: FlaskClient, path: str) -> Any:
    """Open a sign-in link and press its button; the POST's response."""
    own_address(client)
    page = client.get(path, headers=BROWSER)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    token = csrf_from(page.get_data(as_text=True))
    return client.post(path, data={"csrf_token": token}, headers=BROWSER)


def sign_in(
    client: FlaskClient,
    db: Any,
    *,
    council: str | None = None,
    delivery_body: str | None = None,
    hub_operator: bool = False,
    role: str | None = None,
) -> str:
    """Invite a new staff member with this scope and sign ``client`` in by the e-mailed link;
    their address."""
    email = new_address()
    invite(
        email, council=council, delivery_body=delivery_body, hub_operator=hub_operator, role=role
    )
    response = use_link(client, link_path(email))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return email


def signed_in_browser(
    driver: WebDriver,
    base_url: str,
    db: Any,
    *,
    council: str | None = None,
    delivery_body: str | None = None,
    hub_operator: bool = False,
    role: str | None = None,
) -> None:
    """As ``sign_in``, in a real browser: open the e-mailed link and press Sign in."""
    email = new_address()
    invite(
        email, council=council, delivery_body=delivery_body, hub_operator=hub_operator, role=role
    )
    browser_uses_link(driver, base_url, email)


def browser_uses_link(driver: WebDriver, base_url: str, email: str) -> None:
    """Open the newest link e-mailed to ``email`` in the browser and press Sign in."""
    driver.get(base_url + link_path(email))
    driver.find_element(By.CSS_SELECTOR, "form button.govuk-button").click()
    # The sign-in POST answers with a redirect to the staff home.
    WebDriverWait(driver, 30).until(
        lambda d: (
            "/sign-in" not in d.current_url
            and d.execute_script("return document.readyState === 'complete'")
        )
    )


def field_error(page: str, field: str) -> str:
    """The GOV.UK error message shown on the field with id ``field`` (asserted present)."""
    pattern = (
        rf'id="{re.escape(field)}-error"[^>]*>\s*'
        r'<span class="govuk-visually-hidden">Error:</span>\s*([^<]+)'
    )
    match = re.search(pattern, page)
    assert match, f"no error on {field}"
    return " ".join(match.group(1).split())


class _TextOnly(HTMLParser):
    """Collects the text a person sees: not tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """The text of an HTML page as a person reads it."""
    parser = _TextOnly()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())
