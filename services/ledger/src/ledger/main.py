"""The ledger service: every event of the system, recorded once, append-only."""

from pathlib import Path

from common.app import ServiceSpec, create_app
from ledger import models
from ledger.archive import endpoints as archive
from ledger.checkpoints import endpoints as checkpoints
from ledger.checkpoints.service import checkpoint_loop
from ledger.config import settings
from ledger.entries.endpoints import access_router, changes_router, router
from ledger.exports.endpoints import router as exports_router
from ledger.grants import grant_app_role
from ledger.handlers import SUBSCRIPTIONS

spec = ServiceSpec(
    name="ledger",
    version="0.1.0",
    description="The append-only record of every event in the system, for audit and household archives.",
    settings=settings,
    service_dir=Path(__file__).resolve().parents[2],
    outbox=models.outbox,
    inbox=models.inbox,
    dead_letters=models.dead_letters,
    idempotency=models.idempotency,
    routers=[router, access_router, changes_router, checkpoints.router, archive.router, exports_router],
    background=[checkpoint_loop],
    after_migrations=[grant_app_role],
    subscriptions=SUBSCRIPTIONS,
)
app = create_app(spec)
