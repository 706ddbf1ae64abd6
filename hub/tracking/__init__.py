"""Tracking: each enquiry's journey after the handover, its clocks in working days, the
retention follow-ups, the reports, and anonymisation when the retention period ends.

A handover starts and stops first-contact clocks (``handover_clocks``, called by
``referrals.record_routing`` in its transaction). Councils record stages (``record_stage``,
which creates the follow-ups a stage calls for, ``follow_up_plan``) and follow-up outcomes
(``record_outcome``). Beat's sweeps are for time passing, and a safety net idempotent with
those events: they breach clocks (``sweep_clocks``), bring yearly check-ins due
(``create_follow_ups``), send the daily digest (``send_digest``) and anonymise
(``anonymise``). See docs/architecture.md.
"""
