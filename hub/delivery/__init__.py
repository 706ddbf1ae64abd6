"""Delivery: getting referrals and notices to the councils (issue 9, not built yet).

Planned here: subscriptions (webhooks, mailboxes), delivery rows written by
``hub.referrals.record_routing`` through the outbox, the signed webhook and e-mail senders,
retries swept by ``next_attempt_at``, dead letters and replay. See docs/architecture.md.
"""
