"""Scale-level risk: a burst of alerts in a township and a monitored share far from the guidance are raised
once per window and published for the county."""

import json
import uuid
from typing import Any

from contracts.screening import REGIONAL_RISK_TOPIC
from devkit.kit.people import ADMIN
from devkit.testing.fixtures import TopicReader, auth, eventually, resident_id
from intake.config import settings as intake_settings
from screening.config import settings

TOWNSHIP = "640104001"  # 凤凰北街街道, 银川 (Ningxia's 2020 policy applies)


async def test_alert_spikes_and_low_monitored_share_are_raised_once(services: Any) -> None:
    intake, screening = await services.client("intake"), await services.client("screening")
    households = []
    for _ in range(6):
        rid = resident_id()
        body = {
            "region_code": f"{TOWNSHIP}003",
            "household_no": uuid.uuid4().hex[:16],
            "address": "x",
            "category": "ordinary",
            "members": [{"name": "孙七", "resident_id": rid, "relation": "head", "labour_capacity": "full"}],
        }
        r = await intake.post("/households", json=body, headers=auth(intake_settings, "village_cadre", TOWNSHIP))
        households.append(r.json()["id"])
        await screening.post(
            "/feeds/housing/records",
            headers=ADMIN,
            json={
                "record_id": f"H-{uuid.uuid4().hex[:8]}",
                "resident_id": rid,
                "event_date": "2020-05-01",
                "kind": "appraisal",
                "grade": "D",
            },
        )

    async def alerted() -> bool:
        items = (
            await screening.get("/alerts", params={"region_prefix": TOWNSHIP, "limit": 500}, headers=ADMIN)
        ).json()["items"]
        return len({a["household_id"] for a in items} & set(households)) == 6

    assert await eventually(alerted, timeout=40)
    county = auth(settings, "county_officer", TOWNSHIP[:6])
    assert (
        await screening.post("/regional-risks/scan", headers=auth(settings, "township_officer", TOWNSHIP))
    ).status_code == 403
    previous = settings.regional_min_households
    settings.regional_min_households = 5
    try:
        raised = (await screening.post("/regional-risks/scan", headers=county)).json()
        again = (await screening.post("/regional-risks/scan", headers=county)).json()
    finally:
        settings.regional_min_households = previous
    kinds = {(r["region_code"], r["kind"]) for r in raised}
    assert {(TOWNSHIP, "alert_spike"), (TOWNSHIP[:6], "alert_spike"), (TOWNSHIP, "monitored_share_low")} <= kinds
    spike = next(r for r in raised if r["region_code"] == TOWNSHIP and r["kind"] == "alert_spike")
    assert spike["figures"]["alerts"] >= 6 and "凤凰北街街道" in spike["explanation"]
    assert again == []  # once per region, kind and window
    async with TopicReader(settings.kafka_bootstrap_servers or "", REGIONAL_RISK_TOPIC) as topic:
        event = await topic.wait_for(lambda m: json.loads(m.value)["data"]["risk_id"] == spike["id"])
    assert json.loads(event.value)["subject"] == TOWNSHIP
    listed = (await screening.get("/regional-risks", headers=county)).json()
    assert spike["id"] in {r["id"] for r in listed["items"]}
