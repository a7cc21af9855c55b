"""All screening tables, imported together so Alembic and the mappers see the whole schema."""

from screening.alerts.models import Alert
from screening.checks.models import AssetCheck, ConsentView
from screening.feeds.models import DeptRecord, IngestKey, Upload
from screening.mechanisms import dead_letters, idempotency, inbox, outbox
from screening.policies.models import Policy, RescreenJob
from screening.projections.models import (
    KnownElimination,
    KnownHousehold,
    KnownIncome,
    KnownMember,
    MonitoredHousehold,
)
from screening.regional.models import RegionalRecord, RegionalRisk
from screening.schema import Base
from screening.sweeps.models import Sweep, SweepVisit

__all__ = [
    "Alert",
    "AssetCheck",
    "Base",
    "ConsentView",
    "DeptRecord",
    "IngestKey",
    "KnownElimination",
    "KnownHousehold",
    "KnownIncome",
    "KnownMember",
    "MonitoredHousehold",
    "Policy",
    "RegionalRecord",
    "RegionalRisk",
    "RescreenJob",
    "Sweep",
    "SweepVisit",
    "Upload",
    "dead_letters",
    "idempotency",
    "inbox",
    "outbox",
]
