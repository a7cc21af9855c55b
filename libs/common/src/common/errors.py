"""RFC 9457 problem details with a stable `type` per failure.

Every failure a client can see is a subclass of `Problem`; routes declare the ones they raise in
`responses=` via `problem_responses(...)` so the OpenAPI lists them.

A client that asks for Chinese (`Accept-Language: zh-CN`, as the cadres' app does) gets the title, the
detail and each field's message in Chinese: every problem has its `title_zh`, a raise site that says more
gives `zh=`, and a schema failure is worded from its kind (`common.messages`) and names each field by its
Chinese name (`common.vocabulary.fields`). A detail with no Chinese wording yet is answered with the
title's, its English kept beside it as `detail_en`; `type` and each error's `field` stay codes, for programs
(under zh-CN, `field_zh` beside it names the field for people).
"""

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.messages import message_zh
from common.vocabulary.fields import field_zh, path_zh

PROBLEM_BASE = "https://safetynet.example/problems/"
PROBLEM_JSON = "application/problem+json"
STANDARD_ERRORS = "x-standard-errors"  # an operation's refusals in a standard's envelope (`document_problems`)


class ProblemDetail(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    detail_en: str | None = Field(
        None, description="with Accept-Language: zh-CN, the English detail of a problem not yet worded in Chinese"
    )
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class Problem(Exception):
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"
    title_zh: ClassVar[str] = "系统内部错误"
    status: ClassVar[int] = 500

    def __init__(self, detail: str | None = None, *, zh: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.detail_zh = zh
        self.extra = extra
        # What must be recorded although the request is refused (an attempt on data outside the caller's
        # jurisdiction): run in its own transaction after the request's is rolled back. Takes a session.
        self.recorded: Callable[[Any], Awaitable[None]] | None = None

    @classmethod
    def type_uri(cls) -> str:
        return PROBLEM_BASE + cls.slug

    def body(self, instance: str | None = None, chinese: bool = False) -> dict[str, Any]:
        title = self.title_zh if chinese else self.title
        body: dict[str, Any] = {"type": self.type_uri(), "title": title, "status": self.status}
        if chinese:
            body["detail"] = self.detail_zh or title
            if self.detail and not self.detail_zh:
                body["detail_en"] = self.detail
        elif self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        if isinstance(body.get("errors"), list):  # each field's message in the language asked for
            body["errors"] = [_worded(e, chinese) for e in body["errors"]]
        return body


def _worded(error: dict[str, Any], chinese: bool) -> dict[str, Any]:
    out = {k: v for k, v in error.items() if k != "message_zh"}
    if chinese and error.get("message_zh"):
        out["message"] = error["message_zh"]
    if chinese and isinstance(error.get("field"), str):
        out["field_zh"] = path_zh(error["field"])
    return out


class BadRequest(Problem):
    slug, title, status = "bad-request", "Bad request", 400
    title_zh = "请求有误"


class Unauthorized(Problem):
    slug, title, status = "unauthorized", "Authentication required", 401
    title_zh = "需要登录认证"


class Forbidden(Problem):
    slug, title, status = "forbidden", "Not allowed", 403
    title_zh = "无权进行此操作"


class NotFound(Problem):
    slug, title, status = "not-found", "Not found", 404
    title_zh = "未找到"


class Conflict(Problem):
    slug, title, status = "conflict", "Conflict", 409
    title_zh = "与当前状态冲突"


class ValidationFailed(Problem):
    slug, title, status = "validation-failed", "The request is not valid", 422
    title_zh = "请求内容不符合要求"

    @classmethod
    def on(cls, field: str, message: str, zh: str) -> "ValidationFailed":
        """A refusal a route finds past the schema, naming the one field it is about."""
        return cls(
            message, zh=zh, errors=[{"field": field, "message": message, "type": "value_error", "message_zh": zh}]
        )


class MethodNotAllowed(Problem):
    slug, title, status = "method-not-allowed", "Method not allowed", 405
    title_zh = "不支持此请求方法"


class IdempotencyKeyReused(Problem):
    slug, title, status = "idempotency-key-reused", "Idempotency-Key reused with a different request", 422
    title_zh = "幂等键已用于另一个请求"


class PayloadTooLarge(Problem):
    slug, title, status = "payload-too-large", "The request body is too large", 413
    title_zh = "请求内容过大"


class ServiceUnavailable(Problem):
    slug, title, status = "unavailable", "Service unavailable", 503
    title_zh = "服务暂不可用"


def problem_responses(*problems: type[Problem]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the problems a route may answer with."""
    out: dict[int | str, dict[str, Any]] = {}
    listed: tuple[type[Problem], ...] = (Unauthorized, *problems)
    for p in listed:
        entry = out.setdefault(p.status, {"model": ProblemDetail, "description": "", "content": {PROBLEM_JSON: {}}})
        entry["description"] = "; ".join(filter(None, [entry["description"], f"{p.title} ({p.type_uri()})"]))
    return out


def document_problems(spec: dict[str, Any], public_paths: frozenset[str]) -> dict[str, Any]:
    """Every error an operation can answer is in its spec, as application/problem+json with the
    ProblemDetail schema (FastAPI documents its own 422 as application/json with another schema). Every
    operation may answer bad input (400, 422), no or a bad token (401), a role that may not (403); one with
    a path parameter, nothing there or outside the jurisdiction (404); one with a body, too large (413).
    An operation that answers some refusals in a standard's own envelope names their codes in
    `x-standard-errors` (the DCI gateway's routes): those keep their application/json schema beside
    problem+json, which the door still answers before any route."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ProblemDetail", ProblemDetail.model_json_schema())
    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}}
    for path, operations in spec.get("paths", {}).items():
        if path in public_paths:
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            always = [BadRequest, Unauthorized, Forbidden, ValidationFailed]
            always += [NotFound] if "{" in path else []
            always += [PayloadTooLarge] if "requestBody" in operation else []
            for problem in always:
                responses.setdefault(str(problem.status), {"description": f"{problem.title} ({problem.type_uri()})"})
            standard = set(operation.get(STANDARD_ERRORS, ()))
            for code, response in responses.items():
                if code[0] in "45":
                    own = response.get("content", {}).get("application/json") if code in standard else None
                    response["content"] = {**({"application/json": own} if own else {}), **content}
    return spec


def wants_chinese(accept_language: str | None) -> bool:
    """Whether the client's most preferred language it names is Chinese (RFC 9110 section 12.5.4: the
    highest q wins, the first listed among equals)."""
    best, best_q = "", 0.0
    for part in (accept_language or "")[:200].split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag and q > best_q:
            best, best_q = tag.lower(), q
    return best == "zh" or best.startswith("zh-")


def _response(problem: Problem, request: Request, headers: dict[str, str] | None = None) -> JSONResponse:
    headers = {**(headers or {}), **({"WWW-Authenticate": "Bearer"} if problem.status == 401 else {})}
    chinese = wants_chinese(request.headers.get("accept-language"))
    headers.update({"Content-Language": "zh-CN" if chinese else "en", "Vary": "Accept-Language"})
    return JSONResponse(
        problem.body(request.url.path, chinese), status_code=problem.status, media_type=PROBLEM_JSON, headers=headers
    )


problem_response = _response  # for a middleware, which answers before the exception handlers are reached


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(map(str, loc))


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return _response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        found = list(exc.errors())
        broken = next((e for e in found if e["type"] == "json_invalid"), None)
        if broken is not None:  # no field is wrong: the body is not JSON at all (its location is a character)
            at = broken.get("loc", ("body", 0))[-1]
            where = f"第{at + 1}个字符附近" if isinstance(at, int) else ""
            error = {
                "field": "body",
                "message": broken["msg"],
                "type": "json_invalid",
                "message_zh": message_zh(broken),
            }
            return _response(
                ValidationFailed(
                    f"The body is not valid JSON (near character {at})",
                    zh=f"请求内容不是有效的JSON（{where}，请检查括号、引号和逗号）".replace("（，", "（"),
                    errors=[error],
                ),
                request,
            )
        errors = [
            {
                "field": _field(tuple(e["loc"])),
                "message": e["msg"],
                "type": e["type"],
                "message_zh": message_zh(e),
            }
            for e in found
        ]
        fields = ", ".join(sorted({e["field"] for e in errors}))
        names = "、".join(
            dict.fromkeys(field_zh(tuple(e["loc"])) for e in sorted(found, key=lambda e: _field(e["loc"])))
        )
        return _response(
            ValidationFailed(f"Invalid fields: {fields}", zh=f"以下字段不符合要求：{names}", errors=errors), request
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A fault of ours: the client gets a problem without internals; the server logs the traceback
        # (exception messages withheld, see common.logging).
        return _response(Problem("An unexpected error; it has been logged", zh="系统发生意外错误，已记录"), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        cls = {404: NotFound, 401: Unauthorized, 403: Forbidden, 405: MethodNotAllowed}.get(exc.status_code, BadRequest)
        problem = cls(str(exc.detail), zh=cls.title_zh)
        return _response(problem, request, dict(exc.headers or {}))  # 405 keeps its Allow
