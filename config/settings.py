"""Typed settings, read from the environment once, with embedded defaults for development.

Every setting is an environment variable prefixed ``HUB_``. The README lists them all.
Production (``HUB_ENV=production``) refuses to start without its secrets.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105
# A fixed development key (Fernet, url-safe base64 of 32 bytes) so the embedded default works
# out of the box. Production must set HUB_ENCRYPTION_KEYS.
DEV_ENCRYPTION_KEY = "dev1:ZGV2LW9ubHkta2V5LWZvci1sb2NhbC11c2UtMzJiISE="


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the process must not start."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _count(name: str, value: str) -> int:
    if not value.strip().isdecimal() or not value.strip().isascii():
        raise SettingsError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


def _check_public_base_url(url: str) -> None:
    """HUB_PUBLIC_BASE_URL, when set, is an absolute http(s) URL without query or fragment."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError(
            f"HUB_PUBLIC_BASE_URL must be an absolute http(s) URL like "
            f"https://enquiries.example.org, not {url!r}"
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the hub reads from its environment."""

    env: str = "development"
    data_dir: Path = field(default_factory=lambda: Path("var"))
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    encryption_keys: str = DEV_ENCRYPTION_KEY
    geo_dir: Path = field(default_factory=lambda: Path("var/geo"))
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
    idempotency_ttl_hours: int = 24
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
    api_workers: int = 2
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
    # Staff single sign-on (hub/web/staff/oidc_sign_in.py): an OpenID Connect provider such as
    # Microsoft Entra ID; off while the issuer is empty. Domains: "kent.gov.uk=Kent,...".
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_domains: str = ""
    oidc_label: str = "your council account"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'hub.db').resolve()}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from an environment mapping (``os.environ`` by default)."""
    env = os.environ if environ is None else environ
    get = env.get
    data_dir = Path(get("HUB_DATA_DIR", "var"))
    settings = Settings(
        env=get("HUB_ENV", "development"),
        data_dir=data_dir,
        database_url=get("HUB_DATABASE_URL", ""),
        redis_url=get("HUB_REDIS_URL", ""),
        secret_key=get("HUB_SECRET_KEY", DEV_SECRET_KEY),
        encryption_keys=get("HUB_ENCRYPTION_KEYS", DEV_ENCRYPTION_KEY),
        geo_dir=Path(get("HUB_GEO_DIR", str(data_dir / "geo"))),
        rules_path=Path(
            get("HUB_RULES_PATH", str(Path(__file__).parent / "rules" / "england.yaml"))
        ),
        councils_path=Path(
            get("HUB_COUNCILS_PATH", str(Path(__file__).parent / "councils" / "england.yaml"))
        ),
        intake_rate_limit=get("HUB_INTAKE_RATE_LIMIT", "60/minute"),
        form_rate_limit=get("HUB_FORM_RATE_LIMIT", "300/minute"),
        max_body_bytes=int(get("HUB_MAX_BODY_BYTES", str(32 * 1024))),
        idempotency_ttl_hours=int(get("HUB_IDEMPOTENCY_TTL_HOURS", "24")),
        outbox_sweep_seconds=float(get("HUB_OUTBOX_SWEEP_SECONDS", "10")),
        outbox_stale_seconds=float(get("HUB_OUTBOX_STALE_SECONDS", "30")),
        task_soft_time_limit=int(get("HUB_TASK_SOFT_TIME_LIMIT", "60")),
        task_time_limit=int(get("HUB_TASK_TIME_LIMIT", "90")),
        visibility_timeout=int(get("HUB_VISIBILITY_TIMEOUT", "300")),
        log_json=_bool(get("HUB_LOG_JSON", "false")),
        public_base_url=get("HUB_PUBLIC_BASE_URL", ""),
        trusted_proxies=_count("HUB_TRUSTED_PROXIES", get("HUB_TRUSTED_PROXIES", "0")),
        # Readiness and supervision: worker heartbeat and stall time, the API's workers.
        worker_heartbeat_seconds=float(get("HUB_WORKER_HEARTBEAT_SECONDS", "5")),
        worker_stall_seconds=float(get("HUB_WORKER_STALL_SECONDS", "120")),
        api_workers=int(get("HUB_API_WORKERS", "2")),
        routing_concurrency=_count("HUB_ROUTING_CONCURRENCY", get("HUB_ROUTING_CONCURRENCY", "2")),
        delivery_concurrency=_count(
            "HUB_DELIVERY_CONCURRENCY", get("HUB_DELIVERY_CONCURRENCY", "4")
        ),
        routing_lag_seconds=float(get("HUB_ROUTING_LAG_SECONDS", "60")),
        # Delivery (hub/delivery).
        webhook_allow_private=_bool(get("HUB_WEBHOOK_ALLOW_PRIVATE", "false")),
        webhook_connect_timeout=float(get("HUB_WEBHOOK_CONNECT_TIMEOUT", "5")),
        webhook_read_timeout=float(get("HUB_WEBHOOK_READ_TIMEOUT", "10")),
        delivery_sweep_seconds=float(get("HUB_DELIVERY_SWEEP_SECONDS", "5")),
        delivery_lease_seconds=float(get("HUB_DELIVERY_LEASE_SECONDS", "120")),
        delivery_retry_scale=float(get("HUB_DELIVERY_RETRY_SCALE", "1")),
        delivery_max_attempts=int(get("HUB_DELIVERY_MAX_ATTEMPTS", "15")),
        delivery_failing_after=int(get("HUB_DELIVERY_FAILING_AFTER", "10")),
        delivery_probe_seconds=float(get("HUB_DELIVERY_PROBE_SECONDS", "60")),
        delivery_subscriber_concurrency=_count(
            "HUB_DELIVERY_SUBSCRIBER_CONCURRENCY", get("HUB_DELIVERY_SUBSCRIBER_CONCURRENCY", "2")
        ),
        delivery_slow_seconds=float(get("HUB_DELIVERY_SLOW_SECONDS", "4")),
        mail_transport=get("HUB_MAIL_TRANSPORT", "file"),
        mail_from=get("HUB_MAIL_FROM", "fostering-hub@localhost"),
        smtp_host=get("HUB_SMTP_HOST", ""),
        smtp_port=int(get("HUB_SMTP_PORT", "587")),
        smtp_username=get("HUB_SMTP_USERNAME", ""),
        smtp_password=get("HUB_SMTP_PASSWORD", ""),
        smtp_starttls=_bool(get("HUB_SMTP_STARTTLS", "true")),
        smtp_ca_file=get("HUB_SMTP_CA_FILE", ""),
        notify_api_key=get("HUB_NOTIFY_API_KEY", ""),
        notify_base_url=get("HUB_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        notify_template_id=get("HUB_NOTIFY_TEMPLATE_ID", ""),
        # Staff single sign-on (OpenID Connect)
        oidc_issuer=get("HUB_OIDC_ISSUER", ""),
        oidc_client_id=get("HUB_OIDC_CLIENT_ID", ""),
        oidc_client_secret=get("HUB_OIDC_CLIENT_SECRET", ""),
        oidc_domains=get("HUB_OIDC_DOMAINS", ""),
        oidc_label=get("HUB_OIDC_LABEL", "your council account"),
    )
    if "HUB_PARTIAL_POSTCODE_SHARE" in env:
        # Retired: a routing policy belongs to the rules file, which has the one value.
        raise SettingsError(
            "HUB_PARTIAL_POSTCODE_SHARE is no longer read: set partial_postcode_share "
            "in the rules file (HUB_RULES_PATH) instead"
        )
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    if settings.env not in {"development", "test", "production"}:
        raise SettingsError(
            f"HUB_ENV must be development, test or production, not {settings.env!r}"
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
        if missing:
            raise SettingsError(
                "production refuses to start without: " + ", ".join(sorted(missing))
            )
    if settings.public_base_url:
        _check_public_base_url(settings.public_base_url)


def _check_delivery(settings: Settings) -> None:
    if settings.mail_transport not in {"file", "smtp", "notify"}:
        raise SettingsError(
            f"HUB_MAIL_TRANSPORT must be file, smtp or notify, not {settings.mail_transport!r}"
        )
    if settings.mail_transport == "smtp" and not settings.smtp_host:
        raise SettingsError("HUB_MAIL_TRANSPORT=smtp needs HUB_SMTP_HOST")
    if settings.mail_transport == "notify" and not (
        settings.notify_api_key and settings.notify_template_id
    ):
        raise SettingsError(
            "HUB_MAIL_TRANSPORT=notify needs HUB_NOTIFY_API_KEY and HUB_NOTIFY_TEMPLATE_ID"
        )
    for name, value in (
        ("HUB_ROUTING_CONCURRENCY", settings.routing_concurrency),
        ("HUB_DELIVERY_CONCURRENCY", settings.delivery_concurrency),
        ("HUB_DELIVERY_SUBSCRIBER_CONCURRENCY", settings.delivery_subscriber_concurrency),
    ):
        if value < 1:
            raise SettingsError(f"{name} must be 1 or more")
    if settings.delivery_lease_seconds <= settings.webhook_connect_timeout + (
        settings.webhook_read_timeout
    ):
        raise SettingsError(
            "HUB_DELIVERY_LEASE_SECONDS must exceed the webhook connect + read timeouts"
        )


# Settings installed by override_settings(); None means "read the environment".
_override: Settings | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once (or the ones override_settings installed)."""
    return _override if _override is not None else load_settings()


@contextmanager
def override_settings(settings: Settings) -> Iterator[Settings]:
    """Make ``get_settings()`` return ``settings`` inside the block, then what it did before.

    For tests (and tools) that build an explicit Settings with ``load_settings({...})``
    instead of changing ``os.environ``. Blocks nest; the process-wide cache is cleared on
    entry and exit, so code outside the block reads the environment again.
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
