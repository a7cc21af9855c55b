"""Bearer JWT authentication, roles and jurisdiction.

A jurisdiction is a prefix of the 12-digit statistical region code (2 = province, 4 = city,
6 = county, 9 = township, 12 = village), or a set of them for a functional zone that no one prefix describes
(仲恺高新区: five townships inside 惠城区; the token's `regions` claim). Every object carries its household's
region code, and
`ensure_covers` / `jurisdiction_clause` make the object-level check the default: an object outside the
caller's jurisdiction answers 404, so its existence is not revealed.
"""

import asyncio
import uuid
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import InstrumentedAttribute

from common import clock
from common.errors import Forbidden, NotFound, Unauthorized
from common.messages import Invalid
from common.settings import CommonSettings
from common.vocabulary import ROLE_ZH


class Role(StrEnum):
    household = "household"
    village_cadre = "village_cadre"
    township_officer = "township_officer"
    county_officer = "county_officer"
    department = "department"
    auditor = "auditor"
    admin = "admin"


NATIONAL_ROLES = {Role.admin, Role.auditor, Role.department}


class Principal(BaseModel):
    model_config = ConfigDict(frozen=True)  # shared between requests by the token cache

    sub: str
    role: Role
    region: str = ""
    # A zone: the prefixes it is made of (then `region`, if given, is a prefix they all start with, for
    # display only; every check reads `prefixes`).
    regions: tuple[str, ...] = ()
    name: str | None = None
    household_id: uuid.UUID | None = None
    department: str | None = None

    @field_validator("region")
    @classmethod
    def _region_prefix(cls, v: str) -> str:
        return _prefix(v) if v else v

    @field_validator("regions")
    @classmethod
    def _zone(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(v) > 200:
            raise Invalid("a zone has at most 200 prefixes", "一个辖区最多200个区划前缀")
        return tuple(_prefix(p) for p in v)

    @model_validator(mode="after")
    def _zone_within_region(self) -> "Principal":
        if self.regions and not all(p.startswith(self.region) for p in self.regions):
            raise Invalid("every prefix of regions must start with region", "辖区的每个区划前缀都应以本级区划代码开头")
        return self

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The jurisdiction: the zone's prefixes, else the one region prefix ("" for national accounts)."""
        return self.regions or (self.region,)

    @property
    def national(self) -> bool:
        return self.prefixes == ("",)

    def covers(self, region_code: str) -> bool:
        return any(region_code.startswith(p) for p in self.prefixes)

    def has(self, *roles: Role) -> bool:
        return self.role in roles


def absent(what: str = "resource") -> NotFound:
    """The one answer for a thing outside the caller's jurisdiction and for one that does not exist at all,
    so that neither can be told from the other."""
    return NotFound(f"No such {what}", zh="未找到该记录")


def ensure_covers(principal: Principal, region_code: str, what: str = "resource") -> None:
    if not principal.covers(region_code):
        raise absent(what)


def ensure_household(principal: Principal, household_id: uuid.UUID, region_code: str, what: str = "household") -> None:
    """Object-level check for anything that belongs to a household: `what` is named as a missing one is,
    so "not yours" and "not there" are the same answer."""
    ensure_covers(principal, region_code, what)
    if principal.role == Role.household and principal.household_id != household_id:
        raise absent(what)


def _prefix(v: str) -> str:
    if not v.isdigit() or len(v) not in (2, 4, 6, 9, 12):
        raise Invalid("region must be a 2/4/6/9/12-digit region code prefix", "区划应为2、4、6、9或12位区划代码")
    return v


def jurisdiction_clause(
    column: ColumnElement[str] | InstrumentedAttribute[str], principal: Principal
) -> ColumnElement[bool]:
    # Region prefixes are digits only (validated above), so LIKE needs no escaping.
    return or_(*(column.like(p + "%") for p in principal.prefixes))


CACHE_SIZE = 10_000


def _claim(claims: dict[str, Any], path: str) -> Any:
    """A claim by its dotted path (realm_access.roles), or None."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def principal_from(claims: dict[str, Any], settings: CommonSettings) -> Principal:
    """The Principal a provider's token describes, by the claim paths and role map of the settings: a role
    claim may be a list (the provider's roles), of which the first one the map (or our own names) knows
    counts."""
    ours = {r.value for r in Role}
    raw = _claim(claims, settings.jwt_claim_role)
    names = raw if isinstance(raw, list) else [raw]
    mapped = (settings.jwt_role_map.get(str(n), str(n)) for n in names if n is not None)
    role = next((r for r in mapped if r in ours), None)
    fields = {
        "sub": claims.get("sub"),
        "role": role,
        "region": _claim(claims, settings.jwt_claim_region) or "",
        "regions": _claim(claims, settings.jwt_claim_regions) or (),
        "household_id": _claim(claims, settings.jwt_claim_household),
        "department": _claim(claims, settings.jwt_claim_department),
        "name": _claim(claims, settings.jwt_claim_name),
    }
    return Principal.model_validate({k: v for k, v in fields.items() if v is not None})


class TokenVerifier:
    """Checks a bearer token's signature, issuer, audience and expiry, and maps its claims to a Principal. The
    key is the development secret, a configured public key, or the identity provider's JWKS (rotating keys)."""

    def __init__(self, settings: CommonSettings) -> None:
        self.settings = settings
        self.jwks = (
            # The key set is cached for its lifespan (a retired key stops verifying when it ends); an unknown
            # key id fetches it again, at most once per cooldown (forged key ids cannot hammer the provider).
            jwt.PyJWKClient(
                settings.jwt_jwks_url,
                cache_keys=False,
                lifespan=settings.jwks_cache_s,
                timeout=5,
                cooldown_duration=settings.jwks_refresh_cooldown_s,
            )
            if settings.jwt_jwks_url
            else None
        )
        key = settings.jwt_secret if settings.jwt_algorithm == "HS256" else settings.jwt_public_key
        if not key and self.jwks is None:
            raise ValueError(f"no verification key configured for {settings.jwt_algorithm}")
        self.key: str = key or ""
        # A verified token is trusted until it expires: decoding is a noticeable share of a request's CPU.
        self._cache: dict[str, tuple[float, Principal]] = {}

    def cached(self, token: str) -> Principal | None:
        found = self._cache.get(token)
        return found[1] if found is not None and found[0] > clock.timestamp() else None

    def verify(self, token: str) -> Principal:
        """Blocking when the provider's keys must be fetched: the request path calls it off the event loop."""
        if (principal := self.cached(token)) is not None:
            return principal
        principal, expires = self._verify(token)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()  # crude but bounded; a busy client re-verifies once
        self._cache[token] = (expires, principal)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            # An unknown key id makes the client fetch the provider's keys again (a rotation), once.
            key: Any = self.jwks.get_signing_key_from_jwt(token).key if self.jwks is not None else self.key
            claims = jwt.decode(
                token,
                key,
                algorithms=[self.settings.jwt_algorithm],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                # The token's times are judged by the services' one clock (`common.clock`), not the library's.
                options={
                    "require": ["exp", "sub", "iss", "aud"],
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
            _check_times(claims)
            principal = principal_from(claims, self.settings)
        except (jwt.PyJWTError, ValidationError) as exc:
            raise Unauthorized(
                f"Invalid token: {exc.__class__.__name__}", zh="登录凭证无效或已过期，请重新登录"
            ) from exc
        if principal.national and principal.role not in NATIONAL_ROLES:
            raise Unauthorized("Token has no jurisdiction", zh="登录凭证未载明管辖区域")
        if principal.role == Role.household and principal.household_id is None:
            raise Unauthorized("Household token without household_id", zh="农户登录凭证未载明所属户")
        return principal, float(claims["exp"])


LEEWAY_S = 0  # no skew allowed between the identity provider and the services (time-synchronised hosts)


def _check_times(claims: dict[str, Any]) -> None:
    """exp, nbf and iat as RFC 7519 4.1.4-4.1.6 have them, against `clock`: expired, not yet valid, or issued in
    the future is refused like any other invalid token."""
    now = clock.timestamp()
    times = {k: claims[k] for k in ("exp", "nbf", "iat") if k in claims}
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in times.values()):
        raise jwt.InvalidTokenError("a time claim is not a number")  # NumericDate: a JSON number
    exp, nbf, iat = (times.get(k) for k in ("exp", "nbf", "iat"))
    if exp is None or exp <= now - LEEWAY_S:
        raise jwt.ExpiredSignatureError("Signature has expired")
    if (nbf is not None and nbf > now + LEEWAY_S) or (iat is not None and iat > now + LEEWAY_S):
        raise jwt.ImmatureSignatureError("The token is not yet valid")


def issue_token(
    settings: CommonSettings, *, sub: str, role: Role | str, region: str, ttl_s: int = 8 * 3600, **extra: Any
) -> str:
    """Development tokens (`make token`). Production tokens come from the OIDC provider."""
    if settings.jwt_algorithm != "HS256":
        raise RuntimeError("dev tokens are only issued with the HS256 development secret")
    now = int(clock.timestamp())
    claims = {
        "sub": sub,
        "role": str(role),
        "region": region,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_s,
        **extra,
    }
    return jwt.encode(
        {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in claims.items()},
        settings.jwt_secret,
        algorithm="HS256",
    )


_bearer = HTTPBearer(auto_error=False, description="OAuth2 bearer JWT")


async def authenticate(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthorized("Bearer token required", zh="请先登录")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = verifier.cached(creds.credentials)
    if principal is None:  # verified once per token, off the event loop (the provider's keys may be fetched)
        principal = await asyncio.to_thread(verifier.verify, creds.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def require_roles(*roles: Role) -> Any:
    async def _check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden(
                f"Role {principal.role} may not do this; allowed: {', '.join(sorted(roles))}",
                zh=f"{ROLE_ZH.get(principal.role, principal.role)}无权进行此操作；可以进行的是："
                + "、".join(ROLE_ZH.get(r, r) for r in sorted(roles)),
            )
        return principal

    return Depends(_check)
