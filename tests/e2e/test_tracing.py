"""One trace across the bus: a registration's request, the event it writes (its traceparent in the
CloudEvents distributed-tracing extension), the ledger's consumer and the entry it appends share the trace id
the caller sent."""

import json
import secrets
from typing import Any

from contracts.intake import HOUSEHOLD_TOPIC
from devkit.kit.households import VILLAGE_A, household_body
from devkit.kit.identification import CADRE
from devkit.kit.people import AUDITOR
from devkit.testing.fixtures import TopicReader, eventually
from intake.config import settings


async def test_a_registrations_trace_id_reaches_its_ledger_entry(services: Any) -> None:
    intake, ledger = await services.client("intake"), await services.client("ledger")
    trace_id, parent = secrets.token_hex(16), secrets.token_hex(8)
    async with TopicReader(settings.kafka_bootstrap_servers or "", HOUSEHOLD_TOPIC) as topic:
        r = await intake.post(
            "/households",
            json=household_body(VILLAGE_A),
            headers={**CADRE, "traceparent": f"00-{trace_id}-{parent}-01"},
        )
        assert r.status_code == 201, r.text
        household = r.json()
        message = await topic.wait_for(lambda m: household["id"].encode() in m.value, timeout=30)
    event = json.loads(message.value)
    assert event["traceparent"].split("-")[1] == trace_id and event["traceparent"].split("-")[2] != parent

    async def entry() -> dict[str, Any] | None:
        page = (await ledger.get("/entries", params={"trace_id": trace_id}, headers=AUDITOR)).json()
        return next((e for e in page["items"] if e["type"] == "intake.household.registered"), None)

    found = await eventually(entry, timeout=30)
    assert found["subject"] == household["id"] and found["trace_id"] == trace_id
    untraced = (await ledger.get("/entries", params={"trace_id": "0" * 31 + "1"}, headers=AUDITOR)).json()
    assert untraced["items"] == []
