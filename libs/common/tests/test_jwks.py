"""Tokens from the government's identity provider: verified against its JWKS (a real HTTP endpoint on the
loopback), cached, fetched again when a token names a key it does not know (the provider rotated its keys),
with issuer and audience checked and the provider's claims mapped to role, jurisdiction and household."""

import asyncio
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from common.auth import Role, TokenVerifier
from common.errors import Unauthorized
from common.settings import CommonSettings
from devkit.testing.http import serving

ISSUER, AUDIENCE = "https://sso.example.gov.cn/realms/safetynet", "safetynet"


class Provider:
    """An identity provider's JWKS endpoint whose keys can be rotated, counting how often it is asked."""

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.fetched = 0
        self.app = Starlette(routes=[Route("/certs", self._certs)])

    def new_key(self) -> tuple[str, Any]:
        kid, key = uuid.uuid4().hex[:8], rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys[kid] = key
        return kid, key

    async def _certs(self, _: Request) -> JSONResponse:
        self.fetched += 1
        jwks = []
        for kid, key in self.keys.items():
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            jwks.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return JSONResponse({"keys": jwks})


def token(kid: str, key: Any, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u-1", "iat": now, "exp": now + 600, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


async def check(verifier: TokenVerifier, raw: str) -> Any:
    """As the request path does: verification off the event loop (it may fetch the provider's keys)."""
    return await asyncio.to_thread(verifier.verify, raw)


PROVIDER_CLAIMS = {  # as a Keycloak-style provider carries them
    "realm_access": {"roles": ["offline_access", "cadre"]},
    "division": "532504102",
    "preferred_username": "王村干部",
}


@pytest.mark.real_clock  # the provider signs at the machine's time
async def test_keys_come_from_the_providers_jwks_and_a_rotation_is_followed() -> None:
    provider = Provider()
    first_kid, first = provider.new_key()
    async with serving(provider.app) as base:
        settings = CommonSettings(
            jwt_algorithm="RS256",
            jwt_jwks_url=f"{base}/certs",
            jwks_refresh_cooldown_s=0,  # production waits 30 s between forced fetches
            jwt_issuer=ISSUER,
            jwt_audience=AUDIENCE,
            jwt_claim_role="realm_access.roles",
            jwt_claim_region="division",
            jwt_claim_name="preferred_username",
            jwt_role_map={"cadre": "village_cadre", "officer": "township_officer"},
        )
        verifier = TokenVerifier(settings)
        principal = await check(verifier, token(first_kid, first, **PROVIDER_CLAIMS))
        assert principal.role == Role.village_cadre and principal.region == "532504102"
        assert principal.name == "王村干部" and provider.fetched == 1
        await check(verifier, token(first_kid, first, sub="u-2", **PROVIDER_CLAIMS))
        assert provider.fetched == 1  # cached

        second_kid, second = provider.new_key()  # the provider rotates: a new key id
        del provider.keys[first_kid]
        rotated = await check(
            verifier, token(second_kid, second, sub="u-3", **{**PROVIDER_CLAIMS, "division": "532504"})
        )
        assert rotated.region == "532504" and provider.fetched == 2  # fetched again for the unknown key id

        forged_kid, forged = uuid.uuid4().hex[:8], rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for bad in (
            token(forged_kid, forged, **PROVIDER_CLAIMS),  # a key the provider never published
            token(second_kid, second, **{**PROVIDER_CLAIMS, "iss": "https://elsewhere.example"}),
            token(second_kid, second, **{**PROVIDER_CLAIMS, "aud": "another-app"}),
            token(second_kid, second, **{**PROVIDER_CLAIMS, "realm_access": {"roles": ["offline_access"]}}),
            token(second_kid, first, **PROVIDER_CLAIMS),  # signed by a retired key under the new key's id
        ):
            with pytest.raises(Unauthorized):
                await check(verifier, bad)


def test_production_takes_a_jwks_url_instead_of_a_public_key() -> None:
    keys = {"pii_encryption_key": "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=", "blind_index_key": "QkJC"}
    settings = CommonSettings(
        environment="production",
        jwt_algorithm="RS256",
        jwt_jwks_url="https://sso.example.gov.cn/realms/safetynet/protocol/openid-connect/certs",
        database_url="postgresql://u:p@db/s",
        kafka_bootstrap_servers="kafka:9092",
        **keys,
    )
    assert settings.jwt_jwks_url
    with pytest.raises(ValueError, match="JWT_JWKS_URL"):
        CommonSettings(
            environment="production",
            jwt_algorithm="RS256",
            database_url="postgresql://u:p@db/s",
            kafka_bootstrap_servers="kafka:9092",
            **keys,
        )
