"""The shared mechanisms as they live in assistance's schema: the outbox its events leave through, the inbox and
the idempotency keys that make a consumed event and a retried request apply once, the working-day calendar
as intake's ops load it (ADR 0004), and the
recorder of reads of personal data."""

from assistance.schema import Base
from common.access_audit import AccessAudit
from common.calendar_replica import CalendarReplica
from common.messaging.outbox import Outbox
from common.messaging.tables import dead_letter_table, idempotency_table, inbox_table
from contracts.assistance import DEPARTMENT_LIST_TOPIC, ELIMINATION_TOPIC, FOLLOW_UP_TOPIC, PLAN_TOPIC

outbox = Outbox(
    Base.metadata,
    source="/safetynet/assistance",
    topics=[PLAN_TOPIC, ELIMINATION_TOPIC, FOLLOW_UP_TOPIC, DEPARTMENT_LIST_TOPIC],
)
inbox = inbox_table(Base.metadata)
dead_letters = dead_letter_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)
calendar = CalendarReplica(Base.metadata)
audit = AccessAudit(outbox, service="assistance")
FOLLOW_UP = "assistance follow-up"  # why assistance reads a household's data: the purpose its reads record
