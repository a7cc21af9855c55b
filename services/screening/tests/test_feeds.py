"""Department feeds over the real broker and database: REST and bus paths into one store."""

import datetime as dt
import json
import uuid
from typing import Any

import httpx
from sqlalchemy import text

from common.events.envelope import encode, new_envelope
from contracts.dept import HousingRecordV1
from devkit.kit.people import ADMIN, HOUSING, MEDICAL
from devkit.testing.fixtures import TopicReader, auth, eventually, produce, produce_many, resident_id, rows_as_text
from screening.config import settings


def settlement(rid: str, record_id: str | None = None, revision: int = 1, oop: str = "52000") -> dict[str, Any]:
    return {
        "record_id": record_id or f"MI-{uuid.uuid4().hex[:10]}",
        "revision": revision,
        "resident_id": rid,
        "event_date": "2026-11-02",
        "kind": "settlement",
        "total": "60000",
        "reimbursed": "8000",
        "out_of_pocket": oop,
        "disease_category": "major",
    }


async def unmatched(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    items, cursor = [], None
    while True:
        page = (
            await client.get(
                "/feeds/unmatched", params={"limit": 500, **({"cursor": cursor} if cursor else {})}, headers=ADMIN
            )
        ).json()
        items += page["items"]
        if not (cursor := page["next_cursor"]):
            return {i["record_id"]: i for i in items}


async def test_single_records_dedupe_correct_and_wait_for_their_household(services: Any) -> None:
    screening, intake = await services.client("screening"), await services.client("intake")
    rid = resident_id()
    first = settlement(rid)
    r = await screening.post("/feeds/medical-insurance/records", json=first, headers=MEDICAL)
    assert r.status_code == 202 and r.json()["outcome"] == "accepted"
    again = await screening.post("/feeds/medical-insurance/records", json=first, headers=MEDICAL)
    assert again.json()["outcome"] == "duplicate"
    fixed = await screening.post(
        "/feeds/medical-insurance/records",
        headers=MEDICAL,
        json=settlement(rid, first["record_id"], revision=2, oop="48000"),
    )
    assert fixed.json()["outcome"] == "accepted"

    async def waiting() -> dict[str, Any] | None:
        item = (await unmatched(screening)).get(first["record_id"])
        return item if item and item["revision"] == 2 else None

    item = await eventually(waiting)
    assert item["resident_id_masked"] == rid[:6] + "********" + rid[-4:]  # the correction is current

    register = {
        "region_code": "532504102001",
        "household_no": uuid.uuid4().hex[:16],
        "address": "1组",
        "category": "lifted",
        "members": [{"name": "王五", "resident_id": rid, "relation": "head", "labour_capacity": "full"}],
    }
    from intake.config import settings as intake_settings

    created = await intake.post(
        "/households", json=register, headers=auth(intake_settings, "village_cadre", "532504102")
    )
    assert created.status_code == 201

    async def matched() -> bool:
        return first["record_id"] not in await unmatched(screening)

    assert await eventually(matched)


async def test_only_the_department_writes_its_feed_and_bad_records_say_why(client: httpx.AsyncClient) -> None:
    body = settlement(resident_id())
    assert (await client.post("/feeds/medical-insurance/records", json=body, headers=HOUSING)).status_code == 403
    cadre = auth(settings, "village_cadre", "532504102")
    assert (await client.post("/feeds/medical-insurance/records", json=body, headers=cadre)).status_code == 403
    assert (await client.post("/feeds/tax/records", json=body, headers=ADMIN)).status_code == 404
    bad_id = body["resident_id"][:-1] + ("0" if body["resident_id"][-1] != "0" else "1")
    r = await client.post(
        "/feeds/medical-insurance/records", json={**body, "resident_id": bad_id, "total": "-5"}, headers=MEDICAL
    )
    assert r.status_code == 422
    assert "resident_id" in r.json()["detail"] and "total" in r.json()["detail"]
    assert bad_id not in r.text  # reasons never echo the values


async def test_bulk_uploads_stream_with_a_result_per_row(client: httpx.AsyncClient) -> None:
    rows = [settlement(resident_id()) for _ in range(3)]
    lines = [
        json.dumps(rows[0]),
        json.dumps(rows[1]),
        json.dumps(rows[0]),
        "{broken",
        json.dumps(rows[2] | {"kind": "x"}),
    ]
    upload_id = str(uuid.uuid4())
    r = await client.post(
        "/feeds/medical-insurance/uploads",
        content="\n".join(lines).encode(),
        headers={**MEDICAL, "Content-Type": "application/x-ndjson", "Upload-Id": upload_id},
    )
    assert r.status_code == 200, r.text
    outcomes = [(x["row"], x["outcome"]) for x in r.json()["results"]]
    assert outcomes == [(1, "accepted"), (2, "accepted"), (3, "duplicate"), (4, "rejected"), (5, "rejected")]
    assert "kind" in r.json()["results"][4]["reason"]
    progress = (await client.get(f"/feeds/uploads/{upload_id}", headers=MEDICAL)).json()
    assert progress["status"] == "done" and (progress["rows"], progress["accepted"], progress["rejected"]) == (5, 2, 2)

    header = "record_id,resident_id,event_date,kind,grade\n"
    csv_rows = [
        f"H-{uuid.uuid4().hex[:8]},{resident_id()},2026-10-01,appraisal,D\n",
        f"H-{uuid.uuid4().hex[:8]},{resident_id()},2026-10-01,appraisal,E\n",
        f"H-{uuid.uuid4().hex[:8]},{resident_id()},2026-10-01,renovation_completed,\n",
    ]
    r = await client.post(
        "/feeds/housing/uploads",
        content=("\ufeff" + header + "".join(csv_rows)).encode(),
        headers={**HOUSING, "Content-Type": "text/csv"},
    )
    assert [x["outcome"] for x in r.json()["results"]] == ["accepted", "rejected", "accepted"]
    assert (
        await client.post(
            "/feeds/housing/uploads", content=b"x", headers={**HOUSING, "Content-Type": "application/pdf"}
        )
    ).status_code == 400


async def test_records_published_to_the_topic_land_and_poison_goes_to_the_dlq(client: httpx.AsyncClient) -> None:
    rid = resident_id()
    record = HousingRecordV1(
        record_id=f"H-{uuid.uuid4().hex[:8]}",
        resident_id=rid,
        event_date=dt.date(2026, 9, 1),
        kind="appraisal",
        grade="C",
    )
    message = encode(new_envelope(record, source="/gov/housing", subject=f"housing:{record.record_id}"))
    bootstrap = settings.kafka_bootstrap_servers or ""
    await produce(bootstrap, record.topic, message.value, message.key.encode())
    # The poison is its own event (its own id): a copy of the good one would rightly be a redelivery.
    other = encode(new_envelope(record, source="/gov/housing", subject="housing:poison"))
    poison = other.value.replace(b'"grade": "C"', b'"grade": "Z"')
    await produce(bootstrap, record.topic, poison, b"housing:poison")

    async def landed() -> bool:
        return record.record_id in await unmatched(client)

    assert await eventually(landed)
    async with TopicReader(bootstrap, record.topic + ".dlq") as dlq:
        dead = await dlq.wait_for(lambda m: m.value == poison)
    reason = dict(dead.headers)["dlq-reason"].decode()
    assert "grade" in reason and rid not in reason


async def test_no_plaintext_identifier_at_rest_in_any_service(services: Any) -> None:
    screening = await services.client("screening")
    rid = resident_id()
    await screening.post("/feeds/medical-insurance/records", json=settlement(rid), headers=MEDICAL)
    ledger = await services.client("ledger")
    from ledger.main import app as ledger_app

    async def in_ledger() -> bool:
        async with ledger_app.state.db.engine.connect() as conn:
            rows = (
                (
                    await conn.execute(
                        text(
                            "SELECT data::text FROM ledger.entries WHERE topic = 'dept.medical-insurance.v1' "
                            "ORDER BY seq DESC LIMIT 50"
                        )
                    )
                )
                .scalars()
                .all()
            )
        return any("blind_index" in r for r in rows)

    assert ledger and await eventually(in_ledger)
    for table, rows in (await rows_as_text(ledger_app.state.db.engine)).items():
        assert rid not in rows, f"plaintext resident ID in {table}"
    async with ledger_app.state.db.engine.connect() as conn:
        outbox = await conn.execute(text("SELECT value FROM screening.outbox WHERE encrypted"))
        assert all(rid.encode() not in bytes(v) for (v,) in outbox)


async def test_a_batch_from_the_bus_keeps_order_drops_repeats_and_isolates_poison(client: httpx.AsyncClient) -> None:
    """Sent together on one key, the records arrive in one fetch and are applied as a batch: a correction
    after its original wins, a redelivered event changes nothing, and the poison alone is dead-lettered."""
    bootstrap, key = settings.kafka_bootstrap_servers or "", b"housing:batch"
    records = [
        HousingRecordV1(
            record_id=f"HB-{uuid.uuid4().hex[:8]}",
            resident_id=resident_id(),
            event_date=dt.date(2026, 9, 1),
            kind="appraisal",
            grade="C",
        )
        for _ in range(30)
    ]
    correction = records[1].model_copy(update={"revision": 2, "grade": "D"})
    messages = [encode(new_envelope(r, source="/gov/housing", subject=key.decode())).value for r in records]
    poison = encode(new_envelope(records[2], source="/gov/housing", subject=key.decode())).value.replace(
        b'"kind": "appraisal"', b'"kind": "demolished"'
    )
    fixed = encode(new_envelope(correction, source="/gov/housing", subject=key.decode())).value
    sequence = [*messages[:10], poison, messages[0], fixed, *messages[10:]]
    await produce_many(bootstrap, HousingRecordV1.topic, [(value, key) for value in sequence])

    async def all_landed() -> dict[str, dict[str, Any]] | None:
        waiting = await unmatched(client)
        return waiting if all(r.record_id in waiting for r in records) else None

    waiting = await eventually(all_landed)
    assert waiting[records[1].record_id]["revision"] == 2 and waiting[records[0].record_id]["revision"] == 1
    async with TopicReader(bootstrap, HousingRecordV1.topic + ".dlq") as dlq:
        dead = await dlq.wait_for(lambda m: m.value == poison)
    assert "kind" in dict(dead.headers)["dlq-reason"].decode()
