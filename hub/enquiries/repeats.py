"""Repeat enquiries: has this person enquired before? Matched by blind index, never merged.

An enquiry matches an earlier one with the same e-mail address, the same phone number, or the
same full name at the same full postcode. The router records the matches when it first
decides an enquiry (``record_repeat_matches``, in its transaction), and the enquiry joins the
earlier ones' person group (``person_key``: the id of the group's earliest enquiry), which is
what reports count as people. Nothing else changes: both enquiries stay, each with its own
council, and a council sees the other's details only when it holds it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from hub.enquiries.models import DuplicateMark, Enquiry, RepeatMatch
from hub.enquiries.search_keys import EMAIL, PHONE

# A person who has enquired more often than this is matched with the latest ones only.
MAX_MATCHES = 50


def matched_on(enquiry: Enquiry, earlier: Enquiry) -> list[str]:
    """Which of the details matched: ``email``, ``phone``, ``name_and_postcode``."""
    found = []
    if enquiry.email_index and enquiry.email_index == earlier.email_index:
        found.append("email")
    if enquiry.phone_index and enquiry.phone_index == earlier.phone_index:
        found.append("phone")
    if (
        enquiry.name_index
        and enquiry.postcode_index
        and (enquiry.name_index, enquiry.postcode_index)
        == (earlier.name_index, earlier.postcode_index)
    ):
        found.append("name_and_postcode")
    return found


def find_earlier_enquiries(session: Session, enquiry: Enquiry) -> list[Enquiry]:
    """Earlier enquiries by the same person, newest first (each index lookup is one seek)."""
    conditions = []
    for column in (EMAIL, PHONE):
        value = getattr(enquiry, column)
        if value:
            conditions.append(getattr(Enquiry, column) == value)
    if enquiry.name_index and enquiry.postcode_index:
        conditions.append(
            and_(
                Enquiry.name_index == enquiry.name_index,
                Enquiry.postcode_index == enquiry.postcode_index,
            )
        )
    if not conditions:
        return []
    return list(
        session.scalars(
            select(Enquiry)
            .where(or_(*conditions), Enquiry.id != enquiry.id)
            .where(
                or_(
                    Enquiry.created_at < enquiry.created_at,
                    and_(Enquiry.created_at == enquiry.created_at, Enquiry.id < enquiry.id),
                )
            )
            .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
            .limit(MAX_MATCHES)
        )
    )


def record_repeat_matches(session: Session, enquiry: Enquiry, now: datetime) -> list[RepeatMatch]:
    """Record the earlier enquiries this one repeats, and set its person group.

    In the caller's transaction; safe to run again (a match already recorded is skipped). When
    the enquiry joins two groups at once (its e-mail matched one earlier enquiry, its phone
    another), the groups become one: the earliest key wins.
    """
    earlier = find_earlier_enquiries(session, enquiry)
    known = set(
        session.scalars(select(RepeatMatch.earlier_id).where(RepeatMatch.enquiry_id == enquiry.id))
    )
    added = []
    for other in earlier:
        if other.id in known:
            continue
        match = RepeatMatch(
            enquiry_id=enquiry.id,
            earlier_id=other.id,
            matched_on=matched_on(enquiry, other),
            found_at=now,
        )
        session.add(match)
        added.append(match)
    groups = {other.person_key or other.id for other in earlier}
    person = min(groups | {enquiry.person_key or enquiry.id})
    enquiry.person_key = person
    merged = groups - {person}
    if merged:
        session.execute(
            update(Enquiry)
            .where(Enquiry.person_key.in_(sorted(merged)))
            .values(person_key=person)
            .execution_options(synchronize_session=False)
        )
    for other in earlier:
        if other.person_key is None:
            # An earlier enquiry not yet decided (still in the router's queue) joins now.
            session.execute(
                update(Enquiry)
                .where(Enquiry.id == other.id, Enquiry.person_key.is_(None))
                .values(person_key=person)
                .execution_options(synchronize_session=False)
            )
    return added


def forget_repeat_links(session: Session, enquiry: Enquiry) -> None:
    """Remove an enquiry's readable links to its person (retention anonymises it): its repeat
    matches and duplicate marks, in the caller's transaction.

    Its ``person_key`` stays: an opaque group id that no page or API shows, kept so that the
    reports' people counts do not change when retention runs (as no report count does).
    """
    session.execute(
        delete(RepeatMatch).where(
            or_(RepeatMatch.enquiry_id == enquiry.id, RepeatMatch.earlier_id == enquiry.id)
        )
    )
    session.execute(
        delete(DuplicateMark).where(
            or_(DuplicateMark.enquiry_id == enquiry.id, DuplicateMark.duplicate_of_id == enquiry.id)
        )
    )
