"""The routes that are not GETs but answer personal data (a registration answered with the household, a lookup
by resident ID, an edit answered with the household as it now is) record the read they declare
(`x-audited-read`), under the caller, with the declared wording. Every such route is called here, or names the
test that holds it to its declaration: a new one fails until it is given one."""

import uuid
from importlib import import_module
from typing import Any

from sqlalchemy import text

from devkit.kit.households import SETTINGS, VILLAGE_A, household_body, if_match, member
from devkit.kit.identification import ok
from devkit.testing.fixtures import auth

SERVICES = ["intake", "screening", "assistance", "ledger"]
# Not called here, and where they are held to their declarations: the registry's search needs a signed envelope
# from a registered sender, the department's identifiers a household on that department's list (the bus makes
# it): the gateway's own tests build both.
ELSEWHERE = {
    ("intake", "POST", "/registry/sync/search"): "services/intake/tests/test_registry_gateway.py",
    ("intake", "POST", "/registry/search"): "services/intake/tests/test_registry_conformance.py",
    ("intake", "POST", "/registry/sync/txn/status"): "services/intake/tests/test_registry_conformance.py",
    ("intake", "POST", "/registry/txn/status"): "services/intake/tests/test_registry_conformance.py",
    ("intake", "POST", "/department-lists/{department}/identifiers"): "services/intake/tests/test_registry_gateway.py",
}


def _declared() -> dict[tuple[str, str, str], str]:
    return {
        (name, method.upper(), path): op["x-audited-read"]
        for name in SERVICES
        for path, item in import_module(f"{name}.main").app.openapi()["paths"].items()
        for method, op in item.items()
        if method != "get" and op.get("x-audited-read")
    }


async def _reads(actor: str) -> list[str]:
    app = import_module("intake.main").app
    query = text(
        "SELECT convert_from(value, 'UTF8')::jsonb->'data'->>'what' FROM intake.outbox "
        "WHERE topic = 'audit.access.v1' AND NOT encrypted "
        "AND convert_from(value, 'UTF8')::jsonb->'data'->>'actor' = :actor ORDER BY seq"
    )
    async with app.state.db.engine.connect() as conn:
        return [r[0] for r in await conn.execute(query, {"actor": actor})]


async def test_every_write_that_answers_personal_data_records_the_read_it_declares(services: Any) -> None:
    intake = await services.client("intake")
    declared = _declared()
    called: set[tuple[str, str, str]] = set()
    actor = ""

    async def check(method: str, path: str, answer: Any, status: int = 200) -> dict[str, Any]:
        body = await ok(answer, status)
        key = ("intake", method, path)
        reads = await _reads(actor)
        assert reads and all(r.startswith(declared[key]) for r in reads), f"{method} {path}: {reads}"
        called.add(key)
        return body

    def caller() -> dict[str, str]:
        nonlocal actor
        actor = f"audit-write-{uuid.uuid4().hex[:10]}"
        return auth(SETTINGS, "village_cadre", VILLAGE_A[:9], sub=actor)

    who = caller()
    head = member()
    body = household_body(VILLAGE_A, members=[head, member("spouse")])
    home = await check("POST", "/households", await intake.post("/households", json=body, headers=who), 201)
    who = caller()
    lookup = await intake.post(
        "/households/lookup", params={"purpose": "走访"}, json={"resident_id": head["resident_id"]}, headers=who
    )
    assert (await check("POST", "/households/lookup", lookup))["id"] == home["id"]
    edit = {"address": "2组 9号", "reason": "搬迁"}
    who = caller()
    headers = await if_match(intake, home["id"], who)
    await _reads(actor)  # the read that fetched the ETag is the GET's, under the same caller: start over
    who = caller()
    patched = await intake.patch(
        f"/households/{home['id']}", json=edit, headers={**who, "If-Match": headers["If-Match"]}
    )
    home = await check("PATCH", "/households/{household_id}", patched)
    who = caller()
    added = await intake.post(
        f"/households/{home['id']}/members",
        json=member("child"),
        headers={**who, "If-Match": patched.headers["etag"]},
    )
    home = await check("POST", "/households/{household_id}/members", added, 201)
    current = (await if_match(intake, home["id"], caller()))["If-Match"]
    who = caller()
    first = home["members"][0]["id"]
    changed = await intake.patch(
        f"/households/{home['id']}/members/{first}",
        json={"health": "chronic_illness", "reason": "复查"},
        headers={**who, "If-Match": current},
    )
    await check("PATCH", "/households/{household_id}/members/{member_id}", changed)
    missing = set(declared) - called - set(ELSEWHERE)
    assert not missing, f"declared audited reads this test does not call: {sorted(missing)}"
