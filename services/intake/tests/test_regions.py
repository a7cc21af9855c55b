"""The division tree for the app's pickers, and compressed answers for a slow connection."""

import httpx

from devkit.kit.households import VILLAGE_A, register
from devkit.kit.identification import CADRE, ok


async def test_the_app_walks_the_division_tree_down_to_the_villages(client: httpx.AsyncClient) -> None:
    provinces = await ok(await client.get("/regions", params={"limit": 100}, headers=CADRE))
    assert len(provinces["items"]) == 31 and provinces["items"][0] == {
        "code": "11",
        "name": "北京市",
        "level": "province",
        "full_name": "北京市",
    }
    villages = await ok(await client.get("/regions", params={"parent": "532504102", "limit": 200}, headers=CADRE))
    codes = [v["code"] for v in villages["items"]]
    assert VILLAGE_A in codes and all(len(c) == 12 and c.startswith("532504102") for c in codes)
    assert villages["items"][0]["full_name"].startswith("云南省") and villages["items"][0]["level"] == "village"
    missing = await client.get("/regions", params={"parent": "532599"}, headers=CADRE)
    assert missing.status_code == 404
    bad = await client.get("/regions", params={"parent": "5325041"}, headers=CADRE)
    assert bad.status_code == 422


async def test_a_page_of_households_is_sent_compressed_to_a_client_that_accepts_it(client: httpx.AsyncClient) -> None:
    for _ in range(5):
        await register(client)
    plain = await client.get("/households", params={"limit": 50}, headers={**CADRE, "Accept-Encoding": "identity"})
    zipped = await client.get("/households", params={"limit": 50}, headers={**CADRE, "Accept-Encoding": "gzip"})
    assert plain.status_code == zipped.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2
    assert zipped.json() == plain.json()  # httpx decompresses: the same page
