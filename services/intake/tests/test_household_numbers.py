"""户编号 is a number a cadre reads aloud: the village's code and a sequence, given by intake when the
registrant has none, kept for the household's life; a number given by hand is kept and never drawn again."""

import re

import httpx

from devkit.kit.households import headers, if_match, register

VILLAGE = "532504102007"  # 夸竹社区: no other test registers here


async def test_a_household_without_a_number_gets_the_villages_code_and_the_next_sequence(
    client: httpx.AsyncClient,
) -> None:
    first = await register(client, VILLAGE)
    assert re.fullmatch(rf"{VILLAGE}\d{{4}}", first["household_no"]), first["household_no"]
    sequence = int(first["household_no"][12:])
    # A registrant's own number (the national system's) is kept as given, and a number in the village's form
    # taken by hand is stepped over.
    by_hand = await register(client, VILLAGE, household_no=f"{VILLAGE}{sequence + 1:04d}")
    assert by_hand["household_no"] == f"{VILLAGE}{sequence + 1:04d}"
    national = await register(client, VILLAGE, household_no="N-5325-77")
    assert national["household_no"] == "N-5325-77"
    following = await register(client, VILLAGE)
    assert following["household_no"] == f"{VILLAGE}{sequence + 2:04d}"
    # Stable for the household's life: a change of the household keeps it.
    who = await if_match(client, first["id"], headers("village_cadre", VILLAGE[:9]))
    r = await client.patch(f"/households/{first['id']}", json={"address": "2组 3号", "reason": "搬迁"}, headers=who)
    assert r.status_code == 200 and r.json()["household_no"] == first["household_no"], r.text
