"""The one rule for a hub operator's route by hand, in words the engine and the page share.

A person at the hub decides what the rules could not (a postcode not in the directory, a split
postcode, a preference the rules refused), usually after speaking to the enquirer, so the
enquirer's regional hub does not bind the choice: the preference policy (``within_cluster``)
is for the enquirer's own choice, made without anyone checking it. What still binds the
operator are the facts about the receiving council (it must be in the rules, must not have
paused intake, and, with ``unclustered: triage``, must be in a hub), and the law: when the
council chosen is not the council of the enquirer's full postcode, that home council is told
and consulted (Fostering Services (England) Regulations 2011, reg 26(1A)(d)). The reason the
operator gives is kept with the decision, which the receiving council reads.
"""

from __future__ import annotations

OPERATOR_ROUTE_RULE = (
    "You may send it to any council in the rules, inside or outside the enquirer's regional "
    "hub, unless that council has paused intake. If it is not the council of the enquirer's "
    "postcode, that council is told and consulted (Fostering Services (England) Regulations "
    "2011, reg 26(1A)(d)). Your reason is kept with the decision and the council reads it."
)
