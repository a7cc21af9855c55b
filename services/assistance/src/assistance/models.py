"""All assistance tables, imported together so Alembic and the mappers see the whole schema."""

from assistance.attachments.models import Attachment
from assistance.catalogue.models import MeasureExtension
from assistance.elimination.models import Elimination, EliminationObjection
from assistance.households.models import GuaranteeCheck, IncomeMonth
from assistance.mechanisms import dead_letters, idempotency, inbox, outbox
from assistance.plans.models import Plan, PlanMeasure
from assistance.projections.models import ConfirmedAlert, KnownHousehold, KnownIncome, MonitoredCase
from assistance.schema import Base

__all__ = [
    "Attachment",
    "Base",
    "ConfirmedAlert",
    "Elimination",
    "EliminationObjection",
    "GuaranteeCheck",
    "IncomeMonth",
    "KnownHousehold",
    "KnownIncome",
    "MeasureExtension",
    "MonitoredCase",
    "Plan",
    "PlanMeasure",
    "dead_letters",
    "idempotency",
    "inbox",
    "outbox",
]
