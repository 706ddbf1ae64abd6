"""Tracking: each enquiry's journey to approval, working-day clocks and retention follow-ups
(issue 10, not built yet).

Planned here: journey stages recorded by councils, clocks and their breaches, follow-ups
(for example a carer's 6-month retention check-in) as rows with a due date that beat sweeps,
and the reports. See docs/architecture.md.
"""
