"""Every request body is bounded and every text is free of NUL characters, before any route reads it.

PostgreSQL text cannot hold NUL, so a NUL in a name or a reason would fail deep in a transaction as a
500; a 100 MB JSON body would be read and parsed whole. One ASGI middleware answers both at the door:
413 past the limit (bulk uploads have their own, larger one and are streamed), 422 for a NUL in a JSON
body, the query string or the path. The same pass keeps identifiers out of free text (`common.free_text`):
a JSON body, the query string and the Idempotency-Key reach the routes with their numbers pseudonymized."""

import json
import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import PROBLEM_JSON, PayloadTooLarge, Problem, ValidationFailed
from common.free_text import FreeText

_NUL_JSON = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # an escaped NUL, not an escaped backslash before "u0000"


class BodyGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        max_upload: int,
        upload_paths: Sequence[str] = (),
        free_text: FreeText | None = None,
    ) -> None:
        self.app, self.max_body, self.max_upload, self.free_text = app, max_body, max_upload, free_text
        self.uploads = [re.compile(p) for p in upload_paths]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", ""):
            await _answer(send, _nul("the query string or path"))
            return
        scope = self._kept_query(scope)
        upload = any(p.fullmatch(scope.get("path", "")) for p in self.uploads)
        limit = self.max_upload if upload else self.max_body
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _answer(send, _too_large(limit))
            return
        if upload:  # streamed by the route: counted as it arrives, never buffered here
            await self.app(scope, _counting(receive, limit), send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await _answer(send, _too_large(limit))
                return
        content_type = headers.get(b"content-type", b"")
        if (b"json" in content_type and _NUL_JSON.search(body)) or b"\x00" in body:
            await _answer(send, _nul("the body"))
            return
        # FastAPI reads a body without a content type as JSON too.
        json_body = not content_type or b"json" in content_type
        if json_body and self.free_text is not None and (kept := self.free_text.body(body)):
            body = kept
            scope = _with_header(scope, b"content-length", str(len(body)).encode())
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _kept_query(self, scope: Scope) -> Scope:
        if self.free_text is None:
            return scope
        if (query := scope.get("query_string", b"")) and (kept := self.free_text.query(query)) is not None:
            scope = {**scope, "query_string": kept}
        for name, value in scope.get("headers", []):
            if name == b"idempotency-key":  # stored with the caller's id, as it came
                kept_key = self.free_text.text(value.decode("latin-1")).encode("latin-1")
                if kept_key != value:
                    scope = _with_header(scope, name, kept_key)
        return scope


def _with_header(scope: Scope, name: bytes, value: bytes) -> Scope:
    return {**scope, "headers": [(k, value if k == name else v) for k, v in scope.get("headers", [])]}


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise _too_large(limit)
        return message

    return counted


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The body exceeds {limit:,} bytes", zh=f"请求内容超过{limit:,}字节", max_bytes=limit)


def _nul(where: str) -> ValidationFailed:
    message = f"{where} contains a NUL character, which no text field accepts"
    return ValidationFailed(
        message,
        errors=[{"field": where, "message": message, "type": "value_error.nul", "message_zh": "含有空字符（NUL）"}],
        zh="含有空字符（NUL），任何文字字段都不接受",
    )


async def _answer(send: Send, problem: Problem) -> None:
    body = json.dumps(problem.body(), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": problem.status,
            "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
