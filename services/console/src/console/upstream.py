"""Calls to the four services, as the signed-in person: their token, Chinese problem details.

The console owns no data and decides nothing: every page is what the services answer to this person. A
service's 404 (outside the jurisdiction, or absent) becomes the console's one 404 page; its 401 sends the
person to sign in again; its problem+json answers to a form are shown beside the fields they name.
"""

from dataclasses import dataclass, field
from typing import Any

import httpx

from common.errors import BadRequest, Forbidden, NotFound, Problem
from console.config import ConsoleSettings
from console.session import Session, SignInRequired

SERVICES = ("intake", "screening", "assistance", "ledger")


class ServiceUnavailable(Problem):
    slug, title, status = "service-unavailable", "A service did not answer", 503
    title_zh = "后台服务暂时无法访问，请稍后再试"


@dataclass
class Refused:
    """A service refused what a form sent: its words (Chinese), and each field's message by field name."""

    status: int
    detail: str
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, response: httpx.Response) -> "Refused":
        try:
            body = response.json()
        except ValueError:
            body = {}
        fields: dict[str, str] = {}
        for error in body.get("errors") or []:
            if isinstance(error, dict) and error.get("field"):
                fields.setdefault(str(error["field"]), str(error.get("message", "")))
        return cls(response.status_code, str(body.get("detail") or body.get("title") or "请求未被接受"), fields)


class Upstream:
    def __init__(self, settings: ConsoleSettings, transports: dict[str, httpx.AsyncBaseTransport] | None = None):
        urls = {name: getattr(settings, f"{name}_url") for name in SERVICES}
        transports = transports or {}
        self.clients = {
            name: httpx.AsyncClient(
                base_url=urls[name], transport=transports.get(name), timeout=settings.upstream_timeout_s
            )
            for name in SERVICES
        }

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def send(self, session: Session, service: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {session.token}",
            "Accept-Language": "zh-CN",
            **kw.pop("headers", {}),
        }
        try:
            response = await self.clients[service].request(method, path, headers=headers, **kw)
        except httpx.TransportError as exc:
            raise ServiceUnavailable(
                f"{service}: {exc.__class__.__name__}", zh=f"暂时无法连接{service}服务，请稍后再试"
            ) from exc
        if response.status_code == 401:
            raise SignInRequired()
        if response.status_code == 404:
            raise NotFound()  # the services' own 404: the same page whatever the reason
        if response.status_code >= 500:
            raise ServiceUnavailable(
                f"{service} answered {response.status_code}",
                zh=f"{service}服务暂时无法处理（{response.status_code}），请稍后再试",
            )
        return response

    async def get(self, session: Session, service: str, path: str, **params: Any) -> Any:
        """A read: its JSON, or the problem raised (a read is not a form: nothing to show beside a field)."""
        response = await self.send(
            session, service, "GET", path, params={k: v for k, v in params.items() if v not in (None, "")}
        )
        if response.status_code >= 400:
            refused = Refused.of(response)
            raise Forbidden(zh=refused.detail) if response.status_code == 403 else BadRequest(zh=refused.detail)
        return response.json()

    async def write(
        self, session: Session, service: str, path: str, body: Any, params: dict[str, Any] | None = None
    ) -> tuple[Any, Refused | None]:
        """A form's POST: the answer, or what the service refused and why."""
        response = await self.send(session, service, "POST", path, json=body, params=params or {})
        if response.status_code >= 400:
            return None, Refused.of(response)
        return response.json(), None
