"""Conformance with the DCI social-registry API 1.0.0: the standard's own sample requests, and a request with
each optional part the standard allows, are taken; every answer, acknowledgement, refusal, callback and
notification on the wire validates against the standard's schemas (`dci/`, their source and licence named
there), over the real database and broker, with a real HTTP receiver for what is POSTed to the sender.

The samples are sent as a client sends them: each with its own message_id and a signature of its sender's
registered key (the samples carry a placeholder where the signature goes). The release's core file has one
defect a validator cannot read (`type: enum` in NotifyEventRequest): that `type` is dropped on loading, its
`enum` kept."""

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from sqlalchemy import text

from common import clock
from devkit.kit.assistance import identified
from devkit.kit.households import VILLAGE_A, headers, household_body, member
from devkit.kit.identification import CADRE, ok, sign_consent
from devkit.kit.registry import SENDER, signed
from devkit.kit.registry import registered as senders
from devkit.testing.fixtures import eventually
from devkit.testing.http import Receiver, serving
from intake.config import settings
from intake.registry import signing

DCI = Path(__file__).parent / "dci"
SAMPLES = sorted((DCI / "samples").glob("*.json"))
CIVIL = headers("department", "532504", sub="civil-affairs-system", department="civil-affairs")
SAMPLE_SENDERS = {s: signing.SigningKey(Ed25519PrivateKey.generate(), s) for s in ("SP-MIS", "sp-system")}


def _readable(node: Any) -> Any:
    if isinstance(node, dict):
        kept = {k: _readable(v) for k, v in node.items()}
        if kept.get("type") == "enum":
            del kept["type"]
        return kept
    return [_readable(v) for v in node] if isinstance(node, list) else node


CORE = _readable(yaml.safe_load((DCI / "registry_core_api_v1.0.0.yaml").read_text()))
REGISTRY = Registry().with_resource("core", Resource.from_contents(CORE, default_specification=DRAFT4))


def _schema(pointer: str) -> Draft4Validator:
    return Draft4Validator({"$ref": f"core#{pointer}"}, registry=REGISTRY)


def _body(path: str, part: str = "requestBody") -> Draft4Validator:
    escaped = path.replace("/", "~1")
    where = "requestBody" if part == "requestBody" else "responses/default"
    return _schema(f"/paths/{escaped}/post/{where}/content/application~1json/schema")


ON_SEARCH, SYNC_SEARCH = _body("/registry/on-search"), _body("/registry/sync/search", "response")
ON_SUBSCRIBE, ON_UNSUBSCRIBE = _body("/registry/on-subscribe"), _body("/registry/on-unsubscribe")
NOTIFY, SYNC_STATUS = _body("/registry/notify"), _body("/registry/sync/txn/status", "response")
ON_STATUS = _body("/registry/txn/on-status")
ACK = _schema("/components/responses/Response/content/application~1json/schema")
ERRORS = _schema("/components/responses/HttpErrorResponse/content/application~1json/schema")


async def reads(household_id: str) -> list[tuple[str, str]]:
    """The audited reads of a household (what, purpose), as intake's outbox holds them."""
    from intake.main import app

    query = text(
        "SELECT convert_from(value, 'UTF8')::jsonb->'data' FROM intake.outbox "
        "WHERE topic = 'audit.access.v1' AND NOT encrypted "
        "AND convert_from(value, 'UTF8')::jsonb->'data'->>'household_id' = :id ORDER BY seq"
    )
    async with app.state.db.engine.connect() as conn:
        return [(r[0]["what"], r[0]["purpose"]) for r in await conn.execute(query, {"id": household_id})]


async def rows(sql: str) -> list[str]:
    from intake.main import app

    async with app.state.db.engine.connect() as conn:
        return [r[0] for r in await conn.execute(text(sql))]


def valid(validator: Draft4Validator, body: dict[str, Any]) -> dict[str, Any]:
    problems = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    assert not problems, problems[:5]
    return body


def verified(body: dict[str, Any]) -> dict[str, Any]:
    """An answer of the gateway, its signature checked against its published key."""
    signing.verify(body["signature"], body["header"], body["message"], {"safetynet": signing.jwks()["keys"]})
    return body


def sample(path: Path, **header: Any) -> dict[str, Any]:
    request = json.loads(path.read_text())
    request["header"] |= {"message_id": str(uuid.uuid4()), "message_ts": clock.now().isoformat(), **header}
    return signed(request, SAMPLE_SENDERS[request["header"]["sender_id"]])


def envelope(action: str, message: dict[str, Any], **header: Any) -> dict[str, Any]:
    head = {"message_id": str(uuid.uuid4()), "message_ts": clock.now().isoformat(), "action": action}
    return signed({"header": {**head, "sender_id": SENDER.sender_id, **header}, "message": message})


def search(criteria: dict[str, Any], reference: str | None = None, **item: Any) -> dict[str, Any]:
    request = {"reference_id": reference or uuid.uuid4().hex, "timestamp": clock.now().isoformat()}
    message = {"transaction_id": "t" * 99, "search_request": [{**request, "search_criteria": criteria, **item}]}
    return envelope("search", message, total_count=1)


@pytest.fixture(autouse=True)
def registries(monkeypatch: pytest.MonkeyPatch) -> None:
    senders(monkeypatch, SENDER, *SAMPLE_SENDERS.values())
    monkeypatch.setattr(settings, "registry_notify_hosts", ["127.0.0.1"])
    monkeypatch.setattr(settings, "registry_notify_addresses", ["127.0.0.1/32"])
    monkeypatch.setattr(settings, "registry_notify_http", True)


async def consenting(client: httpx.AsyncClient, size: int = 1) -> tuple[dict[str, Any], str]:
    members = [member(labour_capacity="full")] + [member(relation="child") for _ in range(size - 1)]
    household = await ok(
        await client.post("/households", json=household_body(VILLAGE_A, members=members), headers=CADRE), 201
    )
    await sign_consent(client, household, scopes=("asset_check", "data_sharing"))
    return household, members[0]["resident_id"]


def groups(answer: dict[str, Any], i: int = 0) -> list[dict[str, Any]]:
    item = answer["message"]["search_response"][i]
    assert item["status"] == "succ", item
    return item["data"]["reg_records"]["@graph"]


async def test_the_standards_samples_and_each_optional_part_are_answered_as_its_schemas_say(
    client: httpx.AsyncClient,
) -> None:
    household, resident_id = await consenting(client, size=2)
    for path in SAMPLES:
        sent = await client.post("/registry/sync/search", json=sample(path), headers=CIVIL)
        assert sent.status_code == 200, (path.name, sent.text)
        body = verified(valid(SYNC_SEARCH, sent.json()))
        assert (
            body["header"]["status"] == "succ" and body["header"]["receiver_id"] == sample(path)["header"]["sender_id"]
        )
        for item in body["message"]["search_response"]:  # what is not held is said so, in the standard's words
            assert item["status"] == "succ" or item["status_reason_code"] == "rjct.filter.invalid", item

    by_uin = {"query_type": "idtype-value", "query": {"type": "UIN", "value": resident_id}}
    optional = {
        "reg_type": "ns:org:RegistryType:Social",
        "reg_event_type": "REGISTER",
        "reg_record_type": "spdci-extensions-social:Group",
        "response_entity": "Group",
        "sort": [{"attribute_name": "household_no", "sort_order": "desc"}],
        "pagination": {"page_size": 5, "page_number": 1},
        "consent": {"@type": "Consent", "ts": clock.now().isoformat(), "purpose": {"text": "低收入人口认定"}},
        "authorize": {"@type": "Authorize", "purpose": {"code": "social-assistance"}},
        "an_extension": {"of": "the sender's own"},
    }
    for name, value in optional.items():
        answer = await ok(
            await client.post("/registry/sync/search", json=search({**by_uin, name: value}), headers=CIVIL)
        )
        found = groups(verified(valid(SYNC_SEARCH, answer)))
        assert [g["group_identifier"][0]["identifier_value"] for g in found] == [household["household_no"]], name
    with_meta = search(by_uin, locale="eng")
    with_meta["header"]["meta"] = {"channel": "spmis"}
    answer = valid(
        SYNC_SEARCH, await ok(await client.post("/registry/sync/search", json=signed(with_meta), headers=CIVIL))
    )
    assert answer["message"]["search_response"][0]["locale"] == "eng"
    group = groups(answer)[0]
    assert group["@type"] == "Group" and group["group_size"] == 2 and group["place"]["region_code"] == VILLAGE_A
    assert [m["@type"] for m in group["member_list"]] == ["Member", "Member"]
    assert resident_id not in json.dumps(answer)  # the identifier asked with is never answered

    predicate = [
        {
            "seq_num": 1,
            "expression1": {"attribute_name": "region", "operator": "eq", "attribute_value": VILLAGE_A},
            "condition": "and",
            "expression2": {"attribute_name": "group_size", "operator": "ge", "attribute_value": 2},
        }
    ]
    expression = {
        "type": "ns:org:QueryType:NoSql",
        "value": {
            "expression": {
                "collection": "Group",
                "query": {
                    "$and": [
                        {"region": {"$eq": VILLAGE_A}},
                        {"monitoring_status": {"$in": ["registered", "monitored"]}},
                    ]
                },
            }
        },
    }
    for query_type, query in (("predicate", predicate), ("expression", expression)):
        criteria = {"query_type": query_type, "query": query, "pagination": {"page_size": 1}}
        answer = valid(
            SYNC_SEARCH, await ok(await client.post("/registry/sync/search", json=search(criteria), headers=CIVIL))
        )
        assert len(groups(answer)) == 1 and answer["message"]["search_response"][0]["pagination"]["total_count"] >= 1

    again = search(by_uin, reference="once")
    await ok(await client.post("/registry/sync/search", json=again, headers=CIVIL))
    replay = valid(
        SYNC_SEARCH,
        await ok(await client.post("/registry/sync/search", json=search(by_uin, reference="once"), headers=CIVIL)),
    )
    assert replay["message"]["search_response"][0]["status_reason_code"] == "rjct.reference_id.duplicate"
    repeated = await ok(await client.post("/registry/sync/search", json=again, headers=CIVIL))  # the same message_id
    assert valid(SYNC_SEARCH, repeated)["header"]["status_reason_code"] == "rjct.message_id.duplicate"


async def test_refusals_are_the_standards(client: httpx.AsyncClient) -> None:
    unsigned = {k: v for k, v in search({"query": {"type": "UIN", "value": "1"}}).items() if k != "signature"}
    refused = await client.post("/registry/sync/search", json=unsigned, headers=CIVIL)
    assert refused.status_code == 401
    assert valid(ERRORS, refused.json())["errors"][0]["code"] == "err.signature.missing"
    for bad in ({"header": {"action": "search"}}, {**search({}), "message": {"search_request": "all"}}):
        refused = await client.post("/registry/sync/search", json=bad, headers=CIVIL)
        assert refused.status_code == 400 and valid(ERRORS, refused.json())["errors"][0]["code"] == "err.request.bad"
    wrong = search({"query": {"type": "UIN", "value": "1"}})
    wrong["header"]["action"] = "subscribe"
    answer = await ok(await client.post("/registry/sync/search", json=signed(wrong), headers=CIVIL))
    assert valid(SYNC_SEARCH, answer)["header"]["status_reason_code"] == "rjct.action.not_supported"
    cadre = await client.post(
        "/registry/sync/search", json=search({"query": {"type": "UIN", "value": "1"}}), headers=CADRE
    )
    assert cadre.status_code == 403 and valid(ERRORS, cadre.json())["errors"][0]["code"] == "err.request.forbidden"
    region = {"attribute_name": "region", "operator": "eq", "attribute_value": VILLAGE_A}
    for extra, status in (({"note": "the sender's own"}, "succ"), ({"expression3": {"x": 1}}, "rjct")):
        criteria = {"query_type": "predicate", "query": [{"expression1": region, **extra}]}
        answer = await ok(await client.post("/registry/sync/search", json=search(criteria), headers=CIVIL))
        assert valid(SYNC_SEARCH, answer)["message"]["search_response"][0]["status"] == status, extra
    too_big = [{"expression1": {"attribute_name": "group_size", "operator": "lt", "attribute_value": 10**30}}]
    answer = await ok(await client.post("/registry/sync/search", json=search({"query": too_big}), headers=CIVIL))
    assert valid(SYNC_SEARCH, answer)["message"]["search_response"][0]["status_reason_code"] == "rjct.filter.invalid"
    long_uri = search({"query": {"type": "UIN", "value": "1"}})
    long_uri["header"]["sender_uri"] = "https://registry.example/" + "x" * 600
    refused = await client.post("/registry/search", json=signed(long_uri), headers=CIVIL)
    assert refused.status_code == 400 and valid(ERRORS, refused.json())["errors"][0]["code"] == "err.sender_uri.invalid"
    no_uri = await client.post("/registry/search", json=search({"query": {"type": "UIN", "value": "1"}}), headers=CIVIL)
    assert no_uri.status_code == 400 and valid(ERRORS, no_uri.json())["errors"][0]["code"] == "err.sender_uri.invalid"


async def test_asynchronous_answers_subscriptions_and_notifications_are_the_standards(
    client: httpx.AsyncClient,
) -> None:
    receiver = Receiver()
    async with serving(receiver.app) as base:
        uri = f"{base}/notify"
        household, resident_id = await consenting(client)

        def arrived(action: str, count: int = 1) -> Any:
            async def found() -> list[tuple[dict[str, Any], str | None]] | None:
                pairs = zip(receiver.received, receiver.authorizations, strict=True)
                got = [p for p in pairs if p[0]["header"]["action"] == action]
                return got if len(got) >= count else None

            return eventually(found, timeout=60)

        acked = await ok(await client.post("/registry/search", json=sample(SAMPLES[0], sender_uri=uri), headers=CIVIL))
        by_uin = search({"query": {"type": "UIN", "value": resident_id}}, reference="async")
        by_uin["header"]["sender_uri"] = uri
        correlation = valid(ACK, await ok(await client.post("/registry/search", json=signed(by_uin), headers=CIVIL)))
        assert acked["message"]["ack_status"] == correlation["message"]["ack_status"] == "ACK"
        answers = await arrived("on-search", 2)
        for body, authorization in answers:
            verified(valid(ON_SEARCH, body))
            assert authorization is not None and authorization.startswith("Bearer ")
        mine = next(b for b, _ in answers if b["message"]["correlation_id"] == correlation["message"]["correlation_id"])
        assert groups(mine)[0]["group_identifier"][0]["identifier_value"] == household["household_no"]

        kept = await rows("SELECT t::text FROM intake.registry_transactions t")
        assert kept and not any(resident_id in row for row in kept)  # the query's ID is kept encrypted only

        status = envelope(
            "txn-status",
            {
                "transaction_id": uuid.uuid4().hex,
                "txnstatus_request": {
                    "reference_id": uuid.uuid4().hex,
                    "txn_type": "search",
                    "attribute_type": "correlation_id",
                    "attribute_value": correlation["message"]["correlation_id"],
                },
            },
        )
        answer = verified(
            valid(SYNC_STATUS, await ok(await client.post("/registry/sync/txn/status", json=status, headers=CIVIL)))
        )
        assert answer["message"]["txnstatus_response"]["txn_type"] == "on-search"
        assert len(answer["message"]["txnstatus_response"]["txn_status"]["search_response"]) == 1

        asked = envelope("txn-status", {**status["message"], "transaction_id": uuid.uuid4().hex}, sender_uri=uri)
        asked["message"]["txnstatus_request"] |= {"attribute_type": "reference_id_list", "attribute_value": ["async"]}
        valid(ACK, await ok(await client.post("/registry/txn/status", json=signed(asked), headers=CIVIL)))
        (on_status, _), *_ = await arrived("txn-on-status")
        result = verified(valid(ON_STATUS, on_status))["message"]["txnstatus_response"]["txn_status"]
        assert result["correlation_id"] == correlation["message"]["correlation_id"]
        # Each answer that showed the household is a read of the caller's: the callback, then both statuses.
        searched = [p for w, p in await reads(household["id"]) if w == "registry gateway record"]
        assert len([p for p in searched if p.startswith("DCI search")]) >= 3, searched

        subscribe = {
            "transaction_id": uuid.uuid4().hex,
            "subscribe_request": [
                {
                    "reference_id": uuid.uuid4().hex,
                    "timestamp": clock.now().isoformat(),
                    "subscribe_criteria": {
                        "reg_type": "ns:org:RegistryType:Social",
                        "reg_event_type": "REGISTER",
                        "filter_type": "predicate",
                        "filter": [
                            {"expression1": {"attribute_name": "region", "operator": "eq", "attribute_value": "532504"}}
                        ],
                        "notify_record_type": "spdci-extensions-social:Group",
                    },
                }
            ],
        }
        valid(
            ACK,
            await ok(
                await client.post(
                    "/registry/subscribe", json=envelope("subscribe", subscribe, sender_uri=uri), headers=CIVIL
                )
            ),
        )
        (made, _), *_ = await arrived("on-subscribe")
        code = verified(valid(ON_SUBSCRIBE, made))["message"]["subscribe_response"][0]["subscriptions"][0]["code"]

        await identified(client, household, ["illness"])
        (notification, authorization), *_ = await arrived("notify")
        verified(valid(NOTIFY, notification))
        event = notification["message"]["notify_event"][0]
        assert event["data"]["reg_event_type"] == "REGISTER" and notification["header"]["status"] == "succ"
        assert event["data"]["reg_records"]["@graph"][0]["monitoring_status"] == "monitored"
        assert authorization is not None

        ended = envelope(
            "unsubscribe",
            {"transaction_id": "u", "timestamp": clock.now().isoformat(), "subscription_codes": [code]},
            sender_uri=uri,
        )
        valid(ACK, await ok(await client.post("/registry/unsubscribe", json=ended, headers=CIVIL)))
        (gone, _), *_ = await arrived("on-unsubscribe")
        assert verified(valid(ON_UNSUBSCRIBE, gone))["message"]["subscription_status"] == [
            {"code": code, "status": "unsubscribe"}
        ]
