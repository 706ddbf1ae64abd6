"""Asking for a sign-in link: the request does the same work for any address; the worker
(here its use case, as the task runs it) makes and e-mails the link.

No timing is asserted (bench/sign_in_timing.py measures it): what is checked is that the
request path cannot differ, because it writes the same rows and no e-mail for every address.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import time_machine
from redis import Redis
from sqlalchemy import func, select, text, update

from hub.access.models import SignInLink, SignInRequest
from hub.access.sign_in_links import SIGN_IN_LINK_LIFE
from hub.delivery.mail_transports import mail_dir
from hub.platform.models import utcnow
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import Queue, TaskName
from hub.web.staff.send_sign_in_link import send_sign_in_link
from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    invite,
    link_path,
    mails_to,
    new_address,
    own_address,
    send_requested_links,
    use_link,
    waiting_sign_in_requests,
)


def _ask_for_link(client, email: str):
    own_address(client)
    token = csrf_from(client.get("/sign-in", headers=BROWSER).get_data(as_text=True))
    return client.post("/sign-in", data={"csrf_token": token, "email": email}, headers=BROWSER)


def _count(db, model, *where) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _work_done(db) -> dict[str, int]:
    folder = mail_dir(db.settings)
    return {
        "outbox messages": _count(
            db, OutboxMessage, OutboxMessage.task_name == str(TaskName.SEND_SIGN_IN_LINK)
        ),
        "requests": _count(db, SignInRequest),
        "links": _count(db, SignInLink),
        "e-mails": len(list(folder.glob("*.eml"))) if folder.is_dir() else 0,
    }


def test_asking_for_a_link_does_the_same_work_whether_or_not_the_address_has_an_account(
    client, db
) -> None:
    known = new_address()
    invite(known, council="Kent")
    added = {}
    for kind, address in (("known", known), ("unknown", new_address())):
        before = _work_done(db)
        assert _ask_for_link(client, address).status_code == 303
        after = _work_done(db)
        added[kind] = {key: after[key] - before[key] for key in after}
    expected = {"outbox messages": 1, "requests": 1, "links": 0, "e-mails": 0}
    assert added == {"known": expected, "unknown": expected}


def test_the_request_its_outbox_row_and_its_task_message_carry_no_address(client, db) -> None:
    address = new_address(domain="quillfeather.example")
    invite(address, council="Kent")
    broker = Redis.from_url(db.settings.redis_url)
    broker.delete(str(Queue.DELIVERY))
    _ask_for_link(client, address)
    local_part = address.split("@")[0]
    with db.engine.connect() as conn:
        stored = " ".join(
            str(value)
            for table in ("staff_sign_in_requests", "outbox_messages")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
            for value in row
        ).lower()
    (raw,) = broker.lrange(str(Queue.DELIVERY), 0, -1)
    message = json.loads(raw)
    assert message["headers"]["task"] == str(TaskName.SEND_SIGN_IN_LINK)
    args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
    assert all(isinstance(arg, int) for arg in args) and kwargs == {}
    messages = raw.decode().lower() + json.dumps(args)
    for found in (stored, messages):
        assert local_part not in found and "quillfeather" not in found


def test_the_worker_e_mails_a_known_address_and_does_nothing_for_an_unknown_one(client, db) -> None:
    known, stranger = new_address(), new_address()
    invite(known, council="Kent")
    _ask_for_link(client, known)
    _ask_for_link(client, stranger)
    assert send_requested_links(db) == 1
    assert len(mails_to(known)) == 2 and mails_to(stranger) == []
    assert "Your sign-in link" in mails_to(known)[-1]
    assert _count(db, SignInRequest) == 0 and waiting_sign_in_requests(db) == []
    assert use_link(client, link_path(known)).status_code == 303


def test_a_request_whose_task_runs_twice_sends_one_link(client, db) -> None:
    email = new_address()
    invite(email, council="Kent")
    _ask_for_link(client, email)
    ((request_id, outbox_id),) = waiting_sign_in_requests(db)
    assert send_sign_in_link(db, request_id, outbox_id) is True
    assert send_sign_in_link(db, request_id, outbox_id) is False
    assert len(mails_to(email)) == 2  # the invitation and one sign-in link


def test_a_request_that_waited_longer_than_a_link_lives_sends_nothing(client, db) -> None:
    email = new_address()
    invite(email, council="Kent")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _ask_for_link(client, email)
        traveller.shift(SIGN_IN_LINK_LIFE + timedelta(seconds=1))
        assert send_requested_links(db) == 0
    assert len(mails_to(email)) == 1 and _count(db, SignInRequest) == 0


def test_an_account_is_sent_at_most_three_links_in_a_link_life(client, db) -> None:
    email = new_address()
    invite(email, council="Kent")
    for _ in range(4):
        assert _ask_for_link(client, email).status_code == 303
    assert send_requested_links(db) == 3
    assert len(mails_to(email)) == 4  # the invitation and three sign-in links


def test_a_request_whose_message_was_lost_is_dropped_once_it_is_past_a_link_life(
    client, db
) -> None:
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _ask_for_link(client, new_address())
        with db.transaction() as session:  # as if the sweeper had given up on its message
            session.execute(update(OutboxMessage).values(completed_at=utcnow()))
        traveller.shift(SIGN_IN_LINK_LIFE + timedelta(seconds=1))
        _ask_for_link(client, new_address())
        assert _count(db, SignInRequest) == 2
        send_requested_links(db)
    assert _count(db, SignInRequest) == 0
