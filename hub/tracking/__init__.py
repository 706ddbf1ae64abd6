"""Tracking: each enquiry's journey after the handover, its clocks in working days, the
retention follow-ups, the reports, and anonymisation when the retention period ends.

Councils record stages (``record_stage``) and follow-up outcomes (``record_outcome``); beat
sweeps start and breach clocks (``sweep_clocks``), create follow-ups (``create_follow_ups``),
send the daily digest (``send_digest``) and anonymise (``anonymise``). See
docs/architecture.md.
"""
