"""Subscribing by contract: a service lists the event contracts it applies and the function that applies
each (a typed event in), and, when a transaction's events should be followed by one piece of work (judging
every household whose data changed, once, on the final state), names that work where it subscribes:

    SUBSCRIPTIONS = subscribe(
        On(HouseholdUpdatedV1, projections.on_household),
        On(HousingRecordV1, batch=feeds.on_dept_records),
        then=alerts.reevaluate_many,
    )

A handler returns the households it changed (or None); `then` runs once before commit with all of them.
Event types of a subscribed topic that the service does not apply are other services' business and are
skipped; with `strict=True` (feeds: a department sending a type it has no contract for) a type that is no
contract of its topic goes to the dead-letter topic.
"""

import functools
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from common.db import before_commit
from common.events.envelope import BadEvent, Envelope
from common.messaging.consumer import Subscription
from contracts.base import EventContract
from contracts.topics import contract_for

C = TypeVar("C", bound=EventContract)
Touched = Iterable[uuid.UUID] | None


@dataclass(frozen=True)
class Received(Generic[C]):
    """An event with its envelope (for handlers that keep the event's id with what they store)."""

    event: C
    envelope: Envelope


@dataclass(frozen=True)
class On(Generic[C]):
    """How one contract's events are applied: `each` one at a time, or `batch` a run of them at once (the
    volume paths; a batch handler must mean the same as applying the events one by one in order)."""

    contract: type[C]
    each: Callable[[AsyncSession, C], Awaitable[Touched]] | None = None
    batch: Callable[[AsyncSession, list[Received[C]]], Awaitable[Touched]] | None = None

    def __post_init__(self) -> None:
        if (self.each is None) == (self.batch is None):
            raise ValueError(f"{self.contract.__name__}: give exactly one of each and batch")


Then = Callable[[AsyncSession, set[uuid.UUID]], Awaitable[Any]]


def subscribe(*ons: On[Any], then: Then | None = None, strict: bool = False) -> list[Subscription]:
    by_topic: dict[str, dict[str, On[Any]]] = {}
    for on in ons:
        handlers = by_topic.setdefault(on.contract.topic, {})
        if on.contract.type in handlers:
            raise ValueError(f"{on.contract.type} is subscribed twice")
        handlers[on.contract.type] = on
    return [
        Subscription(topic, batch_handler=_dispatcher(topic, handlers, then, strict))
        for topic, handlers in by_topic.items()
    ]


def _dispatcher(
    topic: str, handlers: dict[str, On[Any]], then: Then | None, strict: bool
) -> Callable[[AsyncSession, list[Envelope]], Awaitable[None]]:
    key = f"touched:{then.__module__}.{then.__qualname__}" if then else ""

    async def touched(session: AsyncSession, ids: Touched) -> None:
        if then is None or ids is None:
            return
        pending: set[uuid.UUID] = session.info.setdefault(key, set())
        pending.update(ids)

        async def run(s: AsyncSession) -> None:
            await then(s, s.info.pop(key, set()))

        before_commit(session, key, run)

    async def apply(session: AsyncSession, envelopes: list[Envelope]) -> None:
        """Runs of one type go to its batch handler together; the others one at a time, in order."""
        i = 0
        while i < len(envelopes):
            envelope = envelopes[i]
            on = handlers.get(envelope.type)
            if on is None:
                if strict and contract_for(topic, envelope.type) is None:
                    raise BadEvent(f"{envelope.type!r} is not an event type of {topic}")
                i += 1
                continue
            if on.batch is not None:
                j = i
                while j < len(envelopes) and envelopes[j].type == envelope.type:
                    j += 1
                run = [Received(e.payload(on.contract), e) for e in envelopes[i:j]]
                await touched(session, await on.batch(session, run))
                i = j
            else:
                assert on.each is not None
                await touched(session, await on.each(session, envelope.payload(on.contract)))
                i += 1

    apply.__qualname__ = f"apply[{topic}]"
    apply.ons = list(handlers.values())  # type: ignore[attr-defined]  # for readers and the guard test
    apply.then, apply.strict = then, strict  # type: ignore[attr-defined]  # for observed()
    return apply


Seen = Callable[[str, Any], None]


def watched(
    fn: Callable[[AsyncSession, Any], Awaitable[Any]], seen: Seen
) -> Callable[[AsyncSession, Any], Awaitable[Any]]:
    """`fn`, telling `seen` its name and what it is given before it runs."""

    @functools.wraps(fn)
    async def call(session: AsyncSession, given: Any) -> Any:
        seen(f"{fn.__module__}.{fn.__qualname__}", given)
        return await fn(session, given)

    return call


def observed(subscription: Subscription, seen: Seen) -> Subscription:
    """The same subscription, each of its handlers (and `then`) telling `seen` what it is given before it runs:
    the in-memory test broker's view of a handler (faststream's subscriber mock). The routing, the payload's
    validation and the handlers are the production ones."""
    apply = subscription.batch_handler
    if apply is None or not hasattr(apply, "ons"):  # a plain subscription (the ledger's, the calendar's)
        if subscription.handler is not None:
            return Subscription(subscription.topic, handler=watched(subscription.handler, seen))
        assert apply is not None
        return Subscription(subscription.topic, batch_handler=watched(apply, seen))
    ons: dict[str, On[Any]] = {
        on.contract.type: On(
            on.contract,
            each=watched(on.each, seen) if on.each else None,
            batch=watched(on.batch, seen) if on.batch else None,
        )
        for on in apply.ons
    }
    then, strict = apply.then, apply.strict  # type: ignore[attr-defined]  # set by _dispatcher
    watched_then = watched(then, seen) if then else None
    return Subscription(subscription.topic, batch_handler=_dispatcher(subscription.topic, ons, watched_then, strict))
