"""Checkpoints as C2SP signed notes (c2sp.org/tlog-checkpoint, c2sp.org/signed-note), so that any
transparency-log verifier reads them and an auditor needs nothing of ours but the public key:

    <origin>\\n<tree size>\\n<base64 root hash>\\n\\n— <key name> base64(key ID || Ed25519 signature)\\n

The key name is the origin; the key ID is SHA-256(name || 0x0A || 0x01 || public key)[:4]. Checkpoints
signed before notes (an older text statement with a time) are still verified by `legacy_verify`."""

import base64
import binascii
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"  # the signed-note signature type of Ed25519
_SIGNATURE_LINE = re.compile(r"^\u2014 (\S+) ([A-Za-z0-9+/=]+)$")
MAX_NOTE = 16_384  # a note is a few hundred bytes; anything larger is not ours


class BadNote(ValueError):
    """Not a checkpoint signed by the expected key."""


@dataclass(frozen=True)
class SignedCheckpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    note: str


def private_key(seed_b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed_b64))


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def note_key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def checkpoint_text(origin: str, tree_size: int, root_hash: bytes) -> str:
    return f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\n"


def sign_checkpoint(key: Ed25519PrivateKey, origin: str, tree_size: int, root_hash: bytes) -> tuple[str, bytes]:
    """The signed note and the raw signature."""
    text = checkpoint_text(origin, tree_size, root_hash)
    signature = key.sign(text.encode())
    blob = base64.b64encode(note_key_id(origin, public_bytes(key.public_key())) + signature).decode()
    return f"{text}\n\u2014 {origin} {blob}\n", signature


def open_checkpoint(note: str, public: bytes, origin: str) -> SignedCheckpoint:
    """Parse a signed checkpoint and verify the signature of `origin`'s key; signatures of other keys
    (a witness's cosignature) are ignored, as the signed-note spec asks."""
    if len(note) > MAX_NOTE or not note.endswith("\n") or "\n\n" not in note:
        raise BadNote("not a signed note")
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise BadNote("a signed note has no control characters but newlines")
    cut = note.rindex("\n\n")
    text, signature_lines = note[: cut + 1], note[cut + 2 :].splitlines()
    wanted = note_key_id(origin, public)
    verified = False
    for line in signature_lines:
        m = _SIGNATURE_LINE.match(line)
        if m is None:
            raise BadNote("malformed signature line")
        blob = _b64(m.group(2))
        if m.group(1) != origin or blob[:4] != wanted:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], text.encode())
        except InvalidSignature:
            raise BadNote("the log's signature does not verify") from None
        verified = True
    if not verified:
        raise BadNote("no signature of the log's key")
    lines = text.splitlines()
    if len(lines) < 3 or lines[0] != origin or not lines[1].isdigit():
        raise BadNote("the note is not a checkpoint of this log")
    return SignedCheckpoint(origin, int(lines[1]), _b64(lines[2]), note)


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise BadNote("not base64") from None


def legacy_statement(tree_size: int, root_hash: bytes, issued_at: dt.datetime) -> bytes:
    return f"safetynet-ledger\n{tree_size}\n{base64.b64encode(root_hash).decode()}\n{issued_at.isoformat()}\n".encode()


def legacy_verify(public: bytes, signature: bytes, tree_size: int, root_hash: bytes, issued_at: dt.datetime) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, legacy_statement(tree_size, root_hash, issued_at))
    except InvalidSignature:
        return False
    return True
