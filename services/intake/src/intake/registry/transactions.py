"""The DCI requests as transactions: each received one is kept (`RegistryTransaction`, its id the
`correlation_id`), so a sender asks its status later (`txn/status`, `sync/txn/status`) and an asynchronous
one is answered at the sender's `sender_uri` (`delivery`). Header-level refusals are the standard's
(MsgHeaderStatusReasonCode: a message_id used before, an action not this endpoint's, a total_count that is
not the number of requests); subscribe and unsubscribe are applied here, once (their reference ids and
message ids are taken), their results kept for the callback and for a status request."""

import json
import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal
from intake.crypto import cipher
from intake.registry import service, targets
from intake.registry.answers import (
    ResponseHeader,
    SearchResponseMessage,
    SubscribeResponseItem,
    SubscribeResponseMessage,
    SubscriptionInfo,
    SubscriptionState,
    TxnStatus,
    TxnStatusResponseMessage,
    UnsubscribeResponseMessage,
)
from intake.registry.models import RegistryReference, RegistrySubscription, RegistryTransaction
from intake.registry.schemas import (
    LEGACY_REG_TYPE,
    RECORD_TYPE,
    REG_TYPE,
    SearchMessage,
    SubscribeEnvelope,
    TxnStatusMessage,
    UnsubscribeMessage,
)

# The standard's event types (social registry: REGISTER) and the register's own, namespaced as the core
# standard's RegistryEventType asks of an implementation's: a household enters monitoring (纳入监测), its
# risk is eliminated (风险消除). Earlier clients' names are read too.
EVENT_TYPES = {
    "REGISTER": "monitored",
    "ns:cn:safetynet:RegistryEventType:Monitored": "monitored",
    "ns:cn:safetynet:RegistryEventType:RiskEliminated": "eliminated",
    "monitored": "monitored",
    "eliminated": "eliminated",
}
REQUEST_FIELD = "registry_request"  # the encryption's associated field name for a kept request
MAX_URI = 500  # as the subscriptions' notify URIs are kept
EVENT_NAMES = {"monitored": "REGISTER", "eliminated": "ns:cn:safetynet:RegistryEventType:RiskEliminated"}


class Rejected(Exception):
    """A message refused as a whole: the standard's header status reason code, and why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def request_of(txn: RegistryTransaction) -> dict[str, Any]:
    """The message a transaction kept (decrypted)."""
    return dict(json.loads(cipher.decrypt(txn.request_cipher, REQUEST_FIELD)))


def header(receiver: str, action: str, total: int, done: int, rejected: Rejected | None = None) -> ResponseHeader:
    return ResponseHeader(
        message_id=str(uuid.uuid4()),
        message_ts=clock.now(),
        action=action,
        status="rjct" if rejected else "succ",
        status_reason_code=rejected.code if rejected else None,
        status_reason_message=str(rejected)[:999] if rejected else None,
        total_count=total,
        completed_count=done,
        sender_id=service.GATEWAY_ID,
        receiver_id=receiver,
    )


async def begin(
    session: AsyncSession, principal: Principal, envelope: Any, action: str, items: int, *, callback: bool
) -> RegistryTransaction:
    """The request kept as a transaction, or refused: an action not this endpoint's, a total_count that is not
    its number of requests, a message_id the sender used before (a retry is never applied twice)."""
    head = envelope.header
    if head.action != action:
        raise Rejected("rjct.action.not_supported", f"the action on this endpoint is {action!r}")
    if head.total_count is not None and head.total_count != items:
        raise Rejected("rjct.total_count.invalid", f"total_count is {head.total_count}, the requests {items}")
    uri = str(head.sender_uri) if callback and head.sender_uri else None
    if uri is not None:
        if len(uri) > MAX_URI:
            raise targets.NotifyTargetRefused.because(f"sender_uri is over {MAX_URI} characters", "回调地址过长")
        await targets.checked(uri)
    txn = {
        "id": uuid.uuid4(),
        "sender_id": head.sender_id,
        "message_id": head.message_id,
        "transaction_id": envelope.message.transaction_id,
        "action": action,
        "principal": principal.model_dump(mode="json"),
        "request_cipher": cipher.encrypt(json.dumps(envelope.message.model_dump(mode="json")), REQUEST_FIELD),
        "callback_uri": uri,
        "created_at": clock.now(),
        "next_attempt_at": clock.now(),
    }
    added = await session.execute(insert(RegistryTransaction).values(**txn).on_conflict_do_nothing().returning(1))
    if added.first() is None:
        raise Rejected("rjct.message_id.duplicate", "this message_id was received before")
    return await session.get_one(RegistryTransaction, txn["id"])


def _prefix(principal: Principal, criteria: Any) -> str | None:
    """The part of the jurisdiction a subscription covers: its filter's region (`{"region": "5325"}`, a
    predicate on `region`, or `region_prefix`) if within the caller's, else the caller's own one prefix."""
    wanted = criteria.region_prefix
    found = criteria.filter
    if isinstance(found, dict):
        wanted = wanted or found.get("region") or found.get("region_code")
        if isinstance(found.get("expression1"), dict):
            wanted = wanted or found["expression1"].get("attribute_value")
    elif isinstance(found, list) and found and isinstance(found[0], dict):
        wanted = wanted or (found[0].get("expression1") or {}).get("attribute_value")
    if wanted is not None:
        wanted = str(wanted)
        prefix = wanted.isdigit() and len(wanted) in (2, 4, 6, 9, 12)
        return wanted if prefix and principal.covers(wanted) else None
    return principal.prefixes[0] if len(principal.prefixes) == 1 else None


async def subscribe(
    session: AsyncSession, principal: Principal, request: SubscribeEnvelope, txn: RegistryTransaction
) -> None:
    """The subscriptions made, each request's result kept as the `on-subscribe` answer."""
    answers = []
    for item in request.message.subscribe_request:
        criteria = item.subscribe_criteria
        asked = criteria.reg_event_type if isinstance(criteria.reg_event_type, list) else [criteria.reg_event_type]
        events = [EVENT_TYPES.get(e) for e in asked]
        prefix = _prefix(principal, criteria)

        def refused(code: str, message: str, item: Any = item) -> SubscribeResponseItem:
            return SubscribeResponseItem(
                reference_id=item.reference_id,
                timestamp=clock.now(),
                status="rjct",
                status_reason_code=code,
                status_reason_message=message,
                locale=service.locale_of(item.locale),
            )

        if await service.taken(session, request.header.sender_id, "subscribe", item.reference_id, txn.id):
            answers.append(refused("rjct.reference_id.duplicate", "this reference_id was used before"))
        elif not events or None in events or criteria.reg_type not in (None, REG_TYPE, LEGACY_REG_TYPE):
            answers.append(refused("rjct.notify_types.invalid", f"event types: {', '.join(EVENT_NAMES.values())}"))
        elif prefix is None:
            answers.append(refused("rjct.notify_details.invalid", "the filter's region is not within the jurisdiction"))
        else:
            subscription = RegistrySubscription(
                id=uuid.uuid4(),
                subscriber=principal.sub,
                subscriber_role=principal.role,
                department=principal.department,
                region_prefix=prefix,
                event_types=list(dict.fromkeys(e for e in events if e)),
                notify_uri=txn.callback_uri or "",
                reference_id=item.reference_id,
            )
            session.add(subscription)
            region = [{"expression1": {"attribute_name": "region", "operator": "eq", "attribute_value": prefix}}]
            info = [
                SubscriptionInfo(
                    code=str(subscription.id),
                    subscription_code=str(subscription.id),
                    status="subscribe",
                    timestamp=clock.now(),
                    reg_event_type=EVENT_NAMES[e],
                    filter=region,
                    subscribe_criteria={
                        "reg_type": REG_TYPE,
                        "reg_event_type": EVENT_NAMES[e],
                        "filter_type": "predicate",
                        "filter": region,
                        "notify_record_type": RECORD_TYPE,
                    },
                    locale=service.locale_of(item.locale),
                )
                for e in subscription.event_types
            ]
            answers.append(
                SubscribeResponseItem(
                    reference_id=item.reference_id,
                    timestamp=clock.now(),
                    status="succ",
                    subscriptions=info,
                    locale=service.locale_of(item.locale),
                )
            )
    await session.flush()
    message = SubscribeResponseMessage(
        transaction_id=request.message.transaction_id, correlation_id=str(txn.id), subscribe_response=answers
    )
    txn.answer = message.model_dump(mode="json", exclude_none=True)


async def unsubscribe(
    session: AsyncSession, principal: Principal, message: UnsubscribeMessage, txn: RegistryTransaction
) -> None:
    """End the caller's subscriptions named (another's, or an unknown code, is not ended): the
    `on-unsubscribe` answer kept, each code's state in it."""
    codes = list(dict.fromkeys(message.subscription_codes))
    q = service.mine(principal).where(RegistrySubscription.id.in_(codes))
    found = {s.id: s for s in (await session.execute(q.with_for_update())).scalars()}
    for subscription in found.values():
        if subscription.ended_at is None:
            subscription.ended_at, subscription.ended_by = clock.now(), principal.sub
    unknown = [c for c in codes if c not in found]
    states = [SubscriptionState(code=str(c), status="unsubscribe") for c in codes if c in found]
    answer = UnsubscribeResponseMessage(
        transaction_id=message.transaction_id,
        correlation_id=str(txn.id),
        timestamp=clock.now(),
        status="rjct" if unknown else "succ",
        status_reason_code="rjct.subscription_code.invalid" if unknown else None,
        status_reason_message=f"not this sender's subscriptions: {len(unknown)}" if unknown else None,
        subscription_status=states,
    )
    txn.answer = answer.model_dump(mode="json", exclude_none=True)


async def search_answer(session: AsyncSession, txn: RegistryTransaction, *, fresh: bool) -> SearchResponseMessage:
    principal = Principal.model_validate(txn.principal)
    message = SearchMessage.model_validate(request_of(txn))
    answers = await service.search(session, principal, txn.sender_id, message, txn.id, fresh=fresh)
    return SearchResponseMessage(transaction_id=txn.transaction_id, correlation_id=str(txn.id), search_response=answers)


ANSWERED = {"search": "on-search", "subscribe": "on-subscribe", "unsubscribe": "on-unsubscribe"}


async def _asked(session: AsyncSession, sender_id: str, message: TxnStatusMessage) -> RegistryTransaction | None:
    """The sender's own transaction a status request names (another sender's is not found, alike)."""
    query = message.txnstatus_request
    q = select(RegistryTransaction).where(
        RegistryTransaction.sender_id == sender_id, RegistryTransaction.action == query.txn_type
    )
    values = query.attribute_value if isinstance(query.attribute_value, list) else [query.attribute_value]
    if query.attribute_type == "transaction_id":
        q = q.where(RegistryTransaction.transaction_id.in_(values))
    elif query.attribute_type == "correlation_id":
        ids = [uuid.UUID(v) for v in values if _is_uuid(v)]
        q = q.where(RegistryTransaction.id.in_(ids))
    elif query.attribute_type == "reference_id_list":
        references = select(RegistryReference.correlation_id).where(
            RegistryReference.sender_id == sender_id,
            RegistryReference.action == query.txn_type,
            RegistryReference.reference_id.in_(values),
        )
        q = q.where(RegistryTransaction.id.in_(references))
    else:
        codes = [v for v in values if _is_uuid(v)]
        made = select(RegistrySubscription.reference_id).where(
            RegistrySubscription.id.in_([uuid.UUID(c) for c in codes])
        )
        references = select(RegistryReference.correlation_id).where(
            RegistryReference.sender_id == sender_id, RegistryReference.reference_id.in_(made)
        )
        q = q.where(RegistryTransaction.id.in_(references))
    q = q.order_by(RegistryTransaction.created_at.desc()).limit(1)
    return (await session.execute(q)).scalar_one_or_none()


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def status(session: AsyncSession, txn: RegistryTransaction) -> tuple[TxnStatusResponseMessage, Rejected | None]:
    """A status request's answer: the transaction it names answered as it stands (a search answered anew,
    under the consents in force now, an audited read), or a refusal if the sender has no such transaction."""
    message = TxnStatusMessage.model_validate(request_of(txn))
    kind = message.txnstatus_request.txn_type
    found = await _asked(session, txn.sender_id, message)
    rejected = None
    result: BaseModel
    if found is None:
        rejected = Rejected("rjct.action.invalid", "no such transaction of this sender")
        result = SearchResponseMessage(transaction_id=message.transaction_id, correlation_id="", search_response=[])
    elif kind == "search":
        result = await search_answer(session, found, fresh=False)
    elif kind == "subscribe":
        result = SubscribeResponseMessage.model_validate(found.answer)
    else:
        result = UnsubscribeResponseMessage.model_validate(found.answer)
    answer = TxnStatusResponseMessage(
        transaction_id=message.transaction_id,
        correlation_id=str(txn.id),
        txnstatus_response=TxnStatus(txn_type=ANSWERED[kind], txn_status=result),
    )
    return answer, rejected
