"""Screening's subscriptions, delivered by the in-memory test broker (no Kafka, no database: `make test-fast`): a
department's records go to the feeds' batch handler as one run, and what the feed's contract refuses goes to
the dead-letter topic with a reason that names the field, never its value."""

import datetime as dt
from decimal import Decimal

from contracts.dept import MedicalInsuranceRecordV1
from devkit.testing.broker import TestBroker, message
from devkit.testing.fixtures import resident_id
from screening.handlers import SUBSCRIPTIONS

TOPIC = MedicalInsuranceRecordV1.topic


def record(record_id: str) -> MedicalInsuranceRecordV1:
    return MedicalInsuranceRecordV1(
        record_id=record_id,
        resident_id=resident_id(),
        event_date=dt.date(2026, 11, 2),
        kind="settlement",
        total=Decimal("52000"),
        reimbursed=Decimal("30000"),
        out_of_pocket=Decimal("22000"),
        disease_category="major",
    )


async def test_a_run_of_records_goes_to_the_batch_handler_at_once() -> None:
    first, second = record("MI-1"), record("MI-2")
    delivered = await TestBroker(SUBSCRIPTIONS).publish(first, second, subject="MI")
    (run,) = delivered.called("on_dept_records")
    assert [r.event for r in run] == [first, second]
    assert delivered.outcome == "needs_database"  # the newest revision stored is the database's to say
    assert "dept_records" in str(delivered.statement)


async def test_what_the_feed_refuses_is_dead_lettered_with_its_reason() -> None:
    broker = TestBroker(SUBSCRIPTIONS)
    wrong = "110105194912310021"  # the check digit is wrong
    bad_id = await broker.publish_raw(TOPIC, message(record("MI-3"), "MI-3", resident_id=wrong))
    assert bad_id.outcome == "dead_lettered" and "resident_id" in (bad_id.reason or "")
    assert wrong not in (bad_id.reason or "") and bad_id.calls == []
    later = message(record("MI-4"), "MI-4", event_date="2099-01-01")
    assert "event_date" in ((await broker.publish_raw(TOPIC, later)).reason or "")
    # A feed is strict: a type the department has no contract for is refused, not skipped.
    unknown = await broker.publish_raw(TOPIC, message(record("MI-5"), "MI-5", type="dept.medical-insurance.rumour"))
    assert unknown.outcome == "dead_lettered" and "is not an event type of" in (unknown.reason or "")
