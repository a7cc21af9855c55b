"""`safetynet ledger verify`: recompute the whole tree from the database, check every checkpoint's root and
signature, and name the first entry that does not match. Reads with its own connection, never writes."""

import base64
import hashlib
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg

from ledger import signing
from ledger.merkle import Frontier


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    seconds: float = 0.0
    first_bad_entry: dict[str, Any] | None = None
    bad_checkpoints: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_bad_entry is None and not self.bad_checkpoints

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


async def verify(dsn: str, public_key: bytes) -> Report:
    started = time.perf_counter()
    report = Report()
    conn = await asyncpg.connect(dsn)
    try:
        checkpoints = list(
            await conn.fetch(
                "SELECT id, tree_size, root_hash, issued_at, signature FROM ledger.checkpoints ORDER BY tree_size, id"
            )
        )
        for c in checkpoints:
            if not signing.verify(public_key, c["signature"], c["tree_size"], c["root_hash"], c["issued_at"]):
                report.bad_checkpoints.append({"id": c["id"], "tree_size": c["tree_size"], "reason": "bad signature"})
        tree, pending = Frontier(), iter(checkpoints)
        due = next(pending, None)
        while due is not None and due["tree_size"] == 0:
            due = next(pending, None)
        sha256, push = hashlib.sha256, tree.push
        async with conn.transaction():
            async for leaf_index, body, stored in conn.cursor(
                "SELECT leaf_index, body, leaf_hash FROM ledger.entries ORDER BY leaf_index", prefetch=20_000
            ):
                h = sha256(b"\x00" + body).digest()
                if report.first_bad_entry is None and (leaf_index != tree.size or h != stored):
                    report.first_bad_entry = await _describe(conn, leaf_index, tree.size)
                push(h)
                while due is not None and due["tree_size"] == tree.size:
                    if tree.root() != due["root_hash"]:
                        report.bad_checkpoints.append(
                            {
                                "id": due["id"],
                                "tree_size": due["tree_size"],
                                "reason": "root differs from the recomputed tree",
                            }
                        )
                    report.checkpoints += 1
                    due = next(pending, None)
        report.entries = tree.size
        for c in [due, *pending] if due is not None else []:
            report.bad_checkpoints.append({"id": c["id"], "tree_size": c["tree_size"], "reason": "beyond the log"})
    finally:
        await conn.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


async def _describe(conn: asyncpg.Connection, leaf_index: int, expected: int) -> dict[str, Any]:
    row = await conn.fetchrow("SELECT seq, event_id FROM ledger.entries WHERE leaf_index = $1", leaf_index)
    return {
        "leaf_index": leaf_index,
        "seq": row["seq"],
        "event_id": row["event_id"],
        "reason": "gap in leaf indexes" if leaf_index != expected else "leaf hash mismatch",
    }


def public_key_from(settings_key_b64: str) -> bytes:
    return signing.public_bytes(signing.private_key(settings_key_b64).public_key())


def decode_key(b64: str) -> bytes:
    return base64.b64decode(b64)
