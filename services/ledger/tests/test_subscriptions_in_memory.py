"""The ledger's subscriptions, delivered by the in-memory test broker (no Kafka, no database: `make test-fast`):
nothing reaches the append-only log that its contract does not declare; the consumer dead-letters it with the
reason, before any statement is sent."""

import datetime as dt
import uuid

from contracts.assistance import DEPARTMENT_LIST_TOPIC, DepartmentListEntryV1
from devkit.testing.broker import TestBroker, message
from ledger.handlers import SUBSCRIPTIONS

HOUSEHOLD = uuid.uuid4()
ENTRY = DepartmentListEntryV1(
    department="housing",
    household_id=HOUSEHOLD,
    household_no=None,
    region_code="532504102001",
    plan_id=uuid.uuid4(),
    plan_state="approved",
    listed=True,
    risks=["housing_unsafe"],
    measures=[],
    occurred_at=dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC),
)


async def test_a_declared_event_goes_to_the_log() -> None:
    delivered = await TestBroker(SUBSCRIPTIONS).publish(ENTRY, subject=HOUSEHOLD)
    ((name, run),) = delivered.calls
    assert name.endswith("record") and [e.type for e in run] == [ENTRY.type]
    assert delivered.outcome == "needs_database"


async def test_what_no_contract_declares_never_reaches_the_log() -> None:
    broker = TestBroker(SUBSCRIPTIONS)
    unknown = await broker.publish_raw(DEPARTMENT_LIST_TOPIC, message(ENTRY, HOUSEHOLD, type="assistance.plan.drafted"))
    assert unknown.outcome == "dead_lettered" and "is not an event type of" in (unknown.reason or "")
    extra = await broker.publish_raw(DEPARTMENT_LIST_TOPIC, message(ENTRY, HOUSEHOLD, resident_name="王某"))
    assert extra.outcome == "dead_lettered" and "resident_name" in (extra.reason or "")
    assert "王某" not in (extra.reason or "")
    for refused in (unknown, extra):
        assert refused.statement is None  # refused before anything was sent to the database
