"""Signed DCI messages: what the gateway sends is signed with intake's key, what it receives is verified against
the sender's registered key (ADR 0020).

The format is the DCI API standards' 1.0.0 `MsgSignature` (spdci/api-standards, `common/schema/MsgSignature`
and `common/security/Signature`), an HTTP-signature-like string in the envelope's `signature`:

    Signature: namespace="spdci", keyId="{sender_id}|{unique_key_id}|ed25519", algorithm="ed25519",
    created="<unix time>", expires="<unix time>", headers="(created) (expires) digest", signature="<base64>"

The standard names what is signed ({header}+{message}, `headers="(created) (expires) digest"`) but not the
bytes, so this module fixes them, as the standard's Beckn lineage does: the signing string is the three lines
`(created): <created>`, `(expires): <expires>`, `digest: BLAKE-512=<base64 BLAKE2b-512 of the canonical header
followed by the canonical message>`, where canonical is JSON with sorted keys, no whitespace, UTF-8 (RFC 8785
for the strings, integers and booleans these messages hold). It is signed with Ed25519 (RFC 8032). A receiver
computes it from the JSON it parsed, so the sender's key order or spacing does not matter.

The key id is the key's RFC 7638 thumbprint, as the standard's JWKS endpoint (`jwks_core_api` 1.0.0) wants
it. Everything here takes its keys as arguments; only `own_key`, `sender_keys` and `check` read the settings.
"""

import base64
import binascii
import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import SecretStr

from common import clock
from common.errors import Unauthorized
from common.logging import log
from intake.config import settings

STANDARD = "DCI api-standards 1.0.0 (MsgSignature)"
ALGORITHM = "ed25519"
SIGNED_HEADERS = "(created) (expires) digest"
# Local defaults (the standard states no numbers): a signature is valid for five minutes from its creation,
# a receiver accepts one whose window is at most an hour, created at most a minute ahead of its own clock.
LIFETIME_S = 300
MAX_WINDOW_S = 3600
MAX_SKEW_S = 60

Code = Literal["err.signature.missing", "err.signature.invalid", "err.sender_id.invalid"]
_PARAM = re.compile(r'\s*([A-Za-z]+)="([^"]*)"\s*(?:,|$)')


class SignatureRefused(Unauthorized):
    """A DCI message without a valid signature of a registered sender; `code` is the standard's error code."""

    slug, title = "registry-signature-refused", "The message is not signed by a registered sender"
    title_zh = "报文签名无效或发送方未登记"

    @classmethod
    def of(cls, code: Code, detail: str, zh: str) -> "SignatureRefused":
        return cls(detail, zh=zh, code=code)


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def digest(header: Mapping[str, Any], message: Any) -> str:
    return "BLAKE-512=" + base64.b64encode(hashlib.blake2b(canonical(header) + canonical(message)).digest()).decode()


def _signing_string(created: int, expires: int, header: Mapping[str, Any], message: Any) -> bytes:
    return f"(created): {created}\n(expires): {expires}\ndigest: {digest(header, message)}".encode()


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    """The key as a JWK (RFC 8037), its `kid` the RFC 7638 thumbprint."""
    x = _b64url(public.public_bytes(Encoding.Raw, PublicFormat.Raw))
    thumbprint = _b64url(hashlib.sha256(canonical({"crv": "Ed25519", "kty": "OKP", "x": x})).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": thumbprint, "use": "sig", "alg": "EdDSA"}


def public_key(jwk: Mapping[str, Any]) -> Ed25519PublicKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
        raise ValueError("only Ed25519 keys (kty OKP, crv Ed25519) are accepted")
    raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    sender_id: str

    @functools.cached_property
    def jwk(self) -> dict[str, str]:
        return public_jwk(self.private.public_key())

    @property
    def kid(self) -> str:
        return self.jwk["kid"]


def sign(key: SigningKey, header: Mapping[str, Any], message: Any, lifetime_s: int = LIFETIME_S) -> str:
    """The `signature` of an envelope's header and message, valid from now for `lifetime_s`."""
    created = int(clock.timestamp())
    expires = created + lifetime_s
    value = base64.b64encode(key.private.sign(_signing_string(created, expires, header, message))).decode()
    return (
        f'Signature: namespace="spdci", keyId="{key.sender_id}|{key.kid}|{ALGORITHM}", algorithm="{ALGORITHM}", '
        f'created="{created}", expires="{expires}", headers="{SIGNED_HEADERS}", signature="{value}"'
    )


def _params(signature: str) -> dict[str, str]:
    text = signature.strip().removeprefix("Signature:").strip()
    params, at = {}, 0
    while at < len(text):
        found = _PARAM.match(text, at)
        if found is None:
            raise ValueError('not a list of name="value" parameters')
        params[found[1]] = found[2]
        at = found.end()
    if "kidId" in params:  # the standard's MsgSignature example spells keyId so
        params.setdefault("keyId", params.pop("kidId"))
    return params


def verify(signature: str, header: Mapping[str, Any], message: Any, keys: Mapping[str, list[dict[str, Any]]]) -> str:
    """Check a received envelope's `signature` against the keys registered for its `header.sender_id`
    (`keys`: sender id -> its public JWKs): the key id it was signed with, or SignatureRefused."""

    def invalid(why: str) -> SignatureRefused:
        return SignatureRefused.of("err.signature.invalid", f"The signature is not valid: {why}", "报文签名无效")

    sender = header.get("sender_id")
    try:
        params = _params(signature)
        key_sender, kid, algorithm = params["keyId"].split("|")
        created, expires = int(params["created"]), int(params["expires"])
        value = base64.b64decode(params["signature"], validate=True)
    except (KeyError, ValueError, binascii.Error) as e:
        raise invalid("it is not a DCI signature (keyId, created, expires, signature)") from e
    if key_sender != sender:
        raise invalid("its keyId names another sender than header.sender_id")
    if algorithm != ALGORITHM or params.get("algorithm", ALGORITHM) != ALGORITHM:
        raise invalid(f"the algorithm must be {ALGORITHM}")
    if " ".join(params.get("headers", "").split()) != SIGNED_HEADERS:
        raise invalid(f'headers must be "{SIGNED_HEADERS}"')
    registered = keys.get(sender) if isinstance(sender, str) else None
    if not registered:
        raise SignatureRefused.of(
            "err.sender_id.invalid", f"The sender {sender!r} is not registered with this gateway", "发送方未登记"
        )
    jwk = next((k for k in registered if k.get("kid") == kid), None)
    if jwk is None:
        raise invalid(f"key {kid!r} is not registered for {sender!r}")
    now = int(clock.timestamp())
    if not (created - MAX_SKEW_S <= now < expires) or expires - created > MAX_WINDOW_S:
        raise invalid("it is outside its validity window (created, expires)")
    try:
        public_key(jwk).verify(value, _signing_string(created, expires, header, message))
    except (InvalidSignature, ValueError) as e:
        raise invalid("it does not match the header and message") from e
    return kid


def bearer(key: SigningKey, audience: str, message_id: str, lifetime_s: int = LIFETIME_S) -> str:
    """A short-lived JWT (EdDSA, the same key) a callback carries as `Authorization: Bearer`: the subscriber
    checks it against the published JWKS, for itself (`aud`) and this message (`jti`)."""
    now = int(clock.timestamp())
    claims = {"iss": key.sender_id, "sub": key.sender_id, "aud": audience, "iat": now, "exp": now + lifetime_s}
    return jwt.encode({**claims, "jti": message_id}, key.private, algorithm="EdDSA", headers={"kid": key.kid})


@functools.cache
def _own(configured: SecretStr | None) -> SigningKey:  # cached per configured key: a new one is read anew
    from intake.registry.service import GATEWAY_ID

    key = settings.registry_private_key
    if key is None:
        # Settings refuse this in production: a key of this process only, never a known one.
        log.warning("REGISTRY_SIGNING_KEY unset: DCI messages are signed with a key generated for this process")
        key = Ed25519PrivateKey.generate()
    return SigningKey(key, GATEWAY_ID)


def own_key() -> SigningKey:
    """Intake's signing key (REGISTRY_SIGNING_KEY, or the file REGISTRY_SIGNING_KEY_FILE)."""
    return _own(settings.registry_signing_key)


def sender_keys() -> Mapping[str, list[dict[str, Any]]]:
    """The registries allowed to send to the gateway and their public keys (REGISTRY_SENDER_KEYS)."""
    return settings.registry_sender_keys


def jwks() -> dict[str, list[dict[str, str]]]:
    return {"keys": [own_key().jwk]}


def check(envelope: Mapping[str, Any]) -> None:
    """Refuse a received envelope that is not signed by its registered sender. Unsigned is let through only
    where REGISTRY_SIGNATURES_REQUIRED is off (by default in development); a signature present is always
    verified."""
    header, message, signature = envelope.get("header"), envelope.get("message"), envelope.get("signature")
    if not isinstance(header, Mapping):
        raise SignatureRefused.of("err.signature.invalid", "The message has no header to verify", "报文缺少 header")
    if not signature:
        if settings.registry_signatures_required:
            raise SignatureRefused.of("err.signature.missing", f"The message must be signed ({STANDARD})", "报文未签名")
        log.warning("unsigned DCI message accepted (development)", sender=str(header.get("sender_id"))[:64])
        return
    if not isinstance(signature, str):
        raise SignatureRefused.of("err.signature.invalid", "The signature must be a string", "报文签名无效")
    verify(signature, header, message, sender_keys())
