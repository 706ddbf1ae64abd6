"""A council recruitment team's pages (``/council/``): referrals, their journeys, follow-ups
and notifications. Imports ``hub.web.staff`` and ``hub.web.shared``, never the operators' pages."""
