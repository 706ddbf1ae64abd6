"""Finding people: repeat enquiries by the same person, duplicates a council marks, reindexing.

Search itself is the council inbox's (``hub.referrals.search``); this room is what stands
above the journey: the repeat-enquiry note (with the earlier enquiry's outcome), the
duplicate marks, the operators' view of both, and ``hub enquiries reindex``.
"""
