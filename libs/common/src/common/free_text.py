"""A resident ID or a phone number in any field but a declared identifier field arrives as its pseudonym.

People type numbers where they do not belong: a cadre's note ("户主电话13812345678"), an objection's
reason, an address, the purpose of an audited read, a client's Idempotency-Key. Each of those is stored in
the service's tables and outbox, and the ledger keeps a step's record in a hashed body that can never be
changed. So the door changes it first: `BodyGuard` hands every JSON body, query string and Idempotency-Key
to `FreeText` before any route reads them, and every resident ID or mobile number in them is replaced by
its keyed pseudonym (`PiiCipher.pseudonymize`: the same number, the same name, in every service), except
in the fields whose schema declares them identifiers (`contracts.base.IDENTIFIER`, `x-identifier` in the
OpenAPI): those the service validates, encrypts and indexes itself. What the caller gets back is what was
kept, so a cadre sees the pseudonym where the number was (ADR 0025).

Events that other systems write (a department's records and reports, on the bus or in a streamed upload)
never pass the door: their consumers keep them with `kept`, the same rule over a validated contract. File
contents (scanned forms) are stored by digest only.
"""

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode

from pydantic import BaseModel

from common.pii import PiiCipher
from contracts.base import IDENTIFIER_KEYWORD

Path = tuple[str, ...]
M = TypeVar("M", bound=BaseModel)
ITEMS, VALUES = "[]", "*"  # a path's step into an array's items, into a map's values
# Nothing to look at unless a run of 11 digits is there, or could be hidden: a JSON escape (\u0031) or a
# full-width digit (U+FF10-FF19 are EF BC 90-99 in UTF-8). Most requests take this exit.
_MAYBE = re.compile(rb"\d{11}|\\u|\xef\xbc[\x90-\x99]")
_METHODS = ("post", "put", "patch", "delete")


class FreeText:
    def __init__(self, cipher: PiiCipher, openapi: Callable[[], dict[str, Any]]) -> None:
        self.cipher, self._openapi = cipher, openapi

    @cached_property
    def _declared(self) -> tuple[frozenset[Path], frozenset[str]]:
        spec = self._openapi()
        return frozenset(identifier_paths(spec)), frozenset(identifier_params(spec))

    def body(self, raw: bytes) -> bytes | None:
        """The JSON body with its numbers pseudonymized, or None if nothing changed (the body goes on as it
        came). A body that is no JSON is the route's to refuse."""
        if not _MAYBE.search(raw):
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        kept = self._walk(value, ())
        if kept == value:
            return None
        return json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode()

    def query(self, raw: bytes) -> bytes | None:
        if not _MAYBE.search(unquote_to_bytes(raw)):
            return None
        _, params = self._declared
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8")
        kept = [(k, v if k in params else self.cipher.pseudonymize(v)) for k, v in pairs]
        return urlencode(kept).encode() if kept != pairs else None

    def text(self, value: str) -> str:
        return self.cipher.pseudonymize(value)

    def _walk(self, value: Any, path: Path) -> Any:
        if isinstance(value, str):
            return value if self._is_identifier(path) else self.cipher.pseudonymize(value)
        if isinstance(value, dict):
            return {self.cipher.pseudonymize(k): self._walk(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v, (*path, ITEMS)) for v in value]
        return value

    def _is_identifier(self, path: Path) -> bool:
        paths, _ = self._declared
        return path in paths or any(_matches(p, path) for p in paths if VALUES in p)


def kept(payload: M, cipher: PiiCipher) -> M:
    """A contract's values with every number in a text field pseudonymized, but in its identifier fields
    (`pii_fields`, which the consumer keeps as blind indexes or encrypts). A department's record id is an
    identifier of its system: a resident ID used as one keeps one name, so the record stays one record and
    its corrections still match it. The payload itself when nothing changed (most records)."""
    declared = getattr(payload, "pii_fields", ())
    changed = {
        name: new
        for name in type(payload).model_fields
        if name not in declared and (new := _kept(value := getattr(payload, name), cipher)) is not value
    }
    return payload.model_copy(update=changed) if changed else payload


def _kept(value: Any, cipher: PiiCipher) -> Any:
    if isinstance(value, str):
        named = cipher.pseudonymize(value)
        return value if named == value else named
    if isinstance(value, BaseModel):
        return kept(value, cipher)
    if isinstance(value, list | tuple):
        items = [_kept(v, cipher) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items)
    return value


def _matches(declared: Path, path: Path) -> bool:
    return len(declared) == len(path) and all(d in (VALUES, p) for d, p in zip(declared, path, strict=True))


def identifier_paths(spec: dict[str, Any]) -> Iterator[Path]:
    """Every place a request body of this API declares an identifier field, as its path of keys."""
    for schema in _request_schemas(spec):
        yield from _walk_schema(spec, schema, (), set())


def identifier_params(spec: dict[str, Any]) -> Iterator[str]:
    for operation in _operations(spec):
        for param in operation.get("parameters", []):
            if param.get("in") == "query" and _resolve(spec, param.get("schema", {})).get(IDENTIFIER_KEYWORD):
                yield param["name"]


def _operations(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in spec.get("paths", {}).values():
        yield from (op for method, op in item.items() if method in (*_METHODS, "get"))


def _request_schemas(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for operation in _operations(spec):
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            if "json" in media:
                yield content.get("schema", {})


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _walk_schema(
    spec: dict[str, Any], schema: dict[str, Any], path: Path, seen: set[tuple[str, Path]]
) -> Iterable[Path]:
    ref = schema.get("$ref")
    if ref is not None:
        if (ref, path) in seen or len(path) > 12:  # a recursive schema is walked once per place
            return
        seen.add((ref, path))
    schema = _resolve(spec, schema)
    if schema.get(IDENTIFIER_KEYWORD):
        yield path
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _walk_schema(spec, part, path, seen)
    for name, sub in schema.get("properties", {}).items():
        yield from _walk_schema(spec, sub, (*path, name), seen)
    if isinstance(extra := schema.get("additionalProperties"), dict):
        yield from _walk_schema(spec, extra, (*path, VALUES), seen)
    if isinstance(items := schema.get("items"), dict):
        yield from _walk_schema(spec, items, (*path, ITEMS), seen)
