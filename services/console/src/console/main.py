"""The console: a web workbench in Chinese over the four services' APIs (ADR 0031). It owns no data."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles

from common.auth import TokenVerifier
from common.logging import configure_logging
from console import web
from console.cases.endpoints import router as cases_router
from console.config import ConsoleSettings, settings
from console.departments.endpoints import router as departments_router
from console.eliminations.endpoints import router as eliminations_router
from console.households.endpoints import router as households_router
from console.plans.endpoints import router as plans_router
from console.signin.endpoints import router as signin_router
from console.upstream import Upstream
from console.workbench.endpoints import router as workbench_router


def create_console(
    config: ConsoleSettings = settings,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    idp_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The app; `transports` reach the services (and `idp_transport` the identity provider) another way than
    their URLs: the tests run the services in the same process."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.upstream = Upstream(config, transports)
        app.state.idp_client = httpx.AsyncClient(transport=idp_transport, timeout=config.upstream_timeout_s)
        try:
            yield
        finally:
            await app.state.upstream.close()
            await app.state.idp_client.aclose()

    configure_logging(config.service_name, config.log_level, config.json_logs)
    app = FastAPI(title="safetynet console", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = config
    app.state.token_verifier = TokenVerifier(config)
    web.install(app)
    app.mount("/static", StaticFiles(directory=web.HERE / "static"), name="static")
    for router in (
        signin_router,
        workbench_router,
        households_router,
        cases_router,
        plans_router,
        eliminations_router,
        departments_router,
    ):
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    return app


app = create_console()
