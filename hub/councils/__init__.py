"""Councils: whether each council can act on a referral (readiness), what operators see of
the councils that cannot, readiness over time, and the ``hub councils`` directory commands.

The directory itself (contacts, brands, confirmed targets) is data read by
``hub.rules.directory_loader``; this room adds what the database knows: staff accounts that
sign in, webhooks and mailboxes that work.
"""
