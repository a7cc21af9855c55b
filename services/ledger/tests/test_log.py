"""The ledger over the real broker and database: every event once as a leaf, signed checkpoints, proofs
checked with an independent RFC 9162 implementation, tampering found by `verify`, the access audit, the
household archive and its export."""

import asyncio
import base64
import hashlib
import os
import re
import subprocess
import sys
from typing import Any

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from common.db import asyncpg_dsn
from devkit.kit.identification import ok
from devkit.kit.ledger import household_in_ledger
from devkit.kit.people import AUDITOR, COUNTY_OFFICER
from devkit.kit.rfc9162 import verify_consistency, verify_inclusion
from devkit.testing.fixtures import auth, eventually
from devkit.testing.pdfs import checked_pdf
from ledger.config import settings
from ledger.entries.verify import public_key_from, verify


def b(s: str) -> bytes:
    return base64.b64decode(s)


def check_signature(cp: dict[str, Any]) -> None:
    text = cp["note"].rpartition("\n\n")[0] + "\n"
    Ed25519PublicKey.from_public_bytes(b(cp["public_key"])).verify(b(cp["signature"]), text.encode())
    assert text.splitlines() == [cp["origin"], str(cp["tree_size"]), cp["root_hash"]]


async def test_entries_prove_their_inclusion_and_checkpoints_their_consistency(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household = await household_in_ledger(intake, client)
    first = await ok(await client.post("/checkpoints", headers=AUDITOR), 201)
    check_signature(first)
    for entry in household["entries"]:
        proof = await ok(await client.get(f"/entries/{entry['leaf_index']}/inclusion-proof", headers=AUDITOR))
        leaf = b(proof["leaf_hash"])
        assert leaf == hashlib.sha256(b"\x00" + b(proof["body"])).digest()
        assert verify_inclusion(
            proof["leaf_index"], proof["tree_size"], leaf, [b(p) for p in proof["audit_path"]], b(first["root_hash"])
        )
    latest = await ok(await client.get("/checkpoints/latest", headers=AUDITOR))
    assert latest["tree_size"] >= first["tree_size"]

    await household_in_ledger(intake, client)  # the log grows
    second = await ok(await client.post("/checkpoints", headers=AUDITOR), 201)
    assert second["tree_size"] > first["tree_size"]
    c = await ok(
        await client.get(
            "/consistency-proof", params={"first": first["tree_size"], "second": second["tree_size"]}, headers=AUDITOR
        )
    )
    proof = [b(p) for p in c["proof"]]
    assert verify_consistency(
        first["tree_size"], second["tree_size"], b(first["root_hash"]), b(second["root_hash"]), proof
    )
    assert not verify_consistency(
        first["tree_size"], second["tree_size"], b(second["root_hash"]), b(second["root_hash"]), proof
    )
    cadre = await client.get("/checkpoints/latest", headers=auth(settings, "village_cadre", "532504102"))
    assert cadre.status_code == 403


async def test_every_event_of_a_case_is_a_leaf_exactly_once(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household = await household_in_ledger(intake, client)
    ids = [(e["source"], e["event_id"]) for e in household["entries"]]
    assert len(ids) == len(set(ids))
    indexes = [e["leaf_index"] for e in household["entries"]]
    assert indexes == sorted(indexes) and len(set(indexes)) == len(indexes)


async def test_verify_recomputes_the_tree_and_names_a_tampered_entry(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household = await household_in_ledger(intake, client)
    await ok(await client.post("/checkpoints", headers=AUDITOR), 201)
    dsn = asyncpg_dsn(os.environ["DATABASE_URL"])
    key = public_key_from(settings.ledger_signing_key)
    clean = await verify(dsn, key, settings.ledger_origin)
    assert clean.ok and clean.entries >= len(household["entries"]) and clean.checkpoints >= 1, clean

    target = household["entries"][0]["leaf_index"]
    conn = await asyncpg.connect(dsn)
    try:
        original = await conn.fetchval("SELECT body FROM ledger.entries WHERE leaf_index = $1", target)
        at = original.index(b'"topic":"') + len(b'"topic":"')
        forged = original[:at] + original[at : at + 1].upper() + original[at + 1 :]  # one byte, still JSON
        assert forged != original
        with pytest.raises(asyncpg.PostgresError, match="append-only"):  # the trigger refuses a plain UPDATE ...
            await conn.execute("UPDATE ledger.entries SET body = $1 WHERE leaf_index = $2", forged, target)
        async with conn.transaction():  # ... so the attack goes behind it, as a superuser could
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.execute("UPDATE ledger.entries SET body = $1 WHERE leaf_index = $2", forged, target)
        report = await verify(dsn, key, settings.ledger_origin)
        assert not report.ok and report.first_bad_entry is not None
        assert report.first_bad_entry["leaf_index"] == target
        assert report.first_bad_entry["reason"] == "leaf hash mismatch"
        cli = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "safetynet_cli.main", "ledger", "verify"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert cli.returncode == 1, cli.stderr
        assert f"FIRST MISMATCH: entry {target}" in cli.stderr
    finally:
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.execute("UPDATE ledger.entries SET body = $1 WHERE leaf_index = $2", original, target)
        await conn.close()
    assert (await verify(dsn, key, settings.ledger_origin)).ok


async def test_the_tree_and_checkpoints_refuse_changes(client: httpx.AsyncClient) -> None:
    await ok(await client.post("/checkpoints", headers=AUDITOR), 201)
    conn = await asyncpg.connect(asyncpg_dsn(os.environ["DATABASE_URL"]))
    try:
        for statement in (
            "UPDATE ledger.tree_nodes SET hash = '\\x00'",
            "DELETE FROM ledger.checkpoints",
            "TRUNCATE ledger.tree_nodes",
            "UPDATE ledger.checkpoints SET tree_size = 1",
        ):
            with pytest.raises(asyncpg.PostgresError, match="append-only"):
                await conn.execute(statement)
    finally:
        await conn.close()


async def test_auditors_query_reads_of_personal_data_by_person_household_and_period(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household = await household_in_ledger(intake, client)
    page = await ok(await client.get("/access-audit", params={"household_id": household["id"]}, headers=AUDITOR))
    assert page["items"] and all(i["household_id"] == household["id"] for i in page["items"])
    read = next(i for i in page["items"] if i["what"] == "household detail")  # the township officer's read
    assert read["service"] == "intake" and read["actor_role"] == "township_officer" and read["purpose"]
    by_person = await ok(
        await client.get(
            "/access-audit",
            params={"actor": read["actor"], "from": read["accessed_at"], "limit": 1000},
            headers=AUDITOR,
        )
    )
    assert all(i["actor"] == read["actor"] for i in by_person["items"])
    assert household["id"] in {i["household_id"] for i in by_person["items"]}
    none = await ok(
        await client.get(
            "/access-audit", params={"household_id": household["id"], "to": "2020-01-01T00:00:00Z"}, headers=AUDITOR
        )
    )
    assert none["items"] == []


async def test_the_archive_as_of_a_date_and_its_checkable_export(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household = await household_in_ledger(intake, client)
    full = await ok(
        await client.get(
            f"/households/{household['id']}/archive", params={"purpose": "年度核查"}, headers=COUNTY_OFFICER
        )
    )
    types = [e["type"] for e in full["entries"]]
    assert {"intake.household.registered", "intake.consent.signed", "intake.case.approved"} <= set(types)
    case_steps = [t for t in types if t.startswith("intake.case.")]  # one topic, one key: in order
    assert case_steps[0] == "intake.case.declared" and case_steps[-1] == "intake.case.approved"
    assert full["region_name"] and full["region_code"].startswith("532504")
    approved_at = next(e["time"] for e in full["entries"] if e["type"] == "intake.case.approved")
    before = await ok(
        await client.get(
            f"/households/{household['id']}/archive",
            params={"purpose": "年度核查", "as_of": approved_at.replace("+00:00", "Z")},
            headers=COUNTY_OFFICER,
        )
    )
    assert len(before["entries"]) < len(full["entries"]) or approved_at == full["entries"][-1]["time"]
    elsewhere = await client.get(
        f"/households/{household['id']}/archive",
        params={"purpose": "x" * 3},
        headers=auth(settings, "county_officer", "441302"),
    )
    assert elsewhere.status_code == 404
    pdf = await client.get(
        f"/households/{household['id']}/archive.pdf", params={"purpose": "归档"}, headers=COUNTY_OFFICER
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = checked_pdf(pdf.content).replace("\n", "")  # its fonts embedded, every page drawn by PDFium
    assert household["id"] in text and "一户一档" in text
    # The proofs: in the PDF, one appendix page that says what is proven and how, naming the entries by one
    # digest (no bodies in base64, no English); beside it, the proofs for a program at the same as_of, checked
    # here as a verifier would.
    appendix = text.split("附录：核验说明")[1]
    assert "核验方法" in appendix and "audit_path" not in text and "Inclusion proofs" not in text
    named = re.search(r"archive/proofs\?as_of=([0-9T:.Z-]+)&through=(\d+)", appendix)
    assert named is not None, appendix
    proofs = await ok(
        await client.get(
            f"/households/{household['id']}/archive/proofs",
            params={"purpose": "归档", "as_of": named.group(1), "through": named.group(2)},
            headers=COUNTY_OFFICER,
        )
    )
    head = proofs["checkpoint"]
    assert {e["leaf_index"] for e in full["entries"]} <= {e["leaf_index"] for e in proofs["entries"]}
    leaves = []
    for e in sorted(proofs["entries"], key=lambda e: e["leaf_index"]):
        leaf = hashlib.sha256(b"\x00" + b(e["body"])).digest()
        assert leaf == b(e["leaf_hash"])
        path = [b(p) for p in e["audit_path"]]
        assert verify_inclusion(e["leaf_index"], head["tree_size"], leaf, path, b(head["root_hash"]))
        leaves.append(leaf)
    assert proofs["digest"] == hashlib.sha256(b"".join(leaves)).hexdigest() and proofs["digest"] in appendix
    Ed25519PublicKey.from_public_bytes(b(head["public_key"]))  # the key the appendix names is a key
    assert head["public_key"] in appendix

    async def export_audited() -> bool:
        page = await ok(await client.get("/access-audit", params={"household_id": household["id"]}, headers=AUDITOR))
        return {"archive", "archive export", "archive proofs"} <= {i["what"] for i in page["items"]}

    assert await eventually(export_audited)
    retention = await ok(await client.get("/retention", headers=AUDITOR))
    assert any("never" in r for r in retention["rules"])
