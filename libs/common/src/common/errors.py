"""RFC 9457 problem details with a stable `type` per failure.

Every failure a client can see is a subclass of `Problem`; routes declare the ones they raise in
`responses=` via `problem_responses(...)` so the OpenAPI lists them.
"""

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_BASE = "https://safetynet.example/problems/"
PROBLEM_JSON = "application/problem+json"


class ProblemDetail(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class Problem(Exception):
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"
    status: ClassVar[int] = 500

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.extra = extra
        # What must be recorded although the request is refused (an attempt on data outside the caller's
        # jurisdiction): run in its own transaction after the request's is rolled back. Takes a session.
        self.recorded: Callable[[Any], Awaitable[None]] | None = None

    @classmethod
    def type_uri(cls) -> str:
        return PROBLEM_BASE + cls.slug

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type_uri(), "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class BadRequest(Problem):
    slug, title, status = "bad-request", "Bad request", 400


class Unauthorized(Problem):
    slug, title, status = "unauthorized", "Authentication required", 401


class Forbidden(Problem):
    slug, title, status = "forbidden", "Not allowed", 403


class NotFound(Problem):
    slug, title, status = "not-found", "Not found", 404


class Conflict(Problem):
    slug, title, status = "conflict", "Conflict", 409


class ValidationFailed(Problem):
    slug, title, status = "validation-failed", "The request is not valid", 422

    @classmethod
    def on(cls, field: str, message: str) -> "ValidationFailed":
        """A refusal a route finds past the schema, naming the one field it is about."""
        return cls(message, errors=[{"field": field, "message": message, "type": "value_error"}])


class MethodNotAllowed(Problem):
    slug, title, status = "method-not-allowed", "Method not allowed", 405


class IdempotencyKeyReused(Problem):
    slug, title, status = "idempotency-key-reused", "Idempotency-Key reused with a different request", 422


class PayloadTooLarge(Problem):
    slug, title, status = "payload-too-large", "The request body is too large", 413


class ServiceUnavailable(Problem):
    slug, title, status = "unavailable", "Service unavailable", 503


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
    a path parameter, nothing there or outside the jurisdiction (404); one with a body, too large (413)."""
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
            for code, response in responses.items():
                if code[0] in "45":
                    response["content"] = content
    return spec


def _response(problem: Problem, request: Request, headers: dict[str, str] | None = None) -> JSONResponse:
    headers = {**(headers or {}), **({"WWW-Authenticate": "Bearer"} if problem.status == 401 else {})}
    return JSONResponse(
        problem.body(request.url.path), status_code=problem.status, media_type=PROBLEM_JSON, headers=headers
    )


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(map(str, loc))


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return _response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field(tuple(e["loc"])), "message": e["msg"], "type": e["type"]} for e in exc.errors()]
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return _response(ValidationFailed(f"Invalid fields: {fields}", errors=errors), request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A fault of ours: the client gets a problem without internals; the server logs the traceback
        # (exception messages withheld, see common.logging).
        return _response(Problem("An unexpected error; it has been logged"), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        cls = {404: NotFound, 401: Unauthorized, 403: Forbidden, 405: MethodNotAllowed}.get(exc.status_code, BadRequest)
        return _response(cls(str(exc.detail)), request, dict(exc.headers or {}))  # 405 keeps its Allow
