"""The answers of asynchronous DCI requests (`on-search`, `on-subscribe`, `on-unsubscribe`, `txn-on-status`),
POSTed to the sender's `sender_uri` as `notify` messages are (`delivery`): to a target the deployment allows
only (`targets`, checked again at each attempt, the connection to the address checked), signed with the
gateway's key and with a bearer JWT of it, retried with a growing delay while the sender does not answer 2xx.

A search is answered when it is sent, under the consents then in force, each record an audited read; an
attempt that fails is undone (its reads and reference ids with it), so a read is recorded once, when the
sender took it."""

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal
from common.db import Database
from common.logging import log
from common.metrics import NOTIFY_REFUSED
from intake.registry import targets, transactions
from intake.registry.answers import SubscribeResponseMessage, UnsubscribeResponseMessage
from intake.registry.models import RegistryTransaction
from intake.registry.replies import signed

BATCH, MAX_DELAY_S = 20, 3600


async def answer(session: AsyncSession, txn: RegistryTransaction) -> dict[str, Any]:
    """The signed answer of an asynchronous request, as it stands now."""
    if txn.action == "search":
        found = await transactions.search_answer(session, txn, fresh=True)
        done = sum(a.status == "succ" for a in found.search_response)
        return signed(transactions.header(txn.sender_id, "on-search", len(found.search_response), done), found)
    if txn.action == "subscribe":
        made = SubscribeResponseMessage.model_validate(txn.answer)
        done = sum(a.status == "succ" for a in made.subscribe_response)
        return signed(transactions.header(txn.sender_id, "on-subscribe", len(made.subscribe_response), done), made)
    if txn.action == "unsubscribe":
        ended = UnsubscribeResponseMessage.model_validate(txn.answer)
        return signed(transactions.header(txn.sender_id, "on-unsubscribe", 1, int(ended.status == "succ")), ended)
    status, rejected = await transactions.status(session, txn)
    return signed(transactions.header(txn.sender_id, "txn-on-status", 1, 0 if rejected else 1, rejected), status)


async def deliver_answers(db: Database, client: httpx.AsyncClient, headers: Any) -> int:
    """Send the answers that are due (a batch, rows locked so replicas share the queue): how many were taken
    up. `headers(audience, message_id)` is the callback's authorization."""
    async with db.transaction() as session:
        rows = (
            (
                await session.execute(
                    select(RegistryTransaction)
                    .where(
                        RegistryTransaction.callback_uri.is_not(None),
                        RegistryTransaction.delivered_at.is_(None),
                        RegistryTransaction.withheld_at.is_(None),
                        RegistryTransaction.next_attempt_at <= clock.now(),
                    )
                    .order_by(RegistryTransaction.next_attempt_at)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            .scalars()
            .all()
        )
        for txn in rows:
            now, problem = clock.now(), None
            try:
                target = await targets.check(txn.callback_uri or "")
            except targets.NotifyTargetRefused as e:
                txn.withheld_at, txn.last_error = now, f"callback target refused: {e.detail}"[:500]
                NOTIFY_REFUSED.inc()
                continue
            except targets.Unresolved as e:
                problem = str(e)[:500]
            else:
                audience = Principal.model_validate(txn.principal).sub
                attempt = await session.begin_nested()
                body = await answer(session, txn)
                try:
                    sent = await client.post(
                        target.url,
                        json=body,
                        headers={**target.headers, **headers(audience, body["header"]["message_id"])},
                        extensions=target.extensions,
                    )
                    problem = None if sent.is_success else f"HTTP {sent.status_code}"
                except httpx.HTTPError as e:
                    problem = f"{type(e).__name__}: {e}"[:500]
                await (attempt.rollback() if problem else attempt.commit())
            txn.attempts += 1
            if problem is None:
                txn.delivered_at, txn.last_error = now, None
            else:
                txn.last_error = problem
                txn.next_attempt_at = now + dt.timedelta(seconds=min(2**txn.attempts, MAX_DELAY_S))
                log.warning("registry callback failed", correlation=str(txn.id), attempts=txn.attempts, error=problem)
        return len(rows)
