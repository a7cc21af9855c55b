"""The current year (China Standard Time), never silent: a record dated today is judged although no policy of
this year is published, by the latest earlier line and flagged assumed; a region with no policy at all still
has its housing, disability, illness, schooling and deaths judged; where its pack states no amount (the
Hubei document names a multiple of the national standard), income is judged by the national pack's floor and
flagged as such; each such judgement is counted for the operator and shown in the gaps queue."""

import datetime as dt
from typing import Any

import pytest
from prometheus_client import REGISTRY

from common import clock
from devkit.kit.people import ADMIN, TOWNSHIP
from devkit.kit.screening import alerts_of, feed, household, income, person
from devkit.testing.fixtures import auth, eventually
from screening.config import settings

# Its dates follow the clock: it runs at the machine's time, which `make test-dates` moves.
pytestmark = pytest.mark.real_clock

MILE_VILLAGE = "532504103202"  # 弥勒市: its policy of 2020 only (other tests publish for 532504102)
NINGXIA_VILLAGE = "640202001001"  # 石嘴山市: the autonomous region's policy (other tests publish for 640104)
HUBEI_VILLAGE = "420102002003"  # 武汉市江岸区: the province's 2020 pack, which states no line


def gaps(county: str, year: int, basis: str) -> float:
    return (
        REGISTRY.get_sample_value("screening_policy_gaps_total", {"county": county, "year": str(year), "basis": basis})
        or 0.0
    )


async def test_a_record_dated_today_raises_its_alert_judged_by_the_latest_line(services: Any) -> None:
    today = clock.today()
    before = gaps("532504", today.year, "assumed")
    head = person()
    h = await household(services, MILE_VILLAGE, [head, person("spouse")])
    await feed(
        services,
        "housing",
        {"resident_id": head["resident_id"], "event_date": today.isoformat(), "kind": "appraisal", "grade": "D"},
    )
    await income(services, h, today.year, "1000")  # far below any line
    alerts = await alerts_of(services, h, count=2)
    housing, low = alerts["housing_unsafe"], alerts["income_below_line"]
    assert housing["year"] == today.year and housing["policy_basis"] == "assumed" and housing["policy_id"]
    assert low["policy_basis"] == "assumed" and f"assumed for {today.year}" in low["explanation"]
    assert "policy 532504 2020" in low["explanation"]  # the latest earlier line, named
    assert gaps("532504", today.year, "assumed") > before

    screening = await services.client("screening")
    effective = await screening.get(
        "/policies/effective", params={"region_code": MILE_VILLAGE, "year": today.year}, headers=TOWNSHIP
    )
    assert effective.status_code == 200, effective.text
    body = effective.json()
    assert body["assumed"] is True and body["policy"]["year"] == 2020
    assert f"no {today.year} pack" in body["why"] and "弥勒市 (532504) 2020" in body["why"]
    published = await screening.get(
        "/policies/effective", params={"region_code": MILE_VILLAGE, "year": 2020, "on": "2020-12-01"}, headers=TOWNSHIP
    )
    assert published.json()["assumed"] is False


async def test_a_region_whose_pack_states_no_amount_is_judged_by_the_national_floor(services: Any) -> None:
    """湖北省《关于建立防止返贫监测和帮扶机制的实施意见》(2020) 三(二): 农村居民人均可支配收入低于国家扶贫标准1.5倍
    左右的家庭 (no amount); 中农组发〔2021〕7号 二(二): 以脱贫攻坚期国家扶贫标准的1.5倍为底线."""
    today = clock.today()
    head = person()
    h = await household(services, HUBEI_VILLAGE, [head, person("spouse")])
    await income(services, h, today.year, "3000")
    await feed(
        services,
        "housing",
        {"resident_id": head["resident_id"], "event_date": today.isoformat(), "kind": "appraisal", "grade": "C"},
    )
    alerts = await alerts_of(services, h, count=2)
    assert set(alerts) == {"housing_unsafe", "income_below_line"}
    low = alerts["income_below_line"]
    assert "judged by the national floor 4428.00" in low["explanation"] and low["policy_basis"] == "assumed"
    assert "按国家底线（国家扶贫标准1.5倍）4428.00元判断" in low["explanation_zh"]
    assert gaps("420102", today.year, "assumed") >= 1
    screening = await services.client("screening")
    hubei = await screening.get(
        "/policies/effective", params={"region_code": HUBEI_VILLAGE, "year": today.year}, headers=ADMIN
    )
    assert hubei.status_code == 200 and hubei.json()["policy"]["jurisdiction"]["code"] == "42"
    assert hubei.json()["policy"]["monitoring_line"] == "4428.00" and hubei.json()["assumed"] is True
    line = next(v for v in hubei.json()["policy"]["sourced"] if v["path"] == "line")
    assert line["value"]["basis"] == "national_floor" and "以脱贫攻坚期国家扶贫标准的1.5倍为底线" in line["source"]
    # Before the national pack (2021), a region no pack governs gets none: never a guess.
    none = await screening.get(
        "/policies/effective", params={"region_code": "110101001001", "year": 2020}, headers=ADMIN
    )
    assert none.status_code == 404 and none.json()["type"].endswith("/no-policy")


def test_the_year_is_china_standard_time() -> None:
    assert clock.today() == dt.datetime.now(clock.CST).date()


async def test_the_gap_is_loud_on_the_feed_answer_and_on_readiness(services: Any) -> None:
    today = clock.today()
    registered = [
        await household(services, HUBEI_VILLAGE, [person(), person("spouse")]),
        await household(services, MILE_VILLAGE, [head := person()]),
    ]
    screening = await services.client("screening")

    async def known() -> bool:  # screening has heard of both households
        answers = [await screening.get(f"/households/{h['id']}", headers=ADMIN) for h in registered]
        return all(a.status_code == 200 for a in answers)

    assert await eventually(known)
    answer = await screening.post(
        "/feeds/housing/records",
        headers=ADMIN,
        json={
            "record_id": f"hou-{today:%Y%m%d}-{head['resident_id'][-4:]}",
            "resident_id": head["resident_id"],
            "event_date": today.isoformat(),
            "kind": "appraisal",
            "grade": "B",
        },
    )
    assert answer.status_code == 202, answer.text
    warnings = answer.json()["warnings"]
    assert f"no {today.year} monitoring line for 532504: judged by 2020's" in warnings
    assert any(w.startswith(f"no monitoring line amount for 420102 in {today.year}") for w in warnings)
    record = {
        "record_id": f"hou-{today:%Y%m%d}-{head['resident_id'][-4:]}",
        "resident_id": head["resident_id"],
        "event_date": today.isoformat(),
        "kind": "appraisal",
        "grade": "B",
    }
    again = await screening.post("/feeds/housing/records", headers={**ADMIN, "Accept-Language": "zh-CN"}, json=record)
    assert again.json()["outcome"] == "duplicate"
    assert f"云南省红河哈尼族彝族自治州弥勒市尚无{today.year}年监测标准：暂按2020年标准研判" in again.json()["warnings"]
    ready = (await screening.get("/readyz")).json()
    assert ready["status"] == "ready" and "532504" in ready["notes"]["policies"]
    # The county officer's work until a policy is published: the gaps of their jurisdiction only.
    mile = auth(settings, "county_officer", "532504", sub="county-gaps")
    queue = (await screening.get("/policies/gaps", headers=mile)).json()
    assert [(g["county"], g["judged_by"]) for g in queue["items"]] == [("532504", 2020)]
    assert queue["items"][0]["county_name"].endswith("弥勒市") and queue["items"][0]["year"] == today.year
    everything = (await screening.get("/policies/gaps", headers=ADMIN)).json()["items"]
    assert ("420102", 2020, "national_floor") in {(g["county"], g["judged_by"], g["basis"]) for g in everything}
    assert (await screening.get("/policies/gaps", params={"year": 2020}, headers=mile)).json()["items"] == []


async def test_ningxia_screens_a_year_on_the_previous_years_income(services: Any) -> None:
    """宁开办发〔2020〕8号: 重点排查上一年度家庭人均纯收入低于5000元: this year is screened on last year's income."""
    today = clock.today()
    h = await household(services, NINGXIA_VILLAGE, [person(), person("spouse")])
    await income(services, h, today.year - 1, "1000")
    alert = (await alerts_of(services, h))["income_below_line"]
    assert alert["year"] == today.year and alert["policy_basis"] == "assumed"
    assert f"in {today.year - 1} (the previous year's, which {today.year} screens on)" in alert["explanation"]
    assert alert["evidence"] == [f"income:{today.year - 1}"]
