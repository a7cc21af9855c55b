"""OpenID Connect, authorization code with PKCE (RFC 7636, S256), and the development sign-in.

The console is a public client: it holds no client secret, and PKCE binds the code the provider returns to
the browser that started the sign-in. `state` binds the answer to the sign-in this browser started (a code
injected from another sign-in is refused). The access token the provider returns is what the services verify;
the console learns the person's role and jurisdiction from it as they do.
"""

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

import httpx

from common.auth import Role, issue_token
from common.errors import Problem
from common.regions import regions
from console.config import ConsoleSettings

# Who the development sign-in may be, and at which level of area: the people of the procedures.
DEV_ROLES = {
    Role.village_cadre: (9, 12),
    Role.township_officer: (9,),
    Role.county_officer: (6,),
    Role.department: (),
    Role.auditor: (),
}
DEPARTMENTS = (
    "civil-affairs",
    "medical-insurance",
    "education",
    "housing",
    "disability",
    "emergency-management",
    "human-resources",
    "health",
    "water",
    "finance",
)


class SignInFailed(Problem):
    slug, title, status = "sign-in-failed", "The identity provider's answer was refused", 400
    title_zh = "统一身份认证未能完成，请重新登录"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)  # 86 characters of the unreserved set (RFC 7636 4.1: 43 to 128)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorization_url(settings: ConsoleSettings, state: str, challenge: str) -> str:
    query = {
        "response_type": "code",
        "client_id": settings.oidc_client_id,
        "redirect_uri": settings.oidc_redirect_uri,
        "scope": settings.oidc_scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{settings.oidc_authorization_endpoint}?{urlencode(query)}"


async def exchange(settings: ConsoleSettings, client: httpx.AsyncClient, code: str, verifier: str) -> str:
    """The provider's access token for the code, proved by the verifier."""
    assert settings.oidc_token_endpoint is not None
    try:
        response = await client.post(
            settings.oidc_token_endpoint,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": settings.oidc_redirect_uri,
                "client_id": settings.oidc_client_id,
                "code_verifier": verifier,
            },
            headers={"Accept": "application/json"},
        )
    except httpx.TransportError as exc:
        raise SignInFailed(
            f"token endpoint: {exc.__class__.__name__}", zh="暂时无法连接统一身份认证，请稍后再登录"
        ) from exc
    if response.status_code != 200:
        raise SignInFailed(f"token endpoint answered {response.status_code}", zh="统一身份认证未能完成登录，请重新登录")
    try:
        token: Any = response.json().get("access_token")
    except ValueError as exc:
        raise SignInFailed("token endpoint answered no JSON", zh="统一身份认证的应答无法识别，请重新登录") from exc
    if not isinstance(token, str) or not token:
        raise SignInFailed(
            "no access_token in the token endpoint's answer", zh="统一身份认证未给出登录凭据，请重新登录"
        )
    return token


def dev_token(
    settings: ConsoleSettings, role: str, area: str, department: str, name: str
) -> tuple[str, dict[str, str]]:
    """A development token as `make token` issues it, for the person chosen on the sign-in page; or, when the
    choice is incomplete, nothing and a message by field."""
    errors: dict[str, str] = {}
    chosen = next((r for r in DEV_ROLES if r.value == role), None)
    if chosen is None:
        return "", {"role": "请选择角色"}
    levels = DEV_ROLES[chosen]
    if levels and (len(area) not in levels or not area.isdigit() or not regions().is_known(area)):
        errors["area"] = "请填写" + "或".join(f"{n}位" for n in levels) + "的区划代码（须为已知的区划）"
    if chosen == Role.department and department not in DEPARTMENTS:
        errors["department"] = "请选择部门"
    if errors:
        return "", errors
    extra: dict[str, Any] = {"name": name.strip()[:50] or "开发人员"}
    if chosen == Role.department:
        extra["department"] = department
    region = area if levels else ""
    sub = f"dev-{chosen.value}-{region or department or 'national'}"
    return issue_token(settings, sub=sub, role=chosen, region=region, ttl_s=settings.session_max_age_s, **extra), {}
