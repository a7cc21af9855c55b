"""The signed-in person: a session cookie holding their token and a CSRF secret, and the checks on it.

The cookie is signed (itsdangerous) so it cannot be forged or altered, HttpOnly so no script reads the token,
SameSite=Lax so another site's form does not carry it, and Secure outside development. Every form carries the
session's CSRF token; a POST without it, or with another, is refused.
"""

import asyncio
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from common.auth import Principal, TokenVerifier
from common.errors import Problem
from console.config import ConsoleSettings

COOKIE = "sn_session"
FLOW_COOKIE = "sn_signin"  # the sign-in in progress: state, nonce and PKCE verifier, for ten minutes
FLOW_MAX_AGE_S = 600


class SignInRequired(Problem):
    slug, title, status = "sign-in-required", "Sign in required", 401
    title_zh = "请先登录"


class CsrfRefused(Problem):
    slug, title, status = "csrf-refused", "The form is stale or was not sent by this console", 403
    title_zh = "表单已失效，请刷新页面后重新提交"


@dataclass(frozen=True)
class Session:
    token: str
    csrf: str
    principal: Principal


def serializer(settings: ConsoleSettings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.console_session_key.get_secret_value(), salt=salt)


def set_cookie(response: Response, settings: ConsoleSettings, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        secure=not settings.development,
        samesite="lax",
        path="/",
    )


def start_session(response: Response, settings: ConsoleSettings, token: str) -> None:
    value = serializer(settings, COOKIE).dumps({"t": token, "c": secrets.token_urlsafe(32)})
    set_cookie(response, settings, COOKIE, value, settings.session_max_age_s)


def read_signed(request: Request, settings: ConsoleSettings, name: str, max_age: int) -> dict[str, Any] | None:
    raw = request.cookies.get(name)
    if not raw:
        return None
    try:
        data = serializer(settings, name).loads(raw, max_age=max_age)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


async def current_session(request: Request) -> Session:
    settings: ConsoleSettings = request.app.state.settings
    data = read_signed(request, settings, COOKIE, settings.session_max_age_s)
    if data is None or not isinstance(data.get("t"), str) or not isinstance(data.get("c"), str):
        raise SignInRequired()
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = verifier.cached(data["t"])
    if principal is None:
        try:  # the provider's keys may be fetched: off the event loop, as the services do
            principal = await asyncio.to_thread(verifier.verify, data["t"])
        except Problem as exc:  # expired or no longer valid: sign in again
            raise SignInRequired() from exc
    session = Session(token=data["t"], csrf=data["c"], principal=principal)
    request.state.session = session
    return session


CurrentSession = Annotated[Session, Depends(current_session)]


async def checked_form(request: Request, session: CurrentSession) -> dict[str, Any]:
    """The form's fields, once its CSRF token is the session's (every POST of the console goes through here)."""
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf):
        raise CsrfRefused()
    return {k: form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k) for k in form}


CheckedForm = Annotated[dict[str, Any], Depends(checked_form)]
