"""What a cadre reads when the system refuses: the app asks for Chinese (Accept-Language: zh-CN)."""

import httpx

from devkit.kit.households import register
from devkit.kit.identification import CADRE, COUNTY_OFFICER, declare


async def test_a_cadre_reads_refusals_in_chinese(client: httpx.AsyncClient) -> None:
    """The app asks for zh-CN: the step out of order names the case's state and what may be done now, and a
    malformed body names each field's fault in plain words; a client that does not ask gets English."""
    household = await register(client)
    case = await declare(client, household)
    zh_cn = {"Accept-Language": "zh-CN,zh;q=0.9"}
    r = await client.post(
        f"/cases/{case['id']}/county-approval",
        headers={**COUNTY_OFFICER, **zh_cn},
        json={"approval_no": "x", "approved_on": "2026-10-15"},
    )
    problem = r.json()
    assert r.status_code == 409 and r.headers["content-language"] == "zh-CN"
    assert problem["title"] == "认定当前状态下不能进行此操作"
    assert problem["detail"] == (
        "该监测对象认定当前为「已申报」，不能进行「县级审定」。现在可以进行：签署承诺授权书、不予认定"
    )
    assert problem["allowed_actions"] == ["attach_consent", "reject"]  # the codes stay, for the app

    r = await client.post(
        "/households",
        headers={**CADRE, **zh_cn},
        json={"region_code": "5325", "household_no": "", "members": [{"relation": "head", "labour_capacity": "some"}]},
    )
    problem = r.json()
    assert r.status_code == 422 and problem["title"] == "请求内容不符合要求"
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert messages["region_code"] == "格式不正确" and messages["members.0.name"] == "必须填写"
    assert messages["members.0.labour_capacity"].startswith("应为以下之一：")
    assert all("\u4e00" <= m[0] <= "\u9fff" for m in messages.values()), messages

    english = await client.post(f"/cases/{case['id']}/county-approval", headers=COUNTY_OFFICER, json={})
    assert english.headers["content-language"] == "en" and english.json()["title"].startswith("The request")
