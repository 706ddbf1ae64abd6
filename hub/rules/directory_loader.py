"""Read the councils directory (YAML) into a :class:`CouncilDirectory`, with the line of each.

Shape problems are collected here with the rules file's reader (same messages, same lines);
what the directory means, and whether it agrees with the rules, is checked by
:mod:`hub.rules.directory_checker`. :func:`load_directory` raises ``RulesError`` rather than
return a directory with any problem in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml
from yaml.nodes import Node, ScalarNode

from hub.rules.directory import (
    CouncilDirectory,
    CouncilEntry,
    HubEntry,
    HubRouting,
    PublicContact,
    TargetConfirmation,
)
from hub.rules.directory_checker import check_directory
from hub.rules.loader import _is_null, _Reader
from hub.rules.model import RuleSet
from hub.rules.problems import Problem, RulesError

_SOURCED = {"source", "as_of"}


def load_directory(
    path: str | Path, known_authorities: Mapping[str, str], rules: RuleSet | None = None
) -> CouncilDirectory:
    """Load and check a directory file; raise :class:`RulesError` listing every problem."""
    directory, problems = read_directory_file(path, known_authorities, rules)
    if problems or directory is None:
        raise RulesError(problems)
    return directory


def read_directory_file(
    path: str | Path, known_authorities: Mapping[str, str], rules: RuleSet | None = None
) -> tuple[CouncilDirectory | None, list[Problem]]:
    """Read and check a directory file: what could be read, and every problem found."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(source, 0, f"cannot read the councils directory: {exc}")]
    return read_directory_text(text, source, known_authorities, rules)


def read_directory_text(
    text: str, source: str, known_authorities: Mapping[str, str], rules: RuleSet | None = None
) -> tuple[CouncilDirectory | None, list[Problem]]:
    """Read and check a directory from YAML text; ``source`` names the file in problems."""
    reader = _DirectoryReader(source)
    directory = reader.read_directory(text)
    problems = list(reader.problems)
    if directory is not None:
        problems.extend(check_directory(directory, known_authorities, rules))
    return directory, sorted(set(problems))


class _DirectoryReader(_Reader):
    def read_directory(self, text: str) -> CouncilDirectory | None:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 0
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Problem(self.source, line, f"malformed YAML: {reason}"))
            return None
        if root is None:
            self.problems.append(Problem(self.source, 1, "the councils directory is empty"))
            return None
        top = self.mapping(
            root, "the councils directory", required={"version", "councils"}, optional={"hubs"}
        )
        if top is None:
            return None
        version = self.string(top.get("version"), "version") or ""
        hubs = self.items(top.get("hubs"), "hubs", self.hub)
        councils: dict[str, CouncilEntry] = {}
        for council in self.items(top.get("councils"), "councils", self.council):
            if council.code in councils:
                self.error_at(
                    council.line,
                    f"council {council.code} is listed twice "
                    f"(first at line {councils[council.code].line})",
                )
                continue
            councils[council.code] = council
        return CouncilDirectory(version, hubs, councils, source=self.source)

    def error_at(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def hub(self, node: Node) -> HubEntry | None:
        fields = self.mapping(
            node,
            "a hub",
            required={"name", "brand", "routing", "members_complete", "source", "as_of"},
            optional={"lead", "members", "member_count", "contact", "first_contact"},
        )
        if fields is None:
            return None
        name = self.string(fields.get("name"), "hub name")
        brand = self.string(fields.get("brand"), "hub brand")
        routing = self.choice(fields.get("routing"), "hub routing", HubRouting)
        lead = self.string(fields["lead"], "hub lead") if "lead" in fields else None
        members = self.items(
            fields.get("members"), "members", lambda child: self.string(child, "member code")
        )
        count_node = fields.get("member_count")
        count = self.integer(count_node, "member_count") if count_node is not None else None
        complete = self.flag(fields.get("members_complete"), "members_complete")
        if name is None or brand is None or routing is None:
            return None
        return HubEntry(
            name=name,
            brand=brand,
            routing=routing,
            members=members,
            lead=lead,
            member_count=count,
            members_complete=bool(complete),
            source=self.string(fields.get("source"), "hub source"),
            as_of=self.text(fields.get("as_of"), "hub as_of"),
            contact=self.public_contact(fields.get("contact")),
            first_contact=self.target(fields.get("first_contact")),
            line=node.start_mark.line + 1,
        )

    def council(self, node: Node) -> CouncilEntry | None:
        fields = self.mapping(
            node, "a council", required={"code", "name"}, optional={"contact", "first_contact"}
        )
        if fields is None:
            return None
        code = self.string(fields.get("code"), "council code")
        name = self.string(fields.get("name"), "council name")
        if code is None or name is None:
            return None
        return CouncilEntry(
            code,
            name,
            self.public_contact(fields.get("contact")),
            self.target(fields.get("first_contact")),
            line=node.start_mark.line + 1,
        )

    def public_contact(self, node: Node | None) -> PublicContact:
        if node is None or _is_null(node):
            return PublicContact()
        fields = self.mapping(node, "contact", required=_SOURCED, optional={"phone", "web"})
        if fields is None:
            return PublicContact()
        phone = self.string(fields["phone"], "phone") if "phone" in fields else None
        web = self.string(fields["web"], "web") if "web" in fields else None
        if "phone" not in fields and "web" not in fields:
            self.error(node, "a contact needs a phone or a web page (or leave it out)")
        return PublicContact(
            phone=phone,
            web=web,
            source=self.string(fields.get("source"), "contact source"),
            as_of=self.text(fields.get("as_of"), "contact as_of"),
        )

    def target(self, node: Node | None) -> TargetConfirmation:
        if node is None or _is_null(node):
            return TargetConfirmation()
        fields = self.mapping(
            node,
            "first_contact",
            required={"confirmed"},
            optional={"working_days"} | _SOURCED,
        )
        if fields is None:
            return TargetConfirmation()
        confirmed = bool(self.flag(fields.get("confirmed"), "first_contact confirmed"))
        days_node = fields.get("working_days")
        days = self.integer(days_node, "working_days") if days_node is not None else None
        source = self.string(fields["source"], "source") if "source" in fields else None
        as_of = self.text(fields["as_of"], "as_of") if "as_of" in fields else None
        if confirmed and (days is None or source is None or as_of is None):
            self.error(
                node,
                "a confirmed first-contact target needs working_days, source and as_of "
                "(who confirmed it, and when)",
            )
            confirmed = False
        return TargetConfirmation(confirmed, days, source, as_of)

    def flag(self, node: Node | None, what: str) -> bool | None:
        value = self.scalar(node)
        if node is None:
            return None
        if not isinstance(value, bool):
            self.error(node, f"{what} must be true or false")
            return None
        return value

    def text(self, node: Node | None, what: str) -> str | None:
        """A non-empty value read as text (a date or a year range such as 2024-25)."""
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            if node is not None:
                self.error(node, f"{what} must be a non-empty value")
            return None
        return str(node.value).strip()
