"""Every route of every service requires a valid token: walk the apps' routes so a new route cannot skip it."""

import re
from importlib import import_module
from typing import Any

import pytest

from common import access
from common.app import PUBLIC_PATHS, route_contexts, route_table
from common.auth import Role, issue_token
from common.settings import CommonSettings

SERVICES = ["intake", "screening", "assistance", "ledger"]
ROUTES = [
    (name, path, method)
    for name in SERVICES
    for path, method in route_table(import_module(f"{name}.main").app)
    if path not in PUBLIC_PATHS
]
FILLERS = {
    "household_id": "6f1c7d2e-1111-4a5b-9c8d-000000000001",
    "case_id": "6f1c7d2e-1111-4a5b-9c8d-000000000002",
    "member_id": "6f1c7d2e-1111-4a5b-9c8d-000000000003",
    "consent_id": "6f1c7d2e-1111-4a5b-9c8d-000000000004",
    "objection_id": "6f1c7d2e-1111-4a5b-9c8d-000000000005",
    "policy_id": "6f1c7d2e-1111-4a5b-9c8d-000000000006",
    "upload_id": "6f1c7d2e-1111-4a5b-9c8d-000000000007",
    "import_id": "6f1c7d2e-1111-4a5b-9c8d-000000000011",
    "alert_id": "6f1c7d2e-1111-4a5b-9c8d-000000000008",
    "plan_id": "6f1c7d2e-1111-4a5b-9c8d-000000000009",
    "measure_id": "6f1c7d2e-1111-4a5b-9c8d-00000000000a",
    "elimination_id": "6f1c7d2e-1111-4a5b-9c8d-00000000000b",
    "sweep_id": "6f1c7d2e-1111-4a5b-9c8d-00000000000c",
    "export_id": "6f1c7d2e-1111-4a5b-9c8d-00000000000d",
    "attachment_id": "6f1c7d2e-1111-4a5b-9c8d-00000000000e",
    "leaf_index": "0",
    "form_code": "commitment",
    "department": "housing",
    "village_code": "532504102001",
    "year": "2026",
}


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: FILLERS[m.group(1)], path)


def test_the_walk_covers_the_api() -> None:
    assert len(ROUTES) >= 30
    assert ("intake", "/cases/{case_id}/county-approval", "POST") in ROUTES
    assert {name for name, _, _ in ROUTES} == set(SERVICES)


def test_no_route_deletes() -> None:
    """Nothing is ever deleted: what leaves a record is withdrawn or superseded, with who and why."""
    deleting = [(name, path) for name, path, method in ROUTES if method == "DELETE"]
    assert deleting == [], f"DELETE routes: {deleting}"


def _access(service: str, path: str, method: str) -> list[str]:
    """The named access dependencies (common.access) the route declares, and any it declares otherwise."""
    named = access.named_dependencies()
    route = next(
        r for r in route_contexts(import_module(f"{service}.main").app) if r.path == path and method in r.methods
    )
    out = []
    for dep in route.dependant.dependencies:
        if dep.call in named:
            out.append(named[dep.call])
        elif getattr(dep.call, "__name__", "") in ("_check", "authenticate"):
            out.append(f"unnamed {dep.call!r}")
    return out


def _roles(name: str) -> set[Role]:
    dep = getattr(access, name).__metadata__[0].dependency
    cells = [c.cell_contents for c in (dep.__closure__ or ())]
    return next((set(c) for c in cells if isinstance(c, tuple)), set(Role))


@pytest.mark.parametrize(("service", "path", "method"), ROUTES)
def test_route_access_is_named(service: str, path: str, method: str) -> None:
    """Every route's access is one of common.access's names: who may do what is one table, not a role list
    written again per file."""
    declared = _access(service, path, method)
    assert declared, f"{method} {path} declares no access"
    assert all(not d.startswith("unnamed") for d in declared), f"{method} {path}: {declared}"


WRITES_AUDITORS_MAY = {("ledger", "/checkpoints", "POST")}  # signs the log's head; changes no record


@pytest.mark.parametrize(("service", "path", "method"), [r for r in ROUTES if r[2] != "GET"])
def test_auditors_read_and_never_write(service: str, path: str, method: str) -> None:
    if (service, path, method) in WRITES_AUDITORS_MAY:
        return
    for name in _access(service, path, method):
        if name not in ("Authenticated", "FeedsWrite"):  # those routes check roles per step / per feed
            assert Role.auditor not in _roles(name), f"{method} {path} lets an auditor write ({name})"


def test_named_access_means_what_it_says() -> None:
    assert _roles("HouseholdsRead") == {Role.household, *access.OVERSEERS}
    assert Role.auditor not in _roles("PlansWrite") and Role.village_cadre not in _roles("CasesApprove")


@pytest.mark.parametrize(("service", "path", "method"), ROUTES)
async def test_route_refuses_missing_token(services: Any, service: str, path: str, method: str) -> None:
    client = await services.client(service)
    r = await client.request(method, _url(path), json={})
    assert r.status_code == 401, f"{method} {path} answered {r.status_code} without a token"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/unauthorized")


@pytest.mark.parametrize(("service", "path", "method"), ROUTES)
async def test_route_refuses_forged_token(services: Any, service: str, path: str, method: str) -> None:
    client = await services.client(service)
    forged = issue_token(
        CommonSettings(jwt_secret="not-the-real-secret-but-long-enough-0123456789"),
        sub="mallory",
        role="admin",
        region="",
    )
    r = await client.request(method, _url(path), json={}, headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401, f"{method} {path} accepted a forged token"


@pytest.mark.parametrize("service", SERVICES)
async def test_health_is_public_and_ready(services: Any, service: str) -> None:
    client = await services.client(service)
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok", "topics": "ok", "consumer": "ok"}
    assert "http_requests_total" in (await client.get("/metrics")).text
