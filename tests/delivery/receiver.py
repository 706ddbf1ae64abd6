"""A webhook receiver on loopback that verifies with the ``standardwebhooks`` verifier.

It answers from a script (status, headers, hold until released) and records every request:
its webhook id, whether the signature verified, and the raw body (for the personal-data
check).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.delivery.capture import record_sent


@dataclass
class Received:
    webhook_id: str
    verified: bool
    payload: dict[str, Any]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None  # wait for this before answering
    body: bytes = b"ok"


class Receiver:
    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.script: list[Reply] = []
        self.received: list[Received] = []
        self.arrived = threading.Condition()
        self.started = threading.Event()  # a request arrived (set before any hold)
        self.started_count = 0  # requests arrived so far, held or answered
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                receiver._handle(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/fostering"

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        record_sent(body)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        verified = False
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                continue
        with self._lock:
            reply = self.script.pop(0) if self.script else Reply()
            self.started_count += 1
        self.started.set()
        if reply.hold is not None:
            reply.hold.wait(30)
        # Recorded before the reply goes out: once the sender has its answer, the request is
        # already in ``received`` (recording after the reply raced the sender's next step).
        with self.arrived:
            self.received.append(
                Received(headers.get("webhook-id", ""), verified, json.loads(body), headers, body)
            )
            self.arrived.notify_all()
        try:
            handler.send_response(reply.status)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.send_header("content-length", str(len(reply.body)))
            handler.end_headers()
            handler.wfile.write(reply.body)
        except OSError:
            pass

    def ids(self) -> list[str]:
        return [r.webhook_id for r in self.received]

    def wait_for_count(self, count: int, timeout: float = 30) -> list[Received]:
        with self.arrived:
            ok = self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
        assert ok, f"receiver got {len(self.received)} of {count}"
        return list(self.received)


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
