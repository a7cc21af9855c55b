"""Consent-gated economic-status checks: requested under a valid consent, cancelled on revocation, results
applied to the negative list only while the consent holds."""

import hashlib
import json
import uuid
from typing import Any

from common import clock
from contracts.screening import ASSET_CHECK_TOPIC
from devkit.kit.people import TOWNSHIP, department
from devkit.testing.fixtures import TopicReader, auth, eventually, resident_id
from intake.config import settings as intake_settings
from screening.config import settings

CIVIL_AFFAIRS = department("civil-affairs")

CADRE = auth(intake_settings, "village_cadre", "532504102")


async def setup_household(services: Any, village: str = "532504102001") -> tuple[dict[str, Any], str]:
    intake = await services.client("intake")
    rid = resident_id()
    body = {
        "region_code": village,
        "household_no": uuid.uuid4().hex[:16],
        "address": "1组",
        "category": "ordinary",
        "members": [{"name": "钱六", "resident_id": rid, "relation": "head", "labour_capacity": "full"}],
    }
    h = (
        await intake.post("/households", json=body, headers=auth(intake_settings, "village_cadre", village[:9]))
    ).json()
    return h, rid


async def sign(services: Any, h: dict[str, Any], scopes: list[str]) -> dict[str, Any]:
    intake = await services.client("intake")
    r = await intake.post(
        f"/households/{h['id']}/consents",
        headers=auth(intake_settings, "village_cadre", h["region_code"][:9]),
        json={
            "scopes": scopes,
            "signer_member_ids": [h["members"][0]["id"]],
            "channel": "app",
            "evidence": {"kind": "e_sign", "sha256": hashlib.sha256(h["id"].encode()).hexdigest()},
            "signed_at": clock.now().isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def evidence(services: Any, h: dict[str, Any], *, states: set[str]) -> dict[str, Any]:
    screening = await services.client("screening")

    async def fetch() -> dict[str, Any] | None:
        township = auth(settings, "township_officer", h["region_code"][:9])
        body = (await screening.get(f"/households/{h['id']}/exclusion-evidence", headers=township)).json()
        return body if body["checks"] and {c["state"] for c in body["checks"]} == states else None

    return await eventually(fetch)


async def result(services: Any, rid: str, request_id: str | None, **facts: Any) -> None:
    screening = await services.client("screening")
    r = await screening.post(
        "/feeds/civil-affairs/records",
        headers=CIVIL_AFFAIRS,
        json={
            "record_id": f"EC-{uuid.uuid4().hex[:8]}",
            "resident_id": rid,
            "event_date": str(clock.today()),
            "kind": "economic_check_result",
            "request_id": request_id,
            **facts,
        },
    )
    assert r.status_code == 202, r.text


async def test_a_consented_check_yields_exclusion_evidence(services: Any) -> None:
    h, rid = await setup_household(services)
    await sign(services, h, ["data_sharing"])  # no asset_check scope: nothing is asked
    await sign(services, h, ["asset_check", "data_sharing"])
    body = await evidence(services, h, states={"requested"})
    assert len(body["checks"]) == 1
    request_id = body["checks"][0]["id"]
    async with TopicReader(settings.kafka_bootstrap_servers or "", ASSET_CHECK_TOPIC) as topic:
        event = await topic.wait_for(lambda m: json.loads(m.value)["data"]["request_id"] == request_id)
    assert json.loads(event.value)["type"] == "screening.asset-check.requested"
    await result(
        services, rid, request_id, commercial_housing=True, vehicles=1, deposits="350000", public_employee=False
    )
    body = await evidence(services, h, states={"completed"})
    assets, to_check = body["evidence"]
    assert assets["reason"] == "high_value_assets" and "弥勒市 (532504)" in assets["policy"]
    assert "commercial housing" in assets["grounds"] and "350,000.00 CNY" in assets["grounds"]
    # Only 享受型 vehicles are on the list (local default): a vehicle of unknown kind is to be checked.
    assert to_check["reason"] == "to_check" and "享受型" in to_check["grounds"]
    assert "vehicle" not in assets["grounds"]


async def test_ningxia_lists_any_vehicle_and_a_holding_in_name_only_does_not_exclude(services: Any) -> None:
    """宁开办发〔2020〕8号 三(二): 家庭成员名下有小轿车或大型货运车辆、大型农机具等交通运输车辆但实际不属于自有 is
    a case of the negative list that must not exclude a household: the vehicle counts, its ownership is checked."""
    h, rid = await setup_household(services, "640202001002")
    await sign(services, h, ["asset_check", "data_sharing"])
    request_id = (await evidence(services, h, states={"requested"}))["checks"][0]["id"]
    await result(services, rid, request_id, vehicles=2, large_farm_machinery=True, deposits="150000")
    (assets,) = (await evidence(services, h, states={"completed"}))["evidence"]
    assert "2 vehicle(s) registered" in assets["grounds"] and "大型农机具" in assets["grounds"]
    assert "held only in name" in assets["grounds"] and "宁夏回族自治区 (64)" in assets["policy"]
    assert "deposits" not in assets["grounds"]  # deposits are not on Ningxia's list


async def test_revocation_cancels_and_later_results_are_refused(services: Any) -> None:
    h, rid = await setup_household(services)
    consent = await sign(services, h, ["asset_check", "data_sharing"])
    request_id = (await evidence(services, h, states={"requested"}))["checks"][0]["id"]
    intake = await services.client("intake")
    r = await intake.post(
        f"/households/{h['id']}/consents/{consent['id']}/revocation", headers=CADRE, json={"reason": "withdrawn"}
    )
    assert r.status_code == 201
    cancelled = await evidence(services, h, states={"cancelled"})
    assert cancelled["checks"][0]["note"] == "consent revoked"
    async with TopicReader(settings.kafka_bootstrap_servers or "", ASSET_CHECK_TOPIC) as topic:
        await topic.wait_for(
            lambda m: (
                json.loads(m.value)["type"] == "screening.asset-check.cancelled"
                and json.loads(m.value)["data"]["request_id"] == request_id
            )
        )
    await result(services, rid, request_id, public_employee=True)
    screening = await services.client("screening")
    from screening.main import app

    async def stored() -> bool:
        async with app.state.db.engine.connect() as conn:
            from sqlalchemy import text

            n = await conn.execute(
                text(
                    "SELECT count(*) FROM screening.dept_records WHERE household_id = :h "
                    "AND facts->>'kind' = 'economic_check_result'"
                ),
                {"h": h["id"]},
            )
            return n.scalar_one() == 1

    assert await eventually(stored)  # the record is kept for the record...
    after = (await screening.get(f"/households/{h['id']}/exclusion-evidence", headers=TOWNSHIP)).json()
    assert after["evidence"] == [] and after["checks"][0]["state"] == "cancelled"  # ...but not used
