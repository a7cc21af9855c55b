"""Screening's subscriptions: households and income from intake, department records; each change of a
household's data re-evaluates its rules."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.db import upsert_newer
from common.events.contracts.dept import DEPT_CONTRACTS, CivilAffairsRecordV1, DeptRecordBase
from common.events.contracts.intake import (
    CASE_TOPIC,
    CONSENT_TOPIC,
    HOUSEHOLD_TOPIC,
    CaseApprovedV1,
    ConsentRevokedV1,
    ConsentSignedV1,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from common.events.envelope import BadEvent, Envelope
from common.events.topics import CONTRACTS_BY_TYPE
from common.messaging.consumer import Subscription
from screening.alerts.service import household_changed
from screening.base import calendar
from screening.checks.service import apply_result, on_consent_revoked, on_consent_signed
from screening.feeds.service import match_waiting, store_many
from screening.models import KnownHousehold, KnownIncome, KnownMember, MonitoredHousehold


async def on_household(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type == HouseholdIncomeRecordedV1.type:
        await on_income(session, envelope.payload(HouseholdIncomeRecordedV1))
        return
    contract = {c.type: c for c in (HouseholdRegisteredV1, HouseholdUpdatedV1)}.get(envelope.type)
    if contract is None:
        return
    event = envelope.payload(contract)
    members = [m.model_dump(mode="json", exclude={"member_id"}) for m in event.members]
    values = {"region_code": event.region_code, "version": event.version, "members": members}
    if not await upsert_newer(
        session, KnownHousehold, {"household_id": event.household_id}, values, KnownHousehold.version
    ):
        return  # an older version arriving late changes nothing
    for m in event.members:
        await session.execute(
            insert(KnownMember)
            .values(member_id=m.member_id, household_id=event.household_id, id_index=m.id_index, active=m.active)
            .on_conflict_do_update(index_elements=["member_id"], set_={"id_index": m.id_index, "active": m.active})
        )
    await match_waiting(session, event.household_id, [m.id_index for m in event.members if m.active])
    household_changed(session, event.household_id)


async def on_income(session: AsyncSession, event: HouseholdIncomeRecordedV1) -> None:
    if await session.get(KnownHousehold, event.household_id) is None:
        raise BadEvent(f"income for unknown household {event.household_id}")  # its registration comes first
    values = {
        "revision": event.revision,
        "members_count": event.members_count,
        "total_income": event.total_income(),
        "per_capita_net_income": event.per_capita_net_income,
        "rigid_expense": event.rigid_expense(),
    }
    key = {"household_id": event.household_id, "year": event.year}
    await upsert_newer(session, KnownIncome, key, values, KnownIncome.revision)
    household_changed(session, event.household_id)


def _dept_record(envelope: Envelope) -> DeptRecordBase:
    contract = CONTRACTS_BY_TYPE.get(envelope.type)
    if contract is None or not issubclass(contract, DeptRecordBase):
        raise BadEvent(f"unknown department record type {envelope.type}")
    return envelope.payload(contract)


async def on_dept_records(session: AsyncSession, envelopes: list[Envelope]) -> None:
    """Department feeds are the volume: a run of records is stored in a few statements."""
    records = [_dept_record(e) for e in envelopes]
    stored = await store_many(session, [(r, e.id) for r, e in zip(records, envelopes, strict=True)])
    for record, household_id in zip(records, stored, strict=True):
        if household_id is None:
            continue
        if isinstance(record, CivilAffairsRecordV1) and record.kind == "economic_check_result":
            ref = f"{record.department}:{record.record_id}@{record.revision}"
            await apply_result(session, household_id, record, ref)
        household_changed(session, household_id)


async def on_consent(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type == ConsentSignedV1.type:
        await on_consent_signed(session, envelope.payload(ConsentSignedV1))
    elif envelope.type == ConsentRevokedV1.type:
        await on_consent_revoked(session, envelope.payload(ConsentRevokedV1))


async def on_case(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type != CaseApprovedV1.type:
        return
    event = envelope.payload(CaseApprovedV1)
    await session.execute(
        insert(MonitoredHousehold)
        .values(
            household_id=event.household_id,
            region_code=event.region_code,
            case_id=event.case_id,
            since=event.occurred_at,
        )
        .on_conflict_do_nothing()
    )


SUBSCRIPTIONS = [
    Subscription(HOUSEHOLD_TOPIC, on_household),
    Subscription(CONSENT_TOPIC, on_consent),
    Subscription(CASE_TOPIC, on_case),
    calendar.subscription(),
] + [Subscription(c.topic, batch_handler=on_dept_records) for c in DEPT_CONTRACTS.values()]
