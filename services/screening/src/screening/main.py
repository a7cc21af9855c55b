"""The screening service: department data feeds into graded, explainable risk alerts."""

from pathlib import Path

from common.app import ServiceSpec, create_app
from screening import models
from screening.alerts.endpoints import router as alerts_router
from screening.checks.endpoints import router as checks_router
from screening.config import settings
from screening.feeds.endpoints import router as feeds_router
from screening.feeds.endpoints import stalled_uploads_loop
from screening.handlers import SUBSCRIPTIONS
from screening.policies.endpoints import policy_note
from screening.policies.endpoints import router as policies_router
from screening.policies.rescreen import rescreen_loop
from screening.policies.seeds import load_seeds
from screening.projections.endpoints import router
from screening.regional.endpoints import router as regional_router
from screening.sweeps.endpoints import router as sweeps_router

spec = ServiceSpec(
    name="screening",
    version="0.1.0",
    description="Department data-sharing feeds, household risk profiles, policies and graded alerts.",
    settings=settings,
    service_dir=Path(__file__).resolve().parents[2],
    outbox=models.outbox,
    inbox=models.inbox,
    dead_letters=models.dead_letters,
    idempotency=models.idempotency,
    routers=[router, policies_router, feeds_router, alerts_router, checks_router, regional_router, sweeps_router],
    upload_paths=[r"/feeds/[a-z-]+/uploads"],
    subscriptions=SUBSCRIPTIONS,
    on_startup=[load_seeds],
    readiness_notes=[policy_note],
    background=[rescreen_loop, stalled_uploads_loop],
)
app = create_app(spec)
