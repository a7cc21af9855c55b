import uuid
from typing import ClassVar

import pytest

from common.events.envelope import BadEvent, decode, encode, new_envelope
from common.logging import scrub
from contracts.base import EventContract
from contracts.topics import TOPICS, contract_for


class Sample(EventContract):
    topic: ClassVar[str] = "test.sample.v1"
    type: ClassVar[str] = "test.sample.happened"
    n: int


def test_round_trip_keyed_by_subject() -> None:
    subject = uuid.uuid4()
    message = encode(new_envelope(Sample(n=3), source="/test", subject=subject))
    assert message.key == str(subject) and message.headers["content-type"] == b"application/cloudevents+json"
    envelope = decode(message.value, str(subject).encode())
    assert envelope.type == "test.sample.happened" and envelope.subject == str(subject)
    assert envelope.payload(Sample) == Sample(n=3)


@pytest.mark.parametrize(
    "value",
    [
        None,
        b"",
        b"nope",
        b"[]",
        b'{"specversion": "1.0", "id": "x", "source": "s"}',
        b'{"specversion": "1.0", "id": "x", "source": "s", "type": "t", "data": [1]}',
    ],
)
def test_malformed_events_are_bad(value: bytes | None) -> None:
    with pytest.raises(BadEvent):
        decode(value)


def test_payload_mismatch_is_bad() -> None:
    message = encode(new_envelope(Sample(n=3), source="/test", subject="s"))
    with pytest.raises(BadEvent, match="does not match"):
        decode(message.value).payload(type("Other", (EventContract,), {"__annotations__": {"m": int}}))


def test_registry_resolves_contracts() -> None:
    assert contract_for("intake.case.v1", "intake.case.approved").__name__ == "CaseApprovedV1"
    assert contract_for("intake.case.v1", "nope") is None
    assert all(c.topic == t.name for t in TOPICS.values() for c in t.contracts)


def test_scrub_masks_identifiers_anywhere() -> None:
    assert scrub("id 11010519491231002X tel 13800138000.") == "id 110105********002X tel 138****8000."


async def test_an_unexpected_error_is_a_problem_without_internals() -> None:
    import httpx
    from fastapi import FastAPI

    from common.errors import install_problem_handlers

    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        secret = "INSERT ... parameters: ('王五', '1组8号')"
        raise RuntimeError(secret)

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.get("/boom")
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert "王五" not in r.text and r.json()["type"].endswith("/internal-error")


@pytest.mark.parametrize("micro", [0, 91327])
def test_the_outboxs_direct_encoding_is_the_sdks(micro: int) -> None:
    """The outbox builds the structured JSON itself (envelope.encoded); it must be what the CloudEvents SDK
    writes for the same event: decimals, times, nested findings, Chinese text and quotes included."""
    import datetime as dt

    import orjson

    from common.events.envelope import encoded
    from contracts.screening import AlertConfirmedV1, AlertFinding

    payload = AlertConfirmedV1(
        alert_id=uuid.uuid4(),
        household_id=uuid.uuid4(),
        region_code="532504102001",
        grade="red",
        findings=[
            AlertFinding(
                rule="income_below_line",
                category="other",
                grade="orange",
                explanation='per-capita 4,256.53 CNY "below" the line',
                explanation_zh="家庭人均纯收入低于监测范围\t（依据）",
                evidence=["income:2026", "housing:r1@2"],
            )
        ],
        confirmed_by="cadre-1",
        confirmed_at=dt.datetime(2026, 11, 27, 21, 5, 1, micro, dt.timezone(dt.timedelta(hours=8))),
    )
    event_id, at = uuid.uuid4(), dt.datetime(2026, 11, 27, 13, 5, 1, micro, dt.UTC)
    sdk = encode(new_envelope(payload, source="/screening", subject="h-1", event_id=event_id, time=at)).value
    direct_id, direct = encoded(payload, source="/screening", subject="h-1", event_id=event_id, time=at)
    assert direct_id == event_id and orjson.loads(direct) == orjson.loads(sdk)
    assert decode(direct, b"h-1") == decode(sdk, b"h-1")


def test_scrub_keeps_request_and_trace_ids_whole() -> None:
    """Issue 24: `request_id=e3a71ec3edb742e182****3313c6915a` could no longer be traced. Hex ids (request
    ids, W3C trace and span ids, UUIDs) keep their digits; resident IDs and mobiles are masked beside them."""
    request_id = "e3a71ec3edb742e" + "18213913313" + "c6915a"  # a mobile-shaped run inside a random id
    span = "b7ad6b7169203331"
    traceparent = f"00-{request_id}-{span}-01"
    uuid_text = f"{request_id[:8]}-{request_id[8:12]}-{request_id[12:16]}-{request_id[16:20]}-{request_id[20:]}"
    line = f"request_id={request_id} traceparent={traceparent} trace_id={request_id} span_id={span} id={uuid_text}"
    assert scrub(line) == line
    assert scrub(f"{line} tel 13800138000 id 11010519491231002X") == f"{line} tel 138****8000 id 110105********002X"
    # A resident ID (its check digit holding) glued into an id-shaped token is still masked there.
    smuggled = "abcdef" + "110105194912310011" + "abcdefab"  # 110105194912310011: its check digit holds
    assert len(smuggled) == 32 and scrub(f"request_id={smuggled}") == "request_id=abcdef110105********0011abcdefab"
    assert scrub("rid 13800138000ab") == "rid 138****8000ab"  # not an id: a mobile with letters after it
