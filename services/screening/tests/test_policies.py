import json
from typing import Any

import httpx

from contracts.screening import POLICY_TOPIC
from devkit.kit.people import ADMIN, COUNTY_OFFICER, TOWNSHIP
from devkit.kit.screening import pack
from devkit.testing.fixtures import TopicReader, auth
from screening.config import settings
from screening.rules.catalogue import CATALOGUE


async def effective(client: httpx.AsyncClient, region: str, year: int, on: str | None = None) -> httpx.Response:
    params: dict[str, Any] = {"region_code": region, "year": year, **({"on": on} if on else {})}
    return await client.get("/policies/effective", params=params, headers=TOWNSHIP)


async def test_the_seeds_policies_are_in_force(client: httpx.AsyncClient) -> None:
    mile = (await effective(client, "532504103202", 2020)).json()
    assert mile["policy"]["monitoring_line"] == "4428.00" and mile["policy"]["region_prefix"] == "532504"
    ningxia = (
        await client.get("/policies/effective", params={"region_code": "640104001001", "year": 2020}, headers=ADMIN)
    ).json()
    assert ningxia["policy"]["monitoring_line"] == "5000.00" and ningxia["policy"]["region_prefix"] == "64"
    zhongkai = (
        await client.get("/policies/effective", params={"region_code": "441302106001", "year": 2021}, headers=ADMIN)
    ).json()
    assert zhongkai["policy"]["monitoring_line"] == "15354.00"
    line = zhongkai["policy"]["values"]["line"]  # 1.5 x 2021's rural 低保 standard, the standard stored
    assert line == {"basis": "dibao_multiple", "amount": "15354.00", "dibao_standard": "10236.00", "multiple": "1.5000"}
    assert zhongkai["policy"]["jurisdiction"]["code"] == "zhongkai" and zhongkai["policy"]["valid_through"] == 2025
    # 惠城区 outside the zone: only the national pack, which states no line: its floor is judged by
    # (中农组发〔2021〕7号 二(二): 以脱贫攻坚期国家扶贫标准的1.5倍为底线)
    huicheng = (
        await client.get("/policies/effective", params={"region_code": "441302001001", "year": 2021}, headers=ADMIN)
    ).json()
    assert huicheng["policy"]["jurisdiction"]["level"] == "national"
    assert huicheng["policy"]["monitoring_line"] == "4428.00"
    assert huicheng["policy"]["values"]["line"]["basis"] == "national_floor"
    before_national = await client.get(
        "/policies/effective", params={"region_code": "441302001001", "year": 2020}, headers=ADMIN
    )
    assert before_national.status_code == 404 and before_national.json()["type"].endswith("/no-policy")
    rules = mile["policy"]["values"]["rules"]
    assert rules["medical_out_of_pocket_high"] == {"enabled": True, "grade": "red"} and len(rules) == len(CATALOGUE)
    assert rules["disability_special_attention"]["enabled"] is False  # off where no pack turns it on


async def test_most_specific_prefix_and_newest_version_in_effect_win(client: httpx.AsyncClient) -> None:
    rules = {"housing_unsafe": {"grade": "orange", "enabled": True}}
    body = pack("532504102", 2020, line="4600", effective_from="2020-07-01", name="新哨镇2020年监测范围", rules=rules)
    first = await client.post("/policies", json=body, headers=COUNTY_OFFICER)
    assert first.status_code == 201, first.text
    assert first.json()["version"] >= 1 and first.json()["values"]["rules"]["housing_unsafe"]["grade"] == "orange"
    second = await client.post(
        "/policies",
        json=pack("532504102", 2020, line="4700", effective_from="2020-10-01", name="新哨镇2020年监测范围"),
        headers=COUNTY_OFFICER,
    )
    # Carried forward: the rule's grade from the first version; the first from the county's pack in force.
    assert second.json()["values"]["rules"]["housing_unsafe"]["grade"] == "orange"
    assert first.json()["values"]["identification"]["review_body"] == "村组评议"
    assert first.json()["values"]["report"]["deadline_day"] == 3
    assert second.json()["version"] == first.json()["version"] + 1

    before = (await effective(client, "532504102001", 2020, on="2020-06-30")).json()
    middle = (await effective(client, "532504102001", 2020, on="2020-08-01")).json()
    after = (await effective(client, "532504102001", 2020, on="2020-12-31")).json()
    neighbour = (await effective(client, "532504103202", 2020, on="2020-12-31")).json()
    assert before["policy"]["monitoring_line"] == "4428.00"  # the county's, until the township's takes effect
    assert middle["policy"]["monitoring_line"] == "4600.00"
    assert after["policy"]["monitoring_line"] == "4700.00" and "532504102" in after["why"]
    assert neighbour["policy"]["region_prefix"] == "532504"  # another township keeps the county's line

    async with TopicReader(settings.kafka_bootstrap_servers or "", POLICY_TOPIC) as topic:
        event = await topic.wait_for(lambda m: json.loads(m.value)["data"]["policy_id"] == second.json()["id"])
    envelope = json.loads(event.value)
    data = envelope["data"]
    assert envelope["type"] == "screening.policy.pack-published" and data["published_by"] == "county-wang"
    assert data["pack"]["line"]["amount"] == "4700.00" and data["prefixes"] == ["532504102"]
    assert data["sources"]["thresholds.income_drop_ratio"].startswith("local default")


async def test_who_may_publish_and_what_is_valid(client: httpx.AsyncClient) -> None:
    body = pack("532504", 2022, line="6000", name="弥勒市")
    assert (await client.post("/policies", json=body, headers=TOWNSHIP)).status_code == 403
    other_county = auth(settings, "county_officer", "532526")
    outside = await client.post("/policies", json=body, headers=other_county)
    assert outside.status_code == 404  # outside the jurisdiction: the same answer as for nothing there
    bad = await client.post(
        "/policies", headers=COUNTY_OFFICER, json=pack("532599", 2022, rules={"made_up": {"grade": "red"}})
    )
    assert bad.status_code == 422
    assert {e["field"].split(".")[0] for e in bad.json()["errors"]} == {"jurisdiction", "values"}
    negative = await client.post("/policies", json=pack("532504", 2022, line="-1"), headers=COUNTY_OFFICER)
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"].startswith("values.line")
    derived = pack("532504", 2022, line=None)
    derived["values"]["line"] = {"basis": "dibao_multiple", "dibao_standard": "5000", "multiple": "1.5", "amount": "1"}
    wrong = await client.post("/policies", json=derived, headers=COUNTY_OFFICER)
    assert wrong.status_code == 422 and "is not 1.5000 x 5000.00" in wrong.text
    national = {**pack("532504", 2022), "jurisdiction": {"code": "CN", "name": "全国", "level": "national"}}
    assert (await client.post("/policies", json=national, headers=COUNTY_OFFICER)).status_code == 404
    listed = (await client.get("/policies", params={"region_prefix": "532504"}, headers=TOWNSHIP)).json()
    # the packs governing some of 弥勒市: its own, its townships', and the national pack
    assert listed["items"] and all(
        p["region_prefix"].startswith("532504") or p["jurisdiction"]["level"] == "national" for p in listed["items"]
    )
    catalogue = (await client.get("/rules", headers=TOWNSHIP)).json()
    assert {r["code"] for r in catalogue["items"]} >= {"income_below_line", "housing_unsafe", "main_labourer_death"}


async def test_what_if_counts_who_would_enter_or_leave_without_raising(services: Any) -> None:
    import uuid as _uuid

    from devkit.testing.fixtures import eventually, resident_id
    from intake.config import settings as intake_settings

    intake, screening = await services.client("intake"), await services.client("screening")
    cadre = auth(intake_settings, "village_cadre", "532504103")
    ids = []
    for wages in ("4500", "4400"):  # one person each: 4,500 is above Mile's 4,428 line, 4,400 below
        body = {
            "region_code": "532504103202",
            "household_no": _uuid.uuid4().hex[:16],
            "address": "x",
            "category": "lifted",
            "members": [{"name": "周八", "resident_id": resident_id(), "relation": "head", "labour_capacity": "full"}],
        }
        h = (await intake.post("/households", json=body, headers=cadre)).json()
        r = await intake.put(
            f"/households/{h['id']}/incomes/2020",
            headers={**cadre, "If-None-Match": "*"},
            json={"wages": wages, "production": "0", "property": "0", "transfers": "0"},
        )
        assert r.status_code == 201
        ids.append(h["id"])

    async def incomes_known() -> bool:
        alerts = (await screening.get("/alerts", params={"household_id": ids[1]}, headers=COUNTY_OFFICER)).json()[
            "items"
        ]
        return any(a["rule"] == "income_below_line" for a in alerts)

    assert await eventually(incomes_known)
    raise_line = (
        await screening.post("/policies/what-if", json=pack("532504", 2020, line="4600"), headers=COUNTY_OFFICER)
    ).json()
    lower_line = (
        await screening.post("/policies/what-if", json=pack("532504", 2020, line="4300"), headers=COUNTY_OFFICER)
    ).json()
    township = next(t for t in raise_line["by_township"] if t["region_code"] == "532504103")
    assert township["entering"] >= 1 and township["leaving"] == 0
    assert next(t for t in lower_line["by_township"] if t["region_code"] == "532504103")["leaving"] >= 1
    assert raise_line["evaluated"] == sum(t["evaluated"] for t in raise_line["by_township"])
    policies = (
        await screening.get("/policies", params={"region_prefix": "532504", "year": 2020}, headers=COUNTY_OFFICER)
    ).json()
    assert all(p["name"] != "test pack" for p in policies["items"])  # nothing was stored
    assert (
        await screening.post("/policies/what-if", json=pack("532504", 2020, line="1"), headers=TOWNSHIP)
    ).status_code == 403


async def test_a_new_policy_rescreens_the_households_it_governs(services: Any) -> None:
    import uuid as _uuid

    from devkit.testing.fixtures import eventually, resident_id
    from intake.config import settings as intake_settings

    intake, screening = await services.client("intake"), await services.client("screening")
    cadre = auth(intake_settings, "village_cadre", "640104001")
    body = {
        "region_code": "640104001003",
        "household_no": _uuid.uuid4().hex[:16],
        "address": "x",
        "category": "lifted",
        "members": [{"name": "吴九", "resident_id": resident_id(), "relation": "head", "labour_capacity": "full"}],
    }
    h = (await intake.post("/households", json=body, headers=cadre)).json()
    r = await intake.put(
        f"/households/{h['id']}/incomes/2020",
        headers={**cadre, "If-None-Match": "*"},  # 6,000: above Ningxia's 5,000
        json={"wages": "6000", "production": "0", "property": "0", "transfers": "0"},
    )
    assert r.status_code == 201

    county = auth(settings, "county_officer", "640104")

    async def income_known() -> bool:  # screening holds the income before the policy changes
        probe = pack("640104001003", 2020, line="1")
        return (await screening.post("/policies/what-if", json=probe, headers=county)).json()["evaluated"] >= 1

    assert await eventually(income_known)
    no_alerts = (await screening.get("/alerts", params={"household_id": h["id"]}, headers=ADMIN)).json()["items"]
    assert no_alerts == []
    policy = await screening.post(
        "/policies",
        headers=county,
        json=pack("640104001", 2020, line="9000", name="凤凰北街街道2020年监测范围"),
    )
    assert policy.status_code == 201

    async def alerted() -> dict[str, Any] | None:
        items = (await screening.get("/alerts", params={"household_id": h["id"]}, headers=ADMIN)).json()["items"]
        return next((a for a in items if a["rule"] == "income_below_line"), None)

    alert = await eventually(alerted, timeout=40)
    assert "9,000.00 CNY" in alert["explanation"] and "640104001" in alert["explanation"]

    async def job_done() -> dict[str, Any] | None:
        job = (await screening.get(f"/policies/{policy.json()['id']}/rescreening", headers=county)).json()
        return job if job["state"] == "done" else None

    job = await eventually(job_done)
    assert job["processed"] >= 1 and job["total"] >= 1


async def test_every_value_names_its_source_or_says_it_is_a_local_default(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/policies", params={"jurisdiction": "532504", "year": 2020}, headers=TOWNSHIP)).json()
    mile = next(p for p in listed["items"] if p["version"] == 1)
    sources = {v["path"]: v for v in mile["sourced"]}
    assert {"line", "thresholds.income_drop_ratio", "identification.review_body", "report.deadline_day"} <= set(sources)
    assert "4428元" in sources["line"]["source"] and sources["line"]["local_default"] is False
    assert sources["thresholds.income_drop_ratio"]["local_default"] is True  # no document states 30%
    assert sources["thresholds.income_drop_ratio"]["value"] == "0.3000"
    assert sources["thresholds.medical_oop_threshold"]["local_default"] is True
    assert sources["report.deadline_day"]["value"] == 3 and "次月3日前" in sources["report.deadline_day"]["source"]
    bad = await client.post(
        "/policies", headers=COUNTY_OFFICER, json=pack("532504", 2031, line="7000", sources={"made_up": "somewhere"})
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("sources")
