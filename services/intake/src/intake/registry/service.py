"""The social-registry gateway (DCI search, subscribe, notify) over the households intake keeps.

It answers only for a household that gave a valid consent to data sharing (承诺授权: 部门间数据共享比对) and lies
within the caller's jurisdiction; for any other (none found, outside, no consent, consent revoked or lapsed)
the answer is the same empty record set, so a search reveals nothing. Every record answered or notified is
a read of the household's data, recorded in the access audit with the registry that received it."""

import uuid
from typing import Any

from sqlalchemy import any_, select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal, Role
from common.errors import Forbidden, ValidationFailed
from common.pii import normalize_resident_id
from common.regions import regions
from common.vocabulary import HOUSEHOLD_STATUS_ZH, zh
from intake.cases.models import Case
from intake.config import settings
from intake.consents.schemas import Scope
from intake.consents.service import valid_consent
from intake.crypto import cipher
from intake.households.models import Household, Member
from intake.households.service import ID_FIELD, resident_id_of
from intake.mechanisms import audit
from intake.projections.models import DepartmentListing
from intake.registry import targets
from intake.registry.models import RegistryNotice, RegistrySubscription
from intake.registry.schemas import (
    IdentifiedHousehold,
    IdentifiedMember,
    IdQuery,
    MonitoringRecord,
    RecordSet,
    ResponseHeader,
    SearchEnvelope,
    SearchResponse,
    SearchResponseItem,
    SearchResponseMessage,
    SubscribeEnvelope,
    SubscribeResponse,
    SubscribeResponseItem,
    SubscribeResponseMessage,
    UnsubscribeEnvelope,
)

SHARING = frozenset({Scope.data_sharing})
GATEWAY_ID = "safetynet"
WHAT = "registry gateway record"  # the access audit's name for what the registry read
WHAT_IDS = "department list identifiers"


def _header(request: Any, action: str, total: int, done: int) -> ResponseHeader:
    return ResponseHeader(
        message_id=str(uuid.uuid4()),
        message_ts=clock.now(),
        action=action,
        total_count=total,
        completed_count=done,
        sender_id=GATEWAY_ID,
        receiver_id=request.header.sender_id,
    )


def _expect(envelope: Any, action: str) -> None:
    if envelope.header.action != action:
        raise ValidationFailed.on(
            "header.action", f"must be {action!r} on this endpoint", zh=f"此接口的操作应为 {action}"
        )


async def _household_of(session: AsyncSession, principal: Principal, query: IdQuery) -> Household | None:
    """The household a query names, if the caller may read it; None for every other case alike."""
    if query.type == "RESIDENT_ID":
        try:
            index = cipher.blind_index(normalize_resident_id(query.value), ID_FIELD)
        except ValueError:
            return None
        q = select(Household).join(Member, Member.household_id == Household.id)
        q = q.where(Member.id_index == index, Member.active)
    else:
        q = select(Household).where(Household.household_no == query.value)
    for household in (await session.execute(q)).scalars():
        if principal.covers(household.region_code):
            return household
    return None


async def record_of(session: AsyncSession, household: Household) -> MonitoringRecord | None:
    """The household as another registry may see it, under its valid consent to data sharing (else None)."""
    consent = await valid_consent(session, household.id, SHARING)
    if consent is None:
        return None
    case = (
        await session.execute(
            select(Case)
            .where(Case.household_id == household.id, Case.state == "monitored")
            .order_by(Case.updated_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return MonitoringRecord(
        household_no=household.household_no,
        region_code=household.region_code,
        region_name=regions().name(household.region_code),
        status=household.status,
        status_zh=zh(HOUSEHOLD_STATUS_ZH, household.status),
        assistance_status=household.assistance_status,
        object_type=case.object_type if case else None,
        risks=sorted({r["category"] for r in case.risks}) if case else [],
        consent={"consent_id": consent.id, "scope": Scope.data_sharing.value, "expires_on": consent.expires_on},
    )


async def search(session: AsyncSession, principal: Principal, request: SearchEnvelope) -> SearchResponse:
    _expect(request, "search")
    answers, read = [], []
    for item in request.message.search_request:
        household = await _household_of(session, principal, item.search_criteria.query)
        record = await record_of(session, household) if household else None
        if household is not None and record is not None:
            read.append((household.id, household.region_code))
        answers.append(
            SearchResponseItem(
                reference_id=item.reference_id,
                timestamp=clock.now(),
                status="succ",
                data=RecordSet(reg_records=[record] if record else []),
                locale=item.locale,
            )
        )
    purpose = f"DCI search {request.message.transaction_id} from {request.header.sender_id}"
    await audit.reads(session, principal, read, WHAT, purpose[:200])
    return SearchResponse(
        header=_header(request, "on-search", len(answers), len(answers)),
        message=SearchResponseMessage(
            transaction_id=request.message.transaction_id,
            correlation_id=str(uuid.uuid4()),
            search_response=answers,
        ),
    )


async def _notify_uri(request: SubscribeEnvelope) -> str:
    uri = request.header.sender_uri
    if uri is None:
        raise ValidationFailed.on(
            "header.sender_uri", "a subscription needs the URI its notifications go to", zh="订阅须填写接收通知的地址"
        )
    try:
        await targets.check(str(uri))
    except targets.Unresolved as e:
        raise targets.NotifyTargetRefused.because(str(e), "通知地址的主机名无法解析") from e
    return str(uri)


def _prefix_for(principal: Principal, wanted: str | None) -> str | None:
    """The part of the jurisdiction a subscription covers: the one asked for if it lies within the caller's,
    else the caller's own when it is one prefix."""
    if wanted is not None:
        return wanted if any(wanted.startswith(p) for p in principal.prefixes) else None
    return principal.prefixes[0] if len(principal.prefixes) == 1 else None


async def subscribe(session: AsyncSession, principal: Principal, request: SubscribeEnvelope) -> SubscribeResponse:
    _expect(request, "subscribe")
    uri = await _notify_uri(request)
    answers = []
    for item in request.message.subscribe_request:
        criteria = item.subscribe_criteria
        prefix = _prefix_for(principal, criteria.region_prefix)
        if prefix is None:
            answers.append(
                SubscribeResponseItem(
                    reference_id=item.reference_id,
                    timestamp=clock.now(),
                    status="rjct",
                    status_reason_code="rjct.region_prefix.invalid",
                )
            )
            continue
        subscription = RegistrySubscription(
            id=uuid.uuid4(),
            subscriber=principal.sub,
            subscriber_role=principal.role,
            department=principal.department,
            region_prefix=prefix,
            event_types=list(dict.fromkeys(criteria.reg_event_type)),
            notify_uri=uri,
            reference_id=item.reference_id,
        )
        session.add(subscription)
        answers.append(
            SubscribeResponseItem(
                reference_id=item.reference_id,
                timestamp=clock.now(),
                status="succ",
                subscription_code=subscription.id,
            )
        )
    await session.flush()
    done = sum(a.status == "succ" for a in answers)
    return SubscribeResponse(
        header=_header(request, "on-subscribe", len(answers), done),
        message=SubscribeResponseMessage(
            transaction_id=request.message.transaction_id,
            correlation_id=str(uuid.uuid4()),
            subscribe_response=answers,
        ),
    )


def mine(principal: Principal) -> Any:
    """The subscriptions a caller may see and end: its own (an admin's, all)."""
    q = select(RegistrySubscription)
    return q if principal.role == Role.admin else q.where(RegistrySubscription.subscriber == principal.sub)


async def unsubscribe(session: AsyncSession, principal: Principal, request: UnsubscribeEnvelope) -> list[uuid.UUID]:
    """End the caller's subscriptions named (another's, or an unknown code, is not ended): the codes ended."""
    _expect(request, "unsubscribe")
    q = mine(principal).where(
        RegistrySubscription.id.in_(request.message.subscription_codes), RegistrySubscription.ended_at.is_(None)
    )
    ended = []
    for subscription in (await session.execute(q.with_for_update())).scalars():
        subscription.ended_at, subscription.ended_by = clock.now(), principal.sub
        ended.append(subscription.id)
    return ended


async def identifiers(
    session: AsyncSession, principal: Principal, department: str, household_ids: list[uuid.UUID]
) -> list[IdentifiedHousehold]:
    """The members' resident IDs of the households on a department's list (as assistance last sent it), for a
    department entitled to them (DEPARTMENT_IDENTIFIERS), within its jurisdiction and under the household's
    consent to data sharing; every other id (not on the list, outside, no consent, unknown) is left out alike.
    Each household answered is an audited read."""
    if department not in settings.department_identifiers:
        raise Forbidden(
            f"The {department} department is not entitled to resident IDs (DEPARTMENT_IDENTIFIERS)",
            zh="该部门无权获取身份证号",
        )
    if principal.role == Role.department and principal.department != department:
        raise Forbidden(f"Only the {department} department account reads its identifiers", zh="只能读取本部门的清单")
    # Only households on the department's list now (assistance's entries, as intake keeps them): an id that is
    # not on it, whether it exists elsewhere or not at all, is left out as a random one is.
    on_list = select(DepartmentListing.household_id).where(
        DepartmentListing.department == department, DepartmentListing.listed
    )
    q = select(Household).where(Household.id.in_(household_ids), Household.id.in_(on_list)).order_by(Household.id)
    rows = (await session.execute(q)).scalars()
    answered = []
    for household in rows:
        if not principal.covers(household.region_code) or await valid_consent(session, household.id, SHARING) is None:
            continue
        members = (
            await session.execute(
                select(Member).where(Member.household_id == household.id, Member.active).order_by(Member.id)
            )
        ).scalars()
        answered.append(
            IdentifiedHousehold(
                household_id=household.id,
                household_no=household.household_no,
                region_code=household.region_code,
                members=[IdentifiedMember(relation=m.relation, resident_id=resident_id_of(m)) for m in members],
            )
        )
    purpose = f"department list identifiers ({department})"
    await audit.reads(session, principal, [(h.household_id, h.region_code) for h in answered], WHAT_IDS, purpose)
    return answered


async def changed(session: AsyncSession, household: Household, event_type: str) -> None:
    """A household's monitoring status changed (`monitored`, `eliminated`): queue a notification for every
    subscription that covers it and wants the event, if the household consented to the sharing. Called in
    the transaction that changes it, so the notification exists if and only if the change does."""
    subscriptions = [
        s
        for s in (
            await session.execute(
                select(RegistrySubscription).where(
                    RegistrySubscription.ended_at.is_(None), any_(RegistrySubscription.event_types) == event_type
                )
            )
        ).scalars()
        if household.region_code.startswith(s.region_prefix)
    ]
    if not subscriptions:
        return
    await session.flush()
    record = await record_of(session, household)
    if record is None:
        return
    for s in subscriptions:
        session.add(
            RegistryNotice(
                subscription_id=s.id,
                household_id=household.id,
                region_code=household.region_code,
                event_type=event_type,
                record=record.model_dump(mode="json"),
            )
        )
