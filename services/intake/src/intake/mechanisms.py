"""The shared mechanisms as they live in intake's schema: the outbox its events leave through, the inbox and
the idempotency keys that make a consumed event and a retried request apply once, and the
recorder of reads of personal data."""

from common.access_audit import AccessAudit
from common.messaging.outbox import Outbox
from common.messaging.tables import dead_letter_table, idempotency_table, inbox_table
from contracts.intake import CALENDAR_TOPIC, CASE_TOPIC, CONSENT_TOPIC, HOUSEHOLD_TOPIC
from intake.schema import Base

outbox = Outbox(
    Base.metadata, source="/safetynet/intake", topics=[HOUSEHOLD_TOPIC, CONSENT_TOPIC, CASE_TOPIC, CALENDAR_TOPIC]
)
inbox = inbox_table(Base.metadata)
dead_letters = dead_letter_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)
audit = AccessAudit(outbox, service="intake")
