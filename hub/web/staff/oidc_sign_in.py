"""Single sign-on for councils on Microsoft Entra ID and similar (OpenID Connect, Authlib).

Configured in settings (``HUB_OIDC_ISSUER``, ``HUB_OIDC_CLIENT_ID``/``SECRET``,
``HUB_OIDC_DOMAINS``: ``kent.gov.uk=Kent,medway.gov.uk=Medway``). A person whose verified
address is at a listed domain signs in as a member of that council's team (the account is
made on first sign-in); an existing account signs in with its own scope, whatever the
domain. Anyone else is refused. Off (no routes answer) while the issuer is empty.
"""

from __future__ import annotations

from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    Flask,
    current_app,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from config.settings import Settings
from hub.access.manage_staff import find_or_add_sso_user
from hub.access.manage_tokens import TokenScopeChoice, UnknownScopeError, resolve_token_scope
from hub.platform.errors import NotFoundError
from hub.platform.extensions import get_db
from hub.web.staff.next_page import safe_next
from hub.web.staff.session import NEXT_KEY, finish_sign_in

bp = Blueprint("staff_oidc", __name__)

OAUTH_EXTENSION = "hub_oauth"


class OidcConfigError(ValueError):
    """HUB_OIDC_DOMAINS names a council the hub does not know, or is malformed."""


def parse_domains(text: str) -> dict[str, TokenScopeChoice]:
    """``kent.gov.uk=Kent, medway.gov.uk=E06000035`` -> each domain's council."""
    found: dict[str, TokenScopeChoice] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        domain, equals, council = entry.partition("=")
        if not equals or not domain.strip() or not council.strip():
            raise OidcConfigError(f"HUB_OIDC_DOMAINS: {entry!r} is not domain=council")
        try:
            found[domain.strip().lower()] = resolve_token_scope(council.strip(), hub_operator=False)
        except UnknownScopeError as exc:
            raise OidcConfigError(f"HUB_OIDC_DOMAINS: {exc}") from None
    return found


def register_oidc(app: Flask, settings: Settings) -> None:
    """Register the provider and its routes when an issuer is configured."""
    if not settings.oidc_issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        "council",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile"},
    )
    app.extensions[OAUTH_EXTENSION] = (oauth, parse_domains(settings.oidc_domains))
    app.register_blueprint(bp)


def _provider() -> tuple[Any, dict[str, TokenScopeChoice]]:
    found = current_app.extensions.get(OAUTH_EXTENSION)
    if found is None:
        raise NotFoundError()
    oauth, domains = found
    return oauth.council, domains


@bp.route("/sign-in/sso", methods=["GET"])
def start() -> BaseResponse:
    client, _ = _provider()
    wanted = safe_next(request.args.get("next"))
    if wanted:
        session[NEXT_KEY] = wanted
    settings = current_app.config["HUB_SETTINGS"]
    base = settings.public_base_url.rstrip("/")
    # The provider sends the browser back to the public address, never to the request's Host.
    callback = (
        base + url_for("staff_oidc.callback")
        if base
        else url_for("staff_oidc.callback", _external=True)
    )
    response: BaseResponse = client.authorize_redirect(callback)
    return response


def _refused() -> tuple[str, int]:
    return render_template("staff/sso_refused.html"), 403


@bp.route("/sign-in/sso/callback", methods=["GET"])
def callback() -> BaseResponse | tuple[str, int]:
    client, domains = _provider()
    try:
        token = client.authorize_access_token()
    except AuthlibBaseError:
        return _refused()
    claims: dict[str, Any] = dict(token.get("userinfo") or {})
    email = str(claims.get("email") or claims.get("preferred_username") or "")
    if claims.get("email_verified") is False or "@" not in email:
        return _refused()
    domain = email.rpartition("@")[2].lower()
    user = find_or_add_sso_user(get_db(), email, domains.get(domain))
    if user is None:
        return _refused()
    return finish_sign_in(user, "oidc")
