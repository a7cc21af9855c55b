"""What ledger publishes of itself: each signed checkpoint, so that copies exist outside the database.

A checkpoint on the bus (and in the file an auditor keeps, `safetynet ledger checkpoints --export`) is a
witness: whoever controls the database cannot take it back, so a log rolled back behind a published
checkpoint is caught by `safetynet ledger verify --witness`."""

import datetime as dt
from typing import ClassVar

from pydantic import Field

from contracts.base import EventContract

CHECKPOINT_TOPIC = "ledger.checkpoint.v1"


class CheckpointSignedV1(EventContract):
    """The ledger signed its Merkle tree head at a size: a C2SP tlog-checkpoint signed note."""

    topic: ClassVar[str] = CHECKPOINT_TOPIC
    type: ClassVar[str] = "ledger.checkpoint.signed"
    origin: str = Field(description="the log's name, the first line of the note and its key name")
    tree_size: int = Field(ge=0)
    root_hash: str = Field(description="base64 RFC 9162 root hash")
    note: str = Field(description="the signed note (c2sp.org/tlog-checkpoint), verifiable with the public key")
    issued_at: dt.datetime
