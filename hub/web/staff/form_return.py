"""A staff form sent after its session or its form token expired: back to it, input kept.

Staff sessions end after 30 minutes idle, and a form's token after 60 minutes; an officer
writing a long note can pass either. Their POST is not carried out (nobody is signed in, or
the token cannot vouch for it). Instead the fields they sent (not the token) are kept,
encrypted, in their session cookie for a short while, and they are sent to the page that
holds the form: through sign-in first when the session ended. When the same person is back
on that page, the form shows what they typed, to check and send again. Nothing is sent for
them, and a different person signing in on the same browser gets nothing of it.

The page holding the form is the page the browser says it came from (``Referer``, same site
only), else the nearest page up the form's path (``/council/referrals/R/transfer`` is held by
``/council/referrals/R``). Never a 405: the POST's own address is not a page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import g, redirect, request, session
from werkzeug.wrappers import Response as BaseResponse

from hub.platform.crypto import get_cipher
from hub.web.staff.next_page import safe_next


@dataclass(frozen=True, slots=True)
class KeptForm:
    """A form sent too late: which form on the page, what was typed (unless too long)."""

    form: str
    fields: dict[str, str]
    too_long: bool = False


FORM_KEY = "staff_form"  # the kept form, encrypted
KEEP_SECONDS = 15 * 60  # long enough to sign in again by an e-mailed link
MAX_KEPT_CHARACTERS = 1500  # a session cookie holds about 4 kB in all
NOT_KEPT = ("csrf_token", "next")


def form_page_for(path: str) -> str:
    """The page that holds the form posted to ``path`` (``/`` when none is found)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path != path:
        target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        if safe_next(target):
            return target
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts = parts[:-1]
        for candidate in ("/".join(parts), "/".join(parts) + "/"):
            if candidate and safe_next(candidate):
                return candidate
    return "/"


def keep_form_and_return(user_id: int | None = None) -> BaseResponse:
    """Keep this POST's fields for ``user_id`` (the person whose session it was) and send the
    browser, with a 303, to the page that holds the form."""
    page = form_page_for(request.path)
    owner = user_id if user_id is not None else g.get("expired_user_id")
    if owner is None:
        staff = session.get("staff")
        owner = staff.get("user") if isinstance(staff, dict) else None
    fields = {
        name: value
        for name, value in request.form.items()
        if name not in NOT_KEPT and value.strip()
    }
    # Too long for a cookie: nothing is kept (never a shortened note), and the page says so.
    too_long = sum(len(value) for value in fields.values()) > MAX_KEPT_CHARACTERS
    kept = {
        "user": owner,
        "page": page.split("?")[0],
        "form": request.path.rstrip("/").rsplit("/", 1)[-1],
        "fields": {} if too_long else fields,
        "too_long": too_long,
        "until": time.time() + KEEP_SECONDS,
    }
    if owner is not None:
        session[FORM_KEY] = get_cipher().encrypt_json(kept)
    else:
        session.pop(FORM_KEY, None)
    return redirect(page, 303)


def carry_kept_form(before: Any, user_id: int) -> None:
    """After a fresh sign-in: put back the form kept before it, if it was this person's."""
    if not isinstance(before, str):
        return
    kept = _read(before)
    if kept is not None and kept.get("user") == user_id:
        session[FORM_KEY] = before


def _read(value: str) -> dict[str, Any] | None:
    try:
        kept = get_cipher().decrypt_json(value)
    except Exception:  # a cookie from before a key rotation, or tampered with: nothing kept
        return None
    if not isinstance(kept, dict) or float(kept.get("until", 0)) < time.time():
        return None
    return kept


def take_kept_form(page: str, user_id: int | None) -> KeptForm | None:
    """The form kept for this page and person, once; else None."""
    value = session.get(FORM_KEY)
    if not isinstance(value, str):
        return None
    kept = _read(value)
    if kept is None or kept.get("page") != page or kept.get("user") != user_id:
        if kept is None:
            session.pop(FORM_KEY, None)
        return None
    session.pop(FORM_KEY, None)
    fields = kept.get("fields")
    return KeptForm(
        str(kept.get("form", "")),
        dict(fields) if isinstance(fields, dict) else {},
        bool(kept.get("too_long")),
    )


def kept_form_words(kept: KeptForm) -> str:
    """What the page tells the person about the form they sent too late."""
    ended = "Your session ended before this was sent, so nothing was saved."
    if kept.too_long:
        return f"{ended} What you typed was too long to keep: type it again, then send it."
    if kept.fields:
        return f"{ended} What you typed is below: check it and send it again."
    return f"{ended} Send it again."
