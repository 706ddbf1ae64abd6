"""``hub rules``: check a rules file against the active geography, and summarise it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from config.settings import Settings
from hub.rules.directory_checker import directory_gaps
from hub.rules.directory_loader import read_directory_file
from hub.rules.loader import read_rules_file
from hub.rules.model import RuleSet


def known_authorities() -> dict[str, str]:
    """The active geography's children's services authorities, code -> name."""
    from hub.geo import list_authorities  # type: ignore[attr-defined,unused-ignore]

    return {info.code: info.name for info in list_authorities()}


def _default_path() -> Path:
    """The rules file of the running command's settings (``HUB_RULES_PATH``)."""
    settings = click.get_current_context().find_object(Settings)
    if settings is None:
        raise click.UsageError("give the rules file: no settings to find HUB_RULES_PATH in")
    return settings.rules_path


def _load(path: Path | None) -> tuple[Path, RuleSet | None, list[str]]:
    target = path or _default_path()
    try:
        authorities = known_authorities()
    except Exception as exc:  # the geography may be missing or not yet imported
        raise click.ClickException(
            f"cannot read the active geography's authorities: {exc}"
        ) from exc
    rules, problems = read_rules_file(target, authorities)
    return target, rules, [str(problem) for problem in problems]


@click.group()
def rules() -> None:
    """Cluster rules: who receives an enquiry."""


@rules.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check(path: Path | None) -> None:
    """Check a rules file (default: the configured one); exit 1 if anything is wrong."""
    target, rule_set, problems = _load(path)
    if problems or rule_set is None:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{target}: {len(problems)} problem(s); the hub will not load it"
        )
    members = {m.authority for c in rule_set.clusters for m in c.members}
    click.echo(
        f"{target}: valid (version {rule_set.version}): {len(rule_set.clusters)} cluster(s) "
        f"with {len(members)} member council(s), {len(rule_set.authorities)} authorities "
        f"covered, {len(rule_set.overrides)} override(s), {len(rule_set.pauses)} pause(s)."
    )
    _directory_summary(rule_set)


def _directory_summary(rule_set: RuleSet) -> None:
    """What the councils directory does not know yet, in one line (details: hub councils check)."""
    settings = click.get_current_context().find_object(Settings)
    path = settings.councils_path if settings is not None else Settings().councils_path
    directory, problems = read_directory_file(path, rule_set.authorities, rule_set)
    if directory is None or problems:
        click.echo(f"{path}: {len(problems)} problem(s): run `hub councils check`", err=True)
        return
    gaps = directory_gaps(directory, rule_set, date.today())
    click.echo(
        f"{path}: {len(gaps.without_contact)} council(s) without a public contact, "
        f"{len(gaps.incomplete_hubs)} hub(s) whose members are not all known "
        "(`hub councils check` lists them)."
    )


@rules.command("show")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--on",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Show what is in force on this day (YYYY-MM-DD); default today.",
)
def show(path: Path | None, day: object) -> None:
    """Summarise a rules file: clusters, delivery bodies, overrides, pauses, signposts."""
    target, rule_set, problems = _load(path)
    if rule_set is None:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{target}: cannot be read")
    on = day.date() if hasattr(day, "date") else date.today()
    name = rule_set.authorities.get
    click.echo(f"Rules {target} version {rule_set.version}, as on {on.isoformat()}")
    click.echo(
        f"Preference policy: {rule_set.preference_policy}; partial postcode share: "
        f"{rule_set.partial_postcode_share:.0%}; councils in no cluster: {rule_set.unclustered}"
    )
    for cluster in rule_set.clusters:
        current = [m.authority for m in cluster.members if cluster.membership_of(m.authority, on)]
        click.echo(
            f"Cluster {cluster.name} ({cluster.validity.describe()}), lead "
            f"{name(cluster.lead, cluster.lead)}, first contact within "
            f"{cluster.first_contact_working_days} working day(s), {len(current)} member(s) now:"
        )
        for code in current:
            click.echo(f"  {code} {name(code, '?')}")
        route = cluster.connected_persons
        if route is not None:
            team = f" ({route.team})" if route.team else ""
            click.echo(
                f"  connected persons (a child they already know) -> "
                f"{name(route.send_to, route.send_to)}{team}: {route.reason}"
            )
    for body in rule_set.delivery_bodies:
        councils = ", ".join(name(code, code) for code in body.authorities)
        click.echo(f"Delivery body {body.name} ({body.validity.describe()}): {councils}")
    for override in rule_set.overrides:
        click.echo(
            f"Override {override.postcode} -> {name(override.authority, override.authority)} "
            f"({override.validity.describe()}): {override.reason}"
        )
    for pause in rule_set.pauses:
        click.echo(
            f"Pause {name(pause.authority, pause.authority)} -> "
            f"{name(pause.fallback, pause.fallback)} ({pause.validity.describe()}): {pause.reason}"
        )
    for signpost in rule_set.signposts:
        click.echo(f"Signpost {signpost.country}: {signpost.name} {signpost.url}")
    if problems:
        click.echo(f"{len(problems)} problem(s): run `hub rules check`.", err=True)
