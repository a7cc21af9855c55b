"""Bearer JWT authentication, roles and jurisdiction.

A jurisdiction is a prefix of the 12-digit statistical region code (2 = province, 4 = city,
6 = county, 9 = township, 12 = village), or a set of them for a functional zone that no one prefix describes
(仲恺高新区: five townships inside 惠城区; the token's `regions` claim). Every object carries its household's
region code, and
`ensure_covers` / `jurisdiction_clause` make the object-level check the default: an object outside the
caller's jurisdiction answers 404, so its existence is not revealed.
"""

import time
import uuid
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import InstrumentedAttribute

from common.errors import Forbidden, NotFound, Unauthorized
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
            raise ValueError("a zone has at most 200 prefixes")
        return tuple(_prefix(p) for p in v)

    @model_validator(mode="after")
    def _zone_within_region(self) -> "Principal":
        if self.regions and not all(p.startswith(self.region) for p in self.regions):
            raise ValueError("every prefix of regions must start with region")
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


def ensure_covers(principal: Principal, region_code: str, what: str = "resource") -> None:
    if not principal.covers(region_code):
        raise NotFound(f"No such {what}", zh="未找到该记录")


def ensure_household(principal: Principal, household_id: uuid.UUID, region_code: str, what: str = "household") -> None:
    """Object-level check for anything that belongs to a household: `what` is named as a missing one is,
    so "not yours" and "not there" are the same answer."""
    ensure_covers(principal, region_code, what)
    if principal.role == Role.household and principal.household_id != household_id:
        raise NotFound(f"No such {what}", zh="未找到该记录")


def _prefix(v: str) -> str:
    if not v.isdigit() or len(v) not in (2, 4, 6, 9, 12):
        raise ValueError("region must be a 2/4/6/9/12-digit region code prefix")
    return v


def jurisdiction_clause(
    column: ColumnElement[str] | InstrumentedAttribute[str], principal: Principal
) -> ColumnElement[bool]:
    # Region prefixes are digits only (validated above), so LIKE needs no escaping.
    return or_(*(column.like(p + "%") for p in principal.prefixes))


CACHE_SIZE = 10_000


class TokenVerifier:
    def __init__(self, settings: CommonSettings) -> None:
        self.settings = settings
        key = settings.jwt_secret if settings.jwt_algorithm == "HS256" else settings.jwt_public_key
        if not key:
            raise ValueError(f"no verification key configured for {settings.jwt_algorithm}")
        self.key: str = key
        # A verified token is trusted until it expires: decoding is a noticeable share of a request's CPU.
        self._cache: dict[str, tuple[float, Principal]] = {}

    def verify(self, token: str) -> Principal:
        cached = self._cache.get(token)
        if cached is not None and cached[0] > time.time():
            return cached[1]
        principal, expires = self._verify(token)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()  # crude but bounded; a busy client re-verifies once
        self._cache[token] = (expires, principal)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=[self.settings.jwt_algorithm],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
            principal = Principal.model_validate(claims)
        except (jwt.PyJWTError, ValidationError) as exc:
            raise Unauthorized(
                f"Invalid token: {exc.__class__.__name__}", zh="登录凭证无效或已过期，请重新登录"
            ) from exc
        if principal.national and principal.role not in NATIONAL_ROLES:
            raise Unauthorized("Token has no jurisdiction", zh="登录凭证未载明管辖区域")
        if principal.role == Role.household and principal.household_id is None:
            raise Unauthorized("Household token without household_id", zh="农户登录凭证未载明所属户")
        return principal, float(claims["exp"])


def issue_token(
    settings: CommonSettings, *, sub: str, role: Role | str, region: str, ttl_s: int = 8 * 3600, **extra: Any
) -> str:
    """Development tokens (`make token`). Production tokens come from the OIDC provider."""
    if settings.jwt_algorithm != "HS256":
        raise RuntimeError("dev tokens are only issued with the HS256 development secret")
    now = int(time.time())
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
    principal = verifier.verify(creds.credentials)
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
