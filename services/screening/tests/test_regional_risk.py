"""Scale-level risk: a burst of alerts in a township and a monitored share far from the guidance are raised
once per window and published for the county."""

import datetime as dt
import json
import uuid
from typing import Any

from common import clock
from contracts.screening import REGIONAL_RISK_TOPIC
from devkit.kit.people import ADMIN
from devkit.kit.screening import pack
from devkit.testing.fixtures import TopicReader, auth, eventually, resident_id
from intake.config import settings as intake_settings
from screening.config import settings

TOWNSHIP = "640104001"  # 凤凰北街街道, 银川 (Ningxia's 2020 policy applies)


async def _one_person_household(intake: Any, village: str) -> tuple[str, str]:
    """A household of one working head in `village`: its id and the head's resident ID."""
    rid = resident_id()
    body = {
        "region_code": village,
        "household_no": uuid.uuid4().hex[:16],
        "address": "x",
        "category": "ordinary",
        "members": [{"name": "孙七", "resident_id": rid, "relation": "head", "labour_capacity": "full"}],
    }
    r = await intake.post("/households", json=body, headers=auth(intake_settings, "village_cadre", village[:9]))
    return str(r.json()["id"]), rid


async def test_alert_spikes_and_low_monitored_share_are_raised_once(services: Any) -> None:
    intake, screening = await services.client("intake"), await services.client("screening")
    households = []
    for _ in range(6):
        household_id, rid = await _one_person_household(intake, f"{TOWNSHIP}003")
        households.append(household_id)
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
    # The township's own pack judges a share from 5 households (the local default: 50, too many for a test).
    small = pack(TOWNSHIP, 2020, name="凤凰北街街道2020年监测范围", thresholds={"regional_min_households": 5})
    assert (await screening.post("/policies", json=small, headers=county)).status_code == 201
    raised = (await screening.post("/regional-risks/scan", headers=county)).json()
    again = (await screening.post("/regional-risks/scan", headers=county)).json()
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


async def test_an_eliminated_household_leaves_the_monitored_share_and_re_entry_brings_it_back(services: Any) -> None:
    """中农组发〔2021〕7号: the share is of households monitored now. Elimination (assistance's event) marks the
    household, never deletes it; a later approved case makes it monitored again; an elimination that
    arrives late for an earlier episode changes nothing."""
    import datetime as dt

    from sqlalchemy import text

    from common.events.envelope import encode, new_envelope
    from contracts.assistance import EliminationApprovedV1
    from contracts.intake import CaseApprovedV1
    from devkit.testing.fixtures import produce
    from screening.main import app

    await services.client("screening")
    household, village = uuid.uuid4(), f"{TOWNSHIP}003"
    t0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

    def approved(at: dt.datetime) -> CaseApprovedV1:
        return CaseApprovedV1(
            case_id=uuid.uuid4(),
            household_id=household,
            region_code=village,
            state="monitored",
            previous_state="township_verified",
            channels=["cadre_screening"],
            object_type="sudden_hardship",
            risks=[],
            actor="county-wang",
            actor_role="county_officer",
            occurred_at=at,
        )

    def eliminated(at: dt.datetime) -> EliminationApprovedV1:
        return EliminationApprovedV1(
            elimination_id=uuid.uuid4(),
            household_id=household,
            plan_id=uuid.uuid4(),
            region_code=village,
            state="approved",
            previous_state="township_accepted",
            actor="county-wang",
            actor_role="county_officer",
            occurred_at=at,
        )

    async def send(*events: Any) -> None:
        for event in events:
            message = encode(new_envelope(event, source="/safetynet/test", subject=household))
            await produce(settings.kafka_bootstrap_servers or "", event.topic, message.value, message.key.encode())

    async def state() -> tuple[Any, Any] | None:
        """The latest approval, and whether the household is monitored now."""
        async with app.state.db.engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT m.since, NOT EXISTS (SELECT 1 FROM screening.known_eliminations e "
                        "WHERE e.household_id = m.household_id AND e.occurred_at > m.since) "
                        "FROM screening.monitored_households m WHERE m.household_id = :h"
                    ),
                    {"h": household},
                )
            ).first()
        return (row[0], row[1]) if row else None

    await send(approved(t0), eliminated(t0 + dt.timedelta(days=200)))  # the topics may deliver either first
    assert await eventually(lambda: _matching(state, lambda s: s == (t0, False)))
    re_entry = t0 + dt.timedelta(days=250)
    await send(approved(re_entry), eliminated(t0 + dt.timedelta(days=100)))  # a stale elimination, late
    assert await eventually(lambda: _matching(state, lambda s: s == (re_entry, True)))
    await send(eliminated(re_entry + dt.timedelta(days=10)))
    assert await eventually(lambda: _matching(state, lambda s: s == (re_entry, False)))


async def _matching(read: Any, condition: Any) -> Any:
    found = await read()
    return found if found is not None and condition(found) else None


async def test_disasters_across_a_township_raise_a_scale_level_risk(services: Any) -> None:
    """中农组发〔2021〕7号 防止规模性返贫 (重大自然灾害): emergency management's records of households hit in the
    last window, far above the windows before, raise a disaster cluster for the township."""

    township = "640104002"  # another 银川 township, its own counts
    intake, screening = await services.client("intake"), await services.client("screening")
    registered = [await _one_person_household(intake, f"{township}001") for _ in range(6)]

    async def known() -> bool:  # screening knows the households, so their records match on arrival
        answers = [await screening.get(f"/households/{h}", headers=ADMIN) for h, _ in registered]
        return all(a.status_code == 200 for a in answers)

    assert await eventually(known, timeout=40)
    for _, rid in registered:
        flood = {"kind": "natural_disaster", "hazard": "flood", "direct_loss": "3000"}  # below a household's alert
        record = {"record_id": f"EM-{uuid.uuid4().hex[:8]}", "resident_id": rid, "event_date": str(clock.today())}
        await screening.post("/feeds/emergency-management/records", headers=ADMIN, json={**record, **flood})
    county = auth(settings, "county_officer", "640104")

    async def clustered() -> dict[str, Any] | None:
        await screening.post("/regional-risks/scan", headers=county)
        listed = (await screening.get("/regional-risks", params={"limit": 500}, headers=county)).json()["items"]
        return next((r for r in listed if r["region_code"] == township and r["kind"] == "disaster_cluster"), None)

    # The records arrive through the topic one by one, and a risk is raised once per window: the scan may
    # only count them when all six are in, so the minimum is six for this test.
    six = pack(township, 2020, thresholds={"regional_spike_min_alerts": 6})
    assert (await screening.post("/policies", json=six, headers=county)).status_code == 201
    cluster = await eventually(clustered, timeout=40)
    assert cluster["figures"]["households"] == 6 and "emergency-management" in cluster["explanation"]


async def test_price_falls_failed_projects_and_lost_assets_raise_regional_risks(services: Any) -> None:
    """Seed 002's scale-level risks beyond the system's own alerts: a farm product's price falling sharply,
    village industry projects failing, poverty-alleviation assets lost, from the records of the offices that
    keep them (中农组发〔2021〕7号 二(四); 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(三))."""
    screening = await services.client("screening")
    county, village = "640181", "640181100001"  # 灵武市 (another county than the test above scans)
    office = auth(settings, "department", county, sub="agriculture-system", department="agriculture")
    today = clock.today()
    before, recent = today - dt.timedelta(days=45), today - dt.timedelta(days=5)

    def price(n: int, day: dt.date, value: str, product: str = "生猪", **over: Any) -> dict[str, Any]:
        return {"kind": "price", "source": "agriculture", "record_id": f"P{n}", "region_code": county,
                "observed_on": day.isoformat(), "product": product, "unit": "元/公斤", "price": value,
                **over}  # fmt: skip

    def project(n: int, status: str, households: int, **over: Any) -> dict[str, Any]:
        return {"kind": "project", "source": "rural-revitalisation", "record_id": f"J{n}", "region_code": village,
                "observed_on": recent.isoformat(), "name": f"村集体项目{n}", "status": status,
                "households": households, **over}  # fmt: skip

    batch = [
        price(1, before, "20.00"),
        price(2, recent, "14.00"),  # 生猪 -30%
        price(3, before, "3.00", "玉米"),
        price(4, recent, "2.90", "玉米"),  # -3%: not a sharp fall
        project(1, "failed", 8),
        project(2, "suspended", 5),  # 13 households with the first: at the threshold of 10
        project(3, "asset_lost", 3),
    ]
    outcome = await screening.post("/regional-records", json={"records": batch}, headers=office)
    assert outcome.status_code == 200 and outcome.json() == {"accepted": 7, "duplicates": 0, "superseding": 0}
    again = await screening.post("/regional-records", json={"records": batch[:2]}, headers=office)
    assert again.json() == {"accepted": 0, "duplicates": 2, "superseding": 0}
    corrected = await screening.post(
        "/regional-records", json={"records": [project(3, "asset_idle", 3, revision=2)]}, headers=office
    )
    assert corrected.json() == {"accepted": 1, "duplicates": 0, "superseding": 1}

    elsewhere = auth(settings, "department", "532504", sub="agriculture-mile", department="agriculture")
    outside = await screening.post("/regional-records", json={"records": [price(9, recent, "1.00")]}, headers=elsewhere)
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "records[0].region_code"
    future = price(10, today + dt.timedelta(days=2), "1.00")
    assert (await screening.post("/regional-records", json={"records": [future]}, headers=office)).status_code == 422
    formula = price(11, recent, "1.00", product="=HYPERLINK(1)")
    assert (await screening.post("/regional-records", json={"records": [formula]}, headers=office)).status_code == 422

    scanned = await screening.post("/regional-risks/scan", headers=auth(settings, "county_officer", county))
    assert scanned.status_code == 200, scanned.text
    raised = {(r["region_code"], r["kind"]): r for r in scanned.json()}
    fall = raised[county, "price_fall"]
    assert fall["figures"]["products"] == 1 and "生猪（元/公斤） 20.00 -> 14.00 (-30%)" in fall["explanation"]
    assert "玉米" not in fall["explanation"]
    assert raised[village[:9], "project_failure"]["figures"] == {"projects": 2.0, "households": 13.0}
    assert "村集体项目3" in raised[county, "asset_loss"]["explanation"]  # as corrected: idle
    listed = await screening.get(
        "/regional-records",
        params={"kind": "project", "current": "false"},
        headers=auth(settings, "county_officer", county),
    )
    assert sum(r["record_id"] == "J3" for r in listed.json()["items"]) == 2  # both revisions kept
    rescan = await screening.post("/regional-risks/scan", headers=auth(settings, "county_officer", county))
    assert rescan.json() == []  # once per window
