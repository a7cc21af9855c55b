"""What the checkpoint and proof routes answer."""

import datetime as dt

from pydantic import BaseModel, Field


class CheckpointPublic(BaseModel):
    tree_size: int
    root_hash: str = Field(description="base64 SHA-256 Merkle tree hash (RFC 9162)")
    issued_at: dt.datetime
    key_id: str = Field(description="hex signed-note key ID: SHA-256(origin || 0x0A || 0x01 || public key)[:4]")
    signature: str = Field(description="base64 Ed25519 signature over the note's text (its first three lines)")
    note: str | None = Field(
        description="the checkpoint as a C2SP signed note (c2sp.org/tlog-checkpoint): what auditors keep and "
        "any transparency-log verifier checks with the public key; null for checkpoints signed before notes"
    )
    origin: str = Field(description="the log's name: the note's first line and its key name")
    public_key: str = Field(description="base64 raw Ed25519 public key")


class InclusionProof(BaseModel):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    body: str = Field(description="base64 of the leaf's canonical bytes: sha256(0x00 || body) is the leaf hash")
    audit_path: list[str]
    checkpoint: CheckpointPublic


class ConsistencyProof(BaseModel):
    first: int
    second: int
    proof: list[str]
    first_checkpoint: CheckpointPublic | None
    second_checkpoint: CheckpointPublic | None
