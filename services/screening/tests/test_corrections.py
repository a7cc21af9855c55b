"""A department's correction is what the data says now: an open alert cites the current revision, never the
superseded one, and one the correction no longer supports is withdrawn, saying why."""

from typing import Any

import pytest

from common import clock
from devkit.kit.people import ADMIN
from devkit.kit.screening import alerts_of, household, person
from devkit.testing.fixtures import eventually

VILLAGE = "532504103202"

# Its dates follow the clock: it runs at the machine's time, which `make test-dates` moves.
pytestmark = pytest.mark.real_clock


async def appraise(services: Any, rid: str, record_id: str, revision: int, grade: str) -> None:
    screening = await services.client("screening")
    body = {
        "record_id": record_id,
        "revision": revision,
        "resident_id": rid,
        "event_date": clock.today().isoformat(),
        "kind": "appraisal",
        "grade": grade,
    }
    r = await screening.post("/feeds/housing/records", json=body, headers=ADMIN)
    assert r.status_code == 202, r.text


async def test_a_correction_cites_the_current_revision_and_one_under_the_threshold_withdraws_the_alert(
    services: Any,
) -> None:
    head = person()
    h = await household(services, VILLAGE, [head])
    record_id = f"HOU-{head['resident_id'][-8:]}"
    await appraise(services, head["resident_id"], record_id, 1, "D")
    alert = (await alerts_of(services, h))["housing_unsafe"]
    assert alert["evidence"] == [f"housing:{record_id}@1"]

    await appraise(services, head["resident_id"], record_id, 2, "C")  # still unsafe: the evidence moves on
    screening = await services.client("screening")

    async def cites(revision: int) -> dict[str, Any] | None:
        a = (await screening.get(f"/alerts/{alert['id']}", headers=ADMIN)).json()
        return a if a["evidence"] == [f"housing:{record_id}@{revision}"] else None

    corrected = await eventually(lambda: cites(2))
    assert corrected["state"] == "open" and "grade C" in corrected["explanation"]

    await appraise(services, head["resident_id"], record_id, 3, "B")  # safe after all: nothing to verify

    async def withdrawn() -> dict[str, Any] | None:
        a = (await screening.get(f"/alerts/{alert['id']}", headers=ADMIN)).json()
        return a if a["state"] == "withdrawn" else None

    ended = await eventually(withdrawn)
    assert "withdrawn: the current records no longer support it" in ended["explanation"]
    still_open = await screening.get(
        "/alerts", params={"household_id": h["id"], "state": ["open", "verifying"]}, headers=ADMIN
    )
    assert still_open.json()["items"] == []
