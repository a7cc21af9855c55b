"""Every route requires a valid token: walk the app's routes so a new route cannot skip it."""

import re

import httpx
import pytest

from common.app import PUBLIC_PATHS, route_table
from common.auth import issue_token
from common.settings import CommonSettings
from intake.main import app

ROUTES = [(path, method) for path, method in route_table(app) if path not in PUBLIC_PATHS]
FILLERS = {
    "household_id": "6f1c7d2e-1111-4a5b-9c8d-000000000001",
    "case_id": "6f1c7d2e-1111-4a5b-9c8d-000000000002",
    "member_id": "6f1c7d2e-1111-4a5b-9c8d-000000000003",
    "consent_id": "6f1c7d2e-1111-4a5b-9c8d-000000000004",
    "objection_id": "6f1c7d2e-1111-4a5b-9c8d-000000000005",
    "village_code": "532504102001",
    "year": "2026",
}


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: FILLERS[m.group(1)], path)


def test_the_walk_covers_the_api() -> None:
    assert len(ROUTES) >= 20
    assert ("/households", "POST") in ROUTES and ("/cases/{case_id}/county-approval", "POST") in ROUTES


@pytest.mark.parametrize(("path", "method"), ROUTES)
async def test_route_refuses_missing_token(client: httpx.AsyncClient, path: str, method: str) -> None:
    r = await client.request(method, _url(path), json={})
    assert r.status_code == 401, f"{method} {path} answered {r.status_code} without a token"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/unauthorized")


@pytest.mark.parametrize(("path", "method"), ROUTES)
async def test_route_refuses_forged_token(client: httpx.AsyncClient, path: str, method: str) -> None:
    forged = issue_token(
        CommonSettings(jwt_secret="not-the-real-secret-but-long-enough-0123456789"),
        sub="mallory",
        role="admin",
        region="",
    )
    r = await client.request(method, _url(path), json={}, headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401, f"{method} {path} accepted a forged token"


async def test_health_is_public_and_ready(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}
    assert "http_requests_total" in (await client.get("/metrics")).text
