"""screening.alert.v1 over the real broker: opens or joins a case; redelivery is a no-op; poison goes to the DLQ."""

import uuid
from typing import Any

import httpx

from common import clock
from common.events.envelope import encode, new_envelope
from contracts.screening import ALERT_TOPIC, AlertConfirmedV1, AlertFinding
from devkit.kit.households import register
from devkit.kit.identification import TOWNSHIP
from devkit.testing.fixtures import TopicReader, eventually, produce
from intake.config import settings

BOOTSTRAP = settings.kafka_bootstrap_servers or ""


def alert_message(
    household: dict[str, Any], rule: str = "medical_out_of_pocket_high", category: str = "illness"
) -> tuple[bytes, bytes]:
    payload = AlertConfirmedV1(
        alert_id=uuid.uuid4(),
        household_id=household["id"],
        region_code=household["region_code"],
        grade="red",
        findings=[
            AlertFinding(
                rule=rule,
                category=category,
                grade="red",
                explanation="out-of-pocket medical cost 52,000 CNY exceeds 20,000 CNY",
                evidence=["medical-insurance:settlement:991"],
            )
        ],
        confirmed_by="township-li",
        confirmed_at=clock.now(),
    )
    message = encode(new_envelope(payload, source="/safetynet/screening", subject=household["id"]))
    return message.value, household["id"].encode()


async def _case_of(client: httpx.AsyncClient, household: dict[str, Any]) -> dict[str, Any] | None:
    items = (await client.get("/cases", params={"household_id": household["id"]}, headers=TOWNSHIP)).json()["items"]
    if not items:
        return None
    return (await client.get(f"/cases/{items[0]['id']}", headers=TOWNSHIP)).json()


async def test_alert_opens_then_joins_and_redelivery_is_a_no_op(client: httpx.AsyncClient) -> None:
    household = await register(client)
    value, key = alert_message(household)
    await produce(BOOTSTRAP, ALERT_TOPIC, value, key)
    case = await eventually(lambda: _case_of(client, household))
    assert case["channels"] == ["department_alert"] and case["state"] == "declared"
    assert case["risks"][0]["rule"] == "medical_out_of_pocket_high"
    assert case["declared_by"] == "screening:township-li"

    await produce(BOOTSTRAP, ALERT_TOPIC, value, key)  # redelivery of the very same event
    second_value, _ = alert_message(household, rule="housing_grade_cd", category="other")
    await produce(BOOTSTRAP, ALERT_TOPIC, second_value, key)

    async def joined() -> dict[str, Any] | None:
        c = await _case_of(client, household)
        return c if c and len(c["steps"]) >= 2 else None

    case = await eventually(joined)
    assert [s["action"] for s in case["steps"]] == ["declare", "join"]
    assert [r["rule"] for r in case["risks"]] == ["medical_out_of_pocket_high", "housing_grade_cd"]


async def test_poison_events_go_to_the_dlq_and_the_stream_goes_on(client: httpx.AsyncClient) -> None:
    household = await register(client)
    unknown = dict(household, id=str(uuid.uuid4()))
    bad_household, _ = alert_message(unknown)
    wrong_shape, _ = alert_message(household)
    wrong_shape = wrong_shape.replace(b'"grade": "red"', b'"grade": "purple"', 1)
    await produce(BOOTSTRAP, ALERT_TOPIC, b"\x00not json", b"k1")
    await produce(BOOTSTRAP, ALERT_TOPIC, bad_household, unknown["id"].encode())
    await produce(BOOTSTRAP, ALERT_TOPIC, wrong_shape, household["id"].encode())
    good, key = alert_message(household)
    await produce(BOOTSTRAP, ALERT_TOPIC, good, key)
    assert await eventually(lambda: _case_of(client, household))  # the good event after the bad ones applies

    async with TopicReader(BOOTSTRAP, ALERT_TOPIC + ".dlq") as dlq:

        def reason(m: Any) -> str:
            return dict(m.headers).get("dlq-reason", b"").decode()

        garbage_msg = await dlq.wait_for(lambda m: m.value == b"\x00not json")
        unknown_msg = await dlq.wait_for(lambda m: m.value == bad_household)
        shape_msg = await dlq.wait_for(lambda m: m.value == wrong_shape)
    assert "not a CloudEvents 1.0 structured JSON event" in reason(garbage_msg)
    assert f"unknown household {unknown['id']}" in reason(unknown_msg)
    assert "does not match AlertConfirmedV1" in reason(shape_msg)
    headers = dict(shape_msg.headers)
    assert headers["dlq-original-topic"] == ALERT_TOPIC.encode() and headers["dlq-consumer-group"] == b"intake-service"
