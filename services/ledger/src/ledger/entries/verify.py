"""`safetynet ledger verify`: recompute the whole tree from the database, check every checkpoint's root and
signature, check that what the API serves of each entry is what its leaf hashes, and (with witnessed
checkpoints kept outside the database) that the log still extends every one of them. Names the first entry
or checkpoint that does not hold. Reads with its own connection, never writes."""

import base64
import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg
import orjson

from ledger.checkpoints import signing
from ledger.entries.merkle import Frontier


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    witnessed: int = 0
    seconds: float = 0.0
    first_bad_entry: dict[str, Any] | None = None
    bad_checkpoints: list[dict[str, Any]] = field(default_factory=list)
    first_unwitnessed: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_entry is None and not self.bad_checkpoints and self.first_unwitnessed is None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def read_witness(lines: Iterable[str], public_key: bytes, origin: str) -> list[signing.SignedCheckpoint]:
    """Checkpoints an auditor kept (JSON lines with a `note`, as `checkpoints --export` writes them). Only
    the signed note is trusted: a note that does not verify is an error, never silently skipped."""
    kept = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            note = orjson.loads(line)["note"]
            kept.append(signing.open_checkpoint(note, public_key, origin))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise signing.BadNote(f"witness line {n}: {exc}") from None
    return sorted(kept, key=lambda c: c.tree_size)


async def verify(
    dsn: str,
    public_key: bytes,
    origin: str,
    witnessed: Sequence[signing.SignedCheckpoint] = (),
) -> Report:
    started = time.perf_counter()
    report = Report(witnessed=len(witnessed))
    conn = await asyncpg.connect(dsn)
    try:
        checkpoints = list(
            await conn.fetch(
                "SELECT id, tree_size, root_hash, issued_at, signature, note FROM ledger.checkpoints "
                "ORDER BY tree_size, id"
            )
        )
        for c in checkpoints:
            if not _signed(c, public_key, origin):
                report.bad_checkpoints.append({"id": c["id"], "tree_size": c["tree_size"], "reason": "bad signature"})
        due = _due(checkpoints, witnessed)
        tree = await _recompute(conn, report, due)
        report.entries = tree.size
        for size in sorted(due):  # sizes beyond the log: it was cut back behind them
            for kind, c in due[size]:
                if kind == "db":
                    report.bad_checkpoints.append({"id": c["id"], "tree_size": size, "reason": "beyond the log"})
                elif report.first_unwitnessed is None:
                    report.first_unwitnessed = {
                        "tree_size": size,
                        "reason": f"the log has {tree.size} entries, fewer than this witnessed checkpoint: "
                        "entries were removed",
                    }
    finally:
        await conn.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


# Every column the API serves, read beside the body: `_served_differs` compares them. (Comparing inside
# PostgreSQL, parsing each body as jsonb there, measured 4x slower than orjson here.)
SERVED_IN_PYTHON = (
    "SELECT leaf_index, body, leaf_hash, source, event_id, topic, type, subject, time, data::text, recorded_at "
    "FROM ledger.entries ORDER BY leaf_index"
)
SERVED_DIFFERS = "a served column differs from the hashed body"


def _due(checkpoints: list[asyncpg.Record], witnessed: Sequence[signing.SignedCheckpoint]) -> dict[int, list[Any]]:
    """Every size at which a root must be compared: the database's checkpoints and the witnessed ones."""
    due: dict[int, list[tuple[str, Any]]] = {}
    for c in checkpoints:
        due.setdefault(c["tree_size"], []).append(("db", c))
    for w in witnessed:
        due.setdefault(w.tree_size, []).append(("witness", w))
    return due


async def _recompute(conn: asyncpg.Connection, report: Report, due: dict[int, list[Any]]) -> Frontier:
    """One pass over the log: every leaf re-hashed, its served columns compared with its body, the root
    compared at every due size."""
    tree = Frontier()
    _check_due(report, due.pop(0, []), tree)
    sha256, push = hashlib.sha256, tree.push
    async with conn.transaction():
        async for row in conn.cursor(SERVED_IN_PYTHON, prefetch=20_000):
            leaf_index, body = row[0], row[1]
            h = sha256(b"\x00" + body).digest()
            if report.first_bad_entry is None:
                reason = (
                    "gap in leaf indexes"
                    if leaf_index != tree.size
                    else "leaf hash mismatch"
                    if h != row[2]
                    else _served_differs(body, row)
                )
                if reason:
                    report.first_bad_entry = await _describe(conn, leaf_index, reason)
            push(h)
            if tree.size in due:
                _check_due(report, due.pop(tree.size), tree)
    return tree


def _signed(c: asyncpg.Record, public_key: bytes, origin: str) -> bool:
    if c["note"] is None:
        return signing.legacy_verify(public_key, c["signature"], c["tree_size"], c["root_hash"], c["issued_at"])
    try:
        note = signing.open_checkpoint(c["note"], public_key, origin)
    except signing.BadNote:
        return False
    return note.tree_size == c["tree_size"] and note.root_hash == c["root_hash"]


def _check_due(report: Report, due: list[tuple[str, Any]], tree: Frontier) -> None:
    """Compare the recomputed root with every checkpoint of this size: equal roots at a witnessed size
    prove the log still extends the witnessed tree (the strongest consistency check: every leaf
    recomputed, not a proof taken from the database being checked)."""
    if not due:
        return
    root = tree.root()
    for kind, c in due:
        if kind == "db":
            report.checkpoints += 1
            if c["root_hash"] != root:
                report.bad_checkpoints.append(
                    {"id": c["id"], "tree_size": c["tree_size"], "reason": "root differs from the recomputed tree"}
                )
        elif c.root_hash != root and report.first_unwitnessed is None:
            report.first_unwitnessed = {
                "tree_size": c.tree_size,
                "reason": "the log's first entries no longer hash to this witnessed checkpoint's root: "
                "history was rewritten",
            }


def _served_differs(body: bytes, row: asyncpg.Record) -> str | None:
    """The columns the API serves must be the body's own content: an edit of any served byte, behind the
    append-only trigger, is named here."""
    try:
        hashed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "the body is not JSON"
    plain = {"source": row[3], "event_id": row[4], "topic": row[5], "type": row[6], "subject": row[7]}
    if any(hashed.get(k) != v for k, v in plain.items()):
        return SERVED_DIFFERS
    if dt.datetime.fromisoformat(hashed["time"]) != row[8] or orjson.loads(row[9]) != hashed.get("data"):
        return SERVED_DIFFERS
    if "recorded_at" in hashed and dt.datetime.fromisoformat(hashed["recorded_at"]) != row[10]:
        return SERVED_DIFFERS
    return None


async def _describe(conn: asyncpg.Connection, leaf_index: int, reason: str) -> dict[str, Any]:
    row = await conn.fetchrow("SELECT seq, event_id FROM ledger.entries WHERE leaf_index = $1", leaf_index)
    return {"leaf_index": leaf_index, "seq": row["seq"], "event_id": row["event_id"], "reason": reason}


def public_key_from(settings_key_b64: str) -> bytes:
    return signing.public_bytes(signing.private_key(settings_key_b64).public_key())


def decode_key(b64: str) -> bytes:
    return base64.b64decode(b64)
