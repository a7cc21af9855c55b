"""A functional zone is one jurisdiction: 仲恺高新区's five townships inside 惠城区. An officer whose token is
given the zone sees its households and publishes its packs, and nothing else of 惠城区 (the same 404)."""

from typing import Any

import pytest

from common import clock
from devkit.kit.screening import household, pack, person
from devkit.testing.fixtures import auth, eventually
from screening.config import settings

ZONE = ["441302007", "441302008", "441302106", "441302107", "441302114"]

# Its dates follow the clock: it runs at the machine's time, which `make test-dates` moves.
pytestmark = pytest.mark.real_clock


async def test_a_zone_officer_sees_the_zone_and_publishes_its_pack_and_nothing_else_of_the_district(
    services: Any,
) -> None:
    inside = await household(services, "441302106200", [person()])
    outside = await household(services, "441302001001", [person()])
    screening = await services.client("screening")
    officer = auth(settings, "county_officer", "", sub="zhongkai-officer", regions=ZONE)
    admin = auth(settings, "admin", "")

    async def known() -> bool:
        answers = [await screening.get(f"/households/{h['id']}", headers=admin) for h in (inside, outside)]
        return all(a.status_code == 200 for a in answers)

    assert await eventually(known)
    assert (await screening.get(f"/households/{inside['id']}", headers=officer)).status_code == 200
    hidden = await screening.get(f"/households/{outside['id']}", headers=officer)
    missing = await screening.get("/households/00000000-0000-4000-8000-000000000000", headers=officer)
    assert hidden.status_code == missing.status_code == 404 and hidden.json()["detail"] == missing.json()["detail"]

    year = clock.today().year
    body = pack(ZONE[0], year, code="zhongkai", name="仲恺高新区", level="zone")
    body["jurisdiction"]["prefixes"] = ZONE
    body["values"]["line"] = {"basis": "dibao_multiple", "dibao_standard": "12000", "multiple": "1.5"}
    body["sources"] = {"line": "a test: 1.5 x the year's rural 低保 standard"}
    published = await screening.post("/policies", json=body, headers=officer)
    assert published.status_code == 201, published.text
    assert published.json()["monitoring_line"] == "18000.00"
    # Carried forward from the zone's 2021 pack: its review body, its forms, its approver.
    assert published.json()["values"]["identification"]["review_body"] == "村民代表会议"
    assert published.json()["values"]["paperwork"]["approver"] == "区级"
    district = pack("441302", year, name="惠城区")
    assert (await screening.post("/policies", json=district, headers=officer)).status_code == 404
