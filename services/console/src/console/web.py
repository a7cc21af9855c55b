"""Pages: the templates, the names of regions and roles they show, and the error pages.

Every failure is a page in Chinese, never a 500 with a trace: a 404 is the same page whatever its reason (absent,
or outside the person's jurisdiction), a sign-in that lapsed goes back to the sign-in.
"""

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from common import clock, vocabulary
from common.errors import Problem
from common.logging import log
from common.regions import full_name, regions
from console.session import SignInRequired

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")


def region_name(code: str) -> str:
    if not code:
        return "全国"
    return regions().name(code) or code


def zh(table: str, value: str | None) -> str:
    """A code in the services' own Chinese (common.vocabulary's tables), or the code itself."""
    words: dict[str, str] = getattr(vocabulary, f"{table}_ZH", {})
    return words.get(value or "", value or "")


def states_zh(subject: str, value: str) -> str:
    return vocabulary.STATE_ZH.get(subject, {}).get(value, value)


def beijing(value: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A service's instant (ISO 8601, UTC) as the people of the county read it: Beijing time."""
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value).astimezone(clock.CST).strftime(fmt)
    except ValueError:
        return value


templates.env.filters["beijing"] = beijing
templates.env.globals.update(region_name=region_name, full_name=full_name, zh=zh, state_zh=states_zh)
templates.env.globals["role_zh"] = lambda r: zh("ROLE", r)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    return templates.TemplateResponse(
        request, name, {"session": session, "me": session.principal if session else None, **context}, status
    )


# Scripts from the console itself only (htmx and console.js are served from the package); no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages show personal data: never kept by a shared browser's cache
}


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            if key != "Cache-Control" or not request.url.path.startswith("/static/"):
                response.headers.setdefault(key, value)
        return response

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        if request.method == "GET":
            return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
        return problem_page(request, exc)

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_page(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return page(request, 400, "请求有误", "页面地址或提交的内容不符合要求，请返回后重试。")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return not_found(request)
        if exc.status_code == 405:
            return page(request, 405, "请求方式有误", "此页面不接受这种请求。")
        return page(request, exc.status_code, "请求有误", "请返回后重试。")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("console_unexpected", path=request.url.path)
        return page(request, 500, "系统内部错误", "页面暂时无法显示，请稍后再试。")


def page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, "problem.html", status=status, title=title, detail=detail)


def not_found(request: Request) -> HTMLResponse:
    # One wording for every 404: what is absent and what lies outside the jurisdiction answer alike.
    return page(request, 404, "未找到", "未找到该页面或记录。")


def problem_page(request: Request, exc: Problem) -> HTMLResponse:
    if exc.status == 404:
        return not_found(request)
    return page(request, exc.status, exc.title_zh, exc.detail_zh or exc.title_zh)
