"""Signing in and out: the identity provider's sign-in, and in development a sign-in that picks a person."""

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from common.errors import NotFound
from console.config import ConsoleSettings
from console.session import (
    COOKIE,
    FLOW_COOKIE,
    FLOW_MAX_AGE_S,
    CheckedForm,
    CsrfRefused,
    read_signed,
    serializer,
    set_cookie,
    start_session,
)
from console.signin import service as signin
from console.web import render

router = APIRouter()

NextQuery = Annotated[str, Query(max_length=300)]


def _local(next_path: str) -> str:
    # Only a path of this console: never an open redirect to another site.
    return next_path if next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path else "/"


def _flow(request: Request) -> dict[str, str]:
    settings: ConsoleSettings = request.app.state.settings
    return read_signed(request, settings, FLOW_COOKIE, FLOW_MAX_AGE_S) or {}


@router.get("/signin")
async def signin_page(request: Request, next: NextQuery = "/") -> Response:
    settings: ConsoleSettings = request.app.state.settings
    flow = {"csrf": secrets.token_urlsafe(32), "next": _local(next)}
    response = render(
        request,
        "signin.html",
        flow=flow,
        settings=settings,
        roles=signin.DEV_ROLES,
        departments=signin.DEPARTMENTS,
        errors={},
        values={},
    )
    set_cookie(response, settings, FLOW_COOKIE, serializer(settings, FLOW_COOKIE).dumps(flow), FLOW_MAX_AGE_S)
    return response


@router.get("/signin/oidc")
async def signin_oidc(request: Request, next: NextQuery = "/") -> Response:
    settings: ConsoleSettings = request.app.state.settings
    if not settings.oidc_configured:
        raise NotFound()
    verifier, challenge = signin.pkce_pair()
    state = secrets.token_urlsafe(32)
    flow = {"state": state, "verifier": verifier, "next": _local(next)}
    response = RedirectResponse(signin.authorization_url(settings, state, challenge), status_code=303)
    set_cookie(response, settings, FLOW_COOKIE, serializer(settings, FLOW_COOKIE).dumps(flow), FLOW_MAX_AGE_S)
    return response


@router.get("/signin/callback")
async def signin_callback(
    request: Request,
    code: Annotated[str, Query(min_length=1, max_length=4096)],
    state: Annotated[str, Query(min_length=1, max_length=200)],
) -> Response:
    settings: ConsoleSettings = request.app.state.settings
    flow = _flow(request)
    if not settings.oidc_configured or not flow.get("state") or not hmac.compare_digest(flow["state"], state):
        raise signin.SignInFailed(
            "state does not match the sign-in this browser started", zh="登录状态与本浏览器发起的登录不一致，请重新登录"
        )
    token = await signin.exchange(settings, request.app.state.idp_client, code, flow["verifier"])
    request.app.state.token_verifier.verify(token)  # a token the services would refuse is refused here
    response = RedirectResponse(_local(flow.get("next", "/")), status_code=303)
    start_session(response, settings, token)
    response.delete_cookie(FLOW_COOKIE, path="/")
    return response


@router.post("/signin/dev")
async def signin_dev(
    request: Request,
    csrf: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=40)] = "",
    area: Annotated[str, Form(max_length=12)] = "",
    department: Annotated[str, Form(max_length=40)] = "",
    name: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    settings: ConsoleSettings = request.app.state.settings
    if not settings.development:
        raise NotFound()  # the development sign-in does not exist outside development
    flow = _flow(request)
    if not flow.get("csrf") or not hmac.compare_digest(flow["csrf"], csrf):
        raise CsrfRefused()
    token, errors = signin.dev_token(settings, role, area.strip(), department, name)
    if errors:
        values = {"role": role, "area": area, "department": department, "name": name}
        return render(
            request,
            "signin.html",
            status=422,
            flow=flow,
            settings=settings,
            roles=signin.DEV_ROLES,
            departments=signin.DEPARTMENTS,
            errors=errors,
            values=values,
        )
    response = RedirectResponse(_local(flow.get("next", "/")), status_code=303)
    start_session(response, settings, token)
    response.delete_cookie(FLOW_COOKIE, path="/")
    return response


@router.post("/signout")
async def signout(request: Request, _: CheckedForm) -> Response:
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
