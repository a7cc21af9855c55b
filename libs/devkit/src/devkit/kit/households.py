"""The shared test kit: the test county's regions, tokens, households to register."""

import random
from typing import Any

import httpx

from common.settings import CommonSettings
from devkit.testing.fixtures import auth, mobile, resident_id

COUNTY = "532504"  # 弥勒市
TOWNSHIP_A, TOWNSHIP_B = "532504102", "532504103"  # 新哨镇, 虹溪镇
VILLAGE_A, VILLAGE_B = "532504102001", "532504103202"


SETTINGS = CommonSettings()  # the token settings every service reads from the same environment


def headers(role: str, region: str, sub: str | None = None, **extra: Any) -> dict[str, str]:
    return auth(SETTINGS, role, region, sub, **extra)


# Names as a village's are, so a printed form reads as one (a name is test data, not a key: repeats are fine).
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "志强", "桂兰", "春生", "玉梅", "海涛", "丽华", "德明", "永福", "金花", "文军")


def member(relation: str = "head", **over: Any) -> dict[str, Any]:
    return {
        "name": over.pop("name", random.choice(SURNAMES) + random.choice(GIVEN)),
        "resident_id": resident_id(),
        "relation": relation,
        "labour_capacity": "full",
        "health": "healthy",
        "phone": mobile(),
        **over,
    }


def household_body(
    village: str = VILLAGE_A, members: list[dict[str, Any]] | None = None, **over: Any
) -> dict[str, Any]:
    # No 户编号: intake gives the village's code and its next sequence number, as it does for a new household.
    return {
        "region_code": village,
        "address": "1组 8号",
        "category": "lifted",
        "members": members or [member(), member("spouse")],
        **over,
    }


async def register(client: httpx.AsyncClient, village: str = VILLAGE_A, **over: Any) -> dict[str, Any]:
    r = await client.post(
        "/households", json=household_body(village, **over), headers=headers("village_cadre", village[:9])
    )
    assert r.status_code == 201, r.text
    return r.json()


async def if_match(client: httpx.AsyncClient, household_id: str, who: dict[str, str]) -> dict[str, str]:
    """`who`'s headers with If-Match: the household's ETag as read now (a PATCH must say which version it changes)."""
    read = await client.get(f"/households/{household_id}", headers=who)
    assert read.status_code == 200, read.text
    return {**who, "If-Match": read.headers["etag"]}
