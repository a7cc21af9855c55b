"""The assistance service: one plan per monitored household, tracked to risk elimination."""

from pathlib import Path

from assistance import models
from assistance.attachments import endpoints as attachments
from assistance.catalogue import endpoints as catalogue
from assistance.config import settings
from assistance.departments import endpoints as departments
from assistance.elimination import endpoints as elimination
from assistance.handlers import SUBSCRIPTIONS
from assistance.households import endpoints as households
from assistance.plans import endpoints as plans
from assistance.projections import endpoints as projections
from assistance.reports import endpoints as reports
from common.app import ServiceSpec, create_app

spec = ServiceSpec(
    name="assistance",
    version="0.1.0",
    description="Assistance plans and measures for monitored households, and risk elimination.",
    settings=settings,
    service_dir=Path(__file__).resolve().parents[2],
    outbox=models.outbox,
    inbox=models.inbox,
    dead_letters=models.dead_letters,
    idempotency=models.idempotency,
    routers=[
        projections.router,
        plans.router,
        catalogue.router,
        households.router,
        elimination.router,
        reports.router,
        departments.router,
        attachments.router,
    ],
    # An attachment's body is a file, under its own limit (max_attachment_bytes), not a JSON request's.
    upload_paths=[r"/plans/[^/]+/measures/[^/]+/attachments"],
    subscriptions=SUBSCRIPTIONS,
)
app = create_app(spec)
