"""The shared mechanisms as they live in screening's schema: the outbox its events leave through, the inbox and
the idempotency keys that make a consumed event and a retried request apply once, the working-day calendar
as intake's ops load it (ADR 0004), and the
recorder of reads of personal data."""

from common.access_audit import AccessAudit
from common.calendar_replica import CalendarReplica
from common.messaging.outbox import Outbox
from common.messaging.tables import dead_letter_table, idempotency_table, inbox_table
from contracts.dept import DEPT_CONTRACTS
from contracts.screening import ALERT_TOPIC, ASSET_CHECK_TOPIC, POLICY_TOPIC, REGIONAL_RISK_TOPIC, SWEEP_TOPIC
from screening.schema import Base

outbox = Outbox(
    Base.metadata,
    source="/safetynet/screening",
    # The department feeds too: a record pushed to the REST ingest lands on its department's topic.
    topics=[
        ALERT_TOPIC,
        POLICY_TOPIC,
        ASSET_CHECK_TOPIC,
        REGIONAL_RISK_TOPIC,
        SWEEP_TOPIC,
        *(c.topic for c in DEPT_CONTRACTS.values()),
    ],
)
inbox = inbox_table(Base.metadata)
dead_letters = dead_letter_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)
calendar = CalendarReplica(Base.metadata)
audit = AccessAudit(outbox, service="screening")
