"""Delivery: telling councils, operators and the enquirer what happened to an enquiry.

Subscriptions (webhooks, mailboxes); ``emit_event``, which writes one delivery row per
subscriber in the caller's transaction; the sender ``send_delivery`` (signed webhooks, mail
through the file, smtp or notify transport), retries swept by ``next_attempt_at``, dead
letters and replay; the enquirer's confirmation e-mail; the council and operator delivery
APIs and the ``hub councils webhook|mailbox``, ``hub deliveries`` and ``hub mail`` commands.
See docs/architecture.md.
"""
