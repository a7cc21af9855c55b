"""A case's object type agrees with the household's category. 中农组发〔2021〕7号 二(一): 监测脱贫不稳定户、边缘易致
贫户，以及…基本生活出现严重困难户; 湖北省《关于建立防止返贫监测和帮扶机制的实施意见》(2020) 三(一): 建档立卡已脱贫但
有返贫风险的不稳定户和收入略高于建档立卡贫困户但有致贫风险的边缘户: a 脱贫不稳定户 is a 脱贫户, a 边缘易致贫户 is
not, a 突发严重困难户 may be either."""

import httpx

from devkit.kit.households import register
from devkit.kit.identification import CADRE, TOWNSHIP, illness, ok, to_notice, verification_form


async def test_an_object_type_that_contradicts_the_household_category_is_refused(client: httpx.AsyncClient) -> None:
    ordinary = await register(client, category="ordinary")
    body = {"household_id": ordinary["id"], "channel": "cadre_screening", "risks": [illness(ordinary)]}
    wrong = await client.post(
        "/cases", headers={**CADRE, "Accept-Language": "zh-CN"}, json={**body, "object_type": "unstable_lifted"}
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "object_type"
    assert "脱贫不稳定户须为脱贫户" in wrong.json()["detail"]

    lifted = await register(client)  # a 脱贫户
    case = await to_notice(client, lifted)
    url = f"/cases/{case['id']}/township-verification"

    marginal = await client.post(url, headers=TOWNSHIP, json=verification_form(lifted, object_type="marginal"))
    assert marginal.status_code == 422 and marginal.json()["errors"][0]["field"] == "object_type"
    verified = await ok(
        await client.post(url, headers=TOWNSHIP, json=verification_form(lifted, object_type="unstable_lifted"))
    )
    assert verified["object_type"] == "unstable_lifted"
