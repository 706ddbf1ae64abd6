"""Why a hub operator closes an enquiry from triage, and whether the enquirer hears of it.

Closing is for enquiries no council should receive. Who is told, by reason:
- a duplicate of another enquiry: nothing new (the other enquiry carries on, and the enquirer
  already had a confirmation for this one);
- a test, or abusive or spam: nothing (there is nobody to tell, or nothing kind to say);
- not about fostering: a kind e-mail saying so, with where to go instead;
- withdrawn by the enquirer: an e-mail confirming it is closed, as they asked.
The words of the two e-mails are the delivery room's (``hub.delivery.confirmation_mail``).
"""

from __future__ import annotations

from enum import StrEnum


class ClosureReason(StrEnum):
    DUPLICATE = "duplicate"
    TEST = "test"
    ABUSIVE_OR_SPAM = "abusive_or_spam"
    NOT_ABOUT_FOSTERING = "not_about_fostering"
    WITHDRAWN = "withdrawn"


# The reasons the enquirer is e-mailed about (each has words in the delivery room).
TELLS_ENQUIRER = frozenset({ClosureReason.NOT_ABOUT_FOSTERING, ClosureReason.WITHDRAWN})

# The words operators read (the page's radios, a closed enquiry's page).
CLOSURE_WORDS = {
    ClosureReason.DUPLICATE: "A duplicate of another enquiry",
    ClosureReason.TEST: "A test",
    ClosureReason.ABUSIVE_OR_SPAM: "Abusive or spam",
    ClosureReason.NOT_ABOUT_FOSTERING: "Not about fostering",
    ClosureReason.WITHDRAWN: "Withdrawn by the enquirer",
}

# What the enquirer hears, in the operators' words (the hint under each radio).
ENQUIRER_HEARS = {
    ClosureReason.DUPLICATE: "The enquirer is not e-mailed: the other enquiry carries on.",
    ClosureReason.TEST: "Nobody is e-mailed.",
    ClosureReason.ABUSIVE_OR_SPAM: "Nobody is e-mailed.",
    ClosureReason.NOT_ABOUT_FOSTERING: "The enquirer gets a kind e-mail saying so, with where "
    "to go instead (their council, adoption, a worry about a child).",
    ClosureReason.WITHDRAWN: "The enquirer gets an e-mail confirming it is closed.",
}
