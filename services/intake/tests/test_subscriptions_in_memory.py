"""Intake's subscriptions, delivered by the in-memory test broker (no Kafka, no database: `make test-fast`): the
consumer's decoding, validation, routing and dead-letter reasons, as far as the handlers go before the database."""

import datetime as dt
import uuid

from contracts.assistance import DEPARTMENT_LIST_TOPIC, DepartmentListEntryV1
from contracts.dept import CivilAffairsRecordV1
from devkit.testing.broker import TestBroker, message
from intake.handlers import SUBSCRIPTIONS
from intake.projections.models import DepartmentListing, SocialFloorEnrolment

HOUSEHOLD = uuid.uuid4()
ENTRY = DepartmentListEntryV1(
    department="medical-insurance",
    household_id=HOUSEHOLD,
    household_no="5325041020010001",
    region_code="532504102001",
    plan_id=uuid.uuid4(),
    plan_state="approved",
    listed=True,
    risks=["illness"],
    measures=[],
    occurred_at=dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC),
)


async def test_a_department_list_entry_reaches_its_handler_typed_and_asks_for_the_listing() -> None:
    delivered = await TestBroker(SUBSCRIPTIONS).publish(ENTRY, subject=HOUSEHOLD)
    assert delivered.called("on_department_list_entry") == [ENTRY]
    assert delivered.outcome == "needs_database"  # the newest entry kept is the database's to say
    assert delivered.statement.column_descriptions[0]["entity"] is DepartmentListing


async def test_a_type_of_the_topic_intake_does_not_apply_is_skipped() -> None:
    closed = message(ENTRY, HOUSEHOLD, type="assistance.department-list.withdrawn")
    delivered = await TestBroker(SUBSCRIPTIONS).publish_raw(DEPARTMENT_LIST_TOPIC, closed)
    assert (delivered.outcome, delivered.calls) == ("applied", [])


async def test_an_entry_against_its_contract_is_dead_lettered_naming_the_field() -> None:
    broker = TestBroker(SUBSCRIPTIONS)
    bad = await broker.publish_raw(DEPARTMENT_LIST_TOPIC, message(ENTRY, HOUSEHOLD, region_code="5325"))
    assert bad.outcome == "dead_lettered" and "region_code" in (bad.reason or "") and bad.calls == []
    garbled = await broker.publish_raw(DEPARTMENT_LIST_TOPIC, b"{not json")
    assert garbled.outcome == "dead_lettered" and "not a CloudEvents" in (garbled.reason or "")


async def test_a_civil_affairs_enrolment_reaches_its_handler_and_other_kinds_are_left_to_screening() -> None:
    """仲恺 三(二) limits the asset query to 非民政低保、特困对象: intake keeps civil affairs' word on enrolment."""
    enrolled = CivilAffairsRecordV1(
        record_id="MZ-1", resident_id="11010519491231002X", event_date=dt.date(2026, 11, 2), kind="dibao_enrolled"
    )
    delivered = await TestBroker(SUBSCRIPTIONS).publish(enrolled, subject="MZ-1")
    assert delivered.called("on_civil_affairs_record") == [enrolled]
    assert delivered.outcome == "needs_database"
    assert delivered.statement.column_descriptions[0]["entity"] is SocialFloorEnrolment
    death = enrolled.model_copy(update={"kind": "death"})
    assert (await TestBroker(SUBSCRIPTIONS).publish(death, subject="MZ-1")).outcome == "applied"
