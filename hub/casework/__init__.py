"""A council's casework on a referral it holds: who owns it (the duty tray), the contact log,
free notes, and closing it as "no response" (docs/architecture.md, the rooms table)."""
