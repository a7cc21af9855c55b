"""An ID number or a phone number is never kept in clear, whatever field of a department's record it arrives in.
A housing record posted with `record_id: "532504197712123333"` left `housing:532504197712123333` in the
ledger's subjects and hashed bodies, and the number in clear in screening's records, alerts, ingest keys and
outbox. A department's ids are identifiers of its system: a number in them is kept as its keyed pseudonym, the
same every time, so the record stays one record and its corrections still match it."""

import datetime as dt
import uuid
from typing import Any

from common.events.envelope import encode, new_envelope
from contracts.dept import WaterRecordV1
from devkit.kit.people import ADMIN, HOUSING, department
from devkit.testing.fixtures import eventually, mobile, produce, resident_id, rows_as_text
from screening.config import settings

FINANCE = department("finance")


async def test_an_id_number_in_any_text_field_of_a_department_record_is_kept_as_its_pseudonym(services: Any) -> None:
    screening, ledger = await services.client("screening"), await services.client("ledger")
    as_id, on_bus, phone, loan_phone = resident_id(), resident_id(), mobile(), mobile()
    housing = {"resident_id": resident_id(), "event_date": "2026-11-02", "kind": "appraisal", "grade": "C"}
    first = await screening.post("/feeds/housing/records", json={"record_id": as_id, **housing}, headers=HOUSING)
    assert first.status_code == 202, first.text
    named = first.json()["record_id"]
    assert named.startswith("pid-") and as_id not in named
    corrected = {"record_id": as_id, "revision": 2, **housing, "grade": "D"}
    again = await screening.post("/feeds/housing/records", json=corrected, headers=HOUSING)
    assert again.status_code == 202 and again.json()["record_id"] == named  # the same record, corrected
    loan = {
        "record_id": f"FN{phone}",
        "resident_id": resident_id(),
        "event_date": "2026-11-02",
        "kind": "loan_overdue",
        "loan_id": loan_phone,
        "amount": "50000",
        "overdue_days": 40,
    }
    posted = await screening.post("/feeds/finance/records", json=loan, headers=FINANCE)
    assert posted.status_code == 202, posted.text
    bad = await screening.post(
        "/feeds/housing/uploads",
        content=f"record_id,resident_id,event_date,kind,grade\n{as_id},not-an-id,2026-11-02,appraisal,C\n".encode(),
        headers={**HOUSING, "Content-Type": "text/csv"},
    )
    assert bad.status_code in (200, 201, 202), bad.text  # its one row rejected, and recorded
    # Straight to the topic, keyed by the number, as a department's own producer might.
    water = WaterRecordV1(
        record_id=on_bus, resident_id=resident_id(), event_date=dt.date(2026, 11, 2), kind="unsafe", issue="access"
    )
    envelope = new_envelope(water, source="/gov/water", subject=f"water:{on_bus}")
    await produce(settings.kafka_bootstrap_servers or "", WaterRecordV1.topic, encode(envelope).value, b"water:x")

    async def everywhere() -> bool:  # screening stored both, and the ledger logged them
        waiting = await screening.get("/feeds/unmatched", params={"limit": 500}, headers=ADMIN)
        ids = {i["record_id"] for i in waiting.json()["items"]}
        logged = await ledger.get("/entries", params={"topic": WaterRecordV1.topic, "limit": 500}, headers=ADMIN)
        return named in ids and any(e["event_id"] == envelope.get_id() for e in logged.json()["items"])

    assert await eventually(everywhere, timeout=60)
    dump = "\n".join((await rows_as_text(screening._transport.app.state.db.engine)).values())  # type: ignore[attr-defined]
    for number in (as_id, on_bus, phone, loan_phone):
        assert number not in dump, f"{number[:6]}… in clear"
    assert f"housing:{named}" in dump and "water:pid-" in dump  # the subjects, by pseudonym
    assert uuid.UUID(str(envelope.get_id()))
