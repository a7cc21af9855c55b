"""All intake tables, imported together so Alembic and the mappers see the whole schema."""

from intake.attachments.models import CaseAttachment
from intake.calendar.models import CalendarDay, CalendarYear
from intake.cases.models import Case, CaseStep, Objection
from intake.consents.models import Consent, ConsentRevocation
from intake.findings.models import FalseInformationFinding
from intake.households.models import Household, HouseholdRevision, IncomeRecord, Member
from intake.imports.models import ImportJob, ImportRow
from intake.mechanisms import dead_letters, idempotency, inbox, outbox
from intake.policies.models import PolicyPack
from intake.projections.models import DepartmentListing, SocialFloorEnrolment
from intake.registry.models import RegistryNotice, RegistryReference, RegistrySubscription, RegistryTransaction
from intake.schema import Base

__all__ = [
    "Base",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseAttachment",
    "CaseStep",
    "Consent",
    "ConsentRevocation",
    "DepartmentListing",
    "FalseInformationFinding",
    "Household",
    "HouseholdRevision",
    "ImportJob",
    "ImportRow",
    "IncomeRecord",
    "Member",
    "Objection",
    "PolicyPack",
    "RegistryNotice",
    "RegistryReference",
    "RegistrySubscription",
    "RegistryTransaction",
    "SocialFloorEnrolment",
    "dead_letters",
    "idempotency",
    "inbox",
    "outbox",
]
