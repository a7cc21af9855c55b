"""The social-registry gateway (DCI search, subscribe, notify) over the real broker and database, with a
real HTTP receiver for the notifications: answers only for a consenting household within the caller's
jurisdiction (the same empty answer otherwise), each record answered or delivered in the access audit, a
subscriber that fails is retried, a consent revoked before delivery withholds the notification. Notify
targets are denied by default: an internal address is refused at subscribe and again at delivery."""

import json
import uuid
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, text

from common import clock
from common.events.envelope import encode, new_envelope
from contracts.assistance import DEPARTMENT_LIST_TOPIC, DepartmentListEntryV1
from contracts.audit import ACCESS_TOPIC
from devkit.kit.assistance import identified
from devkit.kit.households import VILLAGE_A, headers, household_body, member
from devkit.kit.identification import CADRE, ok, sign_consent
from devkit.kit.people import department
from devkit.kit.registry import SENDER_ID, signed
from devkit.kit.registry import registered as senders
from devkit.testing.fixtures import TopicReader, eventually, produce
from devkit.testing.http import Receiver, serving
from intake.config import settings
from intake.registry import targets

CIVIL = headers("department", "532504", sub="civil-affairs-system", department="civil-affairs")
ELSEWHERE = headers("department", "441302", sub="civil-affairs-huizhou", department="civil-affairs")


def envelope(action: str, message: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {
        "header": {
            "message_id": uuid.uuid4().hex,
            "message_ts": clock.now().isoformat(),
            "action": action,
            "sender_id": SENDER_ID,
            **header,
        },
        "message": {"transaction_id": uuid.uuid4().hex, **message},
    }


def search(*queries: tuple[str, str]) -> dict[str, Any]:
    now = clock.now().isoformat()
    return envelope(
        "search",
        {
            "search_request": [
                {
                    "reference_id": uuid.uuid4().hex,
                    "timestamp": now,
                    "search_criteria": {"query": {"type": t, "value": v}},
                }
                for t, v in queries
            ]
        },
    )


@pytest.fixture(autouse=True)
def sender_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry these tests play signs its messages with a key the gateway has registered (ADR 0020)."""
    senders(monkeypatch)


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's receivers listen on 127.0.0.1 over http: allowed by name and by address, as a deployment
    would allow a registry on its intranet."""
    monkeypatch.setattr(settings, "registry_notify_hosts", ["127.0.0.1", "localhost"])
    monkeypatch.setattr(settings, "registry_notify_addresses", ["127.0.0.1/32"])
    monkeypatch.setattr(settings, "registry_notify_http", True)


def subscription(uri: str) -> dict[str, Any]:
    request = {"reference_id": uuid.uuid4().hex, "timestamp": clock.now().isoformat()}
    return envelope(
        "subscribe",
        {"subscribe_request": [{**request, "subscribe_criteria": {"reg_event_type": ["monitored"]}}]},
        sender_uri=uri,
    )


async def subscribed(client: httpx.AsyncClient, body: dict[str, Any], who: dict[str, str] = CIVIL) -> list[str]:
    """Subscribe (acknowledged; the result goes to the sender's URI): the codes of the subscriptions made."""
    before = {s["id"] for s in (await ok(await client.get("/registry/subscriptions", headers=who)))["items"]}
    acknowledged = await ok(await client.post("/registry/subscribe", json=signed(body), headers=who))
    assert acknowledged["message"]["ack_status"] == "ACK"
    after = (await ok(await client.get("/registry/subscriptions", headers=who)))["items"]
    return [s["id"] for s in after if s["id"] not in before]


def notifications(receiver: Receiver) -> list[dict[str, Any]]:
    """The `notify` events a receiver took (the answers of subscribe go to the same URI)."""
    return [e for b in receiver.received if b["header"]["action"] == "notify" for e in b["message"]["notify_event"]]


def group_of(event: dict[str, Any]) -> dict[str, Any]:
    return event["data"]["reg_records"]["@graph"][0]


def household_no(event: dict[str, Any]) -> str:
    return group_of(event)["group_identifier"][0]["identifier_value"]


async def registered(client: httpx.AsyncClient, scopes: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    head = member(labour_capacity="full")
    household = await ok(
        await client.post("/households", json=household_body(VILLAGE_A, members=[head]), headers=CADRE), 201
    )
    await sign_consent(client, household, scopes=scopes)
    return household, head["resident_id"]


@pytest.mark.usefixtures("loopback_allowed")
async def test_a_registry_searches_and_is_notified_only_under_consent(client: httpx.AsyncClient) -> None:
    receiver, busy = Receiver(fail_first=1), Receiver(fail_first=10**6)
    async with serving(receiver.app) as base, serving(busy.app) as busy_base:
        now = clock.now().isoformat()
        subscribe = envelope(
            "subscribe",
            {
                "subscribe_request": [
                    {"reference_id": "mile", "timestamp": now, "subscribe_criteria": {"reg_event_type": ["monitored"]}},
                    {
                        "reference_id": "huizhou",
                        "timestamp": now,
                        "subscribe_criteria": {"reg_event_type": ["monitored"], "region_prefix": "441302"},
                    },
                ]
            },
            sender_uri=f"{base}/notify",
        )
        (mile,) = await subscribed(client, subscribe)  # Huizhou is outside the caller's jurisdiction: refused

        async def answered() -> dict[str, Any] | None:
            return next((b for b in receiver.received if b["header"]["action"] == "on-subscribe"), None)

        answer = await eventually(answered, timeout=30)
        made, huizhou = answer["message"]["subscribe_response"]
        assert made["status"] == "succ" and made["subscriptions"][0]["code"] == mile
        assert huizhou["status"] == "rjct" and huizhou["status_reason_code"] == "rjct.notify_details.invalid"
        assert answer["header"]["action"] == "on-subscribe" and answer["header"]["completed_count"] == 1

        request = {"reference_id": "busy", "timestamp": now, "subscribe_criteria": {"reg_event_type": ["monitored"]}}
        retrying = envelope("subscribe", {"subscribe_request": [request]}, sender_uri=f"{busy_base}/notify")
        (busy_code,) = await subscribed(client, retrying)
        sharing, resident_id = await registered(client, ("asset_check", "data_sharing"))
        withheld, _ = await registered(client, ("asset_check", "data_sharing"))
        private, private_id = await registered(client, ("asset_check",))
        await identified(client, sharing, ["illness"])

        async def notified() -> dict[str, Any] | None:  # the first attempt answered 503: delivered on the retry
            return next((e for e in notifications(receiver) if household_no(e) == sharing["household_no"]), None)

        event = await eventually(notified, timeout=30)
        assert receiver.refused == 1 and event["subscription_code"] == mile
        record = group_of(event)
        assert event["data"]["reg_event_type"] == "REGISTER" and record["monitoring_status"] == "monitored"
        assert record["risks"] == ["illness"] and record["consent"]["scope"] == "data_sharing"
        assert not {"name", "resident_id", "phone"} & set(record)

        # A consent revoked while a notification waits for a subscriber that does not answer: it is withheld.
        await identified(client, withheld, ["illness"])

        async def counts(code: str) -> dict[str, int]:
            page = await ok(await client.get("/registry/subscriptions", headers=CIVIL))
            return next(s for s in page["items"] if s["id"] == code)

        async def tried() -> bool:
            return busy.refused >= 5  # its on-subscribe, the two households' notifications, refused once more

        await eventually(tried, timeout=30)
        consents = await ok(await client.get(f"/households/{withheld['id']}/consents", headers=CADRE))
        for c in consents["items"]:
            await ok(
                await client.post(
                    f"/households/{withheld['id']}/consents/{c['id']}/revocation",
                    headers=CADRE,
                    json={"reason": "户主撤回授权"},
                ),
                201,
            )

        async def withheld_one() -> dict[str, int] | None:
            found = await counts(busy_code)
            return found if found["withheld"] == 1 else None

        assert (await eventually(withheld_one, timeout=60))["delivered"] == 0

        found = await ok(
            await client.post(
                "/registry/sync/search",
                json=signed(
                    search(
                        ("RESIDENT_ID", resident_id),
                        ("HOUSEHOLD_NO", sharing["household_no"]),
                        ("RESIDENT_ID", private_id),  # registered, but never consented to the sharing
                        ("RESIDENT_ID", "110101199003077777"),  # not a valid resident ID
                        ("HOUSEHOLD_NO", "does-not-exist"),
                    )
                ),
                headers=CIVIL,
            )
        )
        answers = found["message"]["search_response"]
        assert [len(a["data"]["reg_records"]["@graph"]) for a in answers] == [1, 1, 0, 0, 0]
        assert all(a["status"] == "succ" for a in answers)  # found or not: the same answer's shape
        found_no = answers[0]["data"]["reg_records"]["@graph"][0]["group_identifier"][0]["identifier_value"]
        assert found_no == sharing["household_no"]
        assert found["header"]["receiver_id"] == "civil-affairs-registry"
        outside = await ok(
            await client.post(
                "/registry/sync/search", json=signed(search(("RESIDENT_ID", resident_id))), headers=ELSEWHERE
            )
        )
        assert outside["message"]["search_response"][0]["data"]["reg_records"]["@graph"] == []

        async with TopicReader(settings.kafka_bootstrap_servers or "", ACCESS_TOPIC) as topic:
            read = await topic.wait_for(
                lambda m: sharing["id"].encode() in m.value and b"DCI search" in m.value, timeout=30
            )
            delivered = await topic.wait_for(
                lambda m: sharing["id"].encode() in m.value and b"DCI notify" in m.value, timeout=30
            )
        assert json.loads(read.value)["data"]["actor"] == "civil-affairs-system"
        assert json.loads(delivered.value)["data"]["what"] == "registry gateway record"
        assert private["id"] not in {json.loads(read.value)["data"]["household_id"]}

        mine = await counts(mile)
        assert mine["delivered"] == 2 and mine["withheld"] == 0 and mine["event_types"] == ["monitored"]
        ended = await ok(
            await client.post(
                "/registry/unsubscribe",
                json=signed(envelope("unsubscribe", {"subscription_codes": [mile]})),
                headers=ELSEWHERE,  # not its subscription: nothing ended
            )
        )
        assert ended["message"]["ack_status"] == "NACK"  # no sender_uri: nothing will follow
        assert (await counts(mile))["ended_at"] is None
        await ok(
            await client.post(
                "/registry/unsubscribe",
                json=signed(envelope("unsubscribe", {"subscription_codes": [mile, busy_code]})),
                headers=CIVIL,
            )
        )
        assert (await counts(mile))["ended_at"] and (await counts(busy_code))["ended_at"]


async def test_the_gateway_refuses_what_is_not_its_message(client: httpx.AsyncClient) -> None:
    """Refusals in the standard's words (a message refused as a whole, an `errors` list with its codes), never
    a 500; a part the standard does not define is ignored, not refused."""
    wrong_action = search(("HOUSEHOLD_NO", "x"))
    wrong_action["header"]["action"] = "subscribe"
    answer = await ok(await client.post("/registry/sync/search", json=signed(wrong_action), headers=CIVIL))
    assert (
        answer["header"]["status"] == "rjct" and answer["header"]["status_reason_code"] == "rjct.action.not_supported"
    )
    extra = search(("HOUSEHOLD_NO", "x"))
    extra["message"]["search_request"][0]["search_criteria"]["query"]["sql"] = "1=1"
    assert (await client.post("/registry/sync/search", json=signed(extra), headers=CIVIL)).status_code == 200

    def bad(answer: httpx.Response, code: str = "err.request.bad") -> bool:
        return answer.status_code == 400 and answer.json()["errors"][0]["code"] == code

    nul = await client.post("/registry/sync/search", json=signed(search(("HOUSEHOLD_NO", "a\x00b"))), headers=CIVIL)
    assert nul.status_code == 422  # refused at the door, before any route (BodyGuard: no NUL in any body)
    for value in ("=cmd|' /C calc'!A0", "x" * 100):
        hostile = await client.post(
            "/registry/sync/search", json=signed(search(("HOUSEHOLD_NO", value))), headers=CIVIL
        )
        assert bad(hostile), value
    too_many = search(*[("HOUSEHOLD_NO", "x")] * 51)
    assert bad(await client.post("/registry/sync/search", json=signed(too_many), headers=CIVIL))
    cadre = await client.post("/registry/sync/search", json=signed(search(("HOUSEHOLD_NO", "x"))), headers=CADRE)
    assert cadre.status_code == 403 and cadre.json()["errors"][0]["code"] == "err.request.forbidden"
    request = {
        "reference_id": "a",
        "timestamp": "2026-11-27T00:00:00Z",
        "subscribe_criteria": {"reg_event_type": ["monitored"]},
    }
    no_uri = envelope("subscribe", {"subscribe_request": [request]})
    answer = await client.post("/registry/subscribe", json=signed(no_uri), headers=CIVIL)
    assert bad(answer, "err.sender_uri.invalid")
    ftp = envelope("subscribe", {"subscribe_request": [request]}, sender_uri="ftp://127.0.0.1/x")
    assert bad(await client.post("/registry/subscribe", json=signed(ftp), headers=CIVIL), "err.sender_uri.invalid")


async def test_internal_targets_are_refused_at_subscribe_and_nothing_is_sent(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's SSRF: a subscriber named the metadata service, the loopback (in numeric disguises too) and
    the intranet as its notify URI, and intake posted households' statuses and risks there."""
    listener, allowed = Receiver(), Receiver()
    async with serving(listener.app) as base, serving(allowed.app) as allowed_base:
        port = base.rsplit(":", 1)[1]
        hostile = [
            "http://169.254.169.254/latest/meta-data/",
            f"http://127.0.0.1:{port}/notify",
            f"http://[::1]:{port}/notify",
            f"http://0x7f000001:{port}/notify",
            f"http://2130706433:{port}/notify",
            f"http://017700000001:{port}/notify",
            f"http://localhost:{port}/notify",
            f"http://[::ffff:127.0.0.1]:{port}/notify",
            "http://10.0.0.1/",
            "http://100.100.100.200/latest/meta-data/",
        ]
        zh = {**CIVIL, "Accept-Language": "zh-CN"}

        async def refused(uri: str) -> dict[str, Any]:
            answer = await client.post("/registry/subscribe", json=signed(subscription(uri)), headers=zh)
            assert answer.status_code == 400, (uri, answer.text)
            (error,) = answer.json()["errors"]
            assert error["code"] == "err.sender_uri.invalid", uri
            return {"detail": error["message"]}

        for uri in hostile:  # the default: no host allowed at all
            await refused(uri)
        # A deployment that listed these hosts (by mistake, or a name it trusts) still refuses their addresses,
        # and plain http outside development.
        monkeypatch.setattr(
            settings,
            "registry_notify_hosts",
            [
                *("169.254.169.254", "127.0.0.1", "::1", "0x7f000001", "2130706433", "017700000001", "localhost"),
                *("::ffff:127.0.0.1", "10.0.0.1", "100.100.100.200"),
            ],
        )
        assert "https" in (await refused(f"http://127.0.0.1:{port}/notify"))["detail"]
        monkeypatch.setattr(settings, "registry_notify_http", True)
        for uri in hostile:
            problem = await refused(uri)
            assert "地址" in problem["detail"], problem
        assert "127.0.0.1" in (await refused(f"http://0x7f000001:{port}/notify"))["detail"]

        # Allowed by address, a loopback target receives its notifications: the refusals above were the rules.
        monkeypatch.setattr(settings, "registry_notify_addresses", ["127.0.0.1"])
        (code,) = await subscribed(client, subscription(f"{allowed_base}/notify"))
        household, _ = await registered(client, ("asset_check", "data_sharing"))
        await identified(client, household, ["illness"])

        async def delivered() -> bool:
            return any(household_no(e) == household["household_no"] for e in notifications(allowed))

        await eventually(delivered, timeout=30)
        assert listener.received == [] and listener.refused == 0  # nothing ever reached the hostile targets
        await client.post(
            "/registry/unsubscribe", json=signed(envelope("unsubscribe", {"subscription_codes": [code]})), headers=CIVIL
        )


@pytest.mark.usefixtures("loopback_allowed")
async def test_a_name_that_resolves_elsewhere_by_delivery_is_refused_then(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolves to an allowed address when the subscription is checked, to an internal
    one when the notification is delivered. The delivery checks again, and the notice is withheld, not retried."""
    from intake.main import app
    from intake.registry.models import RegistryNotice

    answers = {"localhost": ["127.0.0.1"]}

    async def resolver(host: str, port: int) -> list[str]:
        return answers[host]

    monkeypatch.setattr(targets, "resolve", resolver)
    refusals = REGISTRY.get_sample_value("registry_notify_refused_total") or 0
    receiver = Receiver()
    async with serving(receiver.app) as base:
        uri = base.replace("127.0.0.1", "localhost") + "/notify"
        (code,) = await subscribed(client, subscription(uri))
        answers["localhost"] = ["127.0.0.1", "169.254.169.254"]  # one of its addresses is the metadata service
        household, _ = await registered(client, ("asset_check", "data_sharing"))
        await identified(client, household, ["illness"])

        async def withheld() -> RegistryNotice | None:
            async with app.state.db.transaction() as session:
                q = select(RegistryNotice).where(
                    RegistryNotice.subscription_id == uuid.UUID(code), RegistryNotice.withheld_at.is_not(None)
                )
                return (await session.execute(q)).scalars().first()

        notice = await eventually(withheld, timeout=30)
        assert notice.delivered_at is None and notice.attempts == 0
        assert notice.last_error.startswith("notify target refused") and "169.254.169.254" in notice.last_error
        assert notifications(receiver) == []
        assert (REGISTRY.get_sample_value("registry_notify_refused_total") or 0) > refusals  # alerted on
        await client.post(
            "/registry/unsubscribe", json=signed(envelope("unsubscribe", {"subscription_codes": [code]})), headers=CIVIL
        )


@pytest.mark.usefixtures("loopback_allowed")
async def test_a_redirect_from_an_allowed_target_is_not_followed(client: httpx.AsyncClient) -> None:
    """An allowed target answering 307 to an address that was never checked: nothing is sent there, the
    attempt counts as failed."""
    from starlette.applications import Starlette
    from starlette.responses import RedirectResponse
    from starlette.routing import Route

    from intake.main import app
    from intake.registry.models import RegistryNotice

    hidden = Receiver()
    async with serving(hidden.app) as hidden_base:

        async def bounce(request: Any) -> RedirectResponse:
            return RedirectResponse(f"{hidden_base}/notify", status_code=307)

        async with serving(Starlette(routes=[Route("/notify", bounce, methods=["POST"])])) as base:
            (code,) = await subscribed(client, subscription(f"{base}/notify"))
            household, _ = await registered(client, ("asset_check", "data_sharing"))
            await identified(client, household, ["illness"])

            async def attempted() -> RegistryNotice | None:
                async with app.state.db.transaction() as session:
                    q = select(RegistryNotice).where(
                        RegistryNotice.subscription_id == uuid.UUID(code), RegistryNotice.attempts > 0
                    )
                    return (await session.execute(q)).scalars().first()

            notice = await eventually(attempted, timeout=30)
            assert notice.delivered_at is None and notice.last_error == "HTTP 307"
            assert hidden.received == [] and hidden.refused == 0
            end = envelope("unsubscribe", {"subscription_codes": [code]})
            await ok(await client.post("/registry/unsubscribe", json=signed(end), headers=CIVIL))


async def test_a_department_reads_the_ids_of_its_own_list_only(client: httpx.AsyncClient) -> None:
    """Issue 24: the water department asked for two households' resident IDs (one in 532504, one in 532501,
    neither on its list, which was empty) and was answered three. Only a household on the department's list,
    within its area and under consent to data sharing is answered; any other id is left out as a random one."""
    water = department("water")
    mile, _ = await registered(client, ("asset_check", "data_sharing"))
    gejiu_cadre = headers("village_cadre", "532501001", sub="cadre-gejiu")
    body = household_body("532501001001", members=[member(labour_capacity="full"), member("spouse")])
    gejiu = await ok(await client.post("/households", json=body, headers=gejiu_cadre), 201)
    await sign_consent(client, gejiu, scopes=("asset_check", "data_sharing"), who=gejiu_cadre)

    async def asked(ids: list[str], who: dict[str, str] = water) -> dict[str, Any]:
        answer = await client.post("/department-lists/water/identifiers", json={"household_ids": ids}, headers=who)
        return await ok(answer)

    probe = await asked([mile["id"], gejiu["id"]])
    assert probe == await asked([str(uuid.uuid4()), str(uuid.uuid4())]) == {"items": [], "next_cursor": None}

    async def listing(household: dict[str, Any], listed: bool, dept: str = "water") -> None:
        entry = DepartmentListEntryV1(
            department=dept,
            household_id=household["id"],
            household_no=household["household_no"],
            region_code=household["region_code"],
            plan_id=uuid.UUID(int=1),
            plan_state="approved" if listed else "closed",
            listed=listed,
            risks=["drinking_water_unsafe"],
            measures=[],
            occurred_at=clock.now(),
        )
        message = encode(new_envelope(entry, source="/assistance", subject=household["id"]))
        bootstrap = settings.kafka_bootstrap_servers or ""
        await produce(bootstrap, DEPARTMENT_LIST_TOPIC, message.value, household["id"].encode())

    await listing(mile, True)
    await listing(gejiu, True, dept="education")  # on another department's list: not the water department's

    async def answered() -> list[str] | None:
        found = await asked([mile["id"], gejiu["id"], str(uuid.uuid4())])
        return [h["household_id"] for h in found["items"]] or None

    assert await eventually(answered, timeout=30) == [mile["id"]]
    # Each answer naming it is a read of its members' ID numbers, recorded as the route declares.
    app = client._transport.app  # type: ignore[attr-defined]
    declared = app.openapi()["paths"]["/department-lists/{department}/identifiers"]["post"]["x-audited-read"]
    reads = text(
        "SELECT convert_from(value, 'UTF8')::jsonb->'data' FROM intake.outbox WHERE topic = :topic "
        "AND NOT encrypted AND convert_from(value, 'UTF8')::jsonb->'data'->>'household_id' = :household"
    )
    async with app.state.db.engine.connect() as conn:
        recorded = [r[0] for r in await conn.execute(reads, {"topic": ACCESS_TOPIC, "household": mile["id"]})]
    mine = [r for r in recorded if r["actor"] == "water-system"]
    assert mine and all(r["what"].startswith(declared) for r in mine), recorded
    # A water department account of another area is answered as for a random id.
    gejiu_water = headers("department", "532501", sub="water-gejiu", department="water")
    assert await asked([mile["id"]], gejiu_water) == {"items": [], "next_cursor": None}

    await listing(mile, False)  # off the list again

    async def unlisted() -> bool | None:
        return (await asked([mile["id"]]))["items"] == [] or None

    assert await eventually(unlisted, timeout=30)
