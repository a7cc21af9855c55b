"""Every response that carries personal data (a field marked `x-personal`: a name, an address, an unmasked
identifier, a household snapshot) is an audited read, declared on its route (`x-audited-read`). Walks the
OpenAPI of every service so that a new route or a new field cannot skip it."""

from importlib import import_module
from typing import Any

import pytest

SERVICES = ["intake", "screening", "assistance", "ledger"]


def _personal(schema: Any, spec: dict[str, Any], seen: set[str]) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("x-personal"):
        return True
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        if ref in seen:
            return False
        seen.add(ref)
        return _personal(spec["components"]["schemas"][ref], spec, seen)
    nested = [*schema.get("properties", {}).values()]
    nested += [schema[k] for k in ("items", "additionalProperties") if k in schema]
    nested += [s for k in ("anyOf", "allOf", "oneOf") for s in schema.get(k, [])]
    return any(_personal(s, spec, seen) for s in nested)


def _operations() -> list[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    out = []
    for name in SERVICES:
        spec = import_module(f"{name}.main").app.openapi()
        for path, ops in spec["paths"].items():
            for method, op in ops.items():
                out.append((name, method.upper(), path, op, spec))
    return out


OPERATIONS = _operations()


def _carries_personal_data(op: dict[str, Any], spec: dict[str, Any]) -> bool:
    return any(
        _personal(content.get("schema", {}), spec, set())
        for code, response in op.get("responses", {}).items()
        if code.startswith("2")
        for content in response.get("content", {}).values()
    )


def test_the_walk_finds_the_personal_routes() -> None:
    personal = {(s, m, p) for s, m, p, op, spec in OPERATIONS if _carries_personal_data(op, spec)}
    assert ("intake", "GET", "/households/{household_id}/revisions") in personal
    assert ("intake", "GET", "/villages/{village_code}/public-notice") in personal
    assert ("screening", "GET", "/policies") not in personal  # a policy's name is not a person's


@pytest.mark.parametrize(("service", "method", "path", "op", "spec"), OPERATIONS, ids=lambda v: str(v)[:60])
def test_a_route_answering_personal_data_is_declared_an_audited_read(
    service: str, method: str, path: str, op: dict[str, Any], spec: dict[str, Any]
) -> None:
    if _carries_personal_data(op, spec):
        assert op.get("x-audited-read"), f"{service} {method} {path} answers personal data without an audited read"
