"""Delivery of the gateway's `notify` messages to their subscribers: a loop over the queued notifications,
each sent once it is due, retried with a growing delay while the subscriber does not answer 2xx, and
withheld (never sent) if the household's consent lapsed or the subscription ended meanwhile, or if its target
is no longer one notifications may go to (`targets`). A delivered
notification is a read of the household's data by the subscriber, recorded in the access audit."""

import asyncio
import datetime as dt
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import select

from common import clock
from common.auth import Principal, Role
from common.db import Database
from common.logging import log
from common.metrics import NOTIFY_REFUSED
from intake.config import settings
from intake.consents.service import valid_consent
from intake.mechanisms import audit
from intake.registry import callbacks, entities, signing, targets, transactions
from intake.registry.answers import RecordSet
from intake.registry.models import RegistryNotice, RegistrySubscription
from intake.registry.replies import signed
from intake.registry.schemas import LOCALE
from intake.registry.service import SHARING, WHAT

IDLE_S, BATCH = 1.0, 20
MAX_DELAY_S = 3600


def envelope(notice: RegistryNotice, subscription: RegistrySubscription) -> dict:
    """The `notify` message (NotifyEventRequest under a MsgCallbackHeader), signed with the gateway's key at
    each attempt (a retry is a new signature, valid from when it is sent)."""
    header = transactions.header(subscription.subscriber, "notify", 1, 1)
    header.message_id = str(notice.id)
    record = entities.stored(notice.record)
    data = RecordSet(
        reg_event_type=transactions.EVENT_NAMES.get(notice.event_type, notice.event_type),
        reg_records=entities.records([record]),
    )
    event = {
        "reference_id": str(notice.id),
        "timestamp": notice.created_at.isoformat(),
        "subscription_code": str(subscription.id),
        "data": {**data.model_dump(mode="json", by_alias=True, exclude_none=True), "response_entity": "Household"},
        "locale": LOCALE,
    }
    message = NotifyMessage(transaction_id=str(notice.id), notify_event=[event])
    return signed(header, message)


def authorization(audience: str, message_id: str) -> dict[str, str]:
    """A callback's authorization: a bearer JWT of the gateway's key for this subscriber and message."""
    return {"Authorization": "Bearer " + signing.bearer(signing.own_key(), audience, message_id)}


class NotifyMessage(BaseModel):
    transaction_id: str
    notify_event: list[dict[str, Any]]


def _subscriber(s: RegistrySubscription) -> Principal:
    return Principal(sub=s.subscriber, role=Role(s.subscriber_role), region=s.region_prefix, department=s.department)


async def deliver_due(db: Database, client: httpx.AsyncClient) -> int:
    """Send the notifications that are due (a batch, rows locked so replicas share the queue): how many were
    taken up."""
    async with db.transaction() as session:
        rows = (
            await session.execute(
                select(RegistryNotice, RegistrySubscription)
                .join(RegistrySubscription, RegistrySubscription.id == RegistryNotice.subscription_id)
                .where(
                    RegistryNotice.delivered_at.is_(None),
                    RegistryNotice.withheld_at.is_(None),
                    RegistryNotice.next_attempt_at <= clock.now(),
                )
                .order_by(RegistryNotice.next_attempt_at)
                .limit(BATCH)
                .with_for_update(of=RegistryNotice, skip_locked=True)
            )
        ).all()
        for notice, subscription in rows:
            now = clock.now()
            if subscription.ended_at is not None or await valid_consent(session, notice.household_id, SHARING) is None:
                notice.withheld_at = now
                notice.last_error = "subscription ended" if subscription.ended_at else "no valid consent to sharing"
                continue
            try:
                # Checked again at every delivery: the name may resolve elsewhere now, and the rules may have
                # changed since the subscription. The connection goes to the address checked.
                target = await targets.check(subscription.notify_uri)
                answer = await client.post(
                    target.url,
                    json=envelope(notice, subscription),
                    headers={**target.headers, **authorization(subscription.subscriber, str(notice.id))},
                    extensions=target.extensions,
                )
                problem = None if answer.is_success else f"HTTP {answer.status_code}"
            except targets.NotifyTargetRefused as e:
                # Not sent, and not tried again: the subscriber has to subscribe with a target that is allowed.
                notice.withheld_at, notice.last_error = now, f"notify target refused: {e.detail}"[:500]
                NOTIFY_REFUSED.inc()
                log.warning("registry notify target refused", notice=str(notice.id), error=e.detail)
                continue
            except targets.Unresolved as e:
                problem = str(e)[:500]
            except httpx.HTTPError as e:
                problem = f"{type(e).__name__}: {e}"[:500]
            notice.attempts += 1
            if problem is None:
                notice.delivered_at, notice.last_error = now, None
                purpose = f"DCI notify {notice.event_type} to {subscription.notify_uri}"[:200]
                reader = _subscriber(subscription)
                await audit.read(session, reader, notice.household_id, notice.region_code, WHAT, purpose)
            else:
                notice.last_error = problem
                notice.next_attempt_at = now + dt.timedelta(seconds=min(2**notice.attempts, MAX_DELAY_S))
                log.warning("registry notify failed", notice=str(notice.id), attempts=notice.attempts, error=problem)
        return len(rows)


async def delivery_loop(app: FastAPI) -> None:
    db: Database = app.state.db
    # No redirects (a 3xx is a failed attempt), and no proxy from the environment: the connection must go to
    # the address the target check approved.
    async with httpx.AsyncClient(
        timeout=settings.registry_notify_timeout_s, follow_redirects=False, trust_env=False
    ) as client:
        while True:
            notified = await deliver_due(db, client)
            if not notified + await callbacks.deliver_answers(db, client, authorization):
                await asyncio.sleep(IDLE_S)
