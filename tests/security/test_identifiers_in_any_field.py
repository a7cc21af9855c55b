"""A resident ID and a phone number typed into every free-text field of every request of a household's whole
story (registration, consent, declaration, review, notice, verification, approval, the plan and its
measures, incomes, guarantees, elimination, the forms read from the ledger, a department's record) are
found nowhere in clear afterwards: not in any table of any service, not in an outbox, not in a ledger
body, not in the logs. Each request is the kit's own, rewritten on its way by `Tainted` from the service's
OpenAPI: every string field that is free text (no enum, format or pattern, not a declared identifier) gets
the numbers appended, or is filled with them if the kit left it out; every free-text query parameter too,
and the Idempotency-Key. Before the door's rule (common.free_text) a note, a reason, an address or an
audited read's purpose kept them in clear."""

import json
import re
from importlib import import_module
from typing import Any

import httpx
import pytest

from common.free_text import ITEMS, VALUES, FreeText, identifier_paths
from common.logging import configure_logging
from common.pii import PiiCipher
from devkit.kit.ledger import eliminated_household
from devkit.kit.people import HOUSING
from devkit.testing.fixtures import mobile, resident_id, rows_as_text

NUMBER, PHONE = resident_id(), mobile()
TAINT = f" 身份证{NUMBER} 电话{PHONE}"
_NOT_FREE = ("enum", "const", "format", "pattern", "x-identifier")


class Tainted(httpx.AsyncBaseTransport):
    """The app's own transport, with every free-text field of a request given the numbers."""

    def __init__(self, inner: httpx.AsyncBaseTransport, spec: dict[str, Any]) -> None:
        self.inner, self.spec = inner, spec
        self.operations = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), method.upper(), op)
            for path, item in spec["paths"].items()
            for method, op in item.items()
        ]
        self.tainted: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        op = next((o for p, m, o in self.operations if m == request.method and p.match(request.url.path)), None)
        if op is None:
            return await self.inner.handle_async_request(request)
        params = dict(request.url.params)
        for param in op.get("parameters", []):
            if param["in"] == "query" and param["name"] in params and self._free(param.get("schema", {})):
                params[param["name"]] = self._with_taint(params[param["name"]], param.get("schema", {}))
        headers = dict(request.headers)
        content = request.content
        if "json" in headers.get("content-type", "") and content:
            schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            content = json.dumps(self._body(json.loads(content), schema, op["operationId"])).encode()
            headers["content-length"] = str(len(content))
        if request.method != "GET":
            headers["idempotency-key"] = f"retry-{NUMBER}-{len(self.tainted)}"
        rewritten = httpx.Request(
            request.method, request.url.copy_with(params=params), headers=headers, content=content
        )
        return await self.inner.handle_async_request(rewritten)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def _variants(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        schema = self._resolve(schema)
        parts = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
        return [v for p in parts for v in self._variants(p)] if parts else [schema]

    def _free(self, schema: dict[str, Any]) -> bool:
        """Text: a string (or null) and nothing else (a decimal is a number or a string), unconstrained."""
        variants = [v for v in self._variants(schema) if v.get("type") != "null"]
        strings = [v for v in variants if v.get("type") == "string"]
        return bool(strings) and len(strings) == len(variants) and not any(k in v for v in strings for k in _NOT_FREE)

    def _with_taint(self, value: str, schema: dict[str, Any]) -> str:
        limit = self._limit(schema)
        return value + TAINT if len(value) + len(TAINT) <= limit else TAINT.strip()[:limit]

    def _body(self, value: Any, schema: dict[str, Any], where: str) -> Any:
        variants = self._variants(schema)
        if isinstance(value, str):
            if self._free(schema):
                self.tainted.append(where)
                return self._with_taint(value, schema)
            return value
        if isinstance(value, list):
            items: dict[str, Any] = next(
                (v["items"] for v in variants if v.get("type") == "array" and "items" in v), {}
            )
            if self._free(items):  # a list of names (participants): one more, the rest as they are
                self.tainted.append(f"{where}[]")
                return [*value, TAINT.strip()[: self._limit(items)]]
            return [self._body(v, items, where) for v in value]
        if isinstance(value, dict):
            props = self._variant_of(value, variants).get("properties", {})
            out = {k: self._body(v, props.get(k, {}), f"{where}.{k}") for k, v in value.items()}
            for name, sub in props.items():  # the free-text fields the kit left out: filled with the numbers
                if name not in out and self._free(sub) and len(TAINT.strip()) <= self._limit(sub):
                    out[name] = TAINT.strip()
                    self.tainted.append(f"{where}.{name}")
            return out
        return value

    def _variant_of(self, value: dict[str, Any], variants: list[dict[str, Any]]) -> dict[str, Any]:
        """The object schema a value is an instance of: its keys all declared, its constants matched (a
        union's discriminator)."""

        def fits(v: dict[str, Any]) -> bool:
            props = v.get("properties", {})
            if not set(value) <= set(props):
                return False
            for name, sub in props.items():
                allowed = [s.get("const", s.get("enum")) for s in self._variants(sub)]
                fixed = [a if isinstance(a, list) else [a] for a in allowed if a is not None]
                if name in value and fixed and not any(value[name] in f for f in fixed):
                    return False
            return True

        return next((v for v in variants if v.get("type") == "object" and fits(v)), {})

    def _limit(self, schema: dict[str, Any]) -> int:
        return min(v.get("maxLength", 10_000) for v in self._variants(schema) if v.get("type") == "string")


async def _tainted(client: httpx.AsyncClient) -> tuple[httpx.AsyncClient, Tainted]:
    app = client._transport.app  # type: ignore[attr-defined]
    transport = Tainted(client._transport, app.openapi())
    return httpx.AsyncClient(transport=transport, base_url=client.base_url, timeout=client.timeout), transport


async def test_numbers_typed_into_every_free_text_field_are_kept_nowhere_in_clear(
    services: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    clients = {n: await services.client(n) for n in ("intake", "assistance", "ledger", "screening")}
    configure_logging("test", "DEBUG")  # every line the services log during the story is read
    try:
        tainted = {n: await _tainted(c) for n, c in clients.items()}
        intake, assistance, ledger, screening = (tainted[n][0] for n in ("intake", "assistance", "ledger", "screening"))
        household = await eliminated_household(intake, assistance, ledger)
        record = {"record_id": "HS-1", "resident_id": resident_id(), "event_date": "2026-11-02", "kind": "appraisal"}
        posted = await screening.post("/feeds/housing/records", json={**record, "grade": "C"}, headers=HOUSING)
        assert posted.status_code == 202, posted.text
        assert household["id"]
    finally:
        logged = capsys.readouterr()
        configure_logging("test", "WARNING")
    fields = sorted({f for _, t in tainted.values() for f in t.tainted})
    assert len(fields) >= 18, fields  # the story's free text was reached, not skipped
    dump = await rows_as_text(clients["intake"]._transport.app.state.db.engine)
    for number in (NUMBER, PHONE):
        found = [table for table, text in dump.items() if number in text]
        assert not found, f"{number[:3]}… in clear in {found}"
        assert number not in logged.out + logged.err, "in clear in the logs"
    from intake.crypto import cipher

    pseudonym = cipher.pseudonymize(NUMBER)
    stored_in = sorted(t for t, text in dump.items() if pseudonym in text)
    # ... and what was typed is there, as its pseudonym: in the step records, the plan, the ledger's bodies
    assert {"intake.case_steps", "intake.households", "assistance.plans", "ledger.entries"} <= set(stored_in)


SERVICES = ("intake", "screening", "assistance", "ledger")


def _sample(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A body with every field of every variant present and every string the numbers: the door decides by a
    field's place, never by its value's validity."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    variants = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if variants:
        made = [_sample(spec, v, depth + 1) for v in variants]
        objects = [m for m in made if isinstance(m, dict)]
        if objects:
            return {k: v for o in objects for k, v in o.items()}
        return next((m for m in made if m is not None), None)
    if depth > 12:
        return None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        body = {k: _sample(spec, v, depth + 1) for k, v in schema.get("properties", {}).items()}
        if isinstance(extra := schema.get("additionalProperties"), dict):
            body[f"k{NUMBER}"] = _sample(spec, extra, depth + 1)
        return body
    if kind == "array":
        return [_sample(spec, schema.get("items", {}), depth + 1)]
    return {"string": TAINT.strip(), "integer": 1, "number": 1.5, "boolean": True}.get(kind or "", TAINT.strip())


def _strings(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [((*path, "{key}"), k) for k in value] + [s for k, v in value.items() for s in _strings(v, (*path, k))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, (*path, ITEMS))]
    return []


@pytest.mark.parametrize("name", SERVICES)
def test_every_string_field_of_every_json_body_is_kept_by_the_door(name: str) -> None:
    """Every JSON body every route declares, each field filled with the numbers: past the door, they are left
    only in the fields the schema declares identifiers, and those the door leaves as they came."""
    app = import_module(f"{name}.main").app
    spec = app.openapi()
    door = FreeText(PiiCipher.index_only("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="), app.openapi)
    declared = set(identifier_paths(spec))
    bodies = 0
    for path, item in spec["paths"].items():
        for method, op in item.items():
            schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if schema is None:
                continue
            bodies += 1
            sample = _sample(spec, schema)
            kept = door.body(json.dumps(sample).encode())
            through = json.loads(kept) if kept is not None else sample
            for where, text in _strings(through):
                identifier = where in declared or any(
                    len(d) == len(where) and all(a in (VALUES, b) for a, b in zip(d, where, strict=True))
                    for d in declared
                )
                if identifier:  # the service validates, encrypts and indexes it
                    assert text == TAINT.strip(), f"{method.upper()} {path}: {'.'.join(where)} was changed"
                    continue
                assert NUMBER not in text and PHONE not in text, f"{method.upper()} {path}: {'.'.join(where)}"
    assert bodies >= {"intake": 20, "screening": 3, "assistance": 15, "ledger": 1}[name], bodies
