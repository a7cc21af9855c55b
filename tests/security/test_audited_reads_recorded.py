"""A declared audited read is a recorded one, and a recorded read is a declared one. Generated from the four
OpenAPI documents: every GET route is called (with a household's objects built across the services) by a caller
of its own, and the reads of personal data recorded under that caller (the `audit.access.v1` rows of the
service's outbox) are compared with the route's declaration (`x-audited-read`): declared, at least one read of
what it declares; undeclared, none. A declared route the test cannot call fails, so a new one needs a way here."""

import datetime as dt
import hashlib
import re
import uuid
from importlib import import_module
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from common import clock
from devkit.kit.assistance import approved_plan, monitored
from devkit.kit.households import COUNTY, SETTINGS
from devkit.kit.identification import ok
from devkit.kit.people import ADMIN, CADRE
from devkit.kit.screening import alerts_of, feed, household, person
from devkit.testing.fixtures import auth, eventually, travel

SERVICES = ["intake", "screening", "assistance", "ledger"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
# Query parameters a route requires, as a caller gives them.
QUERY = {
    "purpose": "核查帮扶情况",
    "year": "2026",
    "month": "2026-10",
    "region_code": "532504102001",
    "start": "2026-10-15",
}
QUERY |= {"township": "532504102", "first": "1", "second": "2", "form": "township-verification", "use": "filed"}
# The routes that read a household's data for the household ids they are given in the query.
BY_HOUSEHOLD_QUERY = ("/forms/{form_code}", "/printed-heads")


def _gets() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for name in SERVICES:
        for path, ops in import_module(f"{name}.main").app.openapi()["paths"].items():
            if "get" in ops:
                out.append((name, path, ops["get"]))
    return out


GETS = _gets()
DECLARED = [(s, m, p) for s, p, op in GETS for m in ["GET"] if op.get("x-audited-read")]


async def _reads(service: str, actor: str) -> list[str]:
    """What the reads recorded under `actor` by `service` say they read, oldest first."""
    app = import_module(f"{service}.main").app
    query = text(
        f"SELECT convert_from(value, 'UTF8')::jsonb->'data'->>'what' FROM {service}.outbox "
        "WHERE topic = 'audit.access.v1' AND NOT encrypted "
        "AND convert_from(value, 'UTF8')::jsonb->'data'->>'actor' = :actor ORDER BY seq"
    )
    async with app.state.db.engine.connect() as conn:
        return [r[0] for r in await conn.execute(query, {"actor": actor})]


@pytest.fixture(scope="module")
async def objects(services: Any) -> dict[str, dict[str, str]]:
    """One household's objects in every service, by the path parameter that names them."""
    intake, assistance = await services.client("intake"), await services.client("assistance")
    ledger = await services.client("ledger")
    home, case = await monitored(intake, ["illness"])
    plan = await approved_plan(assistance, home)
    measure = plan["measures"][0]
    digest = hashlib.sha256(PNG).hexdigest()
    png = {**CADRE, "Content-Type": "image/png"}
    kept = await ok(
        await assistance.post(
            f"/plans/{plan['id']}/measures/{measure['id']}/attachments",
            params={"sha256": digest, "description": "凭证"},
            content=PNG,
            headers=png,
        ),
        201,
    )
    evidence = await ok(
        await intake.post(
            f"/cases/{case['id']}/attachments",
            params={"sha256": digest, "step": "attach_consent", "description": "承诺授权书"},
            content=PNG,
            headers=png,
        ),
        201,
    )
    rid = person()["resident_id"]
    alerted = await household(services, "532504102001", [person(rid=rid)])
    settlement = {"resident_id": rid, "event_date": "2026-11-01", "kind": "settlement"}
    settlement |= {"total": "90000", "reimbursed": "20000", "out_of_pocket": "70000"}
    await feed(services, "medical-insurance", settlement)
    alert = next(iter((await alerts_of(services, alerted)).values()))

    async def in_ledger() -> bool:
        page = await ledger.get("/entries", params={"subject": home["id"], "limit": 500}, headers=ADMIN)
        return "intake.case.approved" in {e["type"] for e in page.json()["items"]}

    await eventually(in_ledger, timeout=60)
    from ledger.archive.registry import REGISTRY

    common = {
        "household_id": home["id"],
        "case_id": case["id"],
        "plan_id": plan["id"],
        "measure_id": measure["id"],
        "member_id": home["members"][0]["id"],
        "village_code": home["region_code"],
        "department": "medical-insurance",
    }
    return {
        # Each test starts at the scenario's instant again (the root conftest); the household was made later
        # than that, and the ledger's archive is as of now: each test runs from when it was made.
        "made_at": {"instant": clock.now().isoformat()},
        "intake": {**common, "attachment_id": evidence["id"]},
        "screening": {**common, "alert_id": alert["id"], "household_id": alerted["id"]},
        "assistance": {**common, "attachment_id": kept["id"]},
        "ledger": {**common, "form_code": next(c for c, s in REGISTRY.items() if s.keyed_by == "household_id")},
    }


@pytest.mark.parametrize(("service", "path", "op"), GETS, ids=[f"{s} GET {p}" for s, p, _ in GETS])
async def test_a_read_is_recorded_exactly_where_it_is_declared(
    services: Any, objects: dict[str, dict[str, str]], service: str, path: str, op: dict[str, Any]
) -> None:
    declared = op.get("x-audited-read")
    params = re.findall(r"{(\w+)}", path)
    known = objects[service]
    if not set(params) <= set(known):
        assert not declared, f"{service} GET {path} declares an audited read; give this test a way to call it"
        pytest.skip(f"no {', '.join(set(params) - set(known))} to call it with")
    required = [p["name"] for p in op.get("parameters", []) if p["in"] == "query" and p.get("required")]
    given = set(QUERY) | ({"household_id"} if path in BY_HOUSEHOLD_QUERY else set())
    assert set(required) <= given, f"give this test a value of {required}"
    actor = f"audit-check-{uuid.uuid4().hex[:10]}"
    caller = auth(SETTINGS, "county_officer", COUNTY, sub=actor)
    client: httpx.AsyncClient = await services.client(service)
    url = path.format(**{p: known[p] for p in params})
    query = {q: QUERY[q] for q in required if q in QUERY} | (
        {"household_id": known["household_id"]} if path in BY_HOUSEHOLD_QUERY else {}
    )
    with travel(dt.datetime.fromisoformat(objects["made_at"]["instant"])):
        answer = await client.get(url, params=query, headers=caller)
    reads = await _reads(service, actor)
    if declared:
        assert answer.status_code == 200, f"{url}: {answer.status_code} {answer.text[:300]}"
        named = not (answer.headers["content-type"].startswith("application/json") and answer.json().get("items") == [])
        assert reads or not named, f"{url} declares {declared!r} and recorded no read"  # an empty list names no one
        assert all(w.startswith(declared) for w in reads), f"{url} declares {declared!r}, recorded {reads}"
    else:
        assert reads == [], f"{service} GET {path} records {reads} but declares no audited read"
