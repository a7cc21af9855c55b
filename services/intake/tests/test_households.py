import datetime as dt

import httpx

from devkit.kit.households import (
    TOWNSHIP_A,
    TOWNSHIP_B,
    VILLAGE_A,
    VILLAGE_B,
    headers,
    household_body,
    if_match,
    member,
    register,
)
from devkit.kit.people import CADRE
from devkit.testing.fixtures import resident_id


async def test_register_derives_facts_and_masks_identifiers(client: httpx.AsyncClient) -> None:
    head = member(resident_id=resident_id(dt.date(1971, 3, 9), "female"))
    body = household_body(members=[head, member("child", labour_capacity="none", schooling="compulsory")])
    r = await client.post("/households", json=body, headers=headers("village_cadre", TOWNSHIP_A))
    assert r.status_code == 201, r.text
    h = r.json()
    assert h["version"] == 1 and h["status"] == "registered"
    assert h["region_name"].endswith("新哨镇新哨社区")
    m = h["members"][0]
    assert m["birth_date"] == "1971-03-09" and m["sex"] == "female"
    assert m["resident_id_masked"] == head["resident_id"][:6] + "********" + head["resident_id"][-4:]
    assert m["phone_masked"].startswith(head["phone"][:3]) and head["phone"] not in r.text
    assert head["resident_id"] not in r.text


async def test_a_resident_belongs_to_one_household(client: httpx.AsyncClient) -> None:
    first = await register(client)
    taken = household_body(members=[member(resident_id=resident_id()), member("spouse")])
    taken["members"][1]["resident_id"] = await _resident_of(client, first)
    r = await client.post("/households", json=taken, headers=headers("village_cadre", TOWNSHIP_A))
    assert r.status_code == 409
    problem = r.json()
    assert problem["type"].endswith("/resident-already-registered")
    assert problem["existing_household_id"] == first["id"]
    assert first["household_no"] in problem["detail"] and "********" in problem["detail"]
    assert taken["members"][1]["resident_id"] not in r.text


async def _resident_of(client: httpx.AsyncClient, household: dict) -> str:
    r = await client.get(
        f"/households/{household['id']}/members/{household['members'][1]['id']}/resident-id",
        params={"purpose": "duplicate check test"},
        headers=headers("township_officer", TOWNSHIP_A),
    )
    assert r.status_code == 200, r.text
    return r.json()["resident_id"]


async def test_invalid_input_names_the_field(client: httpx.AsyncClient) -> None:
    h = headers("village_cadre", TOWNSHIP_A)
    bad_id = household_body(members=[member(resident_id="110105194912310021")])
    unknown_region = household_body(village="532504102999")
    r1 = await client.post("/households", json=bad_id, headers=h)
    r2 = await client.post("/households", json=unknown_region, headers=h)
    assert r1.status_code == r2.status_code == 422
    assert r1.json()["errors"][0]["field"] == "members.0.resident_id"
    assert "check digit" in r1.json()["errors"][0]["message"]
    assert r2.json()["errors"][0]["field"] == "region_code" and "unknown region" in r2.json()["errors"][0]["message"]
    household = await register(client)
    r3 = await client.put(
        f"/households/{household['id']}/incomes/2025",
        headers={**h, "If-None-Match": "*"},
        json={"wages": "-1", "production": 0, "property": 0, "transfers": "1e12"},
    )
    assert r3.status_code == 422
    assert {e["field"] for e in r3.json()["errors"]} == {"wages", "transfers"}
    r4 = await client.post(
        f"/households/{household['id']}/consents",
        headers=h,
        json={
            "scopes": ["asset_check"],
            "signer_member_ids": [household["members"][0]["id"]],
            "evidence": {"kind": "e_sign", "sha256": "a" * 64},
            "channel": "app",
            "signed_at": "2026-13-01T10:00:00+08:00",
        },
    )
    assert r4.status_code == 422 and r4.json()["errors"][0]["field"] == "signed_at"


async def test_other_township_sees_nothing(client: httpx.AsyncClient) -> None:
    household = await register(client, VILLAGE_A)
    other = headers("township_officer", TOWNSHIP_B)
    assert (await client.get(f"/households/{household['id']}", headers=other)).status_code == 404
    assert (await client.get(f"/households/{household['id']}/timeline", headers=other)).status_code == 404
    listed = (await client.get("/households", params={"limit": 500}, headers=other)).json()["items"]
    assert household["id"] not in {h["id"] for h in listed}
    r = await client.post("/households", json=household_body(VILLAGE_A), headers=other)
    assert r.status_code == 404
    mine = await register(client, VILLAGE_B)
    assert (await client.get(f"/households/{mine['id']}", headers=other)).status_code == 200


async def test_household_token_sees_only_its_own(client: httpx.AsyncClient) -> None:
    mine, theirs = await register(client), await register(client)
    h = headers("household", VILLAGE_A, household_id=mine["id"])
    assert (await client.get(f"/households/{mine['id']}", headers=h)).status_code == 200
    assert (await client.get(f"/households/{theirs['id']}", headers=h)).status_code == 404
    assert (await client.post("/households", json=household_body(), headers=h)).status_code == 403


async def test_updates_are_versioned_and_income_is_per_capita(client: httpx.AsyncClient) -> None:
    household = await register(client)
    h = headers("village_cadre", TOWNSHIP_A)
    changed = await if_match(client, household["id"], h)
    r = await client.patch(
        f"/households/{household['id']}", json={"address": "2组 1号", "reason": "moved"}, headers=changed
    )
    assert r.json()["version"] == 2
    r = await client.post(f"/households/{household['id']}/members", json=member("child"), headers=h)
    assert r.status_code == 201 and r.json()["version"] == 3 and len(r.json()["members"]) == 3
    left = r.json()["members"][2]["id"]
    r = await client.patch(
        f"/households/{household['id']}/members/{left}",
        json={"active": False, "reason": "married out"},
        headers=await if_match(client, household["id"], h),
    )
    assert r.json()["version"] == 4
    r = await client.put(
        f"/households/{household['id']}/incomes/2025",
        headers={**h, "If-None-Match": "*"},
        json={"wages": "6000", "production": "1500.50", "property": "0", "transfers": "500", "medical_expense": "9000"},
    )
    assert r.status_code == 201 and r.json()["per_capita_net_income"] == "4000.25" and r.json()["members_count"] == 2
    r = await client.put(
        f"/households/{household['id']}/incomes/2025",
        headers={**h, "If-Match": r.json()["etag"]},
        json={"wages": "8000", "production": "0", "property": "0", "transfers": "0"},
    )
    assert r.json()["revision"] == 2
    revisions = (await client.get(f"/households/{household['id']}/revisions", headers=h)).json()
    assert [v["version"] for v in revisions["items"]] == [1, 2, 3, 4]
    revisions = revisions["items"]
    assert revisions[0]["snapshot"]["address"] == "1组 8号" and revisions[1]["snapshot"]["address"] == "2组 1号"
    incomes = (await client.get(f"/households/{household['id']}/incomes", headers=h)).json()["items"]
    assert [(i["year"], i["revision"]) for i in incomes] == [(2025, 2), (2025, 1)]


async def test_idempotency_key_replays_and_refuses_reuse(client: httpx.AsyncClient) -> None:
    h = {**headers("village_cadre", TOWNSHIP_A, sub="cadre-idem"), "Idempotency-Key": "reg-42"}
    body = household_body()
    first = await client.post("/households", json=body, headers=h)
    again = await client.post("/households", json=body, headers=h)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers.get("idempotent-replayed") == "true"
    other = await client.post("/households", json=household_body(), headers=h)
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")


async def test_lookup_by_resident_id_and_pagination(client: httpx.AsyncClient) -> None:
    created = [await register(client, VILLAGE_B) for _ in range(3)]
    h = headers("township_officer", TOWNSHIP_B)
    pages, cursor = [], None
    while True:
        r = (
            await client.get(
                "/households",
                params={"limit": 2, "region_prefix": VILLAGE_B, **({"cursor": cursor} if cursor else {})},
                headers=h,
            )
        ).json()
        pages.append(r["items"])
        cursor = r["next_cursor"]
        if not cursor:
            break
    ids = [i["id"] for p in pages for i in p]
    assert len(ids) == len(set(ids)) and {c["id"] for c in created} <= set(ids)
    assert all(len(p) <= 2 for p in pages)
    rid = await _resident_of_b(client, created[0])
    found = await client.post("/households/lookup", params={"purpose": "visit"}, json={"resident_id": rid}, headers=h)
    assert found.status_code == 200 and found.json()["id"] == created[0]["id"]
    assert (await client.get("/households", params={"cursor": "garbage!"}, headers=h)).status_code == 400


async def _resident_of_b(client: httpx.AsyncClient, household: dict) -> str:
    r = await client.get(
        f"/households/{household['id']}/members/{household['members'][0]['id']}/resident-id",
        params={"purpose": "test"},
        headers=headers("township_officer", TOWNSHIP_B),
    )
    return r.json()["resident_id"]


async def test_two_cadres_editing_one_household_cannot_overwrite_each_other(client: httpx.AsyncClient) -> None:
    """Each reads the household and its ETag; the first change wins, the second, made on the version it
    read, is refused 412 naming the current tag; read again, it goes through. A change that does not say which
    version it was made on (no If-Match, or `*`) is refused 428 (issue 24: it overwrote silently)."""
    household = await register(client)
    path = f"/households/{household['id']}"
    first = await client.get(path, headers=CADRE)
    second = await client.get(path, headers=CADRE)
    seen = first.headers["etag"]
    assert seen == second.headers["etag"] and seen.startswith('"')
    won = await client.patch(path, json={"address": "2组 1号", "reason": "moved"}, headers={**CADRE, "If-Match": seen})
    assert won.status_code == 200 and won.headers["etag"] != seen
    lost = await client.patch(
        path,
        json={"address": "3组 9号", "reason": "moved"},
        headers={**CADRE, "If-Match": seen, "Accept-Language": "zh-CN"},
    )
    problem = lost.json()
    assert lost.status_code == 412 and problem["type"].endswith("/stale-version")
    assert problem["current_etag"] == won.headers["etag"] and problem["title"] == "该记录已被他人修改，请刷新后再提交"
    assert (await client.get(path, headers=CADRE)).json()["address"] == "2组 1号"  # the first change stands
    member = household["members"][1]["id"]
    stale_member = await client.patch(
        f"{path}/members/{member}",
        json={"health": "chronic_illness", "reason": "diagnosed"},
        headers={**CADRE, "If-Match": seen},
    )
    assert stale_member.status_code == 412
    current = (await client.get(path, headers=CADRE)).headers["etag"]
    again = await client.patch(
        path, json={"address": "3组 9号", "reason": "moved"}, headers={**CADRE, "If-Match": current}
    )
    assert again.status_code == 200
    for blind in ({}, {"If-Match": "*"}, {"If-Match": f"*, {current}"}):
        for target in (path, f"{path}/members/{member}"):
            anyone = await client.patch(
                target,
                json={"category": "ordinary", "reason": "re-checked"}
                if target == path
                else {"health": "healthy", "reason": "re-checked"},
                headers={**CADRE, "Accept-Language": "zh-CN", **blind},
            )
            assert anyone.status_code == 428, (blind, anyone.text)
            refusal = anyone.json()
            assert refusal["type"].endswith("/precondition-required") and "If-Match" in refusal["detail"]
            assert anyone.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(path, headers=CADRE)).json()["address"] == "3组 9号"  # nothing overwritten

    # A year's income, corrected by two cadres: the second, made on the record it read, is refused.
    income = {"wages": "6000", "production": "0", "property": "0", "transfers": "0"}
    blind = await client.put(f"{path}/incomes/2025", json=income, headers=CADRE)
    assert blind.status_code == 428 and blind.json()["type"].endswith("/precondition-required")
    first_year = await client.put(f"{path}/incomes/2025", json=income, headers={**CADRE, "If-None-Match": "*"})
    read = first_year.json()["etag"]
    assert first_year.headers["etag"] == read
    corrected = await client.put(
        f"{path}/incomes/2025", json={**income, "wages": "6500"}, headers={**CADRE, "If-Match": read}
    )
    assert corrected.status_code == 201 and corrected.json()["revision"] == 2
    stale = await client.put(
        f"{path}/incomes/2025", json={**income, "wages": "7000"}, headers={**CADRE, "If-Match": read}
    )
    assert stale.status_code == 412 and stale.json()["current_etag"] == corrected.json()["etag"]
    again = await client.put(f"{path}/incomes/2025", json=income, headers={**CADRE, "If-None-Match": "*"})
    assert again.status_code == 412  # a "first" record of a year that has one is a blind overwrite too
    for blind_tag in ({}, {"If-Match": "*"}):
        refused = await client.put(f"{path}/incomes/2025", json=income, headers={**CADRE, **blind_tag})
        assert refused.status_code == 428, blind_tag
    incomes = (await client.get(f"{path}/incomes", headers=CADRE)).json()["items"]
    assert [i["revision"] for i in incomes if i["year"] == 2025] == [2, 1]  # neither refusal recorded anything
