"""Assistance's subscriptions, delivered by the in-memory test broker (no Kafka, no database: `make test-fast`): a
department's report from the bus reaches the handler the REST reports share, and what its contract refuses goes
to the dead-letter topic with the reason."""

import uuid

from assistance.handlers import SUBSCRIPTIONS
from contracts.dept import DEPARTMENT_REPORT_TOPIC, DepartmentReportV1
from devkit.testing.broker import TestBroker, message

REPORT = DepartmentReportV1(
    department="medical-insurance",
    report_id="MI-R-1",
    measure_id=uuid.uuid4(),
    status="implemented",
    description="医疗救助已发放",
    reported_by="medical-insurance-system",
)


async def test_a_report_reaches_its_handler_and_asks_for_its_measure() -> None:
    delivered = await TestBroker(SUBSCRIPTIONS).publish(REPORT, subject=REPORT.measure_id)
    assert delivered.called("on_department_report") == [REPORT]
    assert delivered.outcome == "needs_database"  # whose measure it is, the database says
    assert delivered.statement is not None


async def test_a_report_its_contract_refuses_is_dead_lettered_with_the_reason() -> None:
    broker = TestBroker(SUBSCRIPTIONS)
    for field, value in [("status", "cancelled"), ("report_id", "no spaces allowed"), ("measure_id", None)]:
        bad = await broker.publish_raw(DEPARTMENT_REPORT_TOPIC, message(REPORT, REPORT.measure_id, **{field: value}))
        assert bad.outcome == "dead_lettered" and field in (bad.reason or ""), (field, bad)
        assert bad.calls == []
