"""The spike's clients: people on the form, API callers, people on their confirmation pages,
and staff loading their pages, all over HTTP to the hub's gunicorn, through a trusted proxy.

Every request carries ``X-Forwarded-For`` as the one proxy in front of the hub would write it
(the hub runs with ``HUB_TRUSTED_PROXIES=1``), so the rate limiter sees many client addresses,
a few of them shared by many people (a library, an office).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import random
import re
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

TIMEOUT = 60
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')
REFERENCE = re.compile(r'class="hub-reference">(FE-[^<]+)<')
# The form's pages in their order and a made-up person's answers (tests/web/journey.py).
FORM_PAGES: tuple[tuple[str, dict[str, str]], ...] = (
    ("where-you-live", {}),  # the postcode is the enquiry's own
    ("your-name", {"given_name": "Sam", "family_name": "Jones"}),
    (
        "contact",
        {"email": "sam@example.org", "phone": "07911 123456", "preferred_contact": "phone"},
    ),
    ("fostering", {"interest": "mainstream"}),
    ("household", {"adults": "2", "children": "0", "spare_bedroom": "yes"}),
    ("about-you", {}),
    ("anything-else", {"message": ""}),
    ("your-information", {"privacy_notice": "yes"}),
)
API_BODY: dict[str, object] = {
    "given_name": "Sam",
    "family_name": "Jones",
    "email": "sam@example.org",
    "phone": "07911 123456",
    "preferred_contact": "phone",
    "interest": "mainstream",
    "household": {"adults": 2, "children": 0, "spare_bedroom": True},
    "consent": {"privacy_notice": True, "keep_in_touch": True},
}
SHARED_ADDRESSES = ("198.51.100.10", "198.51.100.11", "198.51.100.12", "203.0.113.20")


def client_address(rng: random.Random, distinct: int, shared_share: float) -> str:
    """A client's address: one of a few shared ones (``shared_share`` of people), else one of
    ``distinct`` addresses of their own."""
    if rng.random() < shared_share:
        return rng.choice(SHARED_ADDRESSES)
    n = rng.randrange(distinct)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{(n & 255) or 1}"


def request(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, dict[str, str], str]:
    """One request on a new connection: status, headers (lower-case names), body text."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    finally:
        conn.close()


class Browser:
    """One person's browser behind the proxy: a session cookie and a client address."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.cookie = ""

    def go(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, float]:
        """Status, page and seconds taken."""
        headers = {**BROWSER, "X-Forwarded-For": self.address}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        status, got, text = request(self.port, method, path, body, headers)
        elapsed = time.perf_counter() - started
        if "set-cookie" in got:
            self.cookie = got["set-cookie"].split(";", 1)[0]
        return status, text, elapsed


@dataclass
class Outcome:
    """One enquiry as its client saw it. ``at`` is the wall time its sending POST started."""

    kind: str  # "form" or "api"
    council: int
    address: str
    at: float = 0.0
    status: int = 0
    reference: str | None = None
    send_seconds: float = 0.0
    page_posts: list[float] = field(default_factory=list)
    rate_limited: int = 0
    cookie: str = ""


def form_enquiry(port: int, postcode: str, outcome: Outcome) -> Outcome:
    """Every page of the form, then the send: the reference from the confirmation page."""
    person = Browser(port, outcome.address)
    status, page, _ = person.go("GET", "/enquire/where-you-live")
    match = CSRF.search(page)
    if status != 200 or not match:
        outcome.status = status
        outcome.rate_limited += status == 429
        return outcome
    token = match.group(1)
    for slug, answers in FORM_PAGES:
        form = {"postcode": postcode} if slug == "where-you-live" else answers
        status, page, elapsed = person.go("POST", f"/enquire/{slug}", {"csrf_token": token, **form})
        outcome.page_posts.append(elapsed)
        if status != 303:
            outcome.status = status
            outcome.rate_limited += status == 429
            return outcome
    status, page, _ = person.go("GET", "/enquire/check-answers")
    match = SUBMISSION.search(page)
    if status != 200 or not match:
        outcome.status = status
        return outcome
    outcome.at = time.time()
    status, page, outcome.send_seconds = person.go(
        "POST", "/enquire", {"csrf_token": token, "submission": match.group(1)}
    )
    outcome.status = status
    outcome.rate_limited += status == 429
    if status == 303:
        status, page, _ = person.go("GET", "/enquire/confirmation")
        found = REFERENCE.search(page)
        outcome.reference = found.group(1) if found else None
        outcome.cookie = person.cookie
    return outcome


def api_enquiry(port: int, postcode: str, i: int, outcome: Outcome) -> Outcome:
    """POST /v1/enquiries as a partner's web site does, from its visitor's address."""
    body = json.dumps({**API_BODY, "email": f"sam{i}@example.org", "postcode": postcode}).encode()
    headers = {"Content-Type": "application/json", "X-Forwarded-For": outcome.address}
    outcome.at = time.time()
    started = time.perf_counter()
    status, _h, text = request(port, "POST", "/v1/enquiries", body, headers)
    outcome.send_seconds = time.perf_counter() - started
    outcome.status = status
    outcome.rate_limited += status == 429
    if status == 202:
        outcome.reference = json.loads(text)["reference"]
    return outcome


@dataclass(frozen=True)
class Plan:
    """What one load process sends: enquiries ``first``, ``first + step``, ... below ``count``,
    each at ``started + i / rate``."""

    port: int
    postcodes: tuple[str, ...]
    first: int
    step: int
    count: int
    rate: float
    started: float
    form_share: float
    distinct: int
    shared_share: float
    threads: int
    index_base: int


def run_plan(plan: Plan, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """Open loop: each enquiry starts at its own time, whatever the ones before it are doing."""
    rng = random.Random(plan.first * 7919 + plan.index_base)
    results: list[Outcome] = []
    lock = threading.Lock()

    def one(i: int, outcome: Outcome) -> None:
        council = outcome.council
        kind = outcome.kind
        try:
            if kind == "form":
                form_enquiry(plan.port, plan.postcodes[council], outcome)
            else:
                api_enquiry(plan.port, plan.postcodes[council], plan.index_base + i, outcome)
        except OSError:
            outcome.status = -1
        with lock:
            results.append(outcome)

    with ThreadPoolExecutor(plan.threads) as pool:
        for i in range(plan.first, plan.count, plan.step):
            delay = plan.started + i / plan.rate - time.time()
            if delay > 0:
                time.sleep(delay)
            kind = "form" if rng.random() < plan.form_share else "api"
            address = client_address(rng, plan.distinct, plan.shared_share)
            pool.submit(one, i, Outcome(kind, i % len(plan.postcodes), address))
    out.put(results)


def watch_confirmations(
    port: int,
    people: list[tuple[str, str]],
    pause: float,
    stop: mp.Event,  # type: ignore[valid-type]
    out: mp.Queue,  # type: ignore[type-arg]
) -> None:
    """Each person (cookie, address) reloads their confirmation page every ``pause`` s."""
    loads: list[float] = []
    failed = 0
    lock = threading.Lock()

    def person(cookie: str, address: str) -> None:
        nonlocal failed
        browser = Browser(port, address)
        browser.cookie = cookie
        while not stop.is_set():  # type: ignore[attr-defined]
            try:
                status, page, elapsed = browser.go("GET", "/enquire/confirmation")
                ok = status == 200 and REFERENCE.search(page) is not None
            except OSError:
                ok, elapsed = False, 0.0
            with lock:
                loads.append(elapsed)
                failed += not ok
            stop.wait(pause)  # type: ignore[attr-defined]

    threads = [threading.Thread(target=person, args=p) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(("confirmation", loads, failed))


def staff_pages(
    port: int,
    sessions: list[tuple[str, str, tuple[str, ...]]],
    pause: float,
    stop: mp.Event,  # type: ignore[valid-type]
    out: mp.Queue,  # type: ignore[type-arg]
) -> None:
    """Each signed-in member of staff (cookie, address, pages) loads their pages in turn,
    ``pause`` s apart."""
    loads: list[float] = []
    failed = 0
    lock = threading.Lock()

    def member(cookie: str, address: str, paths: tuple[str, ...]) -> None:
        nonlocal failed
        browser = Browser(port, address)
        browser.cookie = cookie
        n = 0
        while not stop.is_set():  # type: ignore[attr-defined]
            try:
                status, _page, elapsed = browser.go("GET", paths[n % len(paths)])
            except OSError:
                status, elapsed = -1, 0.0
            with lock:
                loads.append(elapsed)
                failed += status != 200
            n += 1
            stop.wait(pause)  # type: ignore[attr-defined]

    threads = [threading.Thread(target=member, args=s) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(("staff", loads, failed))


def sign_in_over_http(port: int, token: str, address: str) -> str:
    """Open a sign-in link and press its button, as a browser does: the session cookie."""
    browser = Browser(port, address)
    status, page, _ = browser.go("GET", f"/sign-in/link/{token}")
    match = CSRF.search(page)
    if status != 200 or not match:
        raise RuntimeError(f"sign-in link page answered {status}")
    status, page, _ = browser.go("POST", f"/sign-in/link/{token}", {"csrf_token": match.group(1)})
    if status != 303:
        raise RuntimeError(f"sign-in answered {status}")
    return browser.cookie
