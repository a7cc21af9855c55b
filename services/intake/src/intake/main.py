"""The intake service: households, consent, and the identification procedure."""

from pathlib import Path

from common.app import ServiceSpec, create_app
from intake import models
from intake.attachments.endpoints import router as attachments_router
from intake.calendar.endpoints import router as calendar_router
from intake.calendar.service import seed_from_package
from intake.cases.endpoints import router as cases_router
from intake.config import settings
from intake.consents.endpoints import router as consents_router
from intake.findings.endpoints import router as findings_router
from intake.handlers import SUBSCRIPTIONS
from intake.households.endpoints import router as households_router
from intake.imports.endpoints import router as imports_router
from intake.imports.tasks import import_loop
from intake.notices.endpoints import router as notices_router
from intake.printing.endpoints import router as printing_router
from intake.regions.endpoints import router as regions_router
from intake.registry.delivery import delivery_loop
from intake.registry.endpoints import department_router
from intake.registry.endpoints import router as registry_router
from intake.timeline.endpoints import router as timeline_router

SERVICE_DIR = Path(__file__).resolve().parents[2]

spec = ServiceSpec(
    name="intake",
    version="1.0.0",
    description="Households, commitment and authorization, and the identification procedure "
    "(declared -> consent -> village review -> public notice -> township verification -> county approval).",
    settings=settings,
    service_dir=SERVICE_DIR,
    outbox=models.outbox,
    inbox=models.inbox,
    dead_letters=models.dead_letters,
    idempotency=models.idempotency,
    routers=[
        households_router,
        findings_router,
        timeline_router,
        consents_router,
        cases_router,
        notices_router,
        printing_router,
        calendar_router,
        regions_router,
        registry_router,
        department_router,
        attachments_router,
        imports_router,
    ],
    # An attachment's body is a file, under its own limit (max_attachment_bytes), not a JSON request's.
    upload_paths=[r"/cases/[^/]+/attachments", r"/imports"],
    subscriptions=SUBSCRIPTIONS,
    on_startup=[seed_from_package],
    background=[delivery_loop, import_loop],
)
app = create_app(spec)
