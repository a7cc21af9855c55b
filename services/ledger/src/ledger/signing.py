"""Checkpoint signatures: Ed25519 over a small text statement (size, root, time), in the spirit of the
transparency-log checkpoint format, so anyone with the public key can check one without the system."""

import base64
import datetime as dt
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ORIGIN = "safetynet-ledger"


def statement(tree_size: int, root_hash: bytes, issued_at: dt.datetime) -> bytes:
    return f"{ORIGIN}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\n{issued_at.isoformat()}\n".encode()


def private_key(seed_b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed_b64))


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_bytes(key)).hexdigest()[:16]


def verify(public: bytes, signature: bytes, tree_size: int, root_hash: bytes, issued_at: dt.datetime) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, statement(tree_size, root_hash, issued_at))
    except InvalidSignature:
        return False
    return True
