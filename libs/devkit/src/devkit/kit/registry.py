"""A registry that talks to intake's DCI gateway, for tests: its own Ed25519 key, registered with the gateway
as an allow-list entry would be, and envelopes signed with it (ADR 0020)."""

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from intake.config import settings
from intake.registry import signing

SENDER_ID = "civil-affairs-registry"
SENDER = signing.SigningKey(Ed25519PrivateKey.generate(), SENDER_ID)


def registered(monkeypatch: pytest.MonkeyPatch, *keys: signing.SigningKey) -> None:
    """The gateway trusts these senders' public keys (REGISTRY_SENDER_KEYS), and only them."""
    entries: dict[str, list[dict[str, Any]]] = {}
    for key in keys or (SENDER,):
        entries.setdefault(key.sender_id, []).append(key.jwk)
    monkeypatch.setattr(settings, "registry_sender_keys", entries)


def signed(envelope: dict[str, Any], key: signing.SigningKey = SENDER) -> dict[str, Any]:
    """The envelope with its `signature` of its header and message, as it stands now."""
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    return {**unsigned, "signature": signing.sign(key, envelope.get("header", {}), envelope.get("message", {}))}
