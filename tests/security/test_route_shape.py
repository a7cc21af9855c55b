"""The shape every service keeps (docs/adr/0012): where routes, tables and handlers live, and how lists page.
Walks the four apps' route tables and mappers; needs no database (`make test-fast`)."""

import inspect
import typing
from importlib import import_module
from typing import Any

import pytest

from common.app import PUBLIC_PATHS, route_contexts
from common.pagination import CursorQuery, Page

SERVICES = ["intake", "screening", "assistance", "ledger"]
ROUTES = [
    (name, route)
    for name in SERVICES
    for route in route_contexts(import_module(f"{name}.main").app)
    if getattr(route, "path", None) not in PUBLIC_PATHS and hasattr(route, "endpoint")
]
IDS = [f"{name}:{','.join(sorted(r.methods))} {r.path}" for name, r in ROUTES]


@pytest.mark.parametrize(("service", "route"), ROUTES, ids=IDS)
def test_every_route_is_defined_in_a_domain_endpoints_module(service: str, route: Any) -> None:
    module = route.endpoint.__module__
    parts = module.split(".")
    assert parts[0] == service and len(parts) == 3 and parts[2] == "endpoints", (
        f"{route.path} is defined in {module}; routes live in <service>.<domain>.endpoints"
    )


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (list, tuple, set)


GETS = [(i, (s, r)) for i, (s, r) in zip(IDS, ROUTES, strict=True) if "GET" in r.methods]


@pytest.mark.parametrize(("service", "route"), [x for _, x in GETS], ids=[i for i, _ in GETS])
def test_every_list_is_a_page(service: str, route: Any) -> None:
    """One dialect for lists: `Page[T]` with `next_cursor` (a bare array cannot grow, a custom page drifts)."""
    model = route.response_model
    assert not _is_list(model), f"GET {route.path} answers a bare list; answer Page[T]"
    if inspect.isclass(model) and "items" in getattr(model, "model_fields", {}):
        assert issubclass(model, Page), f"GET {route.path} answers its own page type {model.__name__}; use Page[T]"
        params = {p.alias or p.name for p in route.dependant.query_params}
        assert {"cursor", "limit"} <= params, f"GET {route.path} pages without cursor and limit"
        cursor = next(p for p in route.dependant.query_params if (p.alias or p.name) == "cursor").field_info
        one = typing.get_args(CursorQuery)[1]  # one cursor type: the opaque key of common.pagination
        assert (cursor.metadata, cursor.description) == (one.metadata, one.description), (
            f"GET {route.path} has a cursor of its own; take CursorQuery (common.pagination)"
        )


@pytest.mark.parametrize("service", SERVICES)
def test_tables_live_in_models_modules_and_handlers_in_subscriptions(service: str) -> None:
    base = import_module(f"{service}.models").Base
    for mapper in base.registry.mappers:
        module = mapper.class_.__module__
        assert module.endswith(".models") and module.count(".") == 2, f"{mapper.class_.__name__} is in {module}"
    for subscription in import_module(f"{service}.handlers").SUBSCRIPTIONS:
        handler = subscription.handler or subscription.batch_handler
        ons = getattr(handler, "ons", None)  # common.messaging.subscribe: a typed handler per contract
        for fn in [on.each or on.batch for on in ons] if ons is not None else [handler]:
            module = fn.__module__
            assert module.endswith(".subscriptions") or module == "common.calendar_replica", (
                f"{service}: a handler of {subscription.topic} is in {module}"
            )


@pytest.mark.parametrize("service", ["intake", "screening", "assistance"])
def test_services_subscribe_by_contract(service: str) -> None:
    """A typed event in: no handler switches on envelope types (the ledger alone records envelopes whole)."""
    for subscription in import_module(f"{service}.handlers").SUBSCRIPTIONS:
        handler = subscription.handler or subscription.batch_handler
        assert hasattr(handler, "ons") or handler.__module__ == "common.calendar_replica", subscription.topic


@pytest.mark.parametrize("service", SERVICES)
def test_top_level_models_and_handlers_only_aggregate(service: str) -> None:
    for name in ("models", "handlers"):
        module = import_module(f"{service}.{name}")
        own = [
            n
            for n, v in vars(module).items()
            if (inspect.isclass(v) or inspect.isfunction(v)) and getattr(v, "__module__", None) == module.__name__
        ]
        assert own == [], f"{service}.{name} defines {own}; it only aggregates the domains'"


@pytest.mark.parametrize("service", SERVICES)
def test_the_jurisdiction_is_applied_by_one_mechanism(service: str) -> None:
    """Services ask common.access (readable, within) and common.auth (ensure_covers, ensure_household): none
    builds the clause itself."""
    from pathlib import Path

    src = Path(import_module(service).__file__ or "").parent
    for path in src.rglob("*.py"):
        assert "jurisdiction_clause" not in path.read_text(encoding="utf-8"), path


PATCHES = [(i, (s, r)) for i, (s, r) in zip(IDS, ROUTES, strict=True) if "PATCH" in r.methods]


@pytest.mark.parametrize(("service", "route"), [x for _, x in PATCHES], ids=[i for i, _ in PATCHES])
def test_every_patch_requires_if_match(service: str, route: Any) -> None:
    """A change to a record the app edits says which version it was made on (issue 24: a PATCH without
    If-Match overwrote silently): the route depends on IfMatchRequired and documents 428 and 412."""
    from common.concurrency import _if_match_required

    calls = {d.call for d in route.dependant.dependencies}
    assert _if_match_required in calls, f"PATCH {route.path} does not require If-Match"
    assert {428, 412} <= set(route.responses), f"PATCH {route.path} does not document 428 and 412"
    assert "428" in (route.description or ""), f"PATCH {route.path}: its description does not say 428"


def test_the_walk_finds_the_patches() -> None:
    assert len(PATCHES) >= 3


# A PUT that is not an edit of a record someone recorded: the State Council's holiday arrangement of a year,
# loaded whole as published (its source named), never merged with another's change.
PUTS_WITHOUT_VERSION = {("intake", "/calendar/{year}")}
PUTS = [
    (i, (s, r))
    for i, (s, r) in zip(IDS, ROUTES, strict=True)
    if "PUT" in r.methods and (s, r.path) not in PUTS_WITHOUT_VERSION
]


@pytest.mark.parametrize(("service", "route"), [x for _, x in PUTS], ids=[i for i, _ in PUTS])
def test_every_put_that_replaces_a_record_requires_if_match(service: str, route: Any) -> None:
    """A PUT that replaces a record the app edits (a year's income, a household's monthly incomes) takes the
    PATCH's precondition, by the same dependency: 428 without it, 412 on a stale tag."""
    from common.concurrency import _if_match_required

    calls = {d.call for d in route.dependant.dependencies}
    assert _if_match_required in calls, f"PUT {route.path} does not require If-Match"
    assert {428, 412} <= set(route.responses), f"PUT {route.path} does not document 428 and 412"
    assert "428" in (route.description or ""), f"PUT {route.path}: its description does not say 428"


def test_the_walk_finds_the_puts() -> None:
    assert {(s, r.path) for _, (s, r) in PUTS} >= {
        ("intake", "/households/{household_id}/incomes/{year}"),
        ("assistance", "/households/{household_id}/income-months"),
    }


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
FILLER = "6f1c7d2e-1111-4a5b-9c8d-000000000001"  # for every path parameter: never a literal segment


def _templates(service: str) -> dict[str, set[str]]:
    from common.app import route_contexts

    out: dict[str, set[str]] = {}
    for route in route_contexts(import_module(f"{service}.main").app):
        if getattr(route, "methods", None):
            out.setdefault(route.path, set()).update(route.methods)
    return out


@pytest.mark.parametrize("service", SERVICES)
async def test_a_method_a_path_does_not_serve_is_405_with_the_paths_allow(service: str) -> None:
    """Issue 24: `GET /national-exports` was told `Allow: POST` (the first route of the path), and `GET
    /policies/what-if` reached `GET /policies/{policy_id}` and answered 422. Every path of every app, in every
    method it does not serve, answers 405, with `Allow` naming exactly the methods it serves, in Chinese too."""
    import re

    import httpx

    app = import_module(f"{service}.main").app
    wrong = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        for path, served in _templates(service).items():
            url = re.sub(r"\{\w+\}", FILLER, path)
            expected = sorted(served)
            for method in (*METHODS, "HEAD"):
                if method in served:
                    continue
                r = await client.request(method, url, headers={"Accept-Language": "zh-CN"})
                allow = sorted(m.strip() for m in r.headers.get("allow", "").split(",") if m.strip())
                worded = method == "HEAD" or "不支持" in r.text  # a HEAD answer has no body
                if r.status_code != 405 or allow != expected or not worded:
                    wrong.append(f"{method} {path}: {r.status_code} Allow {allow}, expected 405 Allow {expected}")
    assert wrong == [], "\n".join(wrong)
