"""The township's follow-up records (帮扶台账) in the field: two cadres correcting one household's monthly
incomes cannot overwrite each other unseen."""

import httpx

from devkit.kit.assistance import monitored
from devkit.kit.identification import CADRE, TOWNSHIP, ok
from devkit.testing.fixtures import eventually


async def test_monthly_incomes_answer_their_version_and_a_stale_correction_is_refused(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["illness"])
    path = f"/households/{household['id']}/income-months"

    async def known() -> httpx.Response | None:  # the household reaches assistance over the bus
        r = await client.get(path, headers=TOWNSHIP)
        return r if r.status_code == 200 else None

    empty = await eventually(known)
    blind = await client.put(path, json={"months": [{"month": "2026-08", "per_capita": "1"}]}, headers=CADRE)
    assert blind.status_code == 428 and blind.json()["type"].endswith("/precondition-required")
    first = await client.put(
        path,
        json={"months": [{"month": "2026-09", "per_capita": "700"}]},
        headers={**CADRE, "If-Match": empty.headers["etag"]},
    )
    assert first.status_code == 200 and first.headers["etag"] != empty.headers["etag"]
    stale = await client.put(
        path,
        json={"months": [{"month": "2026-09", "per_capita": "900"}]},
        headers={**CADRE, "If-Match": empty.headers["etag"]},
    )
    assert stale.status_code == 412 and stale.json()["current_etag"] == first.headers["etag"]
    as_if_first = await client.put(
        path, json={"months": [{"month": "2026-09", "per_capita": "1"}]}, headers={**CADRE, "If-None-Match": "*"}
    )
    assert as_if_first.status_code == 412  # months are recorded: a "first" version would overwrite them unseen
    months = await ok(await client.get(path, headers=TOWNSHIP))
    assert months["months"] == [{"month": "2026-09", "per_capita": "700.00"}]  # the first correction stands
