"""Read a rules file into a :class:`RuleSet`, remembering the line of everything it reads.

The YAML is composed into nodes (``yaml.compose``) rather than loaded, so every key and value
keeps its line; shape problems (malformed YAML, missing or unknown keys, wrong types) are
collected here, and the meaning is checked by :mod:`hub.rules.checker`.
:func:`load_rules` is what a running hub calls: it raises :class:`RulesError` rather than
return a rule set with any problem in it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hub.rules.checker import check_rule_set
from hub.rules.model import (
    Cluster,
    ConnectedPersonsRoute,
    Contact,
    DeliveryBody,
    Membership,
    Override,
    Pause,
    PreferencePolicy,
    RuleSet,
    Signpost,
    UnclusteredRoute,
    Validity,
)
from hub.rules.postcodes import parse_area
from hub.rules.problems import Problem, RulesError
from hub.rules.tracking_loader import CLOCK_KEYS, TrackingReader
from hub.rules.tracking_policy import ClockTargets

SIGNPOST_COUNTRIES = ("wales", "scotland", "northern_ireland", "channel_islands", "isle_of_man")
_VALIDITY = frozenset({"valid_from", "valid_until"})
_NULL = "tag:yaml.org,2002:null"
T = TypeVar("T")


def load_rules(path: str | Path, known_authorities: Mapping[str, str]) -> RuleSet:
    """Load and check a rules file; raise :class:`RulesError` listing every problem."""
    rules, problems = read_rules_file(path, known_authorities)
    if problems or rules is None:
        raise RulesError(problems)
    return rules


def read_rules_file(
    path: str | Path, known_authorities: Mapping[str, str]
) -> tuple[RuleSet | None, list[Problem]]:
    """Read and check a rules file, returning what could be read and every problem found."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(source, 0, f"cannot read the rules file: {exc}")]
    return read_rules_text(text, source, known_authorities)


def read_rules_text(
    text: str, source: str, known_authorities: Mapping[str, str]
) -> tuple[RuleSet | None, list[Problem]]:
    """Read and check rules from YAML text; ``source`` names the file in problems."""
    reader = _Reader(source)
    rules = reader.read(text, known_authorities)
    problems = list(reader.problems)
    if rules is not None:
        problems.extend(check_rule_set(rules))
    return rules, sorted(set(problems))


class _Reader(TrackingReader):
    """Turns composed YAML nodes into model objects, collecting problems as it goes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.clock_defaults = ClockTargets()

    def error(self, node: Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 0
        self.problems.append(Problem(self.source, line, message))

    def read(self, text: str, known: Mapping[str, str]) -> RuleSet | None:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark is not None else 0
            reason = getattr(exc, "problem", None) or str(exc)
            context = getattr(exc, "context", None)
            context_mark = getattr(exc, "context_mark", None)
            if context and context_mark is not None and context_mark is not mark:
                reason += f" ({context} on line {context_mark.line + 1})"
            self.problems.append(Problem(self.source, line, f"malformed YAML: {reason}"))
            return None
        if root is None:
            self.problems.append(Problem(self.source, 1, "the rules file is empty"))
            return None
        top = self.mapping(
            root,
            "the rules file",
            required={"version", "preference_policy", "partial_postcode_share", "unclustered"},
            optional={
                "default_first_contact_working_days",
                "clusters",
                "delivery_bodies",
                "overrides",
                "pauses",
                "signposts",
                "tracking",
            },
        )
        if top is None:
            return None
        tracking = self.tracking(top.get("tracking"))
        self.clock_defaults = tracking.clocks
        version = self.string(top.get("version"), "version") or ""
        policy = self.choice(top.get("preference_policy"), "preference_policy", PreferencePolicy)
        share = self.number(top.get("partial_postcode_share"), "partial_postcode_share")
        if share is not None and not 0 < share <= 1:
            self.error(top["partial_postcode_share"], "partial_postcode_share must be in (0, 1]")
        unclustered = self.choice(top.get("unclustered"), "unclustered", UnclusteredRoute)
        days_node = top.get("default_first_contact_working_days")
        days = self.integer(days_node, "default_first_contact_working_days") if days_node else 1
        # The default is the first-contact clock of councils in no cluster: kept there alone.
        default_days = days if days is not None else 1
        clocks = replace(tracking.clocks, first_contact_working_days=default_days)
        tracking = replace(tracking, clocks=clocks)
        return RuleSet(
            version=version,
            authorities=dict(known),
            clusters=self.items(top.get("clusters"), "clusters", self.cluster),
            delivery_bodies=self.items(
                top.get("delivery_bodies"), "delivery_bodies", self.delivery_body
            ),
            overrides=self.items(top.get("overrides"), "overrides", self.override),
            pauses=self.items(top.get("pauses"), "pauses", self.pause),
            signposts=self.signposts(top.get("signposts")),
            preference_policy=policy or PreferencePolicy.WITHIN_CLUSTER,
            partial_postcode_share=share if share is not None else 1.0,
            unclustered=unclustered or UnclusteredRoute.AUTHORITY,
            tracking=tracking,
            source=self.source,
            key_lines={key: value.start_mark.line + 1 for key, value in top.items()},
        )

    # -- sections --------------------------------------------------------------------------

    def items(
        self, node: Node | None, what: str, read_one: Callable[[Node], T | None]
    ) -> tuple[T, ...]:
        if node is None or _is_null(node):
            return ()
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list")
            return ()
        return tuple(item for item in (read_one(child) for child in node.value) if item)

    def cluster(self, node: Node) -> Cluster | None:
        fields = self.mapping(
            node,
            "a cluster",
            required={"name", "lead", "members", "first_contact_working_days"},
            optional={"contact", "connected_persons"} | _VALIDITY | CLOCK_KEYS,
        )
        if fields is None:
            return None
        name = self.string(fields.get("name"), "cluster name")
        lead = self.string(fields.get("lead"), "cluster lead")
        days = self.integer(fields.get("first_contact_working_days"), "first_contact_working_days")
        members = self.items(fields.get("members"), "members", self.member)
        contact = self.contact(fields.get("contact"))
        connected = self.connected_persons(fields.get("connected_persons"))
        validity = self.validity(fields)
        if name is None or lead is None or validity is None:
            return None
        line = node.start_mark.line + 1
        targets = self.clock_values(fields, self.clock_defaults)
        # A bad day count is already a problem; keep the cluster so its members are checked.
        targets = replace(targets, first_contact_working_days=days or 0)
        return Cluster(
            name, lead, members, targets, contact, validity, line=line, connected_persons=connected
        )

    def connected_persons(self, node: Node | None) -> ConnectedPersonsRoute | None:
        if node is None or _is_null(node):
            return None
        fields = self.mapping(
            node, "connected_persons", required={"send_to", "reason"}, optional={"team"}
        )
        if fields is None:
            return None
        send_to = self.string(fields.get("send_to"), "connected_persons send_to")
        reason = self.string(fields.get("reason"), "connected_persons reason")
        team = self.string(fields["team"], "connected_persons team") if "team" in fields else None
        if send_to is None or reason is None:
            return None
        return ConnectedPersonsRoute(send_to, reason, team, line=node.start_mark.line + 1)

    def member(self, node: Node) -> Membership | None:
        if isinstance(node, ScalarNode):
            code = self.string(node, "member authority")
            return Membership(code, line=node.start_mark.line + 1) if code else None
        fields = self.mapping(node, "a member", required={"authority"}, optional=_VALIDITY)
        if fields is None:
            return None
        code = self.string(fields.get("authority"), "member authority")
        validity = self.validity(fields)
        if code is None or validity is None:
            return None
        return Membership(code, validity, line=node.start_mark.line + 1)

    def contact(self, node: Node | None) -> Contact:
        if node is None:
            return Contact()
        fields = self.mapping(
            node, "contact", required=set(), optional={"phone", "email", "website"}
        )
        if fields is None:
            return Contact()
        return Contact(
            phone=self.string(fields["phone"], "phone") if "phone" in fields else None,
            email=self.string(fields["email"], "email") if "email" in fields else None,
            website=self.string(fields["website"], "website") if "website" in fields else None,
        )

    def delivery_body(self, node: Node) -> DeliveryBody | None:
        fields = self.mapping(
            node, "a delivery body", required={"name", "authorities"}, optional=_VALIDITY
        )
        if fields is None:
            return None
        name = self.string(fields.get("name"), "delivery body name")
        codes = self.items(
            fields.get("authorities"),
            "authorities",
            lambda child: self.string(child, "authority code"),
        )
        validity = self.validity(fields)
        if name is None or validity is None:
            return None
        return DeliveryBody(name, codes, validity, line=node.start_mark.line + 1)

    def override(self, node: Node) -> Override | None:
        fields = self.mapping(
            node, "an override", required={"postcode", "authority", "reason"}, optional=_VALIDITY
        )
        if fields is None:
            return None
        text = self.string(fields.get("postcode"), "override postcode")
        area = parse_area(text) if text is not None else None
        if text is not None and area is None:
            self.error(
                fields["postcode"],
                f"override postcode {text!r} is not a postcode district (RG1), "
                "sector (RG1 2) or full postcode (RG1 2AB)",
            )
        authority = self.string(fields.get("authority"), "override authority")
        reason = self.string(fields.get("reason"), "override reason")
        validity = self.validity(fields)
        if area is None or authority is None or reason is None or validity is None:
            return None
        return Override(str(area), authority, reason, validity, line=node.start_mark.line + 1)

    def pause(self, node: Node) -> Pause | None:
        fields = self.mapping(
            node, "a pause", required={"authority", "fallback", "reason"}, optional=_VALIDITY
        )
        if fields is None:
            return None
        authority = self.string(fields.get("authority"), "paused authority")
        fallback = self.string(fields.get("fallback"), "pause fallback")
        reason = self.string(fields.get("reason"), "pause reason")
        validity = self.validity(fields)
        if authority is None or fallback is None or reason is None or validity is None:
            return None
        return Pause(authority, fallback, reason, validity, line=node.start_mark.line + 1)

    def signposts(self, node: Node | None) -> tuple[Signpost, ...]:
        if node is None or _is_null(node):
            return ()
        countries = self.mapping(
            node, "signposts", required=set(), optional=set(SIGNPOST_COUNTRIES)
        )
        if countries is None:
            return ()
        found: list[Signpost] = []
        for country in SIGNPOST_COUNTRIES:
            if country not in countries:
                continue
            item = countries[country]
            fields = self.mapping(
                item, f"the {country} signpost", required={"name", "url", "text"}, optional=set()
            )
            if fields is None:
                continue
            name = self.string(fields.get("name"), "signpost name")
            url = self.string(fields.get("url"), "signpost url")
            text = self.string(fields.get("text"), "signpost text")
            if name and url and text:
                found.append(Signpost(country, name, url, text, line=item.start_mark.line + 1))
        return tuple(found)

    # -- values ----------------------------------------------------------------------------

    def mapping(
        self, node: Node, what: str, *, required: AbstractSet[str], optional: AbstractSet[str]
    ) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values")
            return None
        allowed = required | optional
        fields: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                self.error(key_node, f"{what} has a key that is not a plain name")
            elif key in fields:
                self.error(key_node, f"{what} has the key {key!r} twice")
            elif key not in allowed:
                expected = ", ".join(sorted(allowed))
                self.error(key_node, f"unknown key {key!r} in {what} (expected: {expected})")
            else:
                fields[key] = value_node
        for key in sorted(required - fields.keys()):
            self.error(node, f"{what} is missing the key {key!r}")
        return fields

    def string(self, node: Node | None, what: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag == _NULL or not str(node.value).strip():
            self.error(node, f"{what} must be a non-empty text value")
            return None
        return str(node.value).strip()

    def integer(self, node: Node | None, what: str) -> int | None:
        value = self.scalar(node)
        if node is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.error(node, f"{what} must be a whole number of days (0 or more)")
            return None
        return value

    def number(self, node: Node | None, what: str) -> float | None:
        value = self.scalar(node)
        if node is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.error(node, f"{what} must be a number")
            return None
        return float(value)

    def choice(self, node: Node | None, what: str, kind: type[T]) -> T | None:
        text = self.string(node, what)
        if text is None:
            return None
        try:
            return kind(text)  # type: ignore[call-arg]
        except ValueError:
            options = ", ".join(str(option) for option in kind)  # type: ignore[attr-defined]
            self.error(node, f"{what} must be one of {options}, not {text!r}")
            return None

    def day(self, node: Node, what: str) -> date | None:
        value = self.scalar(node)
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.error(node, f"{what} must be a date written YYYY-MM-DD")
            return None
        return value

    def validity(self, fields: Mapping[str, Node]) -> Validity | None:
        """The validity of a rule; ``None`` (after an error) when a date is unreadable."""
        start_node, end_node = fields.get("valid_from"), fields.get("valid_until")
        start = self.day(start_node, "valid_from") if start_node is not None else None
        end = self.day(end_node, "valid_until") if end_node is not None else None
        if (start_node is not None and start is None) or (end_node is not None and end is None):
            return None
        validity = Validity(start, end)
        if validity.is_empty:
            self.error(
                end_node,
                f"empty date range: valid_until {end} is before valid_from {start}, "
                "so the rule would never apply",
            )
            return None
        return validity

    def scalar(self, node: Node | None) -> object:
        if not isinstance(node, ScalarNode):
            return None
        try:
            return yaml.SafeLoader("").construct_object(node)
        except (yaml.YAMLError, ValueError):
            # ValueError: a date-shaped value that is no date (2026-13-01) crashed the reader.
            return None


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL
