"""Typed settings, read from the environment once per process, with embedded defaults.

Every setting is a field of :class:`Settings` and the environment variable ``HUB_`` + its name
in capitals (``delivery_concurrency`` is ``HUB_DELIVERY_CONCURRENCY``). The field's default is
the one default; :func:`load_settings` finds the variable, and the parser for the field's type,
from the dataclass itself. The README lists them all. A malformed value, or production
(``HUB_ENV=production``) without its secrets, is a :class:`SettingsError` whose message names
the variable: the process must not start.

Each process builds its Settings once, at its edge (the app factory, the worker's Celery app,
the ``hub`` command group, gunicorn's configuration), and hands them to the code it calls.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from config.brand_colour import brand_colour_problem

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105
# A fixed development key (Fernet, url-safe base64 of 32 bytes) so the embedded default works
# out of the box. Production must set HUB_ENCRYPTION_KEYS.
DEV_ENCRYPTION_KEY = "dev1:ZGV2LW9ubHkta2V5LWZvci1sb2NhbC11c2UtMzJiISE="

ENV_PREFIX = "HUB_"


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the process must not start."""


def _check_public_base_url(url: str) -> None:
    """HUB_PUBLIC_BASE_URL, when set, is an absolute http(s) URL without query or fragment."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError(
            f"HUB_PUBLIC_BASE_URL must be an absolute http(s) URL like "
            f"https://enquiries.example.org, got {url!r}"
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the hub reads from its environment."""

    env: str = "development"
    data_dir: Path = field(default_factory=lambda: Path("var"))
    database_url: str = ""
    redis_url: str = ""
    # Redis Sentinel (docs/deployment.md): HUB_REDIS_URL names the sentinels
    # (sentinel://[:password@]host:26379[/db];sentinel://host2:26379;...) and this the master
    # they watch. Empty: HUB_REDIS_URL is the Redis server itself.
    redis_sentinel_master: str = ""
    # Beat runs on every machine; one holds this lock in Redis and sends the jobs (RedBeat).
    # A beat that dies is replaced within the lock's life plus one loop (at most 5 s).
    beat_lock_seconds: int = 30
    # PostgreSQL connections per process (SQLAlchemy's pool): kept open, and the most beyond
    # them, and how long a request waits for one (docs/deployment.md, "Connections").
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout: float = 30.0
    # HUB_DATABASE_URL is PgBouncer in transaction mode: no prepared statements.
    db_pgbouncer: bool = False
    # Reports read here when set (a PostgreSQL replica); everything else reads the primary.
    reports_database_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    encryption_keys: str = DEV_ENCRYPTION_KEY
    # Empty: the data directory's geo/ (resolved_geo_dir).
    geo_dir: str = ""
    rules_path: Path = field(
        default_factory=lambda: Path(__file__).parent / "rules" / "england.yaml"
    )
    # The directory of councils and hubs: public contacts, brand names, confirmed targets.
    councils_path: Path = field(
        default_factory=lambda: Path(__file__).parent / "councils" / "england.yaml"
    )
    intake_rate_limit: str = "60/minute"
    form_rate_limit: str = "300/minute"
    max_body_bytes: int = 32 * 1024
    # A council's file of outcomes from its case system (10,000 rows at most, ~60 bytes each).
    max_import_bytes: int = 2 * 1024 * 1024
    idempotency_ttl_hours: int = 24
    # An enquiry that was only signposted (outside England) is anonymised this many days after
    # the hub signposted it: the hub's own choice of the least it needs (a copy of what it
    # told the person), not a period set in law.
    signposted_retention_days: int = 30
    outbox_sweep_seconds: float = 10.0
    outbox_stale_seconds: float = 30.0
    task_soft_time_limit: int = 60
    task_time_limit: int = 90
    # A message a killed worker took is back in its queue after this long (kombu's Redis
    # transport); kept above the task time limit and short enough that a kill is not an hour.
    visibility_timeout: int = 300
    log_json: bool = False
    public_base_url: str = ""
    # How many proxies in front of the hub set X-Forwarded-For and -Proto (0: ignore them, as
    # a client can forge them); with the right count the rate limiter sees the client's address.
    trusted_proxies: int = 0
    # Readiness and supervision. How often a worker says it is alive (the heartbeat /readyz
    # reads):
    worker_heartbeat_seconds: float = 5.0
    # Work waiting this long with no task started by any worker: the worker is stalled.
    worker_stall_seconds: float = 120.0
    # gunicorn's worker processes and threads per process (config/gunicorn.py).
    api_workers: int = 2
    api_threads: int = 4
    # `hub run`'s worker processes: routing (and beat's maintenance jobs) never waits behind
    # deliveries, which have their own pool.
    routing_concurrency: int = 2
    delivery_concurrency: int = 4
    # Enquiries still unrouted after this long mean routing is falling behind (/readyz 503,
    # /metrics, the operators' queue page).
    routing_lag_seconds: float = 60.0
    # Delivery (hub/delivery): webhooks and e-mail to councils and operators.
    webhook_allow_private: bool = False
    webhook_connect_timeout: float = 5.0
    webhook_read_timeout: float = 10.0
    delivery_sweep_seconds: float = 5.0
    delivery_lease_seconds: float = 120.0
    delivery_retry_scale: float = 1.0
    delivery_max_attempts: int = 15
    delivery_failing_after: int = 10
    delivery_probe_seconds: float = 60.0
    # Attempts in flight at once for one subscriber (its share of the delivery pool); the
    # rest of its deliveries wait as rows. A slow subscriber (p90 of its recent attempts over
    # delivery_slow_seconds) gets one.
    delivery_subscriber_concurrency: int = 2
    delivery_slow_seconds: float = 4.0
    mail_transport: str = "file"
    mail_from: str = "fostering-hub@localhost"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_ca_file: str = ""
    notify_api_key: str = ""
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_template_id: str = ""
    # Confirmation texts through Notify's SMS API (hub/delivery/text_messages.py): one text
    # template whose whole content is ``((body))``. Empty: no texts are sent. Sent with
    # HUB_NOTIFY_API_KEY, whatever HUB_MAIL_TRANSPORT is.
    notify_sms_template_id: str = ""
    # The bearer token given to Notify for its delivery-status callbacks
    # (``POST /v1/notify/delivery-status``); empty: the callback answers 404.
    notify_callback_token: str = ""
    # How long the link in the confirmation e-mail lets the enquirer withdraw, correct their
    # contact details or withdraw keep-in-touch consent (the hub's own choice, not law).
    enquirer_link_days: int = 30
    # Staff single sign-on (hub/web/staff/oidc_sign_in.py): an OpenID Connect provider such as
    # Microsoft Entra ID; off while the issuer is empty. Domains: "kent.gov.uk=Kent,...".
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_domains: str = ""
    oidc_label: str = "your council account"
    # The brand (docs/branding.md). A service that is not on GOV.UK uses the GOV.UK Design
    # System but not GOV.UK's brand: its own name in the header, its own colour (white text on
    # it must reach WCAG AA), its own logo. A regional hub runs under its own name ("Foster
    # East"). The default colour is the fallback built into the CSS (scripts/govuk_frontend).
    service_name: str = "Fostering enquiry hub"
    brand_colour: str = "#006d77"
    # An SVG or PNG file shown beside the name in the header; empty: the name alone.
    brand_logo: str = ""
    # How the public reaches the hub itself (the footer and the privacy notice).
    public_contact_email: str = ""
    public_contact_phone: str = ""
    # Only a service on GOV.UK may show the crown and GDS Transport: true serves GOV.UK
    # Frontend's own CSS, fonts and images, and the pages without the hub's generic header.
    on_gov_uk: bool = False
    # The privacy notice's facts (hub/web/carer/privacy.py), required in production: who the
    # data controller is ("Kent County Council"; several names separated by ";" are joint
    # controllers), how to reach the data protection officer, and where to write to use the
    # rights the notice lists.
    privacy_controllers: str = ""
    privacy_dpo: str = ""
    privacy_contact: str = ""

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'hub.db').resolve()}"

    @property
    def resolved_geo_dir(self) -> Path:
        return Path(self.geo_dir) if self.geo_dir else self.data_dir / "geo"


def env_var(name: str) -> str:
    """The environment variable of the setting ``name`` (a field of Settings)."""
    return ENV_PREFIX + name.upper()


_TRUE = {"1", "true", "yes", "on"}
# An empty boolean is false, as it always was (``HUB_LOG_JSON=`` in a compose file).
_FALSE = {"0", "false", "no", "off", ""}


def parse_bool(name: str, value: str) -> bool:
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, got {value!r}")


def parse_whole_number(name: str, value: str) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdecimal()):
        raise SettingsError(f"{name} must be a whole number, got {value!r}")
    return int(text)


def parse_number(name: str, value: str) -> float:
    """A finite number, 0 or more (the float settings are durations and scales)."""
    unit = " of seconds" if name.endswith("_SECONDS") else ""
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise SettingsError(f"{name} must be a number{unit} (0 or more), got {value!r}")
    return number


def parse_text(name: str, value: str) -> str:
    return value


def parse_path(name: str, value: str) -> Path:
    return Path(value)


# Settings' field types (as written in the class, which has postponed annotations) -> parser.
PARSERS: dict[str, Callable[[str, str], Any]] = {
    "bool": parse_bool,
    "int": parse_whole_number,
    "float": parse_number,
    "str": parse_text,
    "Path": parse_path,
}

# Variables a hub no longer reads, and what to do instead: set, they stop the process.
RETIRED = {
    # A routing policy belongs to the rules file, which has the one value.
    "HUB_PARTIAL_POSTCODE_SHARE": "set partial_postcode_share in the rules file "
    "(HUB_RULES_PATH) instead",
}


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from an environment mapping (``os.environ`` by default).

    A variable that is not set takes the field's default; one that is set is parsed by its
    field's type, and a malformed value is a SettingsError naming the variable.
    """
    env = os.environ if environ is None else environ
    for name, instead in RETIRED.items():
        if name in env:
            raise SettingsError(f"{name} is no longer read: {instead}")
    given: dict[str, Any] = {}
    for setting in dataclasses.fields(Settings):
        name = env_var(setting.name)
        if name in env:
            given[setting.name] = PARSERS[str(setting.type)](name, env[name])
    settings = Settings(**given)
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    if settings.env not in {"development", "test", "production"}:
        raise SettingsError(
            f"HUB_ENV must be development, test or production, got {settings.env!r}"
        )
    if settings.task_time_limit >= settings.visibility_timeout:
        raise SettingsError("HUB_TASK_TIME_LIMIT must be under HUB_VISIBILITY_TIMEOUT")
    if settings.task_soft_time_limit >= settings.task_time_limit:
        raise SettingsError("HUB_TASK_SOFT_TIME_LIMIT must be under HUB_TASK_TIME_LIMIT")
    _check_delivery(settings)
    if settings.is_production and settings.worker_stall_seconds <= settings.task_time_limit:
        # (Development and tests may set a short stall time to see the check work.)
        raise SettingsError(
            "HUB_WORKER_STALL_SECONDS must be over HUB_TASK_TIME_LIMIT: a worker busy with "
            "its longest task is not stalled"
        )
    if settings.is_production:
        missing = [
            name
            for name, value, dev in (
                ("HUB_SECRET_KEY", settings.secret_key, DEV_SECRET_KEY),
                ("HUB_ENCRYPTION_KEYS", settings.encryption_keys, DEV_ENCRYPTION_KEY),
            )
            if not value or value == dev
        ]
        if not settings.database_url:
            missing.append("HUB_DATABASE_URL")
        if not settings.redis_url:
            missing.append("HUB_REDIS_URL")
        # status_url and Location are built from it, never from the client's Host header.
        if not settings.public_base_url:
            missing.append("HUB_PUBLIC_BASE_URL")
        # The privacy notice must say who is responsible for the enquirer's data.
        missing += [
            env_var(name)
            for name in ("privacy_controllers", "privacy_dpo", "privacy_contact")
            if not getattr(settings, name).strip()
        ]
        if missing:
            raise SettingsError(
                "production refuses to start without: " + ", ".join(sorted(missing))
            )
    if settings.public_base_url:
        _check_public_base_url(settings.public_base_url)
    _check_brand(settings)
    _check_services(settings)


def _check_brand(settings: Settings) -> None:
    problem = brand_colour_problem(settings.brand_colour)
    if problem:
        raise SettingsError(f"HUB_BRAND_COLOUR {problem}")
    if settings.brand_logo and not settings.brand_logo.lower().endswith((".svg", ".png")):
        raise SettingsError(
            f"HUB_BRAND_LOGO must be an .svg or .png file, got {settings.brand_logo!r}"
        )
    if not settings.service_name.strip():
        raise SettingsError("HUB_SERVICE_NAME must not be empty")


def _check_services(settings: Settings) -> None:
    """Redis Sentinel, beat's lock and the database pools (docs/deployment.md)."""
    sentinel = settings.redis_url.startswith("sentinel://")
    if sentinel and not settings.redis_sentinel_master:
        raise SettingsError(
            "HUB_REDIS_URL names Redis Sentinels (sentinel://): set HUB_REDIS_SENTINEL_MASTER "
            "to the name of the master they watch"
        )
    if settings.redis_sentinel_master and not sentinel:
        raise SettingsError(
            "HUB_REDIS_SENTINEL_MASTER is set but HUB_REDIS_URL is not a sentinel:// URL"
        )
    if settings.beat_lock_seconds < 3:
        raise SettingsError(
            f"HUB_BEAT_LOCK_SECONDS must be 3 or more, got {settings.beat_lock_seconds}"
        )
    if settings.db_pool_size < 1:
        raise SettingsError(f"HUB_DB_POOL_SIZE must be 1 or more, got {settings.db_pool_size}")
    if settings.db_pgbouncer and not settings.database_url.startswith("postgresql"):
        raise SettingsError("HUB_DB_PGBOUNCER=true needs a postgresql:// HUB_DATABASE_URL")


def _check_delivery(settings: Settings) -> None:
    if settings.mail_transport not in {"file", "smtp", "notify"}:
        raise SettingsError(
            f"HUB_MAIL_TRANSPORT must be file, smtp or notify, got {settings.mail_transport!r}"
        )
    if settings.mail_transport == "smtp" and not settings.smtp_host:
        raise SettingsError("HUB_MAIL_TRANSPORT=smtp needs HUB_SMTP_HOST")
    if settings.notify_sms_template_id and not settings.notify_api_key:
        raise SettingsError("HUB_NOTIFY_SMS_TEMPLATE_ID needs HUB_NOTIFY_API_KEY")
    if settings.notify_callback_token and len(settings.notify_callback_token) < 10:
        raise SettingsError(
            "HUB_NOTIFY_CALLBACK_TOKEN must be at least 10 characters (Notify's minimum)"
        )
    if settings.enquirer_link_days < 1:
        raise SettingsError(
            f"HUB_ENQUIRER_LINK_DAYS must be at least 1, got {settings.enquirer_link_days}"
        )
    if settings.mail_transport == "notify" and not (
        settings.notify_api_key and settings.notify_template_id
    ):
        raise SettingsError(
            "HUB_MAIL_TRANSPORT=notify needs HUB_NOTIFY_API_KEY and HUB_NOTIFY_TEMPLATE_ID"
        )
    for name in (
        "routing_concurrency",
        "delivery_concurrency",
        "delivery_subscriber_concurrency",
        "api_workers",
        "api_threads",
    ):
        value = getattr(settings, name)
        if value < 1:
            raise SettingsError(f"{env_var(name)} must be 1 or more, got {value}")
    if settings.delivery_lease_seconds <= settings.webhook_connect_timeout + (
        settings.webhook_read_timeout
    ):
        raise SettingsError(
            "HUB_DELIVERY_LEASE_SECONDS must exceed the webhook connect + read timeouts"
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once.

    For a process's edges only (the app factory's default, the worker's Celery app, the
    ``hub`` command group, gunicorn's configuration): the code they call is handed the
    Settings they built.
    """
    return _override if _override is not None else load_settings()


# Settings installed by override_settings(); None means "read the environment".
_override: Settings | None = None


@contextmanager
def override_settings(settings: Settings) -> Iterator[Settings]:
    """Make ``get_settings()`` return ``settings`` inside the block, then what it did before.

    For tests that start an edge (``create_app()`` without settings, the Celery app) with an
    explicit Settings built by ``load_settings({...})`` instead of changing ``os.environ``.
    Blocks nest; the cache is cleared on entry and exit.
    """
    global _override
    previous = _override
    _override = settings
    get_settings.cache_clear()
    try:
        yield settings
    finally:
        _override = previous
        get_settings.cache_clear()
