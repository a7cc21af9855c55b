"""Signing in with the identity provider (authorization code with PKCE), the session cookie, CSRF on every
form, and the development sign-in that exists only in development. No database or broker: the fast tier."""

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from common.auth import issue_token
from console.config import ConsoleSettings
from console.main import create_console

IDP = "https://sso.test.invalid/realms/county/protocol/openid-connect"


class Provider:
    """An identity provider's token endpoint: a code is good once, for the verifier of its challenge."""

    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.codes: dict[str, str] = {}  # code -> the challenge the browser brought to the authorization
        self.app = Starlette(routes=[Route(f"{urlparse(IDP).path}/token", self.token, methods=["POST"])])

    def authorize(self, location: str) -> str:
        query = parse_qs(urlparse(location).query)
        assert query["code_challenge_method"] == ["S256"] and query["response_type"] == ["code"]
        code = f"code-{len(self.codes)}"
        self.codes[code] = query["code_challenge"][0]
        return code

    async def token(self, request: Request) -> JSONResponse:
        form = await request.form()
        challenge = self.codes.pop(str(form["code"]), None)
        verifier = str(form.get("code_verifier", ""))
        proof = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge is None or proof != challenge:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        token = issue_token(self.settings, sub="li.township", role="township_officer", region="532504102")
        return JSONResponse({"access_token": token, "token_type": "Bearer"})


def oidc_settings(**over: Any) -> ConsoleSettings:
    return ConsoleSettings(
        environment="test",
        oidc_authorization_endpoint=f"{IDP}/auth",
        oidc_token_endpoint=f"{IDP}/token",
        _env_file=None,  # type: ignore[call-arg]
        **over,
    )


async def console(settings: ConsoleSettings, provider: Provider | None = None) -> AsyncIterator[httpx.AsyncClient]:
    idp = httpx.ASGITransport(app=provider.app) if provider else None
    app = create_console(settings, idp_transport=idp)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://console.test") as client:
            yield client


@pytest.fixture
async def signed_in() -> AsyncIterator[tuple[httpx.AsyncClient, Provider, httpx.Response]]:
    settings = oidc_settings()
    provider = Provider(settings)
    async for client in console(settings, provider):
        start = await client.get("/signin/oidc", params={"next": "/households"})
        assert start.status_code == 303
        code = provider.authorize(start.headers["location"])
        state = parse_qs(urlparse(start.headers["location"]).query)["state"][0]
        done = await client.get("/signin/callback", params={"code": code, "state": state})
        yield client, provider, done


async def test_the_provider_sign_in_binds_the_code_to_this_browser_and_opens_a_session(signed_in: Any) -> None:
    _, _, done = signed_in
    assert done.status_code == 303 and done.headers["location"] == "/households"
    cookie = done.headers["set-cookie"]
    assert "sn_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # development: the console is reached over http on the machine itself


async def test_a_code_from_another_sign_in_is_refused() -> None:
    settings = oidc_settings()
    provider = Provider(settings)
    async for client in console(settings, provider):
        mine = await client.get("/signin/oidc")
        theirs = await client.get("/signin/oidc")  # the last sign-in started is the one this browser holds
        code = provider.authorize(mine.headers["location"])
        state = parse_qs(urlparse(mine.headers["location"]).query)["state"][0]
        refused = await client.get("/signin/callback", params={"code": code, "state": state})
        assert refused.status_code == 400 and "统一身份认证未能完成" in refused.text
        assert "sn_session" not in refused.headers.get("set-cookie", "")
        assert theirs.status_code == 303


async def test_the_token_endpoint_refuses_a_verifier_that_is_not_the_challenges() -> None:
    settings = oidc_settings()
    provider = Provider(settings)
    async for client in console(settings, provider):
        start = await client.get("/signin/oidc")
        code = provider.authorize(start.headers["location"])
        provider.codes[code] = "another-challenge"
        state = parse_qs(urlparse(start.headers["location"]).query)["state"][0]
        refused = await client.get("/signin/callback", params={"code": code, "state": state})
        assert refused.status_code == 400 and "sn_session" not in refused.headers.get("set-cookie", "")


async def test_every_form_needs_the_sessions_csrf_token(signed_in: Any) -> None:
    client, _, _ = signed_in
    for sent in ({}, {"csrf": "forged"}):
        refused = await client.post("/signout", data=sent)
        assert refused.status_code == 403 and "表单已失效" in refused.text
    page = await client.get("/households")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    out = await client.post("/signout", data={"csrf": csrf.group(1)})
    assert out.status_code == 303 and out.headers["location"] == "/signin"


async def test_a_page_without_a_session_sends_the_browser_to_sign_in() -> None:
    async for client in console(oidc_settings()):
        response = await client.get("/households")
        assert response.status_code == 303 and response.headers["location"] == "/signin?next=/households"
        client.cookies.set("sn_session", "eyJ0IjoieCJ9.forged")
        forged = await client.get("/households")
        assert forged.status_code == 303


def production(**over: Any) -> ConsoleSettings:
    given: dict[str, Any] = {
        "environment": "production",
        "jwt_secret": "a-production-secret-that-is-not-the-development-one",
        "console_session_key": "a-production-session-key",
        "oidc_authorization_endpoint": f"{IDP}/auth",
        "oidc_token_endpoint": f"{IDP}/token",
        **over,
    }
    return ConsoleSettings(_env_file=None, **given)  # type: ignore[call-arg]


async def test_outside_development_the_cookie_is_secure_and_there_is_no_development_sign_in() -> None:
    settings = production()
    provider = Provider(settings)
    async for client in console(settings, provider):
        page = await client.get("/signin")
        assert "开发环境登录" not in page.text and "/signin/oidc" in page.text
        dev = await client.post("/signin/dev", data={"csrf": "x", "role": "county_officer", "area": "532504"})
        assert dev.status_code == 404
        start = await client.get("/signin/oidc")
        code = provider.authorize(start.headers["location"])
        state = parse_qs(urlparse(start.headers["location"]).query)["state"][0]
        done = await client.get("/signin/callback", params={"code": code, "state": state})
        assert done.status_code == 303 and "Secure" in done.headers["set-cookie"]


def test_production_refuses_the_development_session_key_and_a_console_without_a_provider() -> None:
    with pytest.raises(ValueError, match="CONSOLE_SESSION_KEY"):
        production(console_session_key="dev-only-console-session-key-change-me-0123456789")
    with pytest.raises(ValueError, match="OIDC_AUTHORIZATION_ENDPOINT"):
        production(oidc_authorization_endpoint=None)


async def test_the_development_sign_in_says_beside_the_field_what_is_wrong() -> None:
    async for client in console(ConsoleSettings(environment="test", _env_file=None)):  # type: ignore[call-arg]
        page = await client.get("/signin")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        wrong = await client.post("/signin/dev", data={"csrf": csrf.group(1), "role": "county_officer", "area": "5325"})
        assert wrong.status_code == 422 and "请填写6位的区划代码" in wrong.text
        ok = await client.post("/signin/dev", data={"csrf": csrf.group(1), "role": "county_officer", "area": "532504"})
        assert ok.status_code == 303 and "sn_session=" in ok.headers["set-cookie"]
