"""A household whose identification has reached the ledger: the entries an auditor then reads."""

from typing import Any

import httpx

from devkit.kit.households import register
from devkit.kit.identification import approve, ok, to_verified
from devkit.kit.people import AUDITOR, TOWNSHIP
from devkit.testing.fixtures import eventually


async def household_in_ledger(intake: httpx.AsyncClient, client: httpx.AsyncClient) -> dict[str, Any]:
    household = await register(intake)
    await approve(intake, await to_verified(intake, household))
    await ok(await intake.get(f"/households/{household['id']}", headers=TOWNSHIP))  # an audited read

    async def recorded() -> list[dict[str, Any]] | None:
        page = await ok(
            await client.get("/entries", params={"subject": household["id"], "limit": 500}, headers=AUDITOR)
        )
        types = {e["type"] for e in page["items"]}
        township_read = any(e["data"].get("what") == "household detail" for e in page["items"])
        return page["items"] if "intake.case.approved" in types and township_read else None

    household["entries"] = await eventually(recorded, timeout=60)
    return household
