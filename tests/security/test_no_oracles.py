"""A caller who may not see or act on an object gets the same answer for it as for a random id (issue 24): no
409 with the case's `current_state` for a department account where a random id is 404, no "No such
household" beside "No record of this household". Walks every route of the four apps whose ids are a case's
or a household's, as callers without the right to them, with a real id and a random one."""

import re
import uuid
from importlib import import_module
from typing import Any

from common.app import PUBLIC_PATHS, route_table
from devkit.kit.households import TOWNSHIP_B, headers, register
from devkit.kit.identification import declare, ok, sign_consent
from devkit.kit.people import AUDITOR, TOWNSHIP, department
from devkit.testing.fixtures import eventually

SERVICES = ["intake", "screening", "assistance", "ledger"]
IDS = {"case_id", "household_id"}
ROUTES = [
    (name, path, method)
    for name in SERVICES
    for path, method in route_table(import_module(f"{name}.main").app)
    if path not in PUBLIC_PATHS and set(re.findall(r"\{(\w+)\}", path)) and set(re.findall(r"\{(\w+)\}", path)) <= IDS
]
# A valid body for the steps the probe named, so the answer is the route's own, not the body's 422.
BODIES: dict[str, dict[str, Any]] = {
    "/cases/{case_id}/consent": {},
    "/cases/{case_id}/rejection": {"reason": "探测"},
    "/cases/{case_id}/county-approval": {"approval_no": "弥政批〔2026〕1号", "approved_on": "2026-11-27"},
    "/cases/{case_id}/public-notice": {"published_on": "2026-11-27"},
}
# Callers without the right to the objects: a department account (national, no right to cases), an auditor
# (national, never writes) on the writes, an officer of another township.
STRANGERS = {"department": department("water"), "elsewhere": headers("township_officer", TOWNSHIP_B)}


def _answer(r: Any, ids: dict[str, str]) -> tuple[int, str]:
    """The status and the body, the ids asked about (echoed in a path or a field) replaced by their names."""
    text = r.text
    for name, value in ids.items():
        text = text.replace(value, name)
    return r.status_code, text


async def test_strangers_cannot_tell_a_real_id_from_a_random_one(services: Any) -> None:
    assert ("intake", "/cases/{case_id}/consent", "POST") in ROUTES
    assert ("ledger", "/households/{household_id}/access-log", "GET") in ROUTES
    intake = await services.client("intake")
    household = await register(intake)
    await sign_consent(intake, household)
    case = await declare(intake, household)
    real = {"case_id": case["id"], "household_id": household["id"]}
    ledger = await services.client("ledger")

    async def logged() -> bool | None:  # the ledger knows the household before it is asked about it
        r = await ledger.get(f"/households/{household['id']}/access-log", headers=TOWNSHIP)
        return r.status_code == 200 or None

    await eventually(logged, timeout=60)
    random = {k: str(uuid.uuid4()) for k in IDS}
    strangers = STRANGERS | {"auditor": AUDITOR}
    told = []
    for service, path, method in ROUTES:
        client = await services.client(service)
        body = BODIES.get(path, {}) if method != "GET" else None
        for who, token in strangers.items():
            if who == "auditor" and method == "GET":
                continue  # an auditor reads every jurisdiction
            answers = [
                _answer(
                    await client.request(
                        method, re.sub(r"\{(\w+)\}", lambda m, ids=ids: ids[m.group(1)], path), json=body, headers=token
                    ),
                    ids,
                )
                for ids in (real, random)
            ]
            if answers[0] != answers[1]:
                told.append(f"{who} {method} {service}{path}: real {answers[0]} / random {answers[1]}")
    assert told == [], "\n".join(told)
    # The steps the probe named answer 403 to a department account before the case is looked up.
    for step in ("consent", "rejection", "county-approval"):
        r = await intake.post(
            f"/cases/{case['id']}/{step}", json=BODIES[f"/cases/{{case_id}}/{step}"], headers=STRANGERS["department"]
        )
        assert r.status_code == 403 and "current_state" not in r.text, (step, r.text)
    assert (await ok(await intake.get(f"/cases/{case['id']}", headers=TOWNSHIP)))["state"] == "declared"
