"""A finding of false information is recorded and bars a new declaration for the years the jurisdiction's
pack states: 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 附件1 农户承诺授权书: 如查实我有故意隐瞒或
提供虚假、伪造材料等违规行为，本人愿意承担3年内取消申请防贫监测对象资格和相应的政策扶持."""

import datetime as dt
from typing import Any

import httpx

from common import clock
from devkit.kit.households import headers, household_body, member, register
from devkit.kit.identification import CADRE, TOWNSHIP, declare, illness, ok
from devkit.testing.fixtures import on_day

VILLAGE = "441302106200"  # 潼湖镇永平村, in 仲恺高新区
ZK_CADRE, ZK_TOWNSHIP = headers("village_cadre", VILLAGE[:9]), headers("township_officer", VILLAGE[:9], "zk-li")


async def test_a_finding_bars_a_new_declaration_for_three_years_in_zhongkai(client: httpx.AsyncClient) -> None:
    household = await ok(
        await client.post("/households", json=household_body(VILLAGE, members=[member()]), headers=ZK_CADRE), 201
    )
    case = await declare(client, household, who=ZK_CADRE, on=None)
    found_on = clock.today()
    url = f"/households/{household['id']}/false-information-findings"
    body = {"found_on": found_on.isoformat(), "what": "隐瞒家庭财产（商品房一套）", "case_id": case["id"]}
    assert (await client.post(url, json=body, headers=ZK_CADRE)).status_code == 403  # the village does not find
    finding = await ok(await client.post(url, json=body, headers=ZK_TOWNSHIP), 201)
    last = dt.date(found_on.year + 3, found_on.month, found_on.day) - dt.timedelta(days=1)
    assert finding["barred_until"] == last.isoformat() and finding["policy"].startswith("policy:zhongkai:")
    await ok(await client.post(f"/cases/{case['id']}/rejection", headers=ZK_TOWNSHIP, json={"reason": "提供虚假信息"}))
    barred = await client.post(
        "/cases",
        headers={**ZK_CADRE, "Accept-Language": "zh-CN"},
        json=_again(household),
    )
    assert barred.status_code == 409 and barred.json()["type"].endswith("/declaration-barred")
    assert f"{last}前不得申请纳入监测对象" in barred.json()["detail"]
    with on_day(last):  # a token of that day
        cadre = headers("village_cadre", VILLAGE[:9])
        assert (await client.post("/cases", headers=cadre, json=_again(household))).status_code == 409
    with on_day(last + dt.timedelta(days=1)):  # three years on, it may apply again
        cadre = headers("village_cadre", VILLAGE[:9])
        assert (await client.post("/cases", headers=cadre, json=_again(household))).status_code == 201


def _again(household: dict[str, Any]) -> dict[str, Any]:
    return {"household_id": household["id"], "channel": "self_declaration", "risks": [illness(household)]}


async def test_a_finding_is_recorded_where_the_documents_state_no_bar(client: httpx.AsyncClient) -> None:
    """弥勒市's documents state no bar: the finding is kept, a declaration is not refused for it."""
    household = await register(client)
    url = f"/households/{household['id']}/false-information-findings"
    future = {"found_on": (clock.today() + dt.timedelta(days=2)).isoformat(), "what": "虚报家庭开支"}
    assert (await client.post(url, json=future, headers=TOWNSHIP)).status_code == 422
    finding = await ok(
        await client.post(url, json={**future, "found_on": clock.today().isoformat()}, headers=TOWNSHIP), 201
    )
    assert finding["barred_until"] is None and finding["policy"].startswith("policy:532504:")
    assert (await declare(client, household, who=CADRE))["state"] == "declared"
