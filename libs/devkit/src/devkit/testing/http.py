"""A real HTTP server on the loopback for what a service calls out to (a registry's notify endpoint): an
ASGI app served by uvicorn on a free port, for the length of a test."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 and yield its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn's server offers a flag, not an event)
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Receiver:
    """Collects the JSON bodies POSTed to `/notify` (and each one's `Authorization` header, in `authorizations`);
    answers 503 to the first `fail_first` of them."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[dict[str, Any]] = []
        self.authorizations: list[str | None] = []
        self.refused = 0
        self._fail_first = fail_first
        self.app = Starlette(routes=[Route("/notify", self._notify, methods=["POST"])])

    async def _notify(self, request: Request) -> JSONResponse:
        body = await request.json()
        if self.refused < self._fail_first:
            self.refused += 1
            return JSONResponse({"error": "busy"}, status_code=503)
        self.received.append(body)
        self.authorizations.append(request.headers.get("authorization"))
        return JSONResponse({"message": {"ack_status": "ACK"}})
